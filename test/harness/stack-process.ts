/**
 * The stack of the project this file is in (scripts/stack.ts: every subgraph and the gateway, free
 * loopback ports) as a child process, for tests that run a copy of the project:
 *
 *   cd <copy> && MONGODB_URI=… DATABASE_PREFIX=… AUTH_JWT_PRIVATE_KEY=… node --import tsx test/harness/stack-process.ts
 *
 * prints one line `STACK {"gateway": url, "subgraphs": {name: url}}` when it is up, and closes
 * (servers drained, MongoDB clients closed) on SIGTERM or SIGINT.
 */
import { startStack } from '../../scripts/stack';

const { MONGODB_URI, DATABASE_PREFIX, AUTH_JWT_PRIVATE_KEY } = process.env;
if (!MONGODB_URI || !DATABASE_PREFIX || !AUTH_JWT_PRIVATE_KEY) {
  console.error('Set MONGODB_URI, DATABASE_PREFIX and AUTH_JWT_PRIVATE_KEY');
  process.exit(2);
}
const stack = await startStack({ mongoUri: MONGODB_URI, databasePrefix: DATABASE_PREFIX, gatewayEnv: { AUTH_JWT_PRIVATE_KEY, RESPONSE_CACHE: 'false' } });
console.log(`STACK ${JSON.stringify({ gateway: stack.gateway.url, subgraphs: Object.fromEntries([...stack.subgraphs].map(([name, subgraph]) => [name, subgraph.server.url])) })}`);
const stop = async () => {
  await stack.close();
  process.exit(0);
};
process.once('SIGTERM', () => void stop());
process.once('SIGINT', () => void stop());
