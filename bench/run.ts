/**
 * `npm run bench [-- --scenario all|csr|federation --sizes 10000,100000 --duration 10 --connections 10 --layout split|stack --cpu-prof]`
 *
 * For each size: generates the data into fresh databases, starts the subgraphs and the project
 * gateway (their own entry points, one process each) and a stock Apollo gateway over the same
 * subgraphs, warms them up, drives the three workloads with autocannon, replays the dashboard's
 * query plan straight against the subgraphs (the floor), and prints a Markdown report (also
 * written to bench/results/latest.md, with the raw numbers in latest.json). Everything it
 * started is stopped at the end, on errors and on Ctrl-C. The general federation scenario
 * (bench/federation/scenario.ts: small subgraphs, this gateway vs stock and Hive Gateway) runs after
 * the CSR workloads, or alone with `--scenario federation`.
 */
import { randomBytes } from 'node:crypto';
import { mkdirSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { MongoClient } from 'mongodb';
import { startMongoServer, type StartedMongoServer } from '../platform/mongo-server';
import { SUPERGRAPH_PATH } from '../scripts/stack';
import { databaseName } from '../subgraphs/common/mongo';
import { SUBGRAPH_NAMES } from '../subgraphs/launch';
import type { SeedDatabases } from '../seed/load';
import { benchAuth, type BenchAuth } from './auth';
import { extractAll, medianExtraction, type ExtractionResult } from './bi';

/** Measured BI extractions per gateway, after one of warm-up each, in interleaved order. */
const BI_ROUNDS = 3;
import { explainQueries } from './explain';
import { isRealMongod } from '../platform/mongo-server';
import { recordFetches, replayPlan, type RecordedFetch } from './floor';
import { generateDataset, initiativeCount, participationCount } from './generate';
import { failures, graphqlBody, percentile, runLoad, type LoadResult, type LoadSpec } from './load';
import { BENCH_DIR, childPids, freePort, installCleanup, spawnCsrSubgraph, spawnServer, watchResources, type BenchChild } from './processes';
import { summarizeProfile, type ProfileSummary } from './profile';
import { renderReport, type FetchTiming, type Measured, type RunInfo, type SizeResults } from './report';
import { BI_PAGE_SIZE, DASHBOARD, DASHBOARD_FISCAL_YEAR, INITIATIVE_LIST, fanOut, recordExpense } from './workloads';
import { renderFederationReport, renderFederationSection } from './federation/report';
import { runFederationScenario, type FederationResults } from './federation/scenario';

const RESULTS_DIR = path.join(BENCH_DIR, 'results');
const LOG_DIR = path.join(RESULTS_DIR, 'logs');
const PROFILE_DIR = path.join(RESULTS_DIR, 'profiles');

interface Options {
  sizes: number[] | null;
  duration: number;
  connections: number;
  layout: 'split' | 'stack';
  /** Write a V8 CPU profile of every server process to bench/results/profiles/. */
  cpuProf: boolean;
  /** all: the CSR workloads, then the general federation scenario; or one of them. */
  scenario: 'all' | 'csr' | 'federation';
  /** The federation scenario's clients and interleaved rounds. */
  federationConnections: number;
  rounds: number;
}

function parseOptions(): Options {
  const { values } = parseArgs({
    options: {
      sizes: { type: 'string' },
      duration: { type: 'string', default: '10' },
      connections: { type: 'string', default: '10' },
      layout: { type: 'string', default: 'split' },
      'cpu-prof': { type: 'boolean', default: false },
      scenario: { type: 'string', default: 'all' },
      'federation-connections': { type: 'string', default: '50' },
      rounds: { type: 'string', default: '2' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    console.log('npm run bench [-- --scenario all|csr|federation --sizes 10000,100000 --duration 10 --connections 10 --layout split|stack --cpu-prof --federation-connections 50 --rounds 2]');
    process.exit(0);
  }
  const positive = (text: string, name: string) => {
    const value = Number(text);
    if (!Number.isInteger(value) || value < 1) throw new Error(`--${name} must be a positive whole number, got "${text}"`);
    return value;
  };
  if (values.layout !== 'split' && values.layout !== 'stack') throw new Error(`--layout must be split or stack, got "${values.layout}"`);
  if (values.scenario !== 'all' && values.scenario !== 'csr' && values.scenario !== 'federation') throw new Error(`--scenario must be all, csr or federation, got "${values.scenario}"`);
  return {
    sizes: values.sizes ? values.sizes.split(',').map((size) => positive(size.replace(/_/g, '').trim(), 'sizes')) : null,
    duration: positive(values.duration, 'duration'),
    connections: positive(values.connections, 'connections'),
    layout: values.layout,
    cpuProf: values['cpu-prof'] ?? false,
    scenario: values.scenario,
    federationConnections: positive(values['federation-connections'], 'federation-connections'),
    rounds: positive(values.rounds, 'rounds'),
  };
}

/** Heap for mongo-java-server: ~6 KB per document of the largest size, at least 1 GB. */
function javaHeapFor(size: number): string {
  const documents = 4 * (size + initiativeCount(size) + participationCount(size) + 60) + 50_000;
  const gigabytes = Math.min(Math.max(1, Math.ceil((documents * 6 * 1024) / 2 ** 30) + 1), Math.floor(totalmem() / 2 ** 30) - 4);
  return `${gigabytes}g`;
}

const log = (message: string) => process.stderr.write(`[bench] ${message}\n`);

/** Everything that serves one size: the subgraphs, the gateways, and where to reach them. */
interface Servers {
  children: BenchChild<unknown>[];
  projectUrl: string;
  /** The project gateway with RESPONSE_CACHE=false, its own process over the same subgraphs. */
  projectNoCacheUrl: string;
  stockUrl: string;
  subgraphUrls: Record<string, string>;
  pids: { project: number[]; projectNoCache: number[]; stock: number[]; subgraphs: number[] };
}

async function startServers(options: Options, mongoUri: string, prefix: string, auth: BenchAuth, size: number): Promise<Servers> {
  const common = { NODE_ENV: 'production', ...auth.env };
  const gateways = { ...common, ...auth.gatewayEnv };
  const children: BenchChild<unknown>[] = [];
  const logFile = (name: string) => path.join(LOG_DIR, `${size}-${name}.log`);
  // one folder per process: Node writes a profile per thread (pino's transport has its own)
  const profile = (name: string) => (options.cpuProf ? { nodeArgs: ['--cpu-prof', `--cpu-prof-dir=${path.join(PROFILE_DIR, `${size}-${name}`)}`] } : {});
  try {
    let subgraphUrls: Record<string, string>;
    let projectUrl: string;
    let subgraphPids: number[];
    let projectPids: number[];
    if (options.layout === 'split') {
      const subgraphs = await Promise.all(
        SUBGRAPH_NAMES.map(async (name) => {
          const { url, child } = await spawnCsrSubgraph(name, {
            env: { ...common, ...auth.reportingEnv(name), MONGODB_URI: mongoUri, DATABASE_PREFIX: prefix },
            logFile: logFile(`subgraph-${name}`),
            ...profile(`subgraph-${name}`),
          });
          children.push(child);
          return { name, url, pid: child.pid };
        }),
      );
      subgraphUrls = Object.fromEntries(subgraphs.map((subgraph) => [subgraph.name, subgraph.url]));
      subgraphPids = subgraphs.map((subgraph) => subgraph.pid);
      const port = await freePort();
      const project = await spawnServer({
        name: 'project gateway',
        script: 'gateway/src/main.ts',
        env: {
          ...gateways,
          PORT: String(port),
          HOST: '127.0.0.1',
          SUPERGRAPH_PATH,
          WATCH_SUPERGRAPH: 'false',
          ...Object.fromEntries(Object.entries(subgraphUrls).map(([name, url]) => [`SUBGRAPH_URL_${name.toUpperCase()}`, url])),
        },
        logFile: logFile('project-gateway'),
        ...profile('project-gateway'),
        healthUrl: `http://127.0.0.1:${port}/health`,
      });
      children.push(project);
      projectUrl = `http://127.0.0.1:${port}/graphql`;
      projectPids = [project.pid];
    } else {
      const stack = await spawnServer<{ url: string; subgraphUrls: Record<string, string> }>({
        name: 'project stack',
        script: 'bench/serve-stack.ts',
        env: { ...gateways, MONGODB_URI: mongoUri, DATABASE_PREFIX: prefix },
        logFile: logFile('project-stack'),
        ...profile('project-stack'),
      });
      children.push(stack);
      subgraphUrls = stack.info.subgraphUrls;
      projectUrl = stack.info.url;
      subgraphPids = [stack.pid];
      projectPids = [stack.pid];
    }
    // the same gateway without its response cache (gateway/src/plugins/response-cache.ts), for the
    // throughput and overhead it gives when every dashboard reaches the subgraphs
    const noCachePort = await freePort();
    const projectNoCache = await spawnServer({
      name: 'project gateway (no response cache)',
      script: 'gateway/src/main.ts',
      env: {
        ...gateways,
        PORT: String(noCachePort),
        HOST: '127.0.0.1',
        SUPERGRAPH_PATH,
        WATCH_SUPERGRAPH: 'false',
        RESPONSE_CACHE: 'false',
        ...Object.fromEntries(Object.entries(subgraphUrls).map(([name, url]) => [`SUBGRAPH_URL_${name.toUpperCase()}`, url])),
      },
      logFile: logFile('project-gateway-no-cache'),
      ...profile('project-gateway-no-cache'),
      healthUrl: `http://127.0.0.1:${noCachePort}/health`,
    });
    children.push(projectNoCache);
    const stock = await spawnServer<{ url: string }>({
      name: 'stock gateway',
      script: 'bench/serve-stock.ts',
      env: { ...gateways, BENCH_SUBGRAPH_URLS: JSON.stringify(subgraphUrls) },
      logFile: logFile('stock-gateway'),
      ...profile('stock-gateway'),
    });
    children.push(stock);
    return {
      children,
      projectUrl,
      projectNoCacheUrl: `http://127.0.0.1:${noCachePort}/graphql`,
      stockUrl: stock.info.url,
      subgraphUrls,
      pids: { project: projectPids, projectNoCache: [projectNoCache.pid], stock: [stock.pid], subgraphs: subgraphPids },
    };
  } catch (error) {
    await Promise.all(children.map((child) => child.stop()));
    throw error;
  }
}

/** One load run to measure; `gateway` names whose process it loads. */
interface Timed {
  gateway: 'project' | 'projectNoCache' | 'stock' | null;
  run: () => Promise<LoadResult>;
}

/** One result from the slices of an interleaved measurement. */
function mergeMeasured(parts: Measured[]): Measured {
  const [first] = parts;
  if (!first || parts.length === 1) return first!;
  const results = parts.map((part) => part.result);
  const sum = (pick: (result: LoadResult) => number) => results.reduce((total, result) => total + pick(result), 0);
  const seconds = sum((result) => result.seconds);
  const requests = sum((result) => result.requests);
  const groups = Object.keys(first.usage.cpuMs);
  const firstFailure = results.find((result) => result.firstFailure)?.firstFailure;
  return {
    result: {
      label: first.result.label,
      connections: first.result.connections,
      seconds,
      requests,
      requestsPerSecond: requests / seconds,
      latencies: Float64Array.from(results.flatMap((result) => [...result.latencies])).sort(),
      errors: sum((result) => result.errors),
      non2xx: sum((result) => result.non2xx),
      graphqlErrors: sum((result) => result.graphqlErrors),
      ...(firstFailure ? { firstFailure } : {}),
    },
    usage: {
      peakRss: Object.fromEntries(groups.map((group) => [group, Math.max(...parts.map((part) => part.usage.peakRss[group] ?? 0))])),
      cpuMs: Object.fromEntries(groups.map((group) => [group, parts.reduce((total, part) => total + (part.usage.cpuMs[group] ?? 0), 0)])),
      otherCpuPercent: parts.reduce((total, part) => total + part.usage.otherCpuPercent * part.result.seconds, 0) / seconds,
    },
  };
}

/** "_entities(IndiaReport)" or the first root field of a recorded subgraph request. */
function describeFetch(fetch: RecordedFetch): string {
  const { query } = JSON.parse(fetch.body) as { query: string };
  const selection = query.slice(query.indexOf('{') + 1);
  const field = /^\s*(\w+)/.exec(selection)?.[1] ?? '?';
  const type = field === '_entities' ? /\.\.\.\s*on\s+(\w+)/.exec(selection)?.[1] : undefined;
  return type ? `_entities(${type})` : field;
}

async function measureSize(size: number, options: Options, client: MongoClient, mongo: StartedMongoServer, auth: BenchAuth, notes: string[]): Promise<SizeResults> {
  const prefix = `bench_${size}_${randomBytes(3).toString('hex')}_`;
  const databases = Object.fromEntries(SUBGRAPH_NAMES.map((name) => [name, databaseName(prefix, name)])) as unknown as SeedDatabases;
  const mongoPids = [...childPids(process.pid, 'mongo-test-server'), ...childPids(process.pid, 'mongod')];
  let servers: Servers | undefined;
  const peakRss: Record<string, number> = {};
  try {
    log(`${size.toLocaleString('en-US')} expenses per subsidiary: generating into ${prefix}* …`);
    const dataset = await generateDataset(client, { size, databases });
    log(`loaded ${dataset.documents.toLocaleString('en-US')} documents in ${(dataset.milliseconds / 1000).toFixed(1)} s`);
    const explain = await explainQueries(mongo.uri, databases.india, 'india', DASHBOARD_FISCAL_YEAR);

    servers = await startServers(options, mongo.uri, prefix, auth, size);
    const { projectUrl, projectNoCacheUrl, stockUrl, pids } = servers;
    log(`project gateway ${projectUrl} (RESPONSE_CACHE=false: ${projectNoCacheUrl}), stock gateway ${stockUrl}`);
    const headers = auth.headers;
    const groups = (gateway: number[]) => ({ gateway, subgraphs: pids.subgraphs, mongo: mongoPids, client: [process.pid] });
    const dashboardLoad = (label: string, url: string, connections: number, budget: LoadSpec['budget']) => () =>
      runLoad({ label, url, connections, budget, headers, requests: [{ body: graphqlBody(DASHBOARD) }] });
    const urlOf = { project: projectUrl, projectNoCache: projectNoCacheUrl, stock: stockUrl };
    const lastUsed = { project: 0, projectNoCache: 0, stock: 0 };
    /** One load run with the resources used meanwhile; a gateway idle for a while gets a few requests first. */
    const measure = async (target: Timed): Promise<Measured> => {
      const { gateway } = target;
      // so that no gateway starts on keep-alive sockets its subgraphs closed while it was idle (Node closes them after 5 s)
      if (gateway && performance.now() - lastUsed[gateway] > 3_000) await dashboardLoad('prime', urlOf[gateway], 1, { amount: 2 })();
      const watch = watchResources(groups(gateway ? pids[gateway] : []));
      const result = await target.run();
      const usage = watch.stop();
      if (gateway) lastUsed[gateway] = performance.now();
      return { result, usage };
    };
    const report = (measured: Measured, gateway: Timed['gateway']) => {
      const { result } = measured;
      log(`${result.label}: ${result.requestsPerSecond.toFixed(1)} req/s, p50 ${percentile(result.latencies, 0.5).toFixed(1)} ms${failures(result) ? `, ${failures(result)} FAILED (${result.firstFailure?.slice(0, 200)})` : ''}`);
      for (const [group, bytes] of Object.entries(measured.usage.peakRss)) {
        const name = group === 'gateway' ? gateway : group;
        if (name) peakRss[name] = Math.max(peakRss[name] ?? 0, bytes);
      }
      return measured;
    };
    /**
     * Runs each target `rounds` times in turn, the order reversed every other round, so that
     * whatever else the machine does, and whatever the first run warms up, falls on all alike.
     */
    const interleaved = async <K extends string>(targets: Record<K, Timed>, rounds: number): Promise<Record<K, Measured>> => {
      const keys = Object.keys(targets) as K[];
      const parts = Object.fromEntries(keys.map((key) => [key, [] as Measured[]])) as Record<K, Measured[]>;
      for (let round = 0; round < rounds; round += 1) {
        for (const key of round % 2 === 0 ? keys : [...keys].reverse()) parts[key].push(await measure(targets[key]));
      }
      return Object.fromEntries(keys.map((key) => [key, report(mergeMeasured(parts[key]), targets[key].gateway)])) as Record<K, Measured>;
    };

    // The dashboard's query plan, recorded once, and its stages.
    const stages = await recordFetches({ supergraphPath: SUPERGRAPH_PATH, subgraphUrls: servers.subgraphUrls, query: DASHBOARD.query, variables: DASHBOARD.variables, authorization: headers.authorization, signingKey: auth.signingKey });
    log(`dashboard plan: ${stages.map((stage) => `[${stage.map((fetch) => `${fetch.subgraph} ${describeFetch(fetch)}`).join(', ')}]`).join(' → ')}`);

    // Warm-up (JIT, connection pools, query plan caches, the MongoDB server's caches), and how
    // long one dashboard takes when the subgraphs compute it (the project gateway without its
    // response cache): runs are sized in requests from it, so that none is cut short.
    const { duration } = options;
    const pilot = await dashboardLoad('pilot', projectNoCacheUrl, 1, { amount: 5 })();
    const single = Math.max(1, percentile(pilot.latencies, 0.5));
    // at most ~8 s of queue per connection: deeper queues only hit the subgraphs' timeouts
    const connections = Math.min(options.connections, Math.max(1, Math.floor(8_000 / single)));
    if (connections < options.connections) notes.push(`${size.toLocaleString('en-US')}: one dashboard takes ${Math.round(single)} ms alone, so throughput runs use ${connections} connections instead of ${options.connections}.`);
    let rate = 0;
    let cachedRate = 0;
    for (const gateway of ['project', 'projectNoCache', 'stock'] as const) {
      const result = await dashboardLoad(`warm-up ${gateway}`, urlOf[gateway], connections, { amount: 3 * connections })();
      if (result.firstFailure && failures(result) >= result.requests) throw new Error(`every warm-up request to the ${gateway} gateway failed: ${result.firstFailure}`);
      if (gateway === 'projectNoCache') rate = result.requestsPerSecond;
      if (gateway === 'project') cachedRate = result.requestsPerSecond;
    }
    // the response cache answers in about a millisecond: its runs are sized from its own pace
    const cachedPilot = await dashboardLoad('pilot cached', projectUrl, 1, { amount: 20 })();
    const singleCached = Math.max(0.05, percentile(cachedPilot.latencies, 0.5));
    await replayPlan('warm-up floor', stages, { connections, seconds: 60, amount: 3 * connections, headers, signingKey: auth.signingKey });

    const floor = (label: string, replayed: readonly (readonly RecordedFetch[])[], connectionCount: number, amount: number, seconds = 300): Timed => ({
      gateway: null,
      run: () => replayPlan(label, replayed, { connections: connectionCount, seconds, amount, headers, signingKey: auth.signingKey }),
    });
    // throughput: `duration` seconds each at the warm-up's rate, in slices of ~5 s with at least 3 requests per connection
    const throughputAmount = Math.max(3 * connections, Math.round(duration * rate));
    const throughputRounds = Math.max(1, Math.min(Math.round(duration / 5), Math.floor(throughputAmount / (3 * connections))));
    const perThroughputRound = Math.ceil(throughputAmount / throughputRounds);
    const perCachedThroughputRound = Math.max(3 * connections, Math.ceil((Math.max(rate, cachedRate) * duration) / throughputRounds));
    const throughput = await interleaved(
      {
        project: { gateway: 'project', run: dashboardLoad('dashboard project', projectUrl, connections, { amount: perCachedThroughputRound }) },
        projectNoCache: { gateway: 'projectNoCache', run: dashboardLoad('dashboard project RESPONSE_CACHE=false', projectNoCacheUrl, connections, { amount: perThroughputRound }) },
        stock: { gateway: 'stock', run: dashboardLoad('dashboard stock', stockUrl, connections, { amount: perThroughputRound }) },
        floor: floor('dashboard floor', stages, connections, perThroughputRound),
      },
      throughputRounds,
    );
    // latency: half the duration each at one connection (at least 15 requests), in slices of ~1 s with at least 3 requests
    const short = Math.max(2, duration / 2);
    const latencyAmount = Math.max(15, Math.round((short * 1000) / single));
    const latencyRounds = Math.max(1, Math.min(Math.round(short), Math.floor(latencyAmount / 3)));
    const perLatencyRound = Math.ceil(latencyAmount / latencyRounds);
    const perCachedLatencyRound = Math.max(perLatencyRound, Math.ceil((short * 1000) / singleCached / latencyRounds));
    const latency = await interleaved(
      {
        project: { gateway: 'project', run: dashboardLoad('dashboard project c1', projectUrl, 1, { amount: perCachedLatencyRound }) },
        projectNoCache: { gateway: 'projectNoCache', run: dashboardLoad('dashboard project RESPONSE_CACHE=false c1', projectNoCacheUrl, 1, { amount: perLatencyRound }) },
        stock: { gateway: 'stock', run: dashboardLoad('dashboard stock c1', stockUrl, 1, { amount: perLatencyRound }) },
        floor: floor('dashboard floor c1', stages, 1, perLatencyRound),
      },
      latencyRounds,
    );
    const shortest = Math.max(1, duration / 5);
    const fetches: FetchTiming[] = [];
    for (const [index, stage] of stages.entries()) {
      for (const fetch of stage) {
        const operation = describeFetch(fetch);
        const measured = report(await measure(floor(`stage ${index + 1} ${fetch.subgraph} ${operation}`, [[fetch]], 1, Infinity, shortest)), null);
        fetches.push({ stage: index + 1, subgraph: fetch.subgraph, operation, measured });
      }
    }
    const fanOutRuns = [];
    for (const k of [1, 2, 4]) {
      const run = () => runLoad({ label: `fan-out ${k}`, url: projectUrl, connections: 1, budget: { seconds: shortest }, headers, requests: [{ body: graphqlBody(fanOut(k)) }] });
      fanOutRuns.push({ k, measured: report(await measure({ gateway: 'project', run }), 'project') });
    }

    log('BI extraction …');
    // Pages of 100 initiatives as the issue asks; if the project gateway's query limits refuse
    // that, both gateways run with the largest page it accepts, and the report says so.
    let pageSize = BI_PAGE_SIZE;
    let refused: string | undefined;
    // Bounded in time: past the limit no new page is asked for, and the report estimates the rest.
    const biSeconds = Math.max(20, 3 * duration);
    let project = await extractAll('project gateway', projectUrl, pageSize, headers, biSeconds);
    for (const smaller of [50, 25, 20, 10]) {
      if (!project.error?.includes('QUERY_TOO_COSTLY') || project.requests > 0) break;
      refused ??= `initiatives(first: ${pageSize}) refused by the project gateway: ${project.error}`;
      pageSize = smaller;
      project = await extractAll('project gateway', projectUrl, pageSize, headers, biSeconds);
    }
    // one extraction each is warm-up (the subgraphs' and the test server's first pass over the data
    // would otherwise fall on whichever gateway goes first); then interleaved rounds, the median each
    const extractions = { project: [] as ExtractionResult[], stock: [] as ExtractionResult[] };
    const extract = { project: () => extractAll('project gateway', projectUrl, pageSize, headers, biSeconds), stock: () => extractAll('stock gateway', stockUrl, pageSize, headers, biSeconds) };
    await extract.stock();
    for (let round = 0; round < BI_ROUNDS; round += 1) {
      for (const key of round % 2 === 0 ? (['stock', 'project'] as const) : (['project', 'stock'] as const)) extractions[key].push(await extract[key]());
    }
    const bi = { project: medianExtraction(extractions.project), stock: medianExtraction(extractions.stock), rounds: BI_ROUNDS, ...(refused ? { refused } : {}) };
    for (const extraction of [bi.project, bi.stock]) log(`BI ${extraction.label}: first ${extraction.pageSize}, ${extraction.requests} requests, ${(extraction.milliseconds / 1000).toFixed(2)} s${extraction.complete ? '' : ' (stopped at the time limit)'}${extraction.error ? `, FAILED: ${extraction.error}` : ''}`);

    const india = dataset.subsidiaries.india!;
    const writeRounds = Math.max(2, Math.round(duration / 5));
    const runId = randomBytes(4).toString('hex');
    let sequence = 0;
    const writeMix = (gateway: string, url: string, budget: LoadSpec['budget'] = { seconds: duration / writeRounds }) => () => {
      const write = () => {
        sequence += 1;
        const initiative = india.openInitiativeIds[sequence % india.openInitiativeIds.length]!;
        return graphqlBody(recordExpense(initiative, `bench-${runId}-${gateway}-${sequence}`, sequence));
      };
      const writeRequest = { body: write(), fresh: write };
      return runLoad({ label: `write mix ${gateway}`, url, connections: options.connections, budget, headers, requests: [writeRequest, writeRequest, writeRequest, writeRequest, { body: graphqlBody(INITIATIVE_LIST) }] });
    };
    // warm-up: the first writes create collections and counters
    for (const [gateway, url] of Object.entries({ project: projectUrl, stock: stockUrl })) await writeMix(`warm-up ${gateway}`, url, { amount: 5 * options.connections })();
    const writes = await interleaved({ project: { gateway: 'project', run: writeMix('project', projectUrl) }, stock: { gateway: 'stock', run: writeMix('stock', stockUrl) } }, writeRounds);

    return { size, dataset, explain, dashboard: { throughput, latency, fetches, fanOut: fanOutRuns }, bi, writes, peakRss };
  } finally {
    if (servers) await Promise.all(servers.children.map((child) => child.stop()));
    for (const database of Object.values(databases)) await client.db(database).dropDatabase().catch(() => {});
  }
}

/** The main thread's profile (the largest file) of each process of one size. */
function profilesOf(size: number): ProfileSummary[] {
  let folders: string[];
  try {
    folders = readdirSync(PROFILE_DIR).filter((folder) => folder.startsWith(`${size}-`));
  } catch {
    return [];
  }
  return folders.flatMap((folder) => {
    const dir = path.join(PROFILE_DIR, folder);
    const largest = readdirSync(dir)
      .filter((file) => file.endsWith('.cpuprofile'))
      .map((file) => ({ file: path.join(dir, file), bytes: statSync(path.join(dir, file)).size }))
      .sort((a, b) => b.bytes - a.bytes)[0];
    return largest ? [{ ...summarizeProfile(largest.file, 8), file: folder.slice(`${size}-`.length) }] : [];
  });
}

async function main(): Promise<void> {
  const options = parseOptions();
  // @apollo/gateway otherwise reports usage to Apollo and probes cloud metadata addresses (AWS,
  // GCP, Azure, Alibaba) when it starts: traffic off this machine. Every process inherits this.
  process.env.APOLLO_TELEMETRY_DISABLED = 'true';
  const startedAt = new Date();
  const federation = (): Promise<FederationResults> =>
    runFederationScenario({ seconds: Math.max(1, options.duration / 4), rounds: Math.max(2, options.rounds), connections: options.federationConnections, installHive: true, logDir: LOG_DIR, log });
  if (options.scenario === 'federation') {
    installCleanup();
    mkdirSync(LOG_DIR, { recursive: true });
    const federationResults = await federation();
    const report = renderFederationReport({ startedAt, finishedAt: new Date(), machine: machineDescription() }, federationResults);
    writeResults(report, { federation: federationResults });
    return;
  }
  const notes: string[] = [];
  const largest = Math.max(...(options.sizes ?? [100_000]));
  if (!process.env.MONGODB_URI) {
    process.env.MONGO_TEST_SERVER_HEAP ??= javaHeapFor(largest);
    process.env.MONGO_TEST_SERVER ??= 'auto';
  }
  // What Ctrl-C must close besides the child processes.
  const open: { mongo?: StartedMongoServer; client?: MongoClient } = {};
  installCleanup(async () => {
    await open.client?.close().catch(() => {});
    await open.mongo?.stop().catch(() => {});
  });
  mkdirSync(LOG_DIR, { recursive: true });
  const mongo = (open.mongo = await startMongoServer());
  const client = (open.client = new MongoClient(mongo.uri, { serverSelectionTimeoutMS: 10_000 }));
  await client.connect();
  const real = await isRealMongod(client);
  const info = await client.db('admin').command({ buildInfo: 1 }).catch(() => ({ version: '?' }));
  const mongoDescription = `${mongo.kind} ${String(info.version)}${real ? ' (real mongod)' : ''}${mongo.kind === 'mongo-java-server' ? `, JVM heap ${process.env.MONGO_TEST_SERVER_HEAP}` : ''}`;
  const sizes = options.sizes ?? (real ? [10_000, 100_000, 1_000_000] : [10_000, 100_000]);
  if (!real) {
    notes.push(
      'MongoDB is mongo-java-server (in-memory): it scans every collection for every query (secondary indexes are accepted but not used), has no `explain`, and needs ~3–5 KB of heap per document, so 1M expenses × 4 subsidiaries does not fit. ' +
        (options.sizes ? 'Sizes were given with --sizes.' : 'Sizes default to 10k and 100k; 1M runs when MONGODB_URI points at a real mongod (or with --sizes 1000000).') +
        ' Latencies that depend on the database are those of this test server, not of MongoDB.' +
        ' Its findOneAndUpdate with $inc can hand the same counter value to two concurrent callers; each subgraph asks its counters one call at a time, so ids do not collide.',
    );
  }
  const auth = await benchAuth();
  log(`MongoDB: ${mongoDescription}; sizes ${sizes.join(', ')}; ${options.duration} s per run; ${options.connections} connections; layout ${options.layout}`);
  const results: SizeResults[] = [];
  if (options.cpuProf) rmSync(PROFILE_DIR, { recursive: true, force: true });
  for (const size of sizes) {
    const measured = await measureSize(size, options, client, mongo, auth, notes);
    results.push(options.cpuProf ? { ...measured, profiles: profilesOf(size) } : measured);
  }

  const federationResults = options.scenario === 'all' ? await federation() : undefined;
  const runInfo: RunInfo = {
    startedAt,
    finishedAt: new Date(),
    machine: machineDescription(),
    node: `Node ${process.version}`,
    mongo: mongoDescription,
    auth: auth.description,
    layout: options.layout,
    durationSeconds: options.duration,
    connections: options.connections,
    notes,
  };
  const report = renderReport(runInfo, results) + (federationResults ? `\n${renderFederationSection(federationResults)}\n` : '');
  writeResults(report, { runInfo, results, ...(federationResults ? { federation: federationResults } : {}) });
  await client.close();
  await mongo.stop();
}

function machineDescription(): string {
  return `${cpus().length} CPU (${cpus()[0]?.model.trim() ?? '?'}), ${Math.round(totalmem() / 2 ** 30)} GiB`;
}

/** bench/results/latest.md and latest.json (raw numbers; latency arrays summarised). */
function writeResults(report: string, raw: unknown): void {
  mkdirSync(RESULTS_DIR, { recursive: true });
  writeFileSync(path.join(RESULTS_DIR, 'latest.md'), report);
  writeFileSync(
    path.join(RESULTS_DIR, 'latest.json'),
    JSON.stringify(raw, (key, value: unknown) => {
      if (value instanceof Float64Array) return { count: value.length, p50: value[Math.floor(value.length / 2)], max: value[value.length - 1] };
      if (value instanceof Map) return Object.fromEntries(value);
      if (typeof value === 'bigint') return value.toString();
      return key === 'openInitiativeIds' ? undefined : value;
    }, 2),
  );
  console.log(report);
  log(`report written to ${path.relative(process.cwd(), path.join(RESULTS_DIR, 'latest.md'))}; server logs in ${path.relative(process.cwd(), LOG_DIR)}`);
}

try {
  await main();
  process.exit(0);
} catch (error) {
  console.error(`[bench] failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
  process.exit(1);
}
