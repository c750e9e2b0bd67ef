/**
 * Child process for `--layout stack`: the project stack exactly as startStack (scripts/stack.ts)
 * runs it, every subgraph and the gateway in one process, configured from this process's
 * environment (AUTH_*, NODE_ENV, … set by bench/run.ts).
 */
import { startStack } from '../scripts/stack';
import { announceReady } from './processes';

const stack = await startStack({
  mongoUri: process.env.MONGODB_URI ?? '',
  databasePrefix: process.env.DATABASE_PREFIX ?? '',
  production: process.env.NODE_ENV === 'production',
  gatewayEnv: process.env,
});
const subgraphUrls = Object.fromEntries([...stack.subgraphs.values()].map((subgraph) => [subgraph.name, subgraph.server.url]));
announceReady({ url: stack.gateway.url, subgraphUrls }, stack.close);
