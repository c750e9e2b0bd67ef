/** The federation scenario's section of bench/results/latest.md: medians over rounds, ratios, and the issue's targets. */
import { failures, percentile } from '../load';
import type { Measured } from '../report';
import type { GatewayKey } from './gateways';
import type { FederationResults, GatewayResults } from './scenario';

export function median(values: readonly number[]): number {
  const sorted = values.filter(Number.isFinite).sort((a, b) => a - b);
  if (sorted.length === 0) return NaN;
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

export interface LoadSummary {
  rps: number;
  p50: number;
  p99: number;
  /** Gateway CPU ms per answered request. */
  cpuPerRequest: number;
  /** All four subgraphs' CPU ms per answered request: lower when a gateway shares subgraph calls. */
  subgraphCpuPerRequest: number;
  clientCpuPerRequest: number;
  otherCpuPercent: number;
  failed: number;
}

export function summarize(rounds: readonly Measured[]): LoadSummary {
  const perRequest = (group: string) => median(rounds.map((round) => (round.usage.cpuMs[group] ?? NaN) / round.result.requests));
  return {
    rps: median(rounds.map((round) => round.result.requestsPerSecond)),
    p50: median(rounds.map((round) => percentile(round.result.latencies, 0.5))),
    p99: median(rounds.map((round) => percentile(round.result.latencies, 0.99))),
    cpuPerRequest: perRequest('gateway'),
    subgraphCpuPerRequest: perRequest('subgraphs'),
    clientCpuPerRequest: perRequest('client'),
    otherCpuPercent: median(rounds.map((round) => round.usage.otherCpuPercent)),
    failed: rounds.reduce((sum, round) => sum + failures(round.result), 0),
  };
}

const fixed = (value: number, digits = 1) => (Number.isFinite(value) ? value.toFixed(digits) : '–');
const times = (value: number) => (Number.isFinite(value) ? `${value >= 10 ? value.toFixed(1) : value.toFixed(2)}×` : '–');
const mb = (bytes: number) => (bytes > 0 ? String(Math.round(bytes / 1_048_576)) : '–');

function table(header: string[], rows: string[][]): string[] {
  const line = (cells: string[]) => `| ${cells.join(' | ')} |`;
  return [line(header), line(header.map((_, index) => (index === 0 ? '---' : '--:'))), ...rows.map(line)];
}

interface Summaries {
  identical: LoadSummary;
  distinct: LoadSummary;
  unloaded: LoadSummary;
  peakRss: number;
}

function summariesOf(gateway: GatewayResults): Summaries {
  return { identical: summarize(gateway.identical), distinct: summarize(gateway.distinct), unloaded: summarize(gateway.unloaded), peakRss: gateway.peakRss };
}

function verdict(passed: boolean, distance: string): string {
  return passed ? `**PASS** (${distance})` : `**MISS** (${distance})`;
}

/** At least `target`× `base`: measured ratio and how far from the target. */
function atLeast(name: string, value: number, base: number | undefined, target: number, baseName: string): string[] {
  if (base === undefined || !Number.isFinite(base)) return [name, `${baseName} not measured`, '–'];
  const ratio = value / base;
  return [name, `${times(ratio)} (${fixed(value, 0)} vs ${fixed(base, 0)} req/s)`, verdict(ratio >= target, ratio >= target ? `${times(ratio / target)} of the target` : `${times(ratio / target)} of the target; needs ${times(target / ratio)} more`)];
}

function targets(by: Partial<Record<GatewayKey, Summaries>>, floorP50: number): string[][] {
  const project = by.project;
  if (!project) return [['targets', 'this gateway was not measured', '–']];
  const rows: string[][] = [
    atLeast('identical clients ≥ 30× stock (defaults)', project.identical.rps, by.stock?.identical.rps, 30, 'stock'),
    atLeast('identical clients ≥ 1.3× Hive Gateway defaults', project.identical.rps, by.hive?.identical.rps, 1.3, 'Hive Gateway'),
    atLeast('distinct clients ≥ 1.5× stock (defaults)', project.distinct.rps, by.stock?.distinct.rps, 1.5, 'stock'),
  ];
  if (by.projectOff) rows.push(atLeast('distinct clients ≥ 1.5× stock (everything off)', by.projectOff.distinct.rps, by.stock?.distinct.rps, 1.5, 'stock'));
  if (by.hiveInbound) rows.push(atLeast('(beside the targets) identical clients vs Hive with its inbound deduplication', project.identical.rps, by.hiveInbound.identical.rps, 1.3, 'Hive inbound'));
  const stockRss = by.stock?.peakRss;
  for (const key of ['project', 'projectOff'] as const) {
    const own = by[key];
    if (!own) continue;
    rows.push(
      stockRss
        ? [`peak RSS ≤ stock (${key === 'project' ? 'defaults' : 'everything off'})`, `${mb(own.peakRss)} vs ${mb(stockRss)} MB (${times(own.peakRss / stockRss)})`, verdict(own.peakRss <= stockRss, own.peakRss <= stockRss ? `${mb(stockRss - own.peakRss)} MB below` : `${mb(own.peakRss - stockRss)} MB above`)]
        : ['peak RSS ≤ stock', 'stock not measured', '–'],
    );
  }
  const ratio = project.unloaded.p50 / floorP50;
  rows.push(['unloaded p50 within 1.5× of the floor (defaults)', `${fixed(project.unloaded.p50, 2)} vs ${fixed(floorP50, 2)} ms (${times(ratio)})`, verdict(ratio <= 1.5, ratio <= 1.5 ? `${fixed((1.5 * floorP50 - project.unloaded.p50), 2)} ms to spare` : `${fixed(project.unloaded.p50 - 1.5 * floorP50, 2)} ms over`)]);
  if (by.projectOff) {
    const off = by.projectOff.unloaded.p50 / floorP50;
    rows.push(['unloaded p50 within 1.5× of the floor (everything off)', `${fixed(by.projectOff.unloaded.p50, 2)} ms (${times(off)})`, verdict(off <= 1.5, off <= 1.5 ? `${fixed(1.5 * floorP50 - by.projectOff.unloaded.p50, 2)} ms to spare` : `${fixed(by.projectOff.unloaded.p50 - 1.5 * floorP50, 2)} ms over`)]);
  }
  return rows;
}

export function renderFederationSection(results: FederationResults): string {
  const by: Partial<Record<GatewayKey, Summaries>> = Object.fromEntries(results.gateways.map((gateway) => [gateway.key, summariesOf(gateway)]));
  const floorIdentical = summarize(results.floor.identical);
  const floorUnloaded = summarize(results.floor.unloaded);
  const stock = by.stock;
  const hive = by.hive;
  const lines: string[] = [
    '## General federation: this gateway, stock @apollo/gateway and Hive Gateway',
    '',
    `Four small subgraphs (bench/federation: accounts, products, inventory, reviews; node:http + @apollo/subgraph + graphql-js over in-memory data, one process each), a supergraph composed at run time with @apollo/composition. ` +
      `One deep query (users and top products, each down reviews → product → reviews → author → reviews → product; @requires and @provides on the way): ${results.plan.fetches} subgraph calls in ${results.plan.stages.length} stages, ${(results.responseBytes / 1024).toFixed(1)} KiB of JSON; every gateway's answer was checked equal to stock's before measuring. ` +
      `${results.node}. Each gateway in its own process, ${results.pinnedTo !== null ? `pinned to CPU ${results.pinnedTo} with taskset (subgraphs and load generator not pinned)` : 'not pinned (no taskset, or one CPU)'}; production mode, auth off. ` +
      `This gateway: ${results.project}; ${results.benchScripts}; Hive Gateway ${results.hive.gateway ?? 'not installed'}${results.hive.routerRuntime ? ` (router-runtime ${results.hive.routerRuntime})` : ''} on plain node. ` +
      `${results.rounds} interleaved rounds (order reversed every other round), medians; each slice about ${results.seconds} s, sized in requests from a warm-up.`,
    '',
    `Plan: ${results.plan.stages.map((stage) => `[${stage}]`).join(' → ')}`,
    '',
    `Loads: **identical** = ${results.connections} clients sending the same query; **distinct** = ${results.connections} clients, every request with its own \`$offset\` (nothing any gateway can share); **c1** = one client alone. The floor replays the plan's recorded subgraph calls straight to the subgraphs (bench/floor.ts), stage by stage.`,
    '',
    ...table(
      ['gateway', 'identical req/s', '× stock', '× Hive', 'p50 / p99 ms', 'CPU ms/req gateway / subgraphs', 'distinct req/s', '× stock', '× Hive', 'p50 / p99 ms', 'CPU ms/req gateway / subgraphs', 'c1 p50 ms', 'peak RSS MB', '× stock', 'failed'],
      [
        ...results.gateways.map((gateway) => {
          const own = by[gateway.key]!;
          return [
            gateway.label,
            fixed(own.identical.rps, 0),
            stock ? times(own.identical.rps / stock.identical.rps) : '–',
            hive ? times(own.identical.rps / hive.identical.rps) : '–',
            `${fixed(own.identical.p50)} / ${fixed(own.identical.p99)}`,
            `${fixed(own.identical.cpuPerRequest, 2)} / ${fixed(own.identical.subgraphCpuPerRequest, 2)}`,
            fixed(own.distinct.rps, 0),
            stock ? times(own.distinct.rps / stock.distinct.rps) : '–',
            hive ? times(own.distinct.rps / hive.distinct.rps) : '–',
            `${fixed(own.distinct.p50)} / ${fixed(own.distinct.p99)}`,
            `${fixed(own.distinct.cpuPerRequest, 2)} / ${fixed(own.distinct.subgraphCpuPerRequest, 2)}`,
            fixed(own.unloaded.p50, 2),
            mb(own.peakRss),
            stock ? times(own.peakRss / stock.peakRss) : '–',
            String(own.identical.failed + own.distinct.failed + own.unloaded.failed),
          ];
        }),
        ['floor (plan replayed to the subgraphs)', fixed(floorIdentical.rps, 0), '', '', `${fixed(floorIdentical.p50)} / ${fixed(floorIdentical.p99)}`, `– / ${fixed(floorIdentical.subgraphCpuPerRequest, 2)}`, '', '', '', '', '', fixed(floorUnloaded.p50, 2), '', '', String(floorIdentical.failed + floorUnloaded.failed)],
      ],
    ),
    '',
    'Gateway CPU per request relative to stock and to Hive Gateway\'s defaults (their CPU ms per request ÷ this one\'s; higher is cheaper). On a busy machine this is steadier than req/s, which the load generator and the other processes also bound:',
    '',
    ...table(
      ['gateway', 'identical: × stock', 'identical: × Hive', 'distinct: × stock', 'distinct: × Hive'],
      results.gateways.map((gateway) => {
        const own = by[gateway.key]!;
        const relative = (base: LoadSummary | undefined, mine: LoadSummary) => (base ? times(base.cpuPerRequest / mine.cpuPerRequest) : '–');
        return [gateway.label, relative(stock?.identical, own.identical), relative(hive?.identical, own.identical), relative(stock?.distinct, own.distinct), relative(hive?.distinct, own.distinct)];
      }),
    ),
    '',
    `Subgraphs' peak RSS: ${mb(results.subgraphsPeakRss)} MB (all four). Load generator CPU per request (median, identical / distinct): ${results.gateways.map((gateway) => `${gateway.key} ${fixed(by[gateway.key]!.identical.clientCpuPerRequest, 2)} / ${fixed(by[gateway.key]!.distinct.clientCpuPerRequest, 2)} ms`).join(', ')}. ` +
      `Other CPU on the machine meanwhile (median over the runs): ${fixed(median(results.gateways.flatMap((gateway) => [...gateway.identical, ...gateway.distinct, ...gateway.unloaded].map((round) => round.usage.otherCpuPercent))), 0)} % — above a few per cent the figures are noisy; the ratios, measured side by side, less so.`,
    '',
    'Hive Gateway 2.x deduplicates subgraph calls in flight by default (its HTTP transport\'s `deduplicateInflightRequests`); inbound deduplication (`inboundInflightRequestDeduplication`) is opt-in, measured as its own row. CPU ms/req: the gateway process\'s user + system time (/proc/<pid>/stat) per answered request; peak RSS: VmHWM at the end of the scenario.',
    '',
    '### Targets (issue 15)',
    '',
    ...table(['target', 'measured', 'verdict'], targets(by, floorUnloaded.p50)),
  ];
  const flagged = [...results.gateways.flatMap((gateway) => [...gateway.identical, ...gateway.distinct, ...gateway.unloaded]), ...results.floor.identical, ...results.floor.unloaded].filter((round) => failures(round.result) > 0);
  if (flagged.length > 0) lines.push('', 'Runs with failures (their numbers are not comparable):', ...flagged.map((round) => `- ⚠ ${round.result.label}: ${failures(round.result)} failed; first: \`${(round.result.firstFailure ?? '').replace(/`/g, "'").slice(0, 200)}\``));
  if (results.notes.length > 0) lines.push('', ...results.notes.map((note) => `> ${note}`));
  return lines.join('\n');
}

/** The whole report of `--scenario federation`. */
export function renderFederationReport(info: { startedAt: Date; finishedAt: Date; machine: string }, results: FederationResults): string {
  const seconds = ((info.finishedAt.getTime() - info.startedAt.getTime()) / 1000).toFixed(0);
  return ['# Benchmark: general federation', '', `Run ${info.startedAt.toISOString()} – ${info.finishedAt.toISOString()} (${seconds} s). ${info.machine}; ${results.node}.`, '', renderFederationSection(results), ''].join('\n');
}
