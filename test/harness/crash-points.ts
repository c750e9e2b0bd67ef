/**
 * The crash-point rig: India's subgraph runs as a real process whose MongoDB traffic passes through
 * a write-counting proxy (mongo-write-proxy.ts); the rest of the stack runs in this process. A
 * crash point is "SIGKILL the India process at its n-th MongoDB write": either before the write
 * is sent, or after MongoDB applied it but before the process heard back. For every point of a
 * write path, `runCrashPath` crashes one attempt of the write there, restarts India, lets the
 * client retry (with its idempotency key, if it had one) and checks the invariants:
 *
 *   - records = acknowledged writes: no loss, no duplicate, each applied write once, with one audit entry;
 *   - India's report cells = its expenses grouped by the test itself, its volunteering likewise;
 *   - nothing left behind: no journal entry, no record still held by a write.
 */
import { afterAll, beforeAll } from 'vitest';
import type { Db } from 'mongodb';
import { privateJwkText, publicKeySet } from '../../platform/signing-keys';
import { es256Issuer } from '../../platform/token-issuer';
import { ROLES } from '../../subgraphs/common/scopes';
import type { GraphQLResponse } from './graphql';
import { canonicalDecimal, cellsFromRecords, volunteeringFromRecords } from './independent-sums';
import { startMongoWriteProxy, type CrashMode, type MongoWriteProxy } from './mongo-write-proxy';
import { signedPost } from './signed-calls';
import { useSeededStack, type SeededStack } from './stack';
import { startSubgraphProcess, type SubgraphProcess } from './subgraph-process';
import { getMongoUri } from './mongo';

/** A writer's lease in the rig: short, so that writes of a killed process are recovered quickly. */
const LEASE_MS = 600;

export interface CrashRig {
  stack: SeededStack;
  india: () => SubgraphProcess;
  proxy: () => MongoWriteProxy;
  /** India's database, read directly (not through the proxy). */
  db: () => Db;
  /** Sends an operation straight to the India process with a regional token (or `token`), signed as the gateway signs; rejects when the connection dies. */
  send(query: string, variables?: Record<string, unknown>, token?: string): Promise<GraphQLResponse>;
  /** Waits until no write is in flight and the cells remember no finished write (so no background write is due). */
  quiescent(): Promise<void>;
}

/** A seeded stack whose India subgraph is a separate process behind the write-counting proxy. */
export function useCrashRig(prefix: string): CrashRig {
  const issuer = es256Issuer({ issuer: 'csr-crash-issuer', audience: 'csr-crash' });
  const stack = useSeededStack(prefix, { issuer, gatewayEnv: { RESPONSE_CACHE: 'false' } });
  let proxy: MongoWriteProxy | undefined;
  let india: SubgraphProcess | undefined;
  let token = '';
  beforeAll(async () => {
    const port = stack.stack.subgraphs.get('india')!.server.port;
    await stack.stack.stop('india');
    proxy = await startMongoWriteProxy(await getMongoUri());
    const database = stack.db('india').databaseName;
    india = await startSubgraphProcess({
      name: 'india',
      port,
      // the public keys of the identity provider and of the gateway (the in-process gateway signs its calls to it), and India's own key for its figures
      env: {
        ...issuer.verifierEnv,
        GATEWAY_PUBLIC_KEYS: publicKeySet([stack.stack.signingKey]),
        REGIONAL_SIGNING_KEY: privateJwkText(stack.stack.regionalKeys.get('IN')!),
        HEADQUARTERS_PUBLIC_KEYS: publicKeySet([stack.stack.headquartersKey]),
        MONGODB_URI: proxy.uri, DATABASE_PREFIX: database.slice(0, -'india'.length), WRITE_LEASE_MS: String(LEASE_MS), MONGODB_SERVER_SELECTION_TIMEOUT_MS: '3000',
      },
    });
    token = await stack.token(ROLES.regional('IN'), { subject: 'in-crash-tester' });
  }, 120_000);
  afterAll(async () => {
    await india?.stop();
    await proxy?.close();
  });
  const need = <T>(value: T | undefined, what: string): T => {
    if (value === undefined) throw new Error(`useCrashRig(): ${what} used before its beforeAll ran`);
    return value;
  };
  const db = () => stack.db('india');
  return {
    stack,
    india: () => need(india, 'india'),
    proxy: () => need(proxy, 'proxy'),
    db,
    send: async (query, variables = {}, as = token) => (await signedPost(need(india, 'india').url, 'india', stack.stack.signingKey, query, variables, as)).body,
    async quiescent() {
      const deadline = Date.now() + 20_000;
      while (Date.now() < deadline) {
        const inFlight = await db().collection('write_journal').countDocuments();
        const remembered = await db().collection('report_cells').countDocuments({ 'ops.0': { $exists: true } });
        if (inFlight === 0 && remembered === 0) return;
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      throw new Error('India did not settle within 20 s: a write stayed in the journal');
    },
  };
}

/** One attempt of a write, as a client sends it. */
export interface Attempt {
  query: string;
  variables: Record<string, unknown>;
  /** Retry with the same idempotency key after a lost answer (false: the client cannot know, so it does not). */
  retry: boolean;
  /** Another token than the rig's regional one (headquarters' close, say). */
  token?: string;
}

/** A write path: how to make attempt `i`, and what must hold once it was applied (`applied`) or not. */
export interface CrashPath {
  name: string;
  /** Records the path writes to (made before the crashes, one per attempt), e.g. expenses to correct. */
  prepare?: (rig: CrashRig, count: number) => Promise<string[]>;
  attempt: (i: number, target: string | undefined) => Attempt;
  /**
   * Whether attempt `i` is in the records, once exactly; violations otherwise (a duplicate, a half
   * change, a missing or doubled audit entry). `acknowledged`: the client got a successful answer.
   */
  outcome: (rig: CrashRig, i: number, target: string | undefined, acknowledged: boolean) => Promise<{ applied: boolean; violations: string[] }>;
}

export interface CrashSummary {
  path: string;
  points: number;
  /** Points whose write was applied in the end (after recovery and the client's retry). */
  applied: number;
  wrongFigures: number;
  lostOrDuplicated: number;
  violations: string[];
}

const RETRYABLE = new Set(['RECORD_BUSY', 'WRITE_INTERRUPTED', 'SUBSIDIARY_UNAVAILABLE']);

async function untilAnswered(rig: CrashRig, attempt: Attempt): Promise<GraphQLResponse> {
  const deadline = Date.now() + 15_000;
  for (;;) {
    const result = await rig.send(attempt.query, attempt.variables, attempt.token).catch((error: unknown) => ({ errors: [{ message: String(error), extensions: { code: 'CONNECTION' } }] }) as GraphQLResponse);
    const code = result.errors?.[0]?.extensions?.code;
    if (!result.errors || !RETRYABLE.has(String(code)) || Date.now() > deadline) return result;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** India's figures as its report entity gives them, against the same figures computed from its records. */
async function figureViolations(rig: CrashRig, fiscalYears: readonly number[]): Promise<string[]> {
  const violations: string[] = [];
  for (const year of fiscalYears) {
    const answer = await rig.send(`query($r: [_Any!]!) { _entities(representations: $r) { ... on IndiaReport { cells { groupFiscalYear causeArea contributionType motivation amount expenseCount } volunteering { groupFiscalYear newRegistrations participants hours } } } }`, {
      r: [{ __typename: 'IndiaReport', id: `IN|${year}|${year}|*|*` }],
    });
    const report = answer.data?._entities?.[0];
    if (!report?.cells) {
      violations.push(`FY${year}: India's report did not answer: ${JSON.stringify(answer.errors)}`);
      continue;
    }
    const reported = new Map<string, { amount: string; expenseCount: number }>(
      report.cells.map((cell: { groupFiscalYear: number; causeArea: string; contributionType: string; motivation: string; amount: string; expenseCount: number }) => [
        `${cell.groupFiscalYear}|${cell.causeArea}|${cell.contributionType}|${cell.motivation}`,
        { amount: canonicalDecimal(cell.amount), expenseCount: cell.expenseCount },
      ]),
    );
    const expected = await cellsFromRecords(rig.db(), year);
    for (const key of new Set([...reported.keys(), ...expected.keys()])) {
      const [got, want] = [reported.get(key), expected.get(key)];
      if (got?.amount !== want?.amount || got?.expenseCount !== want?.expenseCount) violations.push(`FY${year} cell ${key}: report ${JSON.stringify(got)}, records ${JSON.stringify(want)}`);
    }
    const volunteering = report.volunteering.find((row: { groupFiscalYear: number }) => row.groupFiscalYear === year) ?? { newRegistrations: 0, participants: 0, hours: '0' };
    const fromRecords = await volunteeringFromRecords(rig.db(), year);
    if (volunteering.newRegistrations !== fromRecords.newRegistrations || volunteering.participants !== fromRecords.participants || canonicalDecimal(volunteering.hours) !== fromRecords.hours) {
      violations.push(`FY${year} volunteering: report ${JSON.stringify(volunteering)}, records ${JSON.stringify(fromRecords)}`);
    }
  }
  return violations;
}

/** Nothing of a write may stay behind once India settled: no journal entry, no held record. */
async function leftovers(rig: CrashRig): Promise<string[]> {
  const found: string[] = [];
  for (const collection of ['initiatives', 'expenses']) {
    const held = await rig.db().collection(collection).countDocuments({ pendingOp: { $exists: true } });
    if (held > 0) found.push(`${held} ${collection} still held by a write`);
  }
  return found;
}

/**
 * Crashes the write path at every write of an attempt, in both modes, and checks the invariants
 * after each restart. Returns the summary; violations are collected, not thrown, so that one run
 * reports every wrong figure and every lost or duplicated write.
 */
export async function runCrashPath(rig: CrashRig, path: CrashPath, fiscalYears: readonly number[]): Promise<CrashSummary> {
  const summary: CrashSummary = { path: path.name, points: 0, applied: 0, wrongFigures: 0, lostOrDuplicated: 0, violations: [] };
  // a first attempt without a crash: how many writes the path makes
  const probeTargets = path.prepare ? await path.prepare(rig, 1) : [];
  await rig.quiescent();
  rig.proxy().resetCount();
  const probe = path.attempt(0, probeTargets[0]);
  const probed = await rig.send(probe.query, probe.variables, probe.token);
  if (probed.errors) throw new Error(`${path.name}: the write failed without a crash: ${JSON.stringify(probed.errors)}`);
  const writes = rig.proxy().writes.length;
  if (writes === 0) throw new Error(`${path.name}: the write made no MongoDB write`);
  const points: { afterWrites: number; mode: CrashMode }[] = [];
  for (let afterWrites = 0; afterWrites < writes; afterWrites += 1) points.push({ afterWrites, mode: 'before-send' }, { afterWrites, mode: 'after-apply' });
  const targets = path.prepare ? await path.prepare(rig, points.length) : [];

  for (const [index, point] of points.entries()) {
    const i = index + 1;
    const attempt = path.attempt(i, targets[index]);
    await rig.quiescent();
    const crashed = rig.proxy().arm({ ...point, onCrash: async () => void (await rig.india().kill()) });
    const first = await rig.send(attempt.query, attempt.variables, attempt.token).catch(() => null);
    const report = await Promise.race([crashed, new Promise<null>((resolve) => setTimeout(() => resolve(null), 5_000))]);
    if (!report) {
      rig.proxy().disarm();
      summary.violations.push(`${path.name} #${i} (${point.mode} write ${point.afterWrites + 1}): the crash point was never reached (${first?.errors ? JSON.stringify(first.errors) : 'answered'})`);
      continue;
    }
    summary.points += 1;
    await rig.india().restart();
    let acknowledged = false;
    if (attempt.retry) {
      const retried = await untilAnswered(rig, attempt);
      acknowledged = !retried.errors;
      if (retried.errors) summary.violations.push(`${path.name} #${i}: the retry with its key failed: ${JSON.stringify(retried.errors)}`);
    }
    await rig.quiescent();
    const where = `${path.name} #${i} (killed ${point.mode === 'before-send' ? 'before' : 'just after'} ${report.write.command} ${report.write.collection}, write ${point.afterWrites + 1} of ${writes})`;
    const outcome = await path.outcome(rig, i, targets[index], acknowledged);
    if (outcome.applied) summary.applied += 1;
    if (attempt.retry && !outcome.applied) outcome.violations.push('an acknowledged write is missing');
    summary.lostOrDuplicated += outcome.violations.length > 0 ? 1 : 0;
    summary.violations.push(...outcome.violations.map((violation) => `${where}: ${violation}`));
    const figures = await figureViolations(rig, fiscalYears);
    const left = await leftovers(rig);
    summary.wrongFigures += figures.length > 0 || left.length > 0 ? 1 : 0;
    summary.violations.push(...[...figures, ...left].map((violation) => `${where}: ${violation}`));
  }
  return summary;
}

/** "N crash points, 0 wrong figures, 0 lost or duplicated writes" over some paths. */
export function crashReport(summaries: readonly CrashSummary[]): string {
  const sum = (pick: (summary: CrashSummary) => number) => summaries.reduce((total, summary) => total + pick(summary), 0);
  const lines = summaries.map((s) => `  ${s.path}: ${s.points} crash points, ${s.applied} applied after recovery, ${s.wrongFigures} wrong figures, ${s.lostOrDuplicated} lost or duplicated writes`);
  return `${sum((s) => s.points)} crash points, ${sum((s) => s.wrongFigures)} wrong figures, ${sum((s) => s.lostOrDuplicated)} lost or duplicated writes\n${lines.join('\n')}`;
}

/** Audit entries of one record written by one mutation. */
export async function auditEntries(rig: CrashRig, entityId: string, action: string): Promise<number> {
  return rig.db().collection('audit_log').countDocuments({ entityId, action });
}
