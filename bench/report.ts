/** Turns the measurements of a run into the Markdown report (tables, ratios, targets). */
import type { ExtractionResult } from './bi';
import type { ExplainReport } from './explain';
import type { GeneratedDataset } from './generate';
import type { ProfileSummary } from './profile';
import { failures, percentile, type LoadResult } from './load';
import type { ResourceUsage } from './processes';

/** One load run with the resources the processes used meanwhile. */
export interface Measured {
  result: LoadResult;
  usage: ResourceUsage;
}

export interface FetchTiming {
  stage: number;
  subgraph: string;
  /** e.g. "_entities(IndiaReport)" or "groupReport". */
  operation: string;
  measured: Measured;
}

export interface SizeResults {
  size: number;
  dataset: GeneratedDataset;
  explain: ExplainReport;
  dashboard: {
    /** project: the gateway as configured by default (response cache on); projectNoCache: RESPONSE_CACHE=false. */
    throughput: { project: Measured; projectNoCache: Measured; stock: Measured; floor: Measured };
    latency: { project: Measured; projectNoCache: Measured; stock: Measured; floor: Measured };
    fetches: FetchTiming[];
    fanOut: { k: number; measured: Measured }[];
  };
  /** `refused`: why the issue's page size could not be used through the project gateway. */
  /** The median of `rounds` interleaved extractions each, after one of warm-up. */
  bi: { project: ExtractionResult; stock: ExtractionResult; rounds?: number; refused?: string };
  writes: { project: Measured; stock: Measured };
  /** Peak RSS over the whole size, bytes, per process group. */
  peakRss: Record<string, number>;
  /** With --cpu-prof: where each server process spent its CPU over the whole size. */
  profiles?: ProfileSummary[];
}

export interface RunInfo {
  startedAt: Date;
  finishedAt: Date;
  machine: string;
  node: string;
  mongo: string;
  auth: string;
  layout: 'split' | 'stack';
  durationSeconds: number;
  connections: number;
  notes: string[];
}

const ms = (value: number) => (Number.isFinite(value) ? (value >= 100 ? value.toFixed(0) : value >= 10 ? value.toFixed(1) : value.toFixed(2)) : '–');
const mb = (bytes: number | undefined) => (bytes ? `${Math.round(bytes / 1_048_576)}` : '–');
const ratio = (value: number) => (Number.isFinite(value) ? `${value.toFixed(2)}×` : '–');
const count = (value: number) => value.toLocaleString('en-US');
const p50 = (measured: Measured) => percentile(measured.result.latencies, 0.5);

function table(header: string[], rows: string[][]): string {
  const line = (cells: string[]) => `| ${cells.join(' | ')} |`;
  return [line(header), line(header.map(() => '---')), ...rows.map(line)].join('\n');
}

function cpuPerRequest(measured: Measured, group: string): string {
  const cpu = measured.usage.cpuMs[group];
  if (cpu === undefined || measured.result.requests === 0) return '–';
  return (cpu / measured.result.requests).toFixed(2);
}

function loadRow(workload: string, target: string, measured: Measured): string[] {
  const { result } = measured;
  const failed = failures(result);
  return [
    workload,
    target,
    String(result.connections),
    result.requestsPerSecond.toFixed(1),
    ms(percentile(result.latencies, 0.5)),
    ms(percentile(result.latencies, 0.975)),
    ms(percentile(result.latencies, 0.99)),
    failed === 0 ? '0' : `**${failed} ⚠**`,
    mb(measured.usage.peakRss.gateway),
    [cpuPerRequest(measured, 'gateway'), cpuPerRequest(measured, 'subgraphs'), cpuPerRequest(measured, 'mongo'), cpuPerRequest(measured, 'client')].join(' / '),
    `${Math.round(measured.usage.otherCpuPercent)}%`,
  ];
}

const LOAD_HEADER = ['workload', 'target', 'conn', 'req/s', 'p50 ms', 'p97.5 ms', 'p99 ms', 'failed', 'gateway peak RSS MB', 'CPU ms/req: gateway / subgraphs / mongo / client', 'other CPU'];

function failuresNote(rows: Measured[]): string[] {
  return rows
    .filter((measured) => failures(measured.result) > 0)
    .map((measured) => `- ⚠ ${measured.result.label}: ${failures(measured.result)} failed (errors ${measured.result.errors}, non-2xx ${measured.result.non2xx}, GraphQL errors ${measured.result.graphqlErrors}); first: \`${(measured.result.firstFailure ?? '').replace(/`/g, "'").slice(0, 240)}\``);
}

/**
 * Latency a gateway adds above the floor at one connection. The project's is measured without its
 * response cache: a cached answer calls no subgraph, so it has no "above the subgraphs".
 */
export function overheads(results: SizeResults) {
  const { latency, fetches } = results.dashboard;
  const slowest = fetches.reduce((max, fetch) => Math.max(max, p50(fetch.measured)), 0);
  const slowestRegional = fetches.filter((fetch) => fetch.subgraph !== 'group').reduce((max, fetch) => Math.max(max, p50(fetch.measured)), 0);
  return {
    project: p50(latency.projectNoCache) - p50(latency.floor),
    stock: p50(latency.stock) - p50(latency.floor),
    projectAboveSlowest: p50(latency.projectNoCache) - slowest,
    slowest,
    slowestRegional,
  };
}

function sizeSection(results: SizeResults): string {
  const { dashboard, bi, writes, dataset, explain } = results;
  const lines: string[] = [];
  const total = Object.values(dataset.subsidiaries).reduce((sum, subsidiary) => sum + (subsidiary?.expenses ?? 0), 0);
  const initiatives = Object.values(dataset.subsidiaries).reduce((sum, subsidiary) => sum + (subsidiary?.initiatives ?? 0), 0);
  const openInitiatives = Object.values(dataset.subsidiaries).reduce((sum, subsidiary) => sum + (subsidiary?.openInitiativeIds.length ?? 0), 0);
  lines.push(`## ${count(results.size)} expenses per subsidiary`);
  lines.push('');
  lines.push(
    `${count(total)} expenses and ${count(initiatives)} initiatives in all, ${count(dataset.documents)} documents, generated and loaded in ${(dataset.milliseconds / 1000).toFixed(1)} s. ` +
      `Peak RSS over this size: subgraphs ${mb(results.peakRss.subgraphs)} MB (all five), MongoDB ${mb(results.peakRss.mongo)} MB, project gateway ${mb(results.peakRss.project)} MB (RESPONSE_CACHE=false: ${mb(results.peakRss.projectNoCache)} MB), stock gateway ${mb(results.peakRss.stock)} MB, load generator ${mb(results.peakRss.client)} MB.`,
  );
  lines.push('');
  lines.push(
    table(LOAD_HEADER, [
      loadRow('(1) dashboard', 'project gateway', dashboard.throughput.project),
      loadRow('(1) dashboard', 'project gateway, RESPONSE_CACHE=false', dashboard.throughput.projectNoCache),
      loadRow('(1) dashboard', 'stock gateway', dashboard.throughput.stock),
      loadRow('(1) dashboard', 'floor (plan replayed)', dashboard.throughput.floor),
      loadRow('(1) dashboard', 'project gateway', dashboard.latency.project),
      loadRow('(1) dashboard', 'project gateway, RESPONSE_CACHE=false', dashboard.latency.projectNoCache),
      loadRow('(1) dashboard', 'stock gateway', dashboard.latency.stock),
      loadRow('(1) dashboard', 'floor (plan replayed)', dashboard.latency.floor),
      ...dashboard.fetches.map((fetch) => loadRow(`  plan stage ${fetch.stage}`, `${fetch.subgraph} ${fetch.operation} alone`, fetch.measured)),
      ...dashboard.fanOut.map(({ k, measured }) => loadRow(`fan-out ${k} subsidiar${k === 1 ? 'y' : 'ies'}`, 'project gateway', measured)),
      loadRow('(3) write mix 80/20', 'project gateway', writes.project),
      loadRow('(3) write mix 80/20', 'stock gateway', writes.stock),
    ]),
  );
  lines.push('');
  lines.push(
    table(
      ['(2) BI extraction', 'page', 'requests', 'initiatives', 'expenses', 'MB', 'total s (to the end)', 'rows/s', 'slowest page ms', 'error'],
      [bi.project, bi.stock].map((extraction) => [
        extraction.label,
        `first ${extraction.pageSize}`,
        String(extraction.requests),
        count(extraction.initiatives),
        count(extraction.expenses),
        (extraction.bytes / 1_048_576).toFixed(1),
        extraction.complete || extraction.initiatives === 0
          ? (extraction.milliseconds / 1000).toFixed(2)
          : `~${((extraction.milliseconds / 1000) * (openInitiatives / extraction.initiatives)).toFixed(0)} (estimated; stopped after ${(extraction.milliseconds / 1000).toFixed(0)} s)`,
        count(Math.round(extraction.rowsPerSecond)),
        ms(extraction.slowestPageMs),
        extraction.error ? `**⚠ ${extraction.error.slice(0, 160).replace(/\|/g, '/')}**` : '',
      ]),
    ),
  );
  if (bi.refused) lines.push('', `⚠ ${bi.refused.replace(/\s+/g, ' ').slice(0, 400)}`);
  lines.push('');
  const over = overheads(results);
  const fanOut = dashboard.fanOut;
  const first = fanOut[0];
  const last = fanOut.at(-1);
  lines.push('Ratios:');
  const rps = (measured: Measured) => measured.result.requestsPerSecond;
  lines.push(`- dashboard throughput, project / stock: **${ratio(rps(dashboard.throughput.project) / rps(dashboard.throughput.stock))}** with the response cache, **${ratio(rps(dashboard.throughput.projectNoCache) / rps(dashboard.throughput.stock))}** without (RESPONSE_CACHE=false); project without cache / floor: ${ratio(rps(dashboard.throughput.projectNoCache) / rps(dashboard.throughput.floor))}`);
  lines.push(`- dashboard p50 at 1 connection: project ${ms(p50(dashboard.latency.project))} ms (from its cache), without cache ${ms(p50(dashboard.latency.projectNoCache))} ms, stock ${ms(p50(dashboard.latency.stock))} ms, floor ${ms(p50(dashboard.latency.floor))} ms → gateway overhead per request (without cache) **project ${ms(over.project)} ms**, stock ${ms(over.stock)} ms; project without cache / stock p50 ${ratio(p50(dashboard.latency.projectNoCache) / p50(dashboard.latency.stock))}`);
  lines.push(`- project dashboard p50 (without cache) above the slowest single subgraph request (${ms(over.slowest)} ms): **${ms(over.projectAboveSlowest)} ms**`);
  lines.push(`- fan-out: dashboard p50 through the project gateway without cache / slowest regional report request alone (${ms(over.slowestRegional)} ms) = ${ratio(p50(dashboard.latency.projectNoCache) / over.slowestRegional)}` + (first && last ? `; ${last.k} vs ${first.k} subsidiaries (volunteering via subsidiary(code)): p50 ${ms(p50(last.measured))} vs ${ms(p50(first.measured))} ms = ${ratio(p50(last.measured) / p50(first.measured))} (1.00× = perfectly parallel, ${last.k / first.k}× = serial)` : ''));
  lines.push(`- BI extraction, project / stock rows per second: ${ratio(bi.project.rowsPerSecond / bi.stock.rowsPerSecond)}${bi.rounds ? ` (median of ${bi.rounds} interleaved extractions each, after one of warm-up)` : ''}`);
  lines.push(`- write mix throughput, project / stock: ${ratio(writes.project.result.requestsPerSecond / writes.stock.result.requestsPerSecond)}`);
  const problems = failuresNote([
    dashboard.throughput.project, dashboard.throughput.projectNoCache, dashboard.throughput.stock, dashboard.throughput.floor,
    dashboard.latency.project, dashboard.latency.projectNoCache, dashboard.latency.stock, dashboard.latency.floor,
    ...dashboard.fetches.map((fetch) => fetch.measured), ...fanOut.map((entry) => entry.measured), writes.project, writes.stock,
  ]);
  if (problems.length > 0) lines.push('', 'Flagged rows (must be 0 failures):', ...problems);
  if (results.profiles?.length) {
    lines.push('', 'CPU profiles (--cpu-prof; self time over the whole size, main thread; files in bench/results/profiles/):', '');
    lines.push(
      table(
        ['process', 'busy s', 'top packages', 'top functions'],
        results.profiles.map((profile) => [
          profile.file,
          (profile.busyMs / 1000).toFixed(1),
          profile.byPackage.slice(0, 6).map((entry) => `${entry.name} ${(entry.share * 100).toFixed(0)}%`).join(', '),
          profile.byFunction.slice(0, 6).map((entry) => `${entry.name.replace(/\|/g, '/')} ${(entry.share * 100).toFixed(1)}%`).join(', '),
        ]),
      ),
    );
  }
  lines.push('');
  lines.push('Index use (`explain`, India\'s database):');
  if (!explain.available) lines.push(`- ${explain.reason}`);
  for (const query of explain.queries) {
    lines.push(query.plan ? `- ${query.name}: **${query.plan.verdict}**${query.plan.indexes.length ? ` (${query.plan.indexes.join(', ')})` : ''}; stages ${query.plan.stages.join(' → ')}` : `- ${query.name}: explain failed: ${query.error}`);
  }
  return lines.join('\n');
}

function growthSection(all: SizeResults[]): string {
  const rows = all.map((results, index) => {
    const previous = all[index - 1];
    const project = p50(results.dashboard.latency.projectNoCache);
    const growth = previous ? ratio(project / p50(previous.dashboard.latency.projectNoCache)) : '';
    const records = previous ? ratio(results.size / previous.size) : '';
    return [count(results.size), ms(project), growth, records, ms(p50(results.dashboard.latency.floor)), ms(overheads(results).slowestRegional), ms(p50(results.dashboard.latency.stock)), results.dashboard.throughput.projectNoCache.result.requestsPerSecond.toFixed(1), results.dashboard.throughput.project.result.requestsPerSecond.toFixed(1)];
  });
  return [
    '## Dashboard latency as the data grows (1 connection)',
    '',
    table(['expenses per subsidiary', 'project p50 ms (no response cache)', 'p50 growth', 'records growth', 'floor p50 ms', 'slowest regional request p50 ms', 'stock p50 ms', `project req/s at ${all[0]?.dashboard.throughput.project.result.connections ?? '?'} conn, no response cache`, 'with response cache'], rows),
  ].join('\n');
}

function targetsSection(all: SizeResults[]): string {
  const rows: string[][] = [];
  for (const results of all) {
    const over = overheads(results);
    const stock = results.dashboard.throughput.stock.result.requestsPerSecond;
    const throughput = results.dashboard.throughput.project.result.requestsPerSecond / stock;
    const throughputNoCache = results.dashboard.throughput.projectNoCache.result.requestsPerSecond / stock;
    const at = `${count(results.size)}`;
    rows.push([
      `gateway overhead ≤ 1.5 ms p50 above the subgraphs (${at}; project without response cache)`,
      `${ms(over.project)} ms above the replayed plan (stock ${ms(over.stock)} ms); ${ms(over.projectAboveSlowest)} ms above the slowest single request; a cached dashboard takes ${ms(p50(results.dashboard.latency.project))} ms in all`,
      over.project <= 1.5 ? 'met (against the replayed plan)' : `missed by ${ms(over.project - 1.5)} ms (against the replayed plan)`,
    ]);
    rows.push([`throughput ≥ 1.2× stock, no response cache (${at})`, ratio(throughputNoCache), throughputNoCache >= 1.2 ? 'met' : `missed (${ratio(throughputNoCache / 1.2)} of target)`]);
    rows.push([`throughput ≥ 3× stock with response caching (${at})`, ratio(throughput), throughput >= 3 ? 'met' : `missed (${ratio(throughput / 3)} of target)`]);
  }
  const million = all.find((results) => results.size >= 1_000_000);
  rows.push(
    million
      ? ['dashboard p50 < 50 ms at 1M expenses per subsidiary', `${ms(p50(million.dashboard.latency.project))} ms`, p50(million.dashboard.latency.project) < 50 ? 'met' : `missed by ${ms(p50(million.dashboard.latency.project) - 50)} ms`]
      : ['dashboard p50 < 50 ms at 1M expenses per subsidiary', 'not run (needs MONGODB_URI to a real mongod, or --sizes with 1000000)', '–'],
  );
  return [
    '## Targets',
    '',
    'The overhead target is judged against the replayed plan: the dashboard\'s plan has three dependent stages (group → four regional reports in parallel → group), so no gateway can come within 1.5 ms of its slowest single request; that distance is shown too. Differences of a few ms are within the noise when one dashboard takes hundreds of ms.',
    '',
    table(['target', 'measured', 'verdict'], rows),
  ].join('\n');
}

const METHOD = `How to read this:
- **project gateway**: gateway/src/main.ts in its own process, over the five subgraphs (subgraphs/main.ts, one process each) — or, with \`--layout stack\`, scripts/stack.ts startStack in one process (then its RSS/CPU include the subgraphs); as configured by default, so with its response cache (the dashboard's subgraphs give cache hints: after the first, dashboards are answered from the cache until a mutation or the hints' max-age). **project gateway, RESPONSE_CACHE=false**: the same gateway in a process of its own with the response cache off (in-flight deduplication still on, of identical inbound requests and of identical subgraph queries: concurrent identical dashboards share one execution; nothing is kept after an answer). **stock gateway**: bench/stock-gateway.ts — ApolloGateway + ApolloServer + startStandaloneServer over the same supergraph and subgraphs, forwarding only Authorization.
- **floor (plan replayed)**: the subgraph requests of the dashboard's query plan (recorded once through a stock ApolloGateway) sent directly, stage by stage, a stage's requests in parallel: what a gateway costing nothing would show. **plan stage N … alone**: each of those requests on its own at 1 connection.
- Overhead per request = gateway p50 − floor p50 at 1 connection. Latencies are taken per response with sub-millisecond resolution. The load generator (autocannon, and the replay loops) runs in the benchmark's own process on the same 2 cores: client CPU is shown.
- Project, stock and floor take turns (slices of ~5 s at full connections, ~1 s at one connection; the order reversed every other turn), so that other work on the machine falls on all alike. Dashboard runs are sized in requests, from the time one dashboard takes (a pilot after warm-up), so that no request is cut off at the end of a slice; when one dashboard takes long, fewer connections are used (a note says so).
- A row with failures (connection errors, non-2xx, or GraphQL errors in a 200) is flagged ⚠; its numbers are not comparable.
- **other CPU**: CPU used meanwhile by processes that are not part of the benchmark, in % of the machine. Above a few per cent the row was measured on a busy machine and is noisy.
- Fan-out rows query \`subsidiary(code)\` { volunteering } for the first k subsidiaries, one alias each (the report itself cannot be restricted to some subsidiaries).
- (3) write mix: per connection, 4 \`indiaRecordExpense\` (unique idempotency keys, dated FY2026 so the FY${2025} dashboard is unaffected) then 1 India initiative list read.`;

export function renderReport(info: RunInfo, all: SizeResults[]): string {
  const header = [
    '# Benchmark: federation gateway and subgraphs',
    '',
    `Run ${info.startedAt.toISOString()} – ${info.finishedAt.toISOString()} (${((info.finishedAt.getTime() - info.startedAt.getTime()) / 1000).toFixed(0)} s). ${info.machine}; ${info.node}; MongoDB: ${info.mongo}. Auth: ${info.auth}. Layout: ${info.layout}. Each load run ${info.durationSeconds} s, ${info.connections} connections for throughput, 1 for latency.`,
    '',
    ...info.notes.map((note) => `> ${note}`),
    '',
    METHOD,
  ];
  return [...header, '', ...all.map(sizeSection).flatMap((section) => [section, '']), growthSection(all), '', targetsSection(all), ''].join('\n');
}
