/**
 * The general federation scenario (`npm run bench -- --scenario federation`): four small subgraphs
 * (each its own process), a supergraph composed from them at run time, and the gateways of
 * gateways.ts over it, each in its own process pinned to one core. Loads, by autocannon in this
 * process: `connections` clients all sending the same deep query, as many clients each sending
 * distinct variables (a new offset per request: nothing to share), and one client alone; beside
 * them the floor, the query plan's subgraph calls replayed straight to the subgraphs (floor.ts).
 * Every gateway's answers are checked against stock's before anything is measured.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import path from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { recordFetches, replayPlan, type RecordedFetch } from '../floor';
import { failures, graphqlBody, percentile, runLoad, type LoadResult } from '../load';
import { BENCH_DIR, TASKSET, peakRssOf, spawnServer, watchResources, type BenchChild } from '../processes';
import type { Measured } from '../report';
import { compileScripts } from './compile';
import { composeSupergraph } from './compose';
import { GATEWAY_KEYS, GATEWAY_LABELS, HIVE_KEYS, projectEntry, startGateway, type GatewayKey, type StartedGateway } from './gateways';
import { ensureHive, hiveInstall, type HiveInstall } from './hive-install';
import { deepRequest } from './query';
import { FEDERATION_SUBGRAPHS } from './subgraphs';

export interface FederationOptions {
  /** Seconds of each measured slice under load (one per gateway, load and round). */
  seconds: number;
  rounds: number;
  connections: number;
  /** Which gateways; Hive's are left out when Hive Gateway cannot be installed. */
  gateways?: readonly GatewayKey[];
  /** Install Hive Gateway if it is missing (npm ci); false: use it only if already installed. */
  installHive: boolean;
  logDir: string;
  log: (message: string) => void;
}

export interface GatewayResults {
  key: GatewayKey;
  label: string;
  /** One Measured per round. */
  identical: Measured[];
  distinct: Measured[];
  unloaded: Measured[];
  /** VmHWM at the end: the most memory the process ever held, bytes. */
  peakRss: number;
}

export interface FederationResults {
  node: string;
  /** The CPU list gateways were pinned to, or null. */
  pinnedTo: string | null;
  project: string;
  benchScripts: string;
  hive: HiveInstall & { error?: string };
  plan: { stages: string[]; fetches: number };
  responseBytes: number;
  connections: number;
  seconds: number;
  rounds: number;
  gateways: GatewayResults[];
  floor: { identical: Measured[]; unloaded: Measured[] };
  subgraphsPeakRss: number;
  notes: string[];
}

interface Target {
  key: GatewayKey | 'floor';
  pid: number | null;
  identical: () => Promise<LoadResult>;
  distinct: (() => Promise<LoadResult>) | null;
  unloaded: () => Promise<LoadResult>;
}

const IDENTICAL = graphqlBody(deepRequest(0));

async function post(url: string, body: string): Promise<{ status: number; text: string }> {
  const response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body, signal: AbortSignal.timeout(30_000) });
  return { status: response.status, text: await response.text() };
}

/** Every gateway answers the deep query (two offsets) exactly as stock does, or the scenario stops. */
async function checkAnswers(gateways: readonly StartedGateway[]): Promise<number> {
  const reference = gateways.find((gateway) => gateway.key === 'stock') ?? gateways[0]!;
  let bytes = 0;
  for (const offset of [0, 7]) {
    const body = graphqlBody(deepRequest(offset));
    const expected = await post(reference.url, body);
    const parsed = JSON.parse(expected.text) as { data?: unknown; errors?: unknown };
    if (expected.status !== 200 || parsed.errors || !parsed.data) throw new Error(`${GATEWAY_LABELS[reference.key]} did not answer the deep query: ${expected.status} ${expected.text.slice(0, 300)}`);
    if (offset === 0) bytes = Buffer.byteLength(expected.text);
    for (const gateway of gateways) {
      const answer = await post(gateway.url, body);
      let same = false;
      try {
        same = answer.status === 200 && isDeepStrictEqual(JSON.parse(answer.text), parsed);
      } catch {
        same = false;
      }
      if (!same) throw new Error(`${GATEWAY_LABELS[gateway.key]} answers the deep query (offset ${offset}) differently from ${GATEWAY_LABELS[reference.key]}: ${answer.status} ${answer.text.slice(0, 300)}`);
    }
  }
  return bytes;
}

function describe(fetch: RecordedFetch): string {
  const { query } = JSON.parse(fetch.body) as { query: string };
  const entity = /_entities[^{]*\{\s*(?:__typename\s+)?\.\.\.\s*on\s+(\w+)/.exec(query)?.[1];
  return `${fetch.subgraph} ${entity ? `_entities(${entity})` : (/\{\s*(\w+)/.exec(query)?.[1] ?? '?')}`;
}

export async function runFederationScenario(options: FederationOptions): Promise<FederationResults> {
  const { log, connections, seconds, rounds } = options;
  const notes: string[] = [];
  const children: BenchChild<unknown>[] = [];
  const logFile = (name: string) => path.join(options.logDir, `${name}.log`);
  const workDir = path.join(BENCH_DIR, 'results', 'federation');
  mkdirSync(workDir, { recursive: true });
  try {
    const compiled = await compileScripts();
    if (compiled.fallback) notes.push(compiled.fallback);
    const project = projectEntry(log);
    let wanted = [...(options.gateways ?? GATEWAY_KEYS)];
    let hive: FederationResults['hive'] = { gateway: null, routerRuntime: null };
    if (wanted.some((key) => HIVE_KEYS.includes(key))) {
      hive = options.installHive ? await ensureHive(log) : hiveInstall();
      if (!hive.gateway) {
        notes.push(`Hive Gateway left out: ${hive.error ?? 'not installed (npm ci --prefix bench/federation/hive)'}.`);
        wanted = wanted.filter((key) => !HIVE_KEYS.includes(key));
      } else if (!hive.routerRuntime) {
        notes.push('Hive Gateway with the Rust query planner left out: @graphql-hive/router-runtime is not installed.');
        wanted = wanted.filter((key) => key !== 'hiveRouter');
      }
    }

    log(`federation: starting ${FEDERATION_SUBGRAPHS.length} subgraphs …`);
    const subgraphs = await Promise.all(
      FEDERATION_SUBGRAPHS.map((subgraph) =>
        spawnServer<{ url: string }>({ name: `subgraph ${subgraph.name}`, ...compiled.subgraph, args: [subgraph.name], env: { NODE_ENV: 'production' }, logFile: logFile(`federation-subgraph-${subgraph.name}`) }),
      ),
    );
    children.push(...subgraphs);
    const subgraphUrls = Object.fromEntries(FEDERATION_SUBGRAPHS.map((subgraph, index) => [subgraph.name, subgraphs[index]!.info.url]));
    const supergraphPath = path.join(workDir, 'supergraph.graphql');
    writeFileSync(supergraphPath, composeSupergraph(subgraphUrls));
    const request = deepRequest(0);
    const stages = await recordFetches({ supergraphPath, subgraphUrls, query: request.query, variables: request.variables });
    const plan = { stages: stages.map((stage) => stage.map(describe).join(', ')), fetches: stages.flat().length };
    log(`federation plan: ${plan.fetches} subgraph calls in ${stages.length} stages: ${plan.stages.map((stage) => `[${stage}]`).join(' → ')}`);

    const cpuCount = cpus().length;
    const pinnedTo = TASKSET && cpuCount > 1 ? String(cpuCount - 1) : null;
    const context = { supergraphPath, logFile, cpus: pinnedTo ?? undefined, projectEntry: project, stockEntry: compiled.stock };
    const gateways: StartedGateway[] = [];
    for (const key of wanted) {
      log(`federation: starting ${GATEWAY_LABELS[key]} …`);
      const gateway = await startGateway(key, context);
      children.push(gateway.child);
      gateways.push(gateway);
    }
    const responseBytes = await checkAnswers(gateways);
    log(`federation: every gateway gives stock's answer (${(responseBytes / 1024).toFixed(1)} KiB)`);

    const amounts = new Map<string, number>();
    let offset = 0;
    const distinctBody = () => graphqlBody(deepRequest((offset += 1)));
    const targets: Target[] = gateways.map((gateway) => ({
      key: gateway.key,
      pid: gateway.pid,
      identical: () => runLoad({ label: `${gateway.key} identical`, url: gateway.url, connections, budget: { amount: amounts.get(`${gateway.key} identical`) ?? connections }, requests: [{ body: IDENTICAL }] }),
      distinct: () => runLoad({ label: `${gateway.key} distinct`, url: gateway.url, connections, budget: { amount: amounts.get(`${gateway.key} distinct`) ?? connections }, requests: [{ body: distinctBody(), fresh: distinctBody }] }),
      unloaded: () => runLoad({ label: `${gateway.key} c1`, url: gateway.url, connections: 1, budget: { amount: amounts.get(`${gateway.key} c1`) ?? 10 }, requests: [{ body: IDENTICAL }] }),
    }));
    targets.push({
      key: 'floor',
      pid: null,
      identical: () => replayPlan('floor identical', stages, { connections, seconds: 120, amount: amounts.get('floor identical') ?? connections }),
      distinct: null,
      unloaded: () => replayPlan('floor c1', stages, { connections: 1, seconds: 120, amount: amounts.get('floor c1') ?? 10 }),
    });

    const subgraphPids = subgraphs.map((subgraph) => subgraph.pid);
    const measure = async (target: Target, run: () => Promise<LoadResult>): Promise<Measured> => {
      const watch = watchResources({ gateway: target.pid ? [target.pid] : [], subgraphs: subgraphPids, client: [process.pid] });
      const result = await run();
      return { result, usage: watch.stop() };
    };
    // Warm-up (JIT, plan caches, connections), and the pace each run is sized from: a slice is a
    // number of requests (all waited for), about `seconds` long at the warm-up's pace.
    for (const target of targets) {
      log(`federation: warming up ${target.key} …`);
      const loads = { identical: target.identical, distinct: target.distinct, c1: target.unloaded } as const;
      for (const [load, run] of Object.entries(loads)) {
        if (!run) continue;
        const least = load === 'c1' ? 10 : connections;
        amounts.set(`${target.key} ${load}`, least);
        await run();
        const pilot = await run();
        if (failures(pilot) >= pilot.requests) throw new Error(`every warm-up request of ${target.key} (${load}) failed: ${pilot.firstFailure}`);
        amounts.set(`${target.key} ${load}`, Math.max(least, Math.round(pilot.requestsPerSecond * seconds * (load === 'c1' ? 0.5 : 1))));
      }
    }

    const results = new Map<Target['key'], { identical: Measured[]; distinct: Measured[]; unloaded: Measured[] }>(targets.map((target) => [target.key, { identical: [], distinct: [], unloaded: [] }]));
    for (let round = 0; round < rounds; round += 1) {
      log(`federation: round ${round + 1} of ${rounds} …`);
      for (const target of round % 2 === 0 ? targets : [...targets].reverse()) {
        const slot = results.get(target.key)!;
        if (target.pid) await runLoad({ label: 'prime', url: gateways.find((gateway) => gateway.key === target.key)!.url, connections: 1, budget: { amount: 2 }, requests: [{ body: IDENTICAL }] });
        const loads = [
          async () => slot.identical.push(await measure(target, target.identical)),
          async () => (target.distinct ? slot.distinct.push(await measure(target, target.distinct)) : 0),
          async () => slot.unloaded.push(await measure(target, target.unloaded)),
        ];
        // the loads of a gateway in turn too, so that none always comes first after its idle time
        for (const load of round % 2 === 0 ? loads : loads.reverse()) await load();
        const last = slot.identical.at(-1)!.result;
        log(`  ${target.key}: identical ${last.requestsPerSecond.toFixed(0)} req/s${target.distinct ? `, distinct ${slot.distinct.at(-1)!.result.requestsPerSecond.toFixed(0)} req/s` : ''}, c1 p50 ${percentile(slot.unloaded.at(-1)!.result.latencies, 0.5).toFixed(1)} ms`);
      }
    }

    return {
      node: `Node ${process.version}`,
      pinnedTo,
      project: project.description,
      benchScripts: compiled.fallback ? 'stock gateway and subgraphs through tsx' : 'stock gateway and subgraphs bundled by esbuild, plain node',
      hive,
      plan,
      responseBytes,
      connections,
      seconds,
      rounds,
      gateways: gateways.map((gateway) => ({ key: gateway.key, label: GATEWAY_LABELS[gateway.key], ...results.get(gateway.key)!, peakRss: peakRssOf(gateway.pid) })),
      floor: { identical: results.get('floor')!.identical, unloaded: results.get('floor')!.unloaded },
      subgraphsPeakRss: subgraphPids.reduce((sum, pid) => sum + peakRssOf(pid), 0),
      notes,
    };
  } finally {
    await Promise.all(children.map((child) => child.stop()));
  }
}
