/**
 * CPU per request with every cache and deduplication off: the project gateway
 * (RESPONSE_CACHE, DEDUPLICATE_INBOUND_REQUESTS and DEDUPLICATE_SUBGRAPH_REQUESTS false) against
 * stock @apollo/gateway (stock-gateway.ts), optionally against the gateway of another checkout
 * (`--baseline <dir>`, e.g. the previous commit exported with `git archive`), over the same
 * subgraphs with the seed data, each gateway in its own process. Every subgraph sits behind a
 * recording proxy (replay-proxy.ts; `--no-replay` to load the subgraphs themselves). Interleaved
 * rounds of the dashboard and of a nested list query; req/s, p50 and CPU ms per request from
 * /proc/<pid>/stat, medians, ratios to stock. Auth and signing on, as in production.
 *
 *   MONGODB_URI=… node --import tsx bench/gateway-cpu.ts [--rounds 3] [--seconds 8] [--connections 30] [--baseline DIR] [--cpu-prof DIR] [--no-replay]
 */
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { MongoClient } from 'mongodb';
import { SUPERGRAPH_PATH } from '../scripts/stack';
import { databaseName } from '../subgraphs/common/mongo';
import { SUBGRAPH_NAMES } from '../subgraphs/launch';
import { loadSeed, type SeedDatabases } from '../seed/load';
import { benchAuth } from './auth';
import { failures, graphqlBody, percentile, runLoad, type GraphQLRequest } from './load';
import { BENCH_DIR, cpuMsOf, freePort, installCleanup, spawnCsrSubgraph, spawnServer, type BenchChild } from './processes';
import { replayProxy, type ReplayProxy } from './replay-proxy';
import { DASHBOARD } from './workloads';

const { values } = parseArgs({
  options: {
    rounds: { type: 'string', default: '3' },
    seconds: { type: 'string', default: '8' },
    connections: { type: 'string', default: '30' },
    baseline: { type: 'string' },
    'cpu-prof': { type: 'string' },
    'no-replay': { type: 'boolean', default: false },
  },
});
const rounds = Number(values.rounds);
const seconds = Number(values.seconds);
const connections = Number(values.connections);
const LOG_DIR = path.join(BENCH_DIR, 'results', 'logs');

const WORKLOADS: Record<string, GraphQLRequest> = {
  dashboard: DASHBOARD,
  nested: { query: 'query Nested { subsidiaries { code name initiatives(first: 20) { nodes { id title expenses(first: 10) { id amount { amount currency } } } } } }' },
};

interface Target {
  url: string;
  pid: number;
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

installCleanup();
const mongoUri = process.env.MONGODB_URI;
if (!mongoUri) throw new Error('Set MONGODB_URI (e.g. scripts/mongo-test-server.sh start 0)');
const client = await new MongoClient(mongoUri).connect();
const prefix = `cpu_${randomBytes(3).toString('hex')}_`;
const databases = Object.fromEntries(SUBGRAPH_NAMES.map((name) => [name, databaseName(prefix, name)])) as unknown as SeedDatabases;
await loadSeed(client, databases);
const auth = await benchAuth();
const common = { NODE_ENV: 'production', LOG_LEVEL: 'warn', ...auth.env };
const children: BenchChild<unknown>[] = [];
const proxies: ReplayProxy[] = [];
const profile = (name: string) => (values['cpu-prof'] ? { nodeArgs: ['--cpu-prof', `--cpu-prof-dir=${path.join(values['cpu-prof'], name)}`] } : {});

async function projectGateway(name: string, script: string, subgraphUrls: Record<string, string>): Promise<Target> {
  const port = await freePort();
  const child = await spawnServer({
    name,
    script,
    env: {
      ...common,
      ...auth.gatewayEnv,
      PORT: String(port),
      HOST: '127.0.0.1',
      SUPERGRAPH_PATH,
      WATCH_SUPERGRAPH: 'false',
      RESPONSE_CACHE: 'false',
      DEDUPLICATE_INBOUND_REQUESTS: 'false',
      DEDUPLICATE_SUBGRAPH_REQUESTS: 'false',
      ...Object.fromEntries(Object.entries(subgraphUrls).map(([subgraph, url]) => [`SUBGRAPH_URL_${subgraph.toUpperCase()}`, url])),
    },
    logFile: path.join(LOG_DIR, `cpu-${name}.log`),
    healthUrl: `http://127.0.0.1:${port}/health`,
    ...profile(name),
  });
  children.push(child);
  return { url: `http://127.0.0.1:${port}/graphql`, pid: child.pid };
}

try {
  const subgraphs = await Promise.all(
    SUBGRAPH_NAMES.map(async (name) => {
      const { url, child } = await spawnCsrSubgraph(name, {
        env: { ...common, ...auth.reportingEnv(name), MONGODB_URI: mongoUri, DATABASE_PREFIX: prefix },
        logFile: path.join(LOG_DIR, `cpu-subgraph-${name}.log`),
      });
      children.push(child);
      if (values['no-replay']) return [name, url] as const;
      const proxy = await replayProxy(url);
      proxies.push(proxy);
      return [name, proxy.url] as const;
    }),
  );
  const subgraphUrls = Object.fromEntries(subgraphs);
  const targets: Record<string, Target> = { project: await projectGateway('project', 'gateway/src/main.ts', subgraphUrls) };
  if (values.baseline) targets.baseline = await projectGateway('baseline', path.relative(path.resolve(BENCH_DIR, '..'), path.resolve(values.baseline, 'gateway/src/main.ts')), subgraphUrls);
  const stock = await spawnServer<{ url: string }>({ name: 'stock', script: 'bench/serve-stock.ts', env: { ...common, ...auth.gatewayEnv, BENCH_SUBGRAPH_URLS: JSON.stringify(subgraphUrls) }, logFile: path.join(LOG_DIR, 'cpu-stock.log'), ...profile('stock') });
  children.push(stock);
  targets.stock = { url: stock.info.url, pid: stock.pid };

  const rows: string[] = [];
  for (const [workload, request] of Object.entries(WORKLOADS)) {
    const body = graphqlBody(request);
    const answers = await Promise.all(Object.entries(targets).map(async ([name, target]) => [name, await (await fetch(target.url, { method: 'POST', headers: { 'content-type': 'application/json', ...auth.headers }, body })).text()] as const));
    const dataOf = (text: string) => JSON.stringify((JSON.parse(text) as { data?: unknown }).data);
    const reference = dataOf(answers.find(([name]) => name === 'stock')![1]);
    for (const [name, text] of answers) {
      if (text.includes('"errors"') || dataOf(text) !== reference) throw new Error(`${workload}: the ${name} gateway's answer differs from stock's: ${text.slice(0, 300)}`);
    }
    for (const target of Object.values(targets)) await runLoad({ label: 'warm-up', url: target.url, connections, budget: { seconds: 3 }, headers: auth.headers, requests: [{ body }] });
    const measured: Record<string, { rps: number[]; cpu: number[]; p50: number[] }> = {};
    for (let round = 0; round < rounds; round += 1) {
      const names = Object.keys(targets);
      const order = names.map((_, index) => names[(index + round) % names.length]!);
      for (const name of round % 2 === 0 ? order : order.reverse()) {
        const target = targets[name]!;
        const before = cpuMsOf(target.pid);
        const result = await runLoad({ label: `${workload} ${name}`, url: target.url, connections, budget: { seconds }, headers: auth.headers, requests: [{ body }] });
        const cpuMs = cpuMsOf(target.pid) - before;
        if (failures(result) > 0) throw new Error(`${workload} on the ${name} gateway: ${failures(result)} failed requests, the first: ${result.firstFailure}`);
        const row = (measured[name] ??= { rps: [], cpu: [], p50: [] });
        row.rps.push(result.requestsPerSecond);
        row.cpu.push(cpuMs / result.requests);
        row.p50.push(percentile(result.latencies, 0.5));
        console.error(`round ${round + 1} ${workload} ${name}: ${result.requestsPerSecond.toFixed(1)} req/s, ${(cpuMs / result.requests).toFixed(2)} CPU ms/request`);
      }
    }
    const stockRow = measured.stock!;
    for (const [name, row] of Object.entries(measured)) {
      rows.push(`| ${workload} | ${name} | ${median(row.rps).toFixed(1)} | ${median(row.p50).toFixed(1)} | ${median(row.cpu).toFixed(2)} | ${(median(row.cpu) / median(stockRow.cpu)).toFixed(2)}× |`);
    }
  }
  console.log(`\n${connections} connections, ${rounds} interleaved rounds of ${seconds} s, medians; subgraphs ${values['no-replay'] ? 'loaded directly' : 'replayed after the first answer'}; Node ${process.versions.node}\n`);
  console.log('| workload | gateway | req/s | p50 ms | CPU ms/request | CPU vs stock |\n|---|---|--:|--:|--:|--:|');
  for (const row of rows) console.log(row);
} finally {
  for (const child of children) await child.stop();
  for (const proxy of proxies) await proxy.close();
  for (const name of Object.values(databases)) await client.db(name).dropDatabase().catch(() => undefined);
  await client.close();
}
