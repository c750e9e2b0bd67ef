/**
 * Crash points of the fiscal-year writes of a subsidiary: applying headquarters' order (the lock a
 * close or a reopening brings) and booking an adjustment. India's subgraph process is SIGKILLed at
 * each of its MongoDB writes, restarted, and the write is asked again: each order is stored once
 * with one audit entry, each adjustment once (test/harness/crash-points.ts).
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { closeIdOf, orderText, signOrder, type FiscalYearAction } from '../../subgraphs/common/fiscal-year-orders';
import { ROLES } from '../../subgraphs/common/scopes';
import { auditEntries, crashReport, runCrashPath, useCrashRig, type CrashPath, type CrashRig } from '../harness/crash-points';

const rig = useCrashRig('crash_fiscal_year');
const FISCAL_YEARS = [2024, 2025];

const LOCK = `query($r: [_Any!]!) { _entities(representations: $r) { ... on IndiaFiscalYearLock { sequence action } } }`;
const RECORD = `mutation($input: ExpenseInput!) { indiaRecordExpense(input: $input) { id } }`;
const ADJUST = `mutation($input: AdjustmentInput!, $key: String) { indiaRecordAdjustment(input: $input, idempotencyKey: $key) { id } }`;

let headquarters = '';
/** The sequence of the last order signed for each year. */
const sequences = new Map<number, number>();

/** A new order of headquarters for a year, as its close or reopening sends it. */
function nextOrder(fiscalYear: number, action: FiscalYearAction): string {
  const sequence = (sequences.get(fiscalYear) ?? 0) + 1;
  sequences.set(fiscalYear, sequence);
  const closeId = closeIdOf(fiscalYear, action === 'CLOSE' ? sequence : sequence - 1);
  return orderText(signOrder(rig.stack.stack.headquartersKey, { type: 'fiscal-year-order', fiscalYear, sequence, action, closeId, orderedAt: new Date().toISOString() }));
}

async function apply(rig: CrashRig, order: string): Promise<void> {
  const answer = await rig.send(LOCK, { r: [{ __typename: 'IndiaFiscalYearLock', order }] }, headquarters);
  if (answer.errors) throw new Error(JSON.stringify(answer.errors));
}

/** FY2024 expenses to adjust, one per crash point, recorded while the year is open; the year is closed afterwards. */
async function closedYearExpenses(rig: CrashRig, count: number): Promise<string[]> {
  if ((sequences.get(2024) ?? 0) % 2 === 1) await apply(rig, nextOrder(2024, 'REOPEN'));
  const ids: string[] = [];
  for (let i = 0; i < count; i += 1) {
    const answer = await rig.send(RECORD, { input: { initiativeId: 'IN-I0002', date: '2023-11-10', contributionType: 'CASH', amount: `${700 + i}.00`, description: `to adjust ${i}` } });
    if (answer.errors) throw new Error(JSON.stringify(answer.errors));
    ids.push(answer.data!.indiaRecordExpense.id);
  }
  await apply(rig, nextOrder(2024, 'CLOSE'));
  return ids;
}

const PATHS: CrashPath[] = [
  {
    name: 'applying a fiscal-year order (the lock of a close or a reopening)',
    prepare: async (_rig, count) => Array.from({ length: count }, (_, i) => nextOrder(2030, i % 2 === 0 ? 'CLOSE' : 'REOPEN')),
    attempt: (_i, order) => ({ query: LOCK, variables: { r: [{ __typename: 'IndiaFiscalYearLock', order }] }, retry: true, token: headquarters }),
    outcome: async (rig, _i, order, acknowledged) => {
      const { fiscalYear, sequence } = (JSON.parse(order!) as { order: { fiscalYear: number; sequence: number } }).order;
      const id = `${fiscalYear}#${sequence}`;
      const stored = await rig.db().collection('fiscal_year_orders').countDocuments({ _id: id as never });
      const audited = await auditEntries(rig, id, 'indiaApplyFiscalYearOrder');
      const violations = [
        ...(stored > 1 ? [`order ${id} is stored ${stored} times`] : []),
        ...(acknowledged && stored === 0 ? [`the acknowledged order ${id} is not stored`] : []),
        ...(audited !== stored ? [`order ${id} has ${audited} audit entries`] : []),
      ];
      return { applied: stored === 1, violations };
    },
  },
  {
    name: 'RecordAdjustment with a key',
    prepare: closedYearExpenses,
    attempt: (i, id) => ({ query: ADJUST, variables: { input: { originalExpenseId: id, amountChange: '-1.00', reason: `crash adjustment ${i}`, date: '2025-06-01' }, key: `crash-adjust-${i}` }, retry: true }),
    outcome: async (rig, i, _id, acknowledged) => {
      const found = await rig.db().collection('adjustments').find({ reason: `crash adjustment ${i}` }).toArray();
      const violations: string[] = [];
      if (found.length > 1) violations.push(`${found.length} copies of adjustment ${i}`);
      if (acknowledged && found.length === 0) violations.push(`the acknowledged adjustment ${i} is not stored`);
      for (const adjustment of found) {
        const audited = await auditEntries(rig, String(adjustment._id), 'indiaRecordAdjustment');
        if (audited !== 1) violations.push(`${adjustment._id} has ${audited} audit entries`);
      }
      return { applied: found.length === 1, violations };
    },
  },
];

beforeAll(async () => {
  headquarters = await rig.stack.token(ROLES.hq, { subject: 'hq-crash-closer' });
});

describe('a crash at any write of a fiscal-year write', () => {
  it.each(PATHS.map((path) => [path.name, path] as const))('%s: stored once, audited once, figures true', { timeout: 240_000 }, async (_name, path) => {
    const summary = await runCrashPath(rig, path, FISCAL_YEARS);
    console.info(`[crash points] ${crashReport([summary])}`);
    expect(summary.violations).toEqual([]);
    expect(summary.points).toBeGreaterThanOrEqual(6);
  });

  it('leaves the closed year locked and the open one writable', async () => {
    const write = (date: string) => rig.send(RECORD, { input: { initiativeId: 'IN-I0002', date, contributionType: 'CASH', amount: '1.00', description: `after the crashes ${date}` } });
    expect((await write('2023-11-11')).errors?.[0]?.extensions?.code).toBe('FISCAL_YEAR_CLOSED');
    expect((await write('2024-11-11')).errors).toBeUndefined();
  });
});
