/**
 * Crash points of every expense write: India's subgraph process is SIGKILLed at each of its
 * MongoDB writes (before the write is sent, and just after MongoDB applied it), restarted, and the
 * client retries with its idempotency key. After each restart the records must be the acknowledged
 * writes, once each, and India's report must equal its records (test/harness/crash-points.ts).
 */
import { describe, expect, it } from 'vitest';
import { auditEntries, crashReport, runCrashPath, useCrashRig, type CrashPath, type CrashRig, type CrashSummary } from '../harness/crash-points';
import { jpyTotal } from '../harness/independent-sums';

const rig = useCrashRig('crash_expenses');
const FISCAL_YEARS = [2024, 2025];

const RECORD = `mutation($input: ExpenseInput!, $key: String) { indiaRecordExpense(input: $input, idempotencyKey: $key) { id } }`;
const CORRECT = `mutation($id: ID!, $correction: ExpenseCorrection!, $key: String) { indiaCorrectExpense(id: $id, correction: $correction, idempotencyKey: $key) { id } }`;
const DELETE = `mutation($id: ID!, $key: String) { indiaDeleteExpense(id: $id, idempotencyKey: $key) { id } }`;

const expense = (description: string, amount: string, date = '2024-06-10') => ({ initiativeId: 'IN-I0002', date, contributionType: 'CASH', amount, description });
const expenses = (rig: CrashRig) => rig.db().collection('expenses');

/** Expenses to correct or delete, one per crash point, recorded without a crash. */
async function recorded(rig: CrashRig, count: number, tag: string): Promise<string[]> {
  const ids: string[] = [];
  for (let i = 0; i < count; i += 1) {
    const answer = await rig.send(RECORD, { input: expense(`${tag} target ${i}`, `${500 + i}.50`) });
    if (answer.errors) throw new Error(JSON.stringify(answer.errors));
    ids.push(answer.data!.indiaRecordExpense.id);
  }
  return ids;
}

/** A record written once if at all, with exactly one audit entry when it is there. */
async function once(rig: CrashRig, description: string, mustExist: boolean): Promise<{ applied: boolean; violations: string[] }> {
  const found = await expenses(rig).find({ description }).toArray();
  const violations: string[] = [];
  if (found.length > 1) violations.push(`${found.length} copies of "${description}"`);
  if (mustExist && found.length === 0) violations.push(`"${description}" was acknowledged but is not stored`);
  for (const record of found) {
    const audited = await auditEntries(rig, String(record._id), 'indiaRecordExpense');
    if (audited !== 1) violations.push(`${record._id} has ${audited} audit entries`);
  }
  return { applied: found.length === 1, violations };
}

const CORRECTION = { amount: '777.25', date: '2023-11-20' }; // moves the expense to another amount and fiscal year (another cell)

/** The correction is all there or not at all, with one audit entry when it is. */
async function corrected(rig: CrashRig, id: string, mustBeApplied: boolean): Promise<{ applied: boolean; violations: string[] }> {
  const stored = await expenses(rig).findOne({ _id: id as never });
  const violations: string[] = [];
  if (!stored) return { applied: false, violations: [`${id} disappeared`] };
  const applied = stored.amount.toString() === CORRECTION.amount && stored.date === CORRECTION.date && stored.groupFiscalYear === 2024;
  const untouched = stored.amount.toString() !== CORRECTION.amount && stored.date === '2024-06-10' && stored.groupFiscalYear === 2025;
  if (!applied && !untouched) violations.push(`${id} is half corrected: ${stored.amount} on ${stored.date} (FY${stored.groupFiscalYear})`);
  if (mustBeApplied && !applied) violations.push(`${id}: the acknowledged correction is missing`);
  const audited = await auditEntries(rig, id, 'indiaCorrectExpense');
  if (audited !== (applied ? 1 : 0)) violations.push(`${id} has ${audited} correction audit entries`);
  return { applied, violations };
}

const PATHS: CrashPath[] = [
  {
    name: 'RecordExpense without a key',
    attempt: (i) => ({ query: RECORD, variables: { input: expense(`crash unkeyed ${i}`, `${100 + i}.01`) }, retry: false }),
    outcome: (rig, i, _target, acknowledged) => once(rig, `crash unkeyed ${i}`, acknowledged),
  },
  {
    name: 'RecordExpense with a key',
    attempt: (i) => ({ query: RECORD, variables: { input: expense(`crash keyed ${i}`, `${200 + i}.02`), key: `crash-record-${i}` }, retry: true }),
    outcome: (rig, i, _target, acknowledged) => once(rig, `crash keyed ${i}`, acknowledged),
  },
  {
    name: 'CorrectExpense with a key',
    prepare: (rig, count) => recorded(rig, count, 'correct keyed'),
    attempt: (i, id) => ({ query: CORRECT, variables: { id, correction: CORRECTION, key: `crash-correct-${i}` }, retry: true }),
    outcome: (rig, _i, id, acknowledged) => corrected(rig, id!, acknowledged),
  },
  {
    name: 'CorrectExpense without a key',
    prepare: (rig, count) => recorded(rig, count, 'correct unkeyed'),
    attempt: (_i, id) => ({ query: CORRECT, variables: { id, correction: CORRECTION }, retry: false }),
    outcome: (rig, _i, id) => corrected(rig, id!, false),
  },
  {
    name: 'DeleteExpense with a key',
    prepare: (rig, count) => recorded(rig, count, 'delete keyed'),
    attempt: (i, id) => ({ query: DELETE, variables: { id, key: `crash-delete-${i}` }, retry: true }),
    outcome: async (rig, _i, id, acknowledged) => {
      const gone = (await expenses(rig).countDocuments({ _id: id as never })) === 0;
      const audited = await auditEntries(rig, id!, 'indiaDeleteExpense');
      const violations = [
        ...(acknowledged && !gone ? [`${id}: the acknowledged deletion is missing`] : []),
        ...(audited !== (gone ? 1 : 0) ? [`${id} has ${audited} deletion audit entries`] : []),
      ];
      return { applied: gone, violations };
    },
  },
];

describe('a crash at any write of any expense write path', () => {
  const summaries: CrashSummary[] = [];

  it.each(PATHS.map((path) => [path.name, path] as const))('%s: records, cells and reports stay true', { timeout: 240_000 }, async (_name, path) => {
    const summary = await runCrashPath(rig, path, FISCAL_YEARS);
    summaries.push(summary);
    console.info(`[crash points] ${crashReport([summary])}`);
    expect(summary.violations).toEqual([]);
    expect(summary.points).toBeGreaterThanOrEqual(6);
  });

  it('leaves the consolidated report equal to the independent sum of every subsidiary', { timeout: 60_000 }, async () => {
    console.info(`[crash points] ${crashReport(summaries)}`);
    for (const year of FISCAL_YEARS) {
      const report = await rig.stack.query(`query($year: Int!) { groupReport(fiscalYear: $year) { total { amount partial } completeness { complete } } }`, { year });
      expect(report.errors).toBeUndefined();
      expect(report.data?.groupReport).toEqual({
        total: { amount: await jpyTotal((name) => rig.stack.db(name), ['JP', 'IN', 'US', 'TH'], year), partial: false },
        completeness: { complete: true },
      });
    }
  });
});
