/**
 * What a caller holding a valid read token could do to the servers, measured: run it on two
 * checkouts for a before/after (docs/performance.md, "Hostile callers").
 *
 *   MONGO_TEST_SERVER=java node --expose-gc --import tsx bench/zero-trust.ts [--duration 10]
 *
 * Everything runs in this process (scripts/stack.ts startStack) over a fresh, seeded MongoDB
 * (MONGODB_URI, else an embedded one). Measured:
 *   1. the group subgraph called straight with hand-written GroupReport representations (huge
 *      amounts, many aliases, many cells): time of the request, and the longest the event loop was
 *      blocked meanwhile (how long /health, or anything else, could not answer);
 *   2. 1,000 IndiaReport representations straight at India's subgraph: database commands, time;
 *   3. the dashboard through the gateway (10 connections) alone, and while a BI token sends
 *      `mutation { __typename }` 12 times a second;
 *   4. 300 requests of a cached answer, each with another unused variable: the process's heap
 *      in use after a full GC.
 * Direct subgraph calls are sent unsigned: where subgraphs require the gateway's signature on
 * `_entities`, they are refused before any of this (what is measured here is what stands behind).
 */
import { randomBytes } from 'node:crypto';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { SignJWT } from 'jose';
import { MongoClient, type CommandStartedEvent } from 'mongodb';
import { startMongoServer } from '../platform/mongo-server';
import { startStack } from '../scripts/stack';
import { loadSeed, type SeedDatabases } from '../seed/load';
import { CAUSE_AREAS, CONTRIBUTION_TYPES } from '../subgraphs/common/catalog';
import { ROLES } from '../subgraphs/common/scopes';
import { SUBGRAPH_NAMES } from '../subgraphs/launch';
import { graphqlBody, percentile, runLoad } from './load';
import { DASHBOARD } from './workloads';

process.env.LOG_LEVEL ??= 'silent';
const { values: args } = parseArgs({ options: { duration: { type: 'string', default: '10' } } });
const seconds = Number(args.duration);

const server = process.env.MONGODB_URI ? null : await startMongoServer();
const mongoUri = process.env.MONGODB_URI ?? server!.uri;
const prefix = `zt_${randomBytes(3).toString('hex')}_`;
const client = new MongoClient(mongoUri);
await client.connect();
await loadSeed(client, Object.fromEntries(SUBGRAPH_NAMES.map((name) => [name, `${prefix}${name}`])) as unknown as SeedDatabases);
const secret = randomBytes(32).toString('base64url');
const stack = await startStack({
  mongoUri,
  databasePrefix: prefix,
  monitorCommands: true,
  gatewayEnv: { AUTH_JWT_SECRET: secret, AUTH_ISSUER: 'csr-bench', AUTH_AUDIENCE: 'csr-federation' },
});

async function token(subject: string, scopes: readonly string[]): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  return new SignJWT({ scope: scopes.join(' ') })
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setSubject(subject)
    .setIssuer(stack.auth.issuer)
    .setAudience(stack.auth.audience)
    .setIssuedAt(now)
    .setExpirationTime(now + 3_600)
    .sign(new TextEncoder().encode(secret));
}
const bi = await token('powerbi-service', ROLES.bi);
const hq = await token('hq-dashboard', ROLES.hq);
const url = (name: string) => stack.subgraphs.get(name)!.server.url;

async function post(target: string, query: string, variables: Record<string, unknown>, bearer: string) {
  try {
    const response = await fetch(target, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${bearer}` }, body: JSON.stringify({ query, variables }) });
    return { status: response.status, text: await response.text() };
  } catch (error) {
    return { status: 0, text: `failed: ${(error as Error).cause ?? error}` };
  }
}

const rows: string[][] = [];
const row = (...cells: (string | number)[]) => {
  rows.push(cells.map(String));
  console.error(`[zero-trust] ${cells.join(' | ')}`);
};

// ---- 1. the group subgraph under hand-written representations --------------------------------

const causes = CAUSE_AREAS.map((area) => area.code);
const types = CONTRIBUTION_TYPES.map((type) => type.code);
/** A GroupReport representation; `japanOnly`: the other subsidiaries' reports arrive without cells (no rate needed). */
function groupRepresentation(options: { years: [number, number]; cellsPerSubsidiary: number; amount: string; japanOnly?: boolean }) {
  const [from, to] = options.years;
  const cells = Array.from({ length: options.cellsPerSubsidiary }, (_, index) => ({
    groupFiscalYear: from + (Math.floor(index / 40) % (to - from + 1)),
    causeArea: causes[index % causes.length],
    contributionType: types[Math.floor(index / causes.length) % types.length],
    motivation: 'COMMUNITY_INVESTMENT',
    amount: options.amount,
    expenseCount: 1,
  }));
  const report = (currency: string) => ({ currency, cells: options.japanOnly && currency !== 'JPY' ? [] : cells, volunteering: [], asOf: '2026-01-05T09:00:00.000Z', dataset: { id: `d-${currency}` } });
  return { __typename: 'GroupReport', id: `${from}|${to}|JPY|*|*|partial`, subsidiaries: ['JPY', 'INR', 'USD', 'THB'].map(report) };
}

async function stall(label: string, representation: unknown, field: string, aliases: number) {
  const selection = Array.from({ length: aliases }, (_, index) => `a${index}: ${field}`).join(' ');
  const query = `query($r: [_Any!]!) { _entities(representations: $r) { ... on GroupReport { ${selection} } } }`;
  // every server runs in this process: the longest the event loop was blocked is how long /health (anything) could not answer
  const blocked = monitorEventLoopDelay({ resolution: 10 });
  blocked.enable();
  const started = performance.now();
  const answer = await post(url('group'), query, { r: [representation] }, bi);
  const ms = performance.now() - started;
  blocked.disable();
  const outcome = /"code":"([A-Z_]+)"/.exec(answer.text)?.[1] ?? (answer.text.includes('"amount"') ? 'consolidated' : answer.text.slice(0, 60));
  row('stall', label, `${ms.toFixed(0)} ms`, `event loop (/health) blocked up to ${(blocked.max / 1e6).toFixed(0)} ms`, outcome);
}

// each within the subgraphs' 1 MiB body limit
await stall('20,000-digit amounts (40 cells) × 100 aliases of total', groupRepresentation({ years: [2024, 2024], cellsPerSubsidiary: 10, amount: `${'9'.repeat(10_000)}.${'9'.repeat(9_999)}` }), 'total { amount }', 100);
await stall('50,000-digit amounts (16 cells) × 40 aliases of total', groupRepresentation({ years: [2024, 2024], cellsPerSubsidiary: 4, amount: `${'9'.repeat(25_000)}.${'9'.repeat(24_999)}` }), 'total { amount }', 40);
await stall('4,000 cells (one year) × 40 aliases of byCauseArea', groupRepresentation({ years: [2024, 2024], cellsPerSubsidiary: 4_000, amount: '12345', japanOnly: true }), 'byCauseArea { amount { amount } }', 40);
await stall('widest valid report (30 years, 1,200 cells) × 30 aliases of byCauseArea', groupRepresentation({ years: [1996, 2025], cellsPerSubsidiary: 1_200, amount: '12345', japanOnly: true }), 'byCauseArea { amount { amount } }', 30);

// ---- 2. 1,000 report representations at a regional subgraph ----------------------------------

{
  const representations = Array.from({ length: 1_000 }, (_, index) => ({ __typename: 'IndiaReport', id: `IN|${2020 + (index % 6)}|2025|${index % 3 === 0 ? '*' : causes[index % causes.length]}|*` }));
  const commands: CommandStartedEvent[] = [];
  const india = stack.subgraphs.get('india')!.mongo;
  const listener = (event: CommandStartedEvent) => void commands.push(event);
  india.on('commandStarted', listener);
  const started = performance.now();
  const answer = await post(url('india'), `query($r: [_Any!]!) { _entities(representations: $r) { ... on IndiaReport { cells { amount } volunteering { hours } } } }`, { r: representations }, bi);
  const ms = performance.now() - started;
  india.off('commandStarted', listener);
  row('representations', '1,000 IndiaReport representations', `${ms.toFixed(0)} ms`, `${commands.length} database commands`, answer.text.includes('"errors"') ? 'errors' : 'answered');
}

// ---- 3. the dashboard under a cache-flushing caller --------------------------------------------

async function dashboard(label: string, flushPerSecond: number) {
  let flushes = 0;
  const flusher =
    flushPerSecond > 0
      ? setInterval(() => {
          flushes += 1;
          void post(stack.gateway.url, 'mutation { __typename }', {}, bi);
        }, 1_000 / flushPerSecond)
      : undefined;
  const result = await runLoad({ label, url: stack.gateway.url, connections: 10, budget: { seconds }, headers: { authorization: `Bearer ${hq}` }, requests: [{ body: graphqlBody(DASHBOARD) }] });
  if (flusher) clearInterval(flusher);
  row('dashboard', label, `${result.requestsPerSecond.toFixed(0)} req/s`, `p50 ${percentile(result.latencies, 0.5).toFixed(2)} ms`, `${flushes} flushes, ${result.graphqlErrors + result.non2xx + result.errors} failed`);
}

await dashboard('alone', 0);
await dashboard('with `mutation { __typename }` 12×/s from a BI token', 12);

// ---- 4. unused variables against the cache's memory ------------------------------------------

{
  const years = Array.from({ length: 24 }, (_, index) => 2001 + index);
  const big = `query Big { ${years.map((year) => `y${year}: groupReport(fiscalYear: ${year}, allowPartial: true) {
    completeness { complete included missing { code name reason reasonCode } }
    bySubsidiary { code name available expenseCount asOf ratesUsed { currency fiscalYear rate source } }
    goals { goal { id title metric cadence unit source } fiscalYear target actual progressPercent achieved periodFullyCovered } }`).join(' ')} }`;
  const gc = (globalThis as { gc?: () => void }).gc;
  const heap = () => {
    gc?.();
    return process.memoryUsage().heapUsed / 1_048_576;
  };
  const first = await post(stack.gateway.url, big, {}, hq);
  const before = heap();
  for (let junk = 0; junk < 300; junk += 1) await post(stack.gateway.url, big, { junk }, hq);
  const after = heap();
  row('variables', `300 × a ${(first.text.length / 1024).toFixed(0)} KB answer, each with another unused variable`, `heap ${before.toFixed(0)} → ${after.toFixed(0)} MB`, gc ? 'after full GC' : 'no --expose-gc', '');
}

console.log(['| measure | case | result | | |', '|---|---|---|---|---|', ...rows.map((cells) => `| ${cells.join(' | ')} |`)].join('\n'));
await stack.close();
for (const name of SUBGRAPH_NAMES) await client.db(`${prefix}${name}`).dropDatabase();
await client.close();
await server?.stop();
