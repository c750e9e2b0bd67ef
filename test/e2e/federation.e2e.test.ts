import { describe, expect, it } from 'vitest';
import { SUBSIDIARIES } from '../../subgraphs/common/registry';
import { useSeededStack } from '../harness/stack';
import { isBackgroundUpkeep } from '../harness/upkeep';

/** Independent exact arithmetic for the checks: fractions of bigints, nothing from the product. */
type Fraction = [bigint, bigint];
const fraction = (text: string): Fraction => {
  const [whole, decimals = ''] = text.split('.');
  return [BigInt(`${whole}${decimals}`), 10n ** BigInt(decimals.length)];
};
const add = ([a, b]: Fraction, [c, d]: Fraction): Fraction => [a * d + c * b, b * d];
const times = ([a, b]: Fraction, [c, d]: Fraction): Fraction => [a * c, b * d];
const roundToInteger = ([n, d]: Fraction): bigint => {
  const quotient = n / d;
  return (n % d) * 2n >= d ? quotient + 1n : quotient; // amounts here are positive
};

const stack = useSeededStack('e2e_federation');

async function independentJpyTotal(fiscalYear: number): Promise<{ total: bigint; bySubsidiary: Map<string, bigint> }> {
  const rates = await stack.db('group').collection('exchange_rates').find({ fiscalYear }).toArray();
  const rateOf = (currency: string): Fraction => {
    if (currency === 'JPY') return [1n, 1n];
    const rate = rates.find((candidate) => candidate.currency === currency);
    if (!rate) throw new Error(`no ${currency} rate for ${fiscalYear}`);
    return fraction(rate.jpyPerUnit.toString());
  };
  let exact: Fraction = [0n, 1n];
  const bySubsidiary = new Map<string, bigint>();
  for (const subsidiary of SUBSIDIARIES) {
    const expenses = await stack.db(subsidiary.key).collection('expenses').find({ groupFiscalYear: fiscalYear }).toArray();
    let local: Fraction = [0n, 1n];
    for (const expense of expenses) local = add(local, fraction(expense.amount.toString()));
    const converted = times(local, rateOf(subsidiary.currency));
    bySubsidiary.set(subsidiary.code, roundToInteger(converted));
    exact = add(exact, converted);
  }
  return { total: roundToInteger(exact), bySubsidiary };
}

const REPORT = `query Report($year: Int!) {
  groupReport(fiscalYear: $year) {
    total { amount currency partial }
    completeness { complete included missing { code } }
    bySubsidiary { code available local { amount currency } converted { amount currency } ratesUsed { fiscalYear rate } }
    byCauseArea { causeArea amount { amount } }
    byContributionType { contributionType amount { amount } }
    byFiscalYear { fiscalYear amount { amount } }
    volunteering { newRegistrations participants }
    goals { goal { id metric cadence } fiscalYear target actual progressPercent achieved periodFullyCovered }
  }
}`;

describe('consolidated report through the gateway', () => {
  it('equals the sum of every subsidiary converted independently, rounded once', async () => {
    const { groupReport } = await stack.data(REPORT, { year: 2024 });
    const expected = await independentJpyTotal(2024);
    expect(groupReport.total).toEqual({ amount: expected.total.toString(), currency: 'JPY', partial: false });
    expect(groupReport.completeness).toEqual({ complete: true, included: ['JP', 'IN', 'US', 'TH'], missing: [] });
    for (const line of groupReport.bySubsidiary) {
      expect(line.available).toBe(true);
      expect(line.converted.amount).toBe(expected.bySubsidiary.get(line.code)!.toString());
    }
    // The seed is built on the report's ~828 million yen for fiscal 2024.
    expect(Math.abs(Number(expected.total) - 828_000_000)).toBeLessThan(828_000_000 * 0.005);
  });

  it('shows each subsidiary in its own currency with the rate used', async () => {
    const { groupReport } = await stack.data(REPORT, { year: 2024 });
    const india = groupReport.bySubsidiary.find((line: { code: string }) => line.code === 'IN');
    expect(india.local.currency).toBe('INR');
    expect(india.ratesUsed).toEqual([{ fiscalYear: 2024, rate: '1.75' }]);
    const japan = groupReport.bySubsidiary.find((line: { code: string }) => line.code === 'JP');
    expect(japan.ratesUsed).toEqual([{ fiscalYear: 2024, rate: '1' }]);
  });

  it('reports volunteering and goal progress from the seed facts', async () => {
    const { groupReport } = await stack.data(REPORT, { year: 2024 });
    expect(groupReport.volunteering).toEqual({ newRegistrations: 1338, participants: 13000 });
    const yearly = groupReport.goals.find((progress: { goal: { cadence: string; metric: string } }) =>
      progress.goal.cadence === 'PER_FISCAL_YEAR' && progress.goal.metric === 'NEW_VOLUNTEER_REGISTRANTS');
    expect(yearly).toMatchObject({ fiscalYear: 2024, target: 1200, actual: 1338, progressPercent: '111.5', achieved: true, periodFullyCovered: true });
  });

  it('converts into another reporting currency with cross rates, rounding once', async () => {
    const { groupReport } = await stack.data(`{ groupReport(fiscalYear: 2024, currency: "USD") { total { amount currency } } }`);
    const rates = await stack.db('group').collection('exchange_rates').find({ fiscalYear: 2024 }).toArray();
    const usd = fraction(rates.find((rate) => rate.currency === 'USD')!.jpyPerUnit.toString());
    const { total: _rounded, ...rest } = await independentJpyTotal(2024);
    void rest;
    // Recompute exactly in USD: Σ local × (rate_local / rate_USD), then round to cents once.
    let exact: Fraction = [0n, 1n];
    for (const subsidiary of SUBSIDIARIES) {
      const expenses = await stack.db(subsidiary.key).collection('expenses').find({ groupFiscalYear: 2024 }).toArray();
      const local = expenses.reduce<Fraction>((sum, expense) => add(sum, fraction(expense.amount.toString())), [0n, 1n]);
      const rate = subsidiary.currency === 'JPY' ? ([1n, 1n] as Fraction) : fraction(rates.find((r) => r.currency === subsidiary.currency)!.jpyPerUnit.toString());
      const factor: Fraction = subsidiary.currency === 'USD' ? [1n, 1n] : [rate[0] * usd[1], rate[1] * usd[0]];
      exact = add(exact, times(local, factor));
    }
    const cents = roundToInteger(times(exact, [100n, 1n]));
    expect(groupReport.total).toEqual({ amount: `${cents / 100n}.${String(cents % 100n).padStart(2, '0')}`, currency: 'USD' });
  });

  it('refuses a fiscal year without exchange rates, naming the currency and year', async () => {
    const rates = stack.db('group').collection('exchange_rates');
    const removed = await rates.find({ fiscalYear: 2025, currency: 'THB' }).toArray();
    await rates.deleteMany({ fiscalYear: 2025, currency: 'THB' });
    try {
      const result = await stack.query(`{ groupReport(fiscalYear: 2025) { total { amount } } }`);
      expect(result.data?.groupReport.total).toBeNull();
      expect(result.errors?.[0]?.extensions).toMatchObject({ code: 'EXCHANGE_RATE_MISSING', currency: 'THB', fiscalYear: 2025 });
      expect(result.errors?.[0]?.message).toContain('THB');
    } finally {
      await rates.insertMany(removed);
    }
  });

  it('refuses malformed report arguments before touching any subsidiary', async () => {
    const both = await stack.query(`{ groupReport(fiscalYear: 2024, fromFiscalYear: 2023, toFiscalYear: 2024) { id } }`);
    expect(both.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    const currency = await stack.query(`{ groupReport(fiscalYear: 2024, currency: "XYZ") { id } }`);
    expect(currency.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    const reversed = await stack.query(`{ groupReport(fromFiscalYear: 2025, toFiscalYear: 2023) { id } }`);
    expect(reversed.errors?.[0]?.message).toContain('after');
  });

  it('sums a range of fiscal years year by year', async () => {
    const { groupReport } = await stack.data(`{ groupReport(fromFiscalYear: 2023, toFiscalYear: 2025) { total { amount } byFiscalYear { fiscalYear amount { amount } } } }`);
    expect(groupReport.byFiscalYear.map((line: { fiscalYear: number }) => line.fiscalYear)).toEqual([2023, 2024, 2025]);
    const year2024 = await independentJpyTotal(2024);
    expect(groupReport.byFiscalYear[1].amount.amount).toBe(year2024.total.toString());
  });
});

describe('the registry', () => {
  it("names each subsidiary's subgraph, the prefix of its mutations (a client builds indiaRecordExpense from it)", async () => {
    const { subsidiaries, __type } = await stack.data(`{ subsidiaries { code subgraph } __type(name: "Mutation") { fields { name } } }`);
    expect(subsidiaries).toEqual([
      { code: 'JP', subgraph: 'japan' },
      { code: 'IN', subgraph: 'india' },
      { code: 'US', subgraph: 'america' },
      { code: 'TH', subgraph: 'thailand' },
    ]);
    const mutations = __type.fields.map((field: { name: string }) => field.name);
    for (const { subgraph } of subsidiaries) expect(mutations).toContain(`${subgraph}RecordExpense`);
  });
});

describe('cross-subsidiary initiative lists', () => {
  const LIST = `query List($filter: InitiativeFilter, $first: Int, $after: String) {
    subsidiaries { code initiatives(filter: $filter, first: $first, after: $after) {
      totalCount pageInfo { endCursor hasNextPage } nodes { id subsidiaryCode title causeArea status startDate endDate } } }
  }`;

  it('returns every subsidiary\'s initiatives through the interface, without per-subsidiary fragments', async () => {
    const { subsidiaries } = await stack.data(LIST, { first: 100 });
    expect(subsidiaries.map((subsidiary: { code: string }) => subsidiary.code)).toEqual(['JP', 'IN', 'US', 'TH']);
    for (const subsidiary of subsidiaries) {
      const stored = await stack.db(SUBSIDIARIES.find((s) => s.code === subsidiary.code)!.key).collection('initiatives').countDocuments({ status: { $ne: 'ARCHIVED' } });
      expect(subsidiary.initiatives.totalCount).toBe(stored);
      expect(subsidiary.initiatives.nodes.length).toBe(stored);
      for (const node of subsidiary.initiatives.nodes) {
        expect(node.subsidiaryCode).toBe(subsidiary.code);
        expect(node.id.startsWith(`${subsidiary.code}-`)).toBe(true);
      }
    }
  });

  it('pages in a stable order: small pages concatenate to the single large page', async () => {
    const whole = (await stack.data(LIST, { first: 100 })).subsidiaries[0].initiatives.nodes.map((node: { id: string }) => node.id);
    const paged: string[] = [];
    let after: string | null = null;
    for (let page = 0; page < 50; page += 1) {
      const result: any = await stack.data(LIST, { first: 4, after });
      const japan = result.subsidiaries[0].initiatives;
      paged.push(...japan.nodes.map((node: { id: string }) => node.id));
      if (!japan.pageInfo.hasNextPage) break;
      after = japan.pageInfo.endCursor;
    }
    expect(paged).toEqual(whole);
    expect(new Set(paged).size).toBe(paged.length);
    const dates = (await stack.data(LIST, { first: 100 })).subsidiaries[0].initiatives.nodes.map((node: { startDate: string }) => node.startDate);
    expect([...dates].sort().reverse()).toEqual(dates);
  });

  it('filters by fiscal year, cause area, status and text', async () => {
    const byYear = await stack.data(LIST, { filter: { fiscalYear: 2024 }, first: 100 });
    for (const subsidiary of byYear.subsidiaries) {
      for (const node of subsidiary.initiatives.nodes) {
        expect(node.startDate <= '2024-03-31').toBe(true);
        expect(node.endDate === null || node.endDate >= '2023-04-01').toBe(true);
      }
    }
    const disaster = await stack.data(LIST, { filter: { causeArea: 'DISASTER_RELIEF' }, first: 100 });
    const disasterIds = disaster.subsidiaries.flatMap((subsidiary: any) => subsidiary.initiatives.nodes.map((node: any) => node.causeArea));
    expect(disasterIds.length).toBeGreaterThan(0);
    expect(new Set(disasterIds)).toEqual(new Set(['DISASTER_RELIEF']));
    const text = await stack.data(LIST, { filter: { text: 'noto' }, first: 100 });
    const titles = text.subsidiaries.flatMap((subsidiary: any) => subsidiary.initiatives.nodes.map((node: any) => node.title));
    expect(titles).toEqual([expect.stringContaining('Noto')]);
    const regexLike = await stack.data(LIST, { filter: { text: '.*' }, first: 100 });
    expect(regexLike.subsidiaries.every((subsidiary: any) => subsidiary.initiatives.totalCount === 0)).toBe(true);
  });

  it('refuses a forged cursor and an oversized page', async () => {
    const forged = await stack.query(LIST, { first: 5, after: 'not-a-cursor' });
    expect(forged.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    // the gateway's MAX_PAGE_SIZE (plugins/limits.ts) refuses it before the subgraph's own cap does
    const big = await stack.query(LIST, { first: 100_000 });
    expect(big.errors?.[0]?.extensions?.code).toBe('PAGE_SIZE_TOO_LARGE');
  });

  it('batches expenses and totals: one database round trip per subgraph per list level', async () => {
    const NESTED = `query Nested($first: Int) { subsidiaries { code initiatives(first: $first) {
      nodes { id expenses { id amount { amount } } totals { amount { amount currency } expenseCount } } } } }`;
    const small = await stack.countCommands(() => stack.data(NESTED, { first: 2 }));
    const large = await stack.countCommands(() => stack.data(NESTED, { first: 15 }));
    // the write journal's background sweep may run meanwhile: only what the requests caused counts
    const caused = (counts: typeof small, subgraph: string) => counts.get(subgraph)!.filter((event) => !isBackgroundUpkeep(event));
    for (const subgraph of ['japan', 'india', 'america', 'thailand']) {
      const names = caused(large, subgraph).map((event) => event.commandName);
      // the page (one $facet aggregate), the expenses (one find), the totals (the cells, and writes in flight: two finds)
      expect(names.sort()).toEqual(['aggregate', 'find', 'find', 'find']);
      expect(caused(small, subgraph).length).toBe(caused(large, subgraph).length);
    }
  });
});

describe('routing by id', () => {
  it('sends an initiative lookup to the subsidiary that owns the id', async () => {
    for (const subsidiary of SUBSIDIARIES) {
      const stored = await stack.db(subsidiary.key).collection('initiatives').findOne({}, { sort: { _id: 1 } });
      const { initiative } = await stack.data(`query One($id: ID!) { initiative(id: $id) { id subsidiaryCode title } }`, { id: stored!._id });
      expect(initiative).toEqual({ id: stored!._id, subsidiaryCode: subsidiary.code, title: stored!.title });
    }
  });

  it('gives null for an id no subsidiary owns', async () => {
    const { initiative } = await stack.data(`{ initiative(id: "XX-I0001") { id title } }`);
    expect(initiative).toBeNull();
  });
});
