/**
 * The B4SI summary of a consolidated report, through the gateway: the seed's FY2024 inputs by
 * input type × motivation × issue, each line equal to the tests' own exact sum of the raw
 * documents; a motivation change moving an initiative's amounts between lines with the total
 * unchanged and the cells still equal to the expenses; a subsidiary down or a rate missing shown,
 * never hidden.
 */
import { requireSubsidiary } from '../../subgraphs/common/registry';
import { describe, expect, it } from 'vitest';
import { createRegionalStore } from '../../subgraphs/kit/store';
import { ROLES } from '../../subgraphs/common/scopes';
import { errorCodes } from '../harness/graphql';
import { b4siFromRecords, INPUT_TYPE, ISSUE } from '../harness/independent-b4si';
import { jpyExact, jpyTotal } from '../harness/independent-sums';
import { useSeededStack } from '../harness/stack';

const america = requireSubsidiary('america');
const india = requireSubsidiary('india');

const stack = useSeededStack('e2e_b4si', { gatewayEnv: { RESPONSE_CACHE: 'false' } });

const SUMMARY = `query B4si($currency: String, $partial: Boolean) { groupReport(fiscalYear: 2024, currency: $currency, allowPartial: $partial) {
  total { amount currency }
  completeness { complete missing { code reasonCode } }
  b4si {
    currency valuationBasis
    total { amount currency partial }
    cells { inputType motivation issue issueName valuation amount { amount currency partial } expenseCount }
    byInputType { inputType valuation amount { amount } expenseCount }
    byMotivation { motivation amount { amount } expenseCount }
    byIssue { issue issueName amount { amount } expenseCount }
    mapping { contributionType inputType valuation }
  } } }`;

interface Cell {
  inputType: string;
  motivation: string;
  issue: string;
  valuation: string;
  amount: { amount: string; currency: string; partial: boolean };
  expenseCount: number;
}

const keyOf = (cell: Cell) => `${cell.inputType}|${cell.motivation}|${cell.issue}`;
const sum = (amounts: readonly string[]) => amounts.reduce((total, amount) => total + BigInt(amount), 0n);

async function summary() {
  const answer = await stack.query(SUMMARY);
  expect(answer.errors).toBeUndefined();
  return answer.data!.groupReport;
}

/** Every line of the summary against the tests' own sums of the raw documents. */
async function expectEqualToRecords(b4si: { cells: Cell[]; total: { amount: string } }) {
  const independent = await b4siFromRecords((name) => stack.db(name), 2024);
  expect(b4si.cells.map(keyOf).sort()).toEqual([...independent.keys()].sort());
  for (const cell of b4si.cells) {
    const line = independent.get(keyOf(cell))!;
    expect({ key: keyOf(cell), amount: cell.amount.amount, expenseCount: cell.expenseCount }).toEqual({ key: line.key, amount: line.amount, expenseCount: line.expenseCount });
  }
  // the exact lines add up to the exact group total, which rounds to the summary's total
  const [numerator, denominator] = [...independent.values()].reduce<[bigint, bigint]>(([n, d], { exact: [ln, ld] }) => [n * ld + ln * d, d * ld], [0n, 1n]);
  const [totalNumerator, totalDenominator] = await jpyExact((name) => stack.db(name), ['JP', 'IN', 'US', 'TH'], 2024);
  expect(numerator * totalDenominator).toBe(totalNumerator * denominator);
  expect(b4si.total.amount).toBe(await jpyTotal((name) => stack.db(name), ['JP', 'IN', 'US', 'TH'], 2024));
  return independent;
}

describe('the B4SI summary of a group report', () => {
  it('sums the seed FY2024 to the report total, each line equal to an exact sum of the raw documents', async () => {
    const report = await summary();
    const { b4si } = report;
    expect(report.total).toEqual({ amount: '828006924', currency: 'JPY' });
    expect(b4si.total).toEqual({ amount: '828006924', currency: 'JPY', partial: false });
    await expectEqualToRecords(b4si);
    // each line is rounded once (so in general lines may differ from the total by rounding); the seed's add up exactly
    const difference = BigInt(b4si.total.amount) - sum(b4si.cells.map((cell: Cell) => cell.amount.amount));
    console.info(`[b4si] FY2024: ${b4si.cells.length} lines, total − Σ lines = ${difference} JPY`);
    const show = (lines: { amount: { amount: string }; expenseCount: number }[], key: string) => lines.map((line: Record<string, any>) => `${line[key]} ${line.amount.amount} (${line.expenseCount})`).join(', ');
    console.info(`[b4si] by input type: ${show(b4si.byInputType, 'inputType')}; by motivation: ${show(b4si.byMotivation, 'motivation')}; by issue: ${show(b4si.byIssue, 'issue')}`);
    expect(difference).toBe(0n);
    // the breakdowns cover every expense once, and agree with the cells
    const count = report.b4si.cells.reduce((total: number, cell: Cell) => total + cell.expenseCount, 0);
    for (const lines of [b4si.byInputType, b4si.byMotivation, b4si.byIssue]) expect(lines.reduce((total: number, line: { expenseCount: number }) => total + line.expenseCount, 0)).toBe(count);
    expect(b4si.byMotivation.map((line: { motivation: string }) => line.motivation)).toEqual(['CHARITABLE_GIFT', 'COMMUNITY_INVESTMENT']);
    // in-kind is on the group's valuation basis, and the summary says so
    expect(b4si.cells.filter((cell: Cell) => cell.valuation === 'GROUP_POLICY').every((cell: Cell) => cell.inputType === 'IN_KIND')).toBe(true);
    expect(b4si.byInputType.find((line: { inputType: string }) => line.inputType === 'IN_KIND')?.valuation).toBe('GROUP_POLICY');
    expect(b4si.valuationBasis).toMatch(/cost to the company/);
    expect(Object.fromEntries(b4si.mapping.map((line: { contributionType: string; inputType: string }) => [line.contributionType, line.inputType]))).toEqual(INPUT_TYPE);
  });

  it('moves an initiative’s amounts to its new motivation in the next summary, the total unchanged', async () => {
    const before = (await summary()).b4si;
    const initiative = await stack.db('india').collection('initiatives').findOne({ motivation: 'CHARITABLE_GIFT' });
    const id = String(initiative!._id);
    const expenses = await stack.db('india').collection('expenses').find({ initiativeId: id, groupFiscalYear: 2024 }).toArray();
    expect(expenses.length).toBeGreaterThan(0);

    const moved = await stack.query(`mutation($id: ID!) { indiaUpdateInitiative(id: $id, changes: { motivation: COMMERCIAL_INITIATIVE }) { motivation } }`, { id });
    expect(moved.errors).toBeUndefined();
    const after = (await summary()).b4si;
    expect(after.total).toEqual(before.total);
    const commercial = after.byMotivation.find((line: { motivation: string }) => line.motivation === 'COMMERCIAL_INITIATIVE');
    expect(commercial.expenseCount).toBe(expenses.length);
    const charitable = (lines: { motivation: string; expenseCount: number }[]) => lines.find((line) => line.motivation === 'CHARITABLE_GIFT')!.expenseCount;
    expect(charitable(before.byMotivation) - charitable(after.byMotivation)).toBe(expenses.length);
    const issue = ISSUE[String(initiative!.causeArea)];
    expect(after.cells.filter((cell: Cell) => cell.motivation === 'COMMERCIAL_INITIATIVE').every((cell: Cell) => cell.issue === issue)).toBe(true);
    await expectEqualToRecords(after);

    // the expense's own B4SI fields follow the initiative too (derived, not stored)
    const expense = await stack.data(`query($id: ID!) { indiaExpense(id: $id) { contributionType b4si { inputType motivation issue valuation } } }`, { id: String(expenses[0]!._id) });
    expect(expense.indiaExpense.b4si).toMatchObject({ inputType: INPUT_TYPE[expense.indiaExpense.contributionType], motivation: 'COMMERCIAL_INITIATIVE', issue });
    expect(await stack.db('india').collection('expenses').countDocuments({ motivation: { $exists: true } })).toBe(0);

    // an expense written meanwhile lands in the initiative's cell, and shows under its motivation of now
    const recorded = await stack.data(`mutation($id: ID!) { indiaRecordExpense(input: { initiativeId: $id, date: "2024-01-15", contributionType: CASH, amount: "1000.00", description: "B4SI check" }) { id } }`, { id });
    const withExpense = (await summary()).b4si;
    expect(withExpense.byMotivation.find((line: { motivation: string }) => line.motivation === 'COMMERCIAL_INITIATIVE').expenseCount).toBe(expenses.length + 1);
    await expectEqualToRecords(withExpense);
    await stack.data(`mutation($id: ID!) { indiaDeleteExpense(id: $id) { id } }`, { id: recorded.indiaRecordExpense.id });

    await stack.data(`mutation($id: ID!) { indiaUpdateInitiative(id: $id, changes: { motivation: CHARITABLE_GIFT }) { motivation } }`, { id });
    expect((await summary()).b4si).toEqual(before);
    for (const config of [india, america]) expect(await createRegionalStore(stack.db(config.key), config).rollups.verify()).toEqual([]);
  });

  it('names a missing rate, and is visibly incomplete while a subsidiary is down', { timeout: 60_000 }, async () => {
    const euro = await stack.query(SUMMARY, { currency: 'EUR' });
    expect(euro.data?.groupReport.b4si.total).toBeNull();
    const missingRate = euro.errors?.find((error) => error.path?.includes('b4si'));
    expect(missingRate?.extensions).toMatchObject({ code: 'EXCHANGE_RATE_MISSING', currency: 'EUR', fiscalYear: 2024 });

    await stack.stack.stop('america');
    try {
      const refused = await stack.query(SUMMARY);
      expect(refused.data?.groupReport.b4si.total).toBeNull();
      expect(refused.data?.groupReport.b4si.cells).toBeNull();
      expect(refused.data?.groupReport.completeness).toEqual({ complete: false, missing: [{ code: 'US', reasonCode: 'UNAVAILABLE' }] });
      const incomplete = refused.errors?.filter((error) => error.extensions?.code === 'CONSOLIDATION_INCOMPLETE' && error.path?.includes('b4si')) ?? [];
      expect(incomplete.length).toBeGreaterThan(0);
      expect(incomplete.every((error) => JSON.stringify(error.extensions?.missingSubsidiaries) === '["US"]')).toBe(true);
      expect(incomplete[0]!.message).toMatch(/B4SI summary is incomplete: no figures from .*\(US\)/);

      const partial = (await stack.query(SUMMARY, { partial: true })).data!.groupReport.b4si;
      expect(partial.total).toEqual({ amount: await jpyTotal((name) => stack.db(name), ['JP', 'IN', 'TH'], 2024), currency: 'JPY', partial: true });
      expect(partial.cells.every((cell: Cell) => cell.amount.partial)).toBe(true);
    } finally {
      await stack.stack.start('america');
    }
    // once America answers again (its circuit in the gateway closes within seconds), the summary is whole again
    const deadline = Date.now() + 15_000;
    let back = await stack.query(SUMMARY);
    while (back.errors && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 300));
      back = await stack.query(SUMMARY);
    }
    expect(back.errors).toBeUndefined();
    expect(back.data!.groupReport.b4si.total).toEqual({ amount: '828006924', currency: 'JPY', partial: false });
  });
});

describe('a closed year', () => {
  it('refuses a motivation change that would move its figures between B4SI lines, changing nothing', { timeout: 60_000 }, async () => {
    const hq = stack.as(await stack.token(ROLES.hq, { subject: 'hq-closer' }));
    const before = await summary();
    const closed = await hq.query(`mutation { closeFiscalYear(fiscalYear: 2024) { closeId outcome { complete published { document } } } }`);
    expect(closed.errors).toBeUndefined();
    expect(closed.data!.closeFiscalYear.outcome.published.document).toContain('"motivation":"CHARITABLE_GIFT"');

    const initiative = await stack.db('india').collection('initiatives').findOne({ motivation: 'CHARITABLE_GIFT' });
    const india = stack.as(await stack.token(ROLES.regional('IN'), { subject: 'priya' }));
    const refused = await india.query(`mutation($id: ID!) { indiaUpdateInitiative(id: $id, changes: { motivation: COMMUNITY_INVESTMENT }) { motivation } }`, { id: String(initiative!._id) });
    expect(errorCodes(refused)).toEqual(['FISCAL_YEAR_CLOSED']);
    expect(refused.errors![0]!.message).toMatch(/whose motivation it decides/);
    expect(refused.errors![0]!.extensions).toMatchObject({ fiscalYear: 2024, subsidiary: 'IN' });
    expect(await stack.db('india').collection('initiatives').findOne({ _id: initiative!._id })).toEqual(initiative);
    expect((await summary()).b4si).toEqual(before.b4si);
  });
});
