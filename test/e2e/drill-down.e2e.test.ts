/**
 * From any figure to its records, through the gateway: every line of the seed's FY2024 report (by
 * subsidiary, cause area, contribution type and fiscal year, and every combination the report's
 * filters offer), of a three-year report and of a USD report drills down to expenses that add up
 * to it exactly, checked with the test's own bigint arithmetic against the raw documents. After
 * FY2024 is closed, a line shows the records as they stood at the close and the adjustments since.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { Decimal128 } from 'mongodb';
import { cellId } from '../../subgraphs/kit/store/rollups';
import { ROLES } from '../../subgraphs/common/scopes';
import { SUBSIDIARIES } from '../../subgraphs/common/registry';
import { fraction } from '../harness/independent-sums';
import { useSeededStack, type GraphQLClient } from '../harness/stack';

const stack = useSeededStack('e2e_drill_down');

const REPORT = `query($from: Int!, $to: Int!, $currency: String, $cause: CauseArea, $type: ContributionType) {
  groupReport(fromFiscalYear: $from, toFiscalYear: $to, currency: $currency, causeArea: $cause, contributionType: $type) {
    total { amount currency }
    bySubsidiary { code converted { amount } expenseCount }
    byCauseArea { causeArea amount { amount } expenseCount }
    byContributionType { contributionType amount { amount } expenseCount }
    byFiscalYear { fiscalYear amount { amount } expenseCount }
  } }`;

const RECORDS = `query($line: ReportLineInput!, $first: Int, $after: String) {
  reportRecords(line: $line, first: $first, after: $after) {
    amount { amount currency partial } exactAmount restatedAmount { amount } expenseCount
    records { subsidiary id date groupFiscalYear causeArea contributionType amount { amount currency } convertedAmount { amount currency } exactConvertedAmount rate }
    pageInfo { endCursor hasNextPage }
    adjustments { subsidiary amountChange { amount currency } convertedAmountChange { amount } exactConvertedAmountChange adjustment { id originalExpenseId restatedFiscalYear } }
    missingSubsidiaries { code }
  } }`;

interface Line {
  fromFiscalYear: number;
  toFiscalYear: number;
  currency: string;
  subsidiary?: string;
  causeArea?: string;
  contributionType?: string;
}

interface ReportLine {
  line: Line;
  amount: string;
  expenseCount: number;
}

interface RecordItem {
  subsidiary: string;
  id: string;
  groupFiscalYear: number;
  causeArea: string;
  contributionType: string;
  amount: { amount: string; currency: string };
  convertedAmount: { amount: string; currency: string };
  exactConvertedAmount: string;
}

type Fraction = [bigint, bigint];
const add = ([an, ad]: Fraction, [bn, bd]: Fraction): Fraction => [an * bd + bn * ad, ad * bd];
const multiply = ([an, ad]: Fraction, [bn, bd]: Fraction): Fraction => [an * bn, ad * bd];
const parseExact = (text: string): Fraction => (text.includes('/') ? (text.split('/').map(BigInt) as Fraction) : fraction(text));
const same = ([an, ad]: Fraction, [bn, bd]: Fraction) => an * bd === bn * ad;
/** Half away from zero, to `digits` fraction digits, as a fraction. */
function rounded([numerator, denominator]: Fraction, digits: number): Fraction {
  const scale = 10n ** BigInt(digits);
  const scaled = numerator * scale;
  const negative = scaled < 0n !== denominator < 0n;
  const [magnitude, divisor] = [scaled < 0n ? -scaled : scaled, denominator < 0n ? -denominator : denominator];
  const quotient = magnitude / divisor + ((magnitude % divisor) * 2n >= divisor ? 1n : 0n);
  return [negative ? -quotient : quotient, scale];
}
const DIGITS: Record<string, number> = { JPY: 0, USD: 2 };

let hq: GraphQLClient;
let lines: ReportLine[];

/** Every line the seed's reports offer, each line once (the same line reached from two reports must show one figure). */
async function reportLines(from: number, to: number, currency: string): Promise<ReportLine[]> {
  const found = new Map<string, ReportLine>();
  const keep = (line: Line, amount: string, expenseCount: number) => {
    const key = JSON.stringify(line);
    const known = found.get(key);
    if (known) expect({ amount, expenseCount }, key).toEqual({ amount: known.amount, expenseCount: known.expenseCount });
    else found.set(key, { line, amount, expenseCount });
  };
  const report = async (filter: { causeArea?: string; contributionType?: string }) => {
    const { groupReport } = await hq.data(REPORT, { from, to, currency, cause: filter.causeArea, type: filter.contributionType });
    const base: Line = { fromFiscalYear: from, toFiscalYear: to, currency, ...filter };
    keep(base, groupReport.total.amount, groupReport.bySubsidiary.reduce((sum: number, line: { expenseCount: number }) => sum + line.expenseCount, 0));
    for (const line of groupReport.bySubsidiary) keep({ ...base, subsidiary: line.code }, line.converted.amount, line.expenseCount);
    for (const line of groupReport.byCauseArea) keep({ ...base, causeArea: line.causeArea }, line.amount.amount, line.expenseCount);
    for (const line of groupReport.byContributionType) keep({ ...base, contributionType: line.contributionType }, line.amount.amount, line.expenseCount);
    for (const line of groupReport.byFiscalYear) keep({ ...base, fromFiscalYear: line.fiscalYear, toFiscalYear: line.fiscalYear }, line.amount.amount, line.expenseCount);
    return groupReport;
  };
  const all = await report({});
  for (const { causeArea } of all.byCauseArea) {
    const byCause = await report({ causeArea });
    for (const { contributionType } of byCause.byContributionType) await report({ causeArea, contributionType });
  }
  for (const { contributionType } of all.byContributionType) await report({ contributionType });
  return [...found.values()];
}

async function drill(line: Line, first = 100): Promise<Record<string, any> & { records: RecordItem[] }> {
  const records: RecordItem[] = [];
  let after: string | null = null;
  let head: Record<string, any> | undefined;
  for (;;) {
    const { reportRecords: page }: { reportRecords: Record<string, any> } = await hq.data(RECORDS, { line, first, after });
    head ??= page;
    expect({ amount: page.amount, expenseCount: page.expenseCount }).toEqual({ amount: head.amount, expenseCount: head.expenseCount });
    expect(page.missingSubsidiaries).toEqual([]);
    records.push(...page.records);
    if (!page.pageInfo.hasNextPage) return { ...head, records };
    after = page.pageInfo.endCursor;
  }
}

/** The raw expenses of a line, from the databases (cause area: the initiative's). */
async function rawExpenses(line: Line): Promise<Map<string, { amount: string; year: number; currency: string }>> {
  const found = new Map<string, { amount: string; year: number; currency: string }>();
  for (const subsidiary of SUBSIDIARIES) {
    if (line.subsidiary && line.subsidiary !== subsidiary.code) continue;
    const db = stack.db(subsidiary.key);
    const causeOf = new Map((await db.collection('initiatives').find().toArray()).map((doc) => [String(doc._id), String(doc.causeArea)]));
    const filter: Record<string, unknown> = { groupFiscalYear: { $gte: line.fromFiscalYear, $lte: line.toFiscalYear } };
    if (line.contributionType) filter.contributionType = line.contributionType;
    for (const doc of await db.collection('expenses').find(filter).toArray()) {
      if (line.causeArea && causeOf.get(String(doc.initiativeId)) !== line.causeArea) continue;
      found.set(String(doc._id), { amount: doc.amount.toString(), year: doc.groupFiscalYear, currency: subsidiary.currency });
    }
  }
  return found;
}

async function rateOf(currency: string, year: number, reporting: string): Promise<Fraction> {
  const jpy = async (code: string): Promise<Fraction> => (code === 'JPY' ? [1n, 1n] : fraction(String((await stack.db('group').collection('exchange_rates').findOne({ currency: code, fiscalYear: year }))!.jpyPerUnit)));
  const [from, to] = [await jpy(currency), await jpy(reporting)];
  return [from[0] * to[1], from[1] * to[0]];
}

/** Checks one line's drill-down against the line and the raw documents; returns the records. */
async function checkLine({ line, amount, expenseCount }: ReportLine, first = 100) {
  const drilled = await drill(line, first);
  const digits = DIGITS[line.currency]!;
  const label = JSON.stringify(line);
  expect(drilled.amount, label).toEqual({ amount, currency: line.currency, partial: false });
  expect(drilled.expenseCount, label).toBe(expenseCount);
  expect(drilled.records.length, label).toBe(expenseCount);
  // the records are the line's expenses, each once, with its amount and its exact conversion
  const raw = await rawExpenses(line);
  expect(drilled.records.map((record) => record.id).sort(), label).toEqual([...raw.keys()].sort());
  let exact: Fraction = [0n, 1n];
  let roundedSum: Fraction = [0n, 1n];
  for (const record of drilled.records) {
    const source = raw.get(record.id)!;
    expect(same(fraction(record.amount.amount), fraction(source.amount)), record.id).toBe(true);
    const want = multiply(fraction(source.amount), await rateOf(source.currency, source.year, line.currency));
    expect(same(parseExact(record.exactConvertedAmount), want), `${record.id} exact`).toBe(true);
    expect(same(fraction(record.convertedAmount.amount), rounded(want, digits)), `${record.id} rounded once`).toBe(true);
    exact = add(exact, want);
    roundedSum = add(roundedSum, fraction(record.convertedAmount.amount));
  }
  // "add up": the exact sum of the records is the line before its rounding, and rounded once it is the
  // line; the records' own rounded amounts differ from the line by at most half a minor unit each
  expect(same(exact, parseExact(drilled.exactAmount)), `${label}: exact sum ≠ the line's exact amount`).toBe(true);
  expect(same(rounded(exact, digits), fraction(amount)), `${label}: exact sum ≠ line`).toBe(true);
  const [dn, dd] = add(roundedSum, [-fraction(amount)[0], fraction(amount)[1]]);
  const difference = dn < 0n ? -dn : dn;
  expect(difference * 2n * 10n ** BigInt(digits) <= BigInt(drilled.records.length) * dd, `${label}: rounding gap beyond ½ unit per record`).toBe(true);
  return drilled;
}

beforeAll(async () => {
  hq = stack.as(await stack.token(ROLES.hq, { subject: 'hq-auditor' }));
  lines = await reportLines(2024, 2024, 'JPY');
});

describe('drill-down from a report line to its records', () => {
  it('every line of the seed FY2024 report (and of every filter combination it offers) drills down to records that add up to it exactly', { timeout: 120_000 }, async () => {
    expect(lines.find((line) => JSON.stringify(line.line) === JSON.stringify({ fromFiscalYear: 2024, toFiscalYear: 2024, currency: 'JPY' }))?.amount).toBe('828006924');
    expect(lines.length).toBeGreaterThan(60);
    console.log(`checking ${lines.length} lines of the FY2024 report`);
    for (const line of lines) await checkLine(line);
  });

  it('drills down the lines of a three-year report and of a USD report (a cross rate: exact fractions)', { timeout: 120_000 }, async () => {
    const range = (await reportLines(2023, 2025, 'JPY')).filter((line) => !line.line.causeArea || !line.line.contributionType);
    for (const line of range) await checkLine(line);
    const usd = (await reportLines(2024, 2024, 'USD')).filter((line) => !line.line.causeArea);
    const checked = await Promise.all(usd.slice(0, 12).map((line) => checkLine(line)));
    expect(checked.flatMap((line) => line.records).some((record) => record.exactConvertedAmount.includes('/'))).toBe(true);
  });

  it('pages a line in a stable order with an opaque cursor (first: 7 gives the records of first: 100)', async () => {
    const total = lines.find((line) => !line.line.subsidiary && !line.line.causeArea && !line.line.contributionType)!;
    const small = await checkLine(total, 7);
    const large = await drill(total.line, 100);
    expect(small.records.map((record) => record.id)).toEqual(large.records.map((record) => record.id));
  });

  it('drills down in the report’s own query: groupReport { records(line: …) }', async () => {
    const { groupReport } = await hq.data(`{ groupReport(fromFiscalYear: 2023, toFiscalYear: 2025, contributionType: CASH) {
      byCauseArea { causeArea amount { amount } expenseCount }
      byFiscalYear { fiscalYear amount { amount } }
      disaster: records(line: { causeArea: DISASTER_RELIEF }, first: 100) { amount { amount } expenseCount contributionType fromFiscalYear toFiscalYear records { id contributionType } }
      fy2024: records(line: { fiscalYear: 2024 }, first: 3) { amount { amount } pageInfo { hasNextPage } }
    } }`);
    const disaster = groupReport.byCauseArea.find((line: { causeArea: string }) => line.causeArea === 'DISASTER_RELIEF');
    expect(groupReport.disaster).toMatchObject({ amount: { amount: disaster.amount.amount }, expenseCount: disaster.expenseCount, contributionType: 'CASH', fromFiscalYear: 2023, toFiscalYear: 2025 });
    expect(groupReport.disaster.records).toHaveLength(disaster.expenseCount);
    expect(groupReport.disaster.records.every((record: { contributionType: string }) => record.contributionType === 'CASH')).toBe(true);
    expect(groupReport.fy2024).toEqual({ amount: { amount: groupReport.byFiscalYear.find((line: { fiscalYear: number }) => line.fiscalYear === 2024).amount.amount }, pageInfo: { hasNextPage: true } });
    const clash = await hq.query(`{ groupReport(fiscalYear: 2024, contributionType: CASH) { records(line: { contributionType: EMPLOYEE_TIME }) { amount { amount } } } }`);
    expect(clash.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect(clash.errors?.[0]?.message).toMatch(/not a line of this report/);
  });

  it('costs each subsidiary a bounded number of MongoDB commands per page, whatever its size', async () => {
    const commands = async (first: number) => {
      const counts = await stack.countCommands(() => hq.data(RECORDS, { line: { fiscalYear: 2024, causeArea: 'DISASTER_RELIEF' }, first }));
      return Object.fromEntries([...counts].map(([name, events]) => [name, events.length]));
    };
    const [small, large] = [await commands(1), await commands(100)];
    for (const subsidiary of SUBSIDIARIES) {
      // the page (dataset mark, cause areas, expenses) and the line's figures (report cells, as a report reads them)
      expect(small[subsidiary.key], subsidiary.key).toBeLessThanOrEqual(12);
      expect(large[subsidiary.key], subsidiary.key).toBe(small[subsidiary.key]);
    }
    console.log('MongoDB commands per drill-down page', small);
  });

  it('refuses a line without fiscal years, a bad cursor and an oversized page', async () => {
    const codes = async (variables: Record<string, unknown>) => (await hq.query(RECORDS, variables)).errors?.map((error) => error.extensions?.code);
    expect(await codes({ line: { currency: 'JPY' } })).toEqual(['BAD_USER_INPUT']);
    expect(await codes({ line: { fiscalYear: 2024 }, after: 'x' })).toEqual(['BAD_USER_INPUT']);
    expect(await codes({ line: { fiscalYear: 2024 }, first: 1000 })).toEqual(['PAGE_SIZE_TOO_LARGE']);
    expect(await codes({ line: { fiscalYear: 2024, subsidiary: 'ZZ' } })).toEqual(['BAD_USER_INPUT']);
  });

  it('adds up while writes are in flight: a committed write not yet applied is in the records as it is in the figure', async () => {
    const india = stack.db('india');
    const op = 'op-drill-down-in-flight';
    const removed = (await india.collection('expenses').findOne({ groupFiscalYear: 2024 }, { sort: { _id: -1 } }))!;
    const added = {
      _id: 'IN-X900001', initiativeId: 'IN-I0001', date: '2023-06-15', fiscalYear: 2024, groupFiscalYear: 2024, contributionType: 'CASH', quantity: null, unit: null, unitPrice: null,
      amount: Decimal128.fromString('1234.56'), currency: 'INR', valuationBasis: 'Cash paid', description: 'Recorded by a writer that has not finished', illustrative: false, source: null,
      createdAt: new Date(), updatedAt: new Date(), updatedBy: 'test',
    };
    const delta = (expense: Record<string, any>, sign: 1 | -1) => ({
      cell: cellId(expense as never), groupFiscalYear: expense.groupFiscalYear, initiativeId: expense.initiativeId, contributionType: expense.contributionType,
      amount: Decimal128.fromString(`${sign < 0 ? '-' : ''}${expense.amount.toString()}`), expenseCount: sign,
    });
    const indiaLine = lines.find((entry) => entry.line.subsidiary === 'IN' && !entry.line.causeArea && !entry.line.contributionType)!;
    const before = await drill(indiaLine.line);
    // a committed write (its writer holds a long lease) that adds one expense and deletes another, applied to neither yet
    await india.collection('expenses').updateOne({ _id: removed._id }, { $set: { pendingOp: op } });
    await india.collection('write_journal').insertOne({
      _id: op, key: `op:${op}`, clientKey: false, action: 'RecordExpense', requestHash: 'test', state: 'committed', leaseUntil: new Date(Date.now() + 3_600_000), lock: null,
      changes: [{ kind: 'insert', collection: 'expenses', document: added }, { kind: 'delete', collection: 'expenses', id: removed._id }],
      deltas: [delta(added, 1), delta(removed, -1)], audit: null, result: null, createdAt: new Date(),
    } as never);
    try {
      const { groupReport } = await hq.data(REPORT, { from: 2024, to: 2024, currency: 'JPY' });
      const figure = groupReport.bySubsidiary.find((entry: { code: string }) => entry.code === 'IN');
      const drilled = await drill(indiaLine.line);
      const ids = drilled.records.map((record) => record.id);
      expect(ids).toContain('IN-X900001');
      expect(ids).not.toContain(removed._id);
      expect(drilled.records).toHaveLength(indiaLine.expenseCount); // one added, one deleted
      expect(drilled.amount.amount).toBe(figure.converted.amount);
      // the line moved by exactly the write (+1,234.56 INR − the removed expense, at 1.75 JPY/INR), and its records with it
      const removedAmount = fraction(removed.amount.toString());
      const change = multiply(add(fraction('1234.56'), [-removedAmount[0], removedAmount[1]]), fraction('1.75'));
      expect(same(parseExact(drilled.exactAmount), add(parseExact(before.exactAmount), change))).toBe(true);
      const exact = drilled.records.reduce<Fraction>((sum, record) => add(sum, parseExact(record.exactConvertedAmount)), [0n, 1n]);
      expect(same(exact, parseExact(drilled.exactAmount))).toBe(true);
      expect(same(rounded(exact, 0), fraction(figure.converted.amount))).toBe(true);
    } finally {
      await india.collection('write_journal').deleteOne({ _id: op } as never);
      await india.collection('expenses').updateOne({ _id: removed._id }, { $unset: { pendingOp: '' } });
    }
    // the write undone: the line and its records as before
    await checkLine(indiaLine);
  });

  it('after the close: the records as they stood at the close plus the adjustments since, which restate the line exactly', { timeout: 60_000 }, async () => {
    const close = await hq.query(`mutation { closeFiscalYear(fiscalYear: 2024) { outcome { complete published { total { amount } } } } }`);
    expect(close.data?.closeFiscalYear?.outcome).toMatchObject({ complete: true, published: { total: { amount: '828006924' } } });
    const india = stack.as(await stack.token(ROLES.regional('IN'), { subject: 'priya' }));
    const original = (await stack.db('india').collection('expenses').findOne({ groupFiscalYear: 2024 }, { sort: { _id: 1 } }))!;
    const recorded = await india.data(`mutation($id: ID!) { indiaRecordAdjustment(input: { originalExpenseId: $id, amountChange: "-1000.00", reason: "Receipt re-issued" }) { id } }`, { id: original._id });

    const indiaLine = lines.find((line) => line.line.subsidiary === 'IN' && !line.line.causeArea && !line.line.contributionType)!;
    const drilled = await checkLine(indiaLine); // the records still add up to the published line
    expect(drilled.adjustments).toEqual([
      {
        subsidiary: 'IN',
        amountChange: { amount: '-1000.00', currency: 'INR' },
        convertedAmountChange: { amount: '-1750' },
        exactConvertedAmountChange: '-1750',
        adjustment: { id: recorded.indiaRecordAdjustment.id, originalExpenseId: original._id, restatedFiscalYear: 2024 },
      },
    ]);
    expect(BigInt(drilled.restatedAmount.amount) - BigInt(indiaLine.amount)).toBe(-1750n);

    const group = await drill({ fromFiscalYear: 2024, toFiscalYear: 2024, currency: 'JPY' });
    const published = (await hq.data(`{ publishedReport(fiscalYear: 2024) { total { amount } } groupReport(fiscalYear: 2024) { restated { total { amount } } } }`));
    expect(group.amount.amount).toBe(published.publishedReport.total.amount);
    expect(group.restatedAmount.amount).toBe(published.groupReport.restated.total.amount);
    // a line the adjustment does not touch has none
    expect((await drill({ fromFiscalYear: 2024, toFiscalYear: 2024, currency: 'JPY', subsidiary: 'JP' })).adjustments).toEqual([]);
  });
});
