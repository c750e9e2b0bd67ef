/**
 * Moving an initiative with thousands of expenses to another cause area: one write, answered at
 * once, and no report read meanwhile shows anything but the figures before or after the move.
 */
import { requireSubsidiary } from '../../subgraphs/common/registry';
import { describe, expect, it } from 'vitest';
import { Decimal128 } from 'mongodb';
import { createRegionalStore } from '../../subgraphs/kit/store';
import { useSeededStack } from '../harness/stack';

const india = requireSubsidiary('india');

const stack = useSeededStack('e2e_move', { gatewayEnv: { RESPONSE_CACHE: 'false' } });
const EXPENSES = 3_000;
const REPORT = `{ groupReport(fiscalYear: 2025) { total { amount } byCauseArea { causeArea amount { amount } expenseCount } } }`;

async function initiativeWithManyExpenses(): Promise<string> {
  const created = await stack.data(`mutation { indiaCreateInitiative(input: { title: "School meals, all districts", description: "Many small grants", causeArea: HEALTH_WELFARE, startDate: "2024-04-01" }) { id } }`);
  const id = created.indiaCreateInitiative.id as string;
  const now = new Date();
  await stack.db('india').collection('expenses').insertMany(
    Array.from({ length: EXPENSES }, (_, i) => ({
      _id: `IN-X9${String(i).padStart(5, '0')}`,
      initiativeId: id, date: '2024-09-01', fiscalYear: 2025, groupFiscalYear: 2025, contributionType: 'CASH',
      quantity: null, unit: null, unitPrice: null, amount: Decimal128.fromString(`${(i % 97) + 1}.${String(i % 100).padStart(2, '0')}`),
      currency: 'INR', valuationBasis: 'Amount paid', description: `Meal grant ${i}`, illustrative: true, source: 'test', createdAt: now, updatedAt: now, updatedBy: 'test',
    })) as never[],
  );
  await createRegionalStore(stack.db('india'), india).rollups.rebuild(); // a bulk load: the cells follow it once
  return id;
}

describe('a cause-area move of an initiative with thousands of expenses', () => {
  it('is one write: answered at once, the total never moves, every breakdown is the one before or after', { timeout: 120_000 }, async () => {
    const id = await initiativeWithManyExpenses();
    const before = (await stack.data(REPORT)).groupReport;
    const areas = ['DISASTER_RELIEF', 'HEALTH_WELFARE'];
    let moving = true;
    const seen: string[] = [];
    const readers = Array.from({ length: 3 }, async () => {
      while (moving) seen.push(JSON.stringify((await stack.data(REPORT)).groupReport));
    });
    const durations: number[] = [];
    try {
      for (let move = 0; move < 6; move += 1) {
        const started = Date.now();
        const answer = await stack.query(`mutation($id: ID!, $area: CauseArea!) { indiaUpdateInitiative(id: $id, changes: { causeArea: $area }) { causeArea } }`, { id, area: areas[move % 2] });
        durations.push(Date.now() - started);
        expect(answer.errors).toBeUndefined();
      }
    } finally {
      moving = false;
      await Promise.all(readers);
    }
    const after = (await stack.data(REPORT)).groupReport; // back in HEALTH_WELFARE after an even number of moves
    const moved = await (async () => {
      await stack.data(`mutation($id: ID!) { indiaUpdateInitiative(id: $id, changes: { causeArea: DISASTER_RELIEF }) { causeArea } }`, { id });
      return (await stack.data(REPORT)).groupReport;
    })();
    console.info(`[move] ${EXPENSES} expenses moved 6 times: ${durations.join(', ')} ms per move; ${seen.length} reports read meanwhile`);
    expect(after).toEqual(before);
    const count = (report: typeof before, area: string) => report.byCauseArea.find((line: { causeArea: string }) => line.causeArea === area)?.expenseCount ?? 0;
    expect(count(moved, 'DISASTER_RELIEF') - count(before, 'DISASTER_RELIEF')).toBe(EXPENSES);
    expect(seen.length).toBeGreaterThan(6);
    const allowed = new Set([JSON.stringify(before), JSON.stringify(moved)]);
    expect(seen.filter((report) => !allowed.has(report))).toEqual([]);
    expect(Math.max(...durations)).toBeLessThan(2_000);
  });
});
