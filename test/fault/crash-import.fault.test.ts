/**
 * Crash points of a bulk import's commit: India's subgraph process is SIGKILLed at each of its
 * MongoDB writes (before the write is sent, and just after MongoDB applied it), restarted, and the
 * client sends the same file again (its idempotency key is made from the content). After each
 * restart the file's expenses are all there or none, once each, each with one audit entry, the
 * import's own audit entry once, India's report equals its records (test/harness/crash-points.ts),
 * and no staged part is left behind.
 */
import { describe, expect, it } from 'vitest';
import { auditEntries, crashReport, runCrashPath, useCrashRig, type CrashPath, type CrashRig } from '../harness/crash-points';
import { jpyTotal } from '../harness/independent-sums';

const rig = useCrashRig('crash_import');
const FISCAL_YEARS = [2024, 2025];
const ROWS = 5;

const IMPORT = `mutation($input: ImportFileInput!, $key: String) { indiaImportExpenses(input: $input, mode: COMMIT, idempotencyKey: $key) { status importId rows problems { row column message } } }`;

const tag = (i: number) => `crash import ${i} row`;

/** Five rows over two initiatives, two contribution types and two group fiscal years (several cells). */
function file(i: number): string {
  const rows = Array.from({ length: ROWS }, (_, row) =>
    row % 2 === 0
      ? `IN-I000${1 + (row % 3)},2024-0${5 + row}-1${row},CASH,${1000 + i}.${10 + row},,,,INR,,${tag(i)} ${row}`
      : `IN-I0002,2023-1${row === 1 ? 1 : 2}-0${row},IN_KIND_PRODUCT,,${row},box,${50 + i}.5,,,${tag(i)} ${row}`,
  );
  return ['initiativeId,date,contributionType,amount,quantity,unit,unitPrice,currency,valuationBasis,description', ...rows].join('\n');
}

async function stagedParts(rig: CrashRig): Promise<number> {
  // parts of a commit abandoned before it committed are dropped by the journal's sweep, a few leases later
  const deadline = Date.now() + 10_000;
  for (;;) {
    const left = await rig.db().collection('import_staging').countDocuments();
    if (left === 0 || Date.now() > deadline) return left;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

async function outcome(rig: CrashRig, i: number, acknowledged: boolean): Promise<{ applied: boolean; violations: string[] }> {
  const found = await rig.db().collection('expenses').find({ description: { $regex: `^${tag(i)} ` } }).toArray();
  const violations: string[] = [];
  if (found.length !== 0 && found.length !== ROWS) violations.push(`partial import: ${found.length} of ${ROWS} rows stored`);
  if (acknowledged && found.length === 0) violations.push('the acknowledged import is not stored');
  if (new Set(found.map((expense) => expense.description)).size !== found.length) violations.push('a row is stored twice');
  for (const expense of found) {
    const audited = await auditEntries(rig, String(expense._id), 'indiaImportExpenses');
    if (audited !== 1) violations.push(`${expense._id} has ${audited} audit entries`);
  }
  const imports = await rig.db().collection('audit_log').countDocuments({ entity: 'ExpenseImport', 'after.firstExpenseId': { $in: found.map((expense) => expense._id) } });
  if (imports !== (found.length > 0 ? 1 : 0)) violations.push(`${imports} import audit entries`);
  const left = await stagedParts(rig);
  if (left > 0) violations.push(`${left} staged parts left behind`);
  return { applied: found.length === ROWS, violations };
}

const PATH: CrashPath = {
  name: 'ImportExpenses (5 rows, key made from the content)',
  attempt: (i) => ({ query: IMPORT, variables: { input: { content: file(i), fileName: `crash-${i}.csv` } }, retry: true }),
  outcome: (rig, i, _target, acknowledged) => outcome(rig, i, acknowledged),
};

const PARTICIPATION = `mutation($input: ImportFileInput!) { indiaImportVolunteerParticipation(input: $input, mode: COMMIT) { status importId } }`;
const note = (i: number) => `crash participation ${i}`;

const VOLUNTEERING_PATH: CrashPath = {
  name: 'ImportVolunteerParticipation (3 rows, key made from the content)',
  attempt: (i) => ({
    query: PARTICIPATION,
    variables: { input: { content: ['initiativeId,date,people,hours,note', `IN-I0001,2024-10-05,${i + 1},2.5,${note(i)} a`, `IN-I0002,2023-11-05,3,${i}.25,${note(i)} b`, `IN-I0003,2024-12-01,1,1,${note(i)} c`].join('\n') } },
    retry: true,
  }),
  outcome: async (rig, i, _target, acknowledged) => {
    const found = await rig.db().collection('volunteer_participation').find({ note: { $regex: `^${note(i)} ` } }).toArray();
    const violations: string[] = [];
    if (found.length !== 0 && found.length !== 3) violations.push(`partial import: ${found.length} of 3 rows stored`);
    if (acknowledged && found.length === 0) violations.push('the acknowledged import is not stored');
    for (const record of found) {
      const audited = await auditEntries(rig, String(record._id), 'indiaImportVolunteerParticipation');
      if (audited !== 1) violations.push(`${record._id} has ${audited} audit entries`);
    }
    const left = await stagedParts(rig);
    if (left > 0) violations.push(`${left} staged parts left behind`);
    return { applied: found.length === 3, violations };
  },
};

describe('a crash at any write of a bulk import', () => {
  it.each([PATH, VOLUNTEERING_PATH].map((path) => [path.name, path] as const))('%s: never part of a file; the retry records it exactly once', { timeout: 300_000 }, async (_name, path) => {
    const summary = await runCrashPath(rig, path, FISCAL_YEARS);
    console.info(`[crash points] ${crashReport([summary])}`);
    expect(summary.violations).toEqual([]);
    expect(summary.points).toBeGreaterThanOrEqual(14);
    expect(summary.applied).toBe(summary.points);
    for (const year of FISCAL_YEARS) {
      const report = await rig.stack.query(`query($year: Int!) { groupReport(fiscalYear: $year) { total { amount partial } } }`, { year });
      expect(report.data?.groupReport.total).toEqual({ amount: await jpyTotal((name) => rig.stack.db(name), ['JP', 'IN', 'US', 'TH'], year), partial: false });
    }
  });
});
