// Child process of the federation benchmark: Hive Gateway (@graphql-hive/gateway, this folder's own
// install) over SUPERGRAPH_PATH on 127.0.0.1:PORT, in one process on node:http, announced with one
// `BENCH_READY {"url":…}` line (bench/processes.ts). Plain JavaScript run by plain node, so that no
// transpiler sits in its memory. Variants (HIVE_VARIANT):
//   default    its defaults: subgraph calls deduplicated in flight, inbound deduplication off
//   inbound    plus its opt-in inbound in-flight deduplication (inboundInflightRequestDeduplication)
//   off        every deduplication off (the HTTP transport's deduplicateInflightRequests: false)
//   router     its defaults with the Rust query planner (@graphql-hive/router-runtime)
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import process from 'node:process';
import { setTimeout } from 'node:timers';
import { createGatewayRuntime } from '@graphql-hive/gateway';

const variant = process.env.HIVE_VARIANT ?? 'default';
const supergraph = readFileSync(process.env.SUPERGRAPH_PATH ?? '', 'utf8');
const config = { supergraph };
if (variant === 'inbound') config.inboundInflightRequestDeduplication = true;
if (variant === 'off') config.transportEntries = { '*.http': { options: { deduplicateInflightRequests: false } } };
if (variant === 'router') config.unifiedGraphHandler = (await import('@graphql-hive/router-runtime')).unifiedGraphHandler;
if (!['default', 'inbound', 'off', 'router'].includes(variant)) throw new Error(`HIVE_VARIANT must be default, inbound, off or router, got "${variant}"`);

const gateway = createGatewayRuntime(config);
const server = createServer(gateway);
server.keepAliveTimeout = 600_000;
await new Promise((resolve, reject) => {
  server.once('error', reject);
  server.listen(Number(process.env.PORT ?? 0), '127.0.0.1', resolve);
});
const { port } = server.address();
process.stdout.write(`BENCH_READY ${JSON.stringify({ url: `http://127.0.0.1:${port}/graphql` })}\n`);

let closing = false;
const stop = () => {
  if (closing) return;
  closing = true;
  setTimeout(() => process.exit(0), 3_000).unref();
  server.close(() => void gateway.dispose().finally(() => process.exit(0)));
  server.closeAllConnections();
};
process.stdin.on('end', stop);
process.stdin.on('close', stop);
process.stdin.resume();
process.once('SIGTERM', stop);
process.once('SIGINT', stop);
