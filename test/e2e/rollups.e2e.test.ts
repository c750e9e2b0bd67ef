import { requireSubsidiary } from '../../subgraphs/common/registry';
import { describe, expect, it } from 'vitest';
import { createRegionalStore } from '../../subgraphs/kit/store';
import { useSeededStack } from '../harness/stack';

const india = requireSubsidiary('india');

const stack = useSeededStack('e2e_rollups');
const rollups = () => createRegionalStore(stack.db('india'), india).rollups;

const RECORD = `mutation($input: ExpenseInput!, $key: String) { indiaRecordExpense(input: $input, idempotencyKey: $key) { id } }`;

describe('report cells maintained on write', () => {
  it('start equal to the cells grouped from the expenses', async () => {
    expect(await rollups().verify()).toEqual([]);
  });

  it('stay equal through records, replays, corrections, deletions and cause-area moves, also when concurrent', async () => {
    const base = { initiativeId: 'IN-I0002', date: '2024-05-20', contributionType: 'CASH', description: 'Rollup check' };
    const recorded = await Promise.all(
      Array.from({ length: 12 }, (_, index) => stack.data(RECORD, { input: { ...base, amount: `${100 + index}.25` }, key: index % 3 === 0 ? `rollup-${index}` : null })),
    );
    await Promise.all([0, 3].map((index) => stack.data(RECORD, { input: { ...base, amount: `${100 + index}.25` }, key: `rollup-${index}` })));
    const ids = recorded.map((result) => result.indiaRecordExpense.id as string);
    await stack.data(`mutation($id: ID!) { indiaCorrectExpense(id: $id, correction: { contributionType: IN_KIND_PRODUCT, quantity: "3", unit: "box", unitPrice: "19.99" }) { id } }`, { id: ids[1] });
    await stack.data(`mutation($id: ID!) { indiaCorrectExpense(id: $id, correction: { date: "2023-12-01" }) { id } }`, { id: ids[2] });
    await stack.data(`mutation($id: ID!) { indiaDeleteExpense(id: $id) { id } }`, { id: ids[4] });
    await Promise.all([
      stack.data(`mutation { indiaUpdateInitiative(id: "IN-I0002", changes: { causeArea: ENVIRONMENT }) { version } }`),
      stack.data(RECORD, { input: { ...base, amount: '77.77' } }),
    ]);
    await stack.data(`mutation { indiaUpdateInitiative(id: "IN-I0002", changes: { causeArea: ENVIRONMENT }) { version } }`);
    expect(await rollups().verify()).toEqual([]);
  });

  it('are what the report reads: a rollup changed behind its back shows in the report', async () => {
    const query = `{ groupReport(fiscalYear: 2025) { bySubsidiary { code local { amount } } } }`;
    const india = async () => (await stack.data(query)).groupReport.bySubsidiary.find((line: any) => line.code === 'IN').local.amount as string;
    const before = await india();
    const cells = stack.db('india').collection('report_cells');
    const cell = await cells.findOne({ groupFiscalYear: 2025, expenseCount: { $gt: 0 } });
    await cells.updateOne({ _id: cell!._id }, { $inc: { expenseCount: 1 } });
    const drifted = await rollups().verify();
    expect(drifted).toHaveLength(1);
    expect(drifted[0]!.cell).toBe(cell!._id);
    await rollups().rebuild();
    expect(await rollups().verify()).toEqual([]);
    expect(await india()).toBe(before);
  });
});
