import { afterEach, describe, expect, it, vi } from 'vitest';
import { GraphQLError } from 'graphql';
import { Consolidation, NO_DATASET, arrivedReport } from '../../subgraphs/group/consolidation';
import type { Arrival, ArrivedReport, MissingReason, RateQuote } from '../../subgraphs/group/consolidation';
import { formatReportId, parseReportId, reportParams } from '../../subgraphs/group/report-params';
import type { GroupReportArgs, ReportParams } from '../../subgraphs/group/report-params';
import type { GoalDocument, GoalMetric } from '../../subgraphs/group/documents';
import { Decimal, Rational } from '../../subgraphs/common/decimal';
import { FISCAL_YEAR_LIMITS } from '../../subgraphs/common/fiscal-year';
import { SUBSIDIARIES } from '../../subgraphs/common/registry';
import type { CauseArea, ContributionType } from '../../subgraphs/common/catalog';

/** Runs fn, expects a GraphQLError, and returns it for further checks. */
function graphQLError(fn: () => unknown): GraphQLError {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(GraphQLError);
    return error as GraphQLError;
  }
  throw new Error('expected a GraphQLError, nothing was thrown');
}

// The registry's order: JP (JPY), IN (INR), US (USD), TH (THB).
const CODES = SUBSIDIARIES.map((subsidiary) => subsidiary.code);
const CURRENCY: Record<string, string> = Object.fromEntries(SUBSIDIARIES.map((subsidiary) => [subsidiary.code, subsidiary.currency]));

type CellInput = [fiscalYear: number, causeArea: CauseArea, contributionType: ContributionType, amount: string, expenseCount: number];
type VolunteeringInput = [fiscalYear: number, newRegistrations: number, participants: number, hours: string];

function report(code: string, cells: CellInput[], volunteering: VolunteeringInput[] = []): ArrivedReport {
  const currency = CURRENCY[code];
  if (!currency) throw new Error(`no subsidiary ${code}`);
  return {
    currency,
    cells: cells.map(([groupFiscalYear, causeArea, contributionType, amount, expenseCount]) => ({ groupFiscalYear, causeArea, contributionType, motivation: 'COMMUNITY_INVESTMENT' as const, amount, expenseCount })),
    volunteering: volunteering.map(([groupFiscalYear, newRegistrations, participants, hours]) => ({ groupFiscalYear, newRegistrations, participants, hours })),
    asOf: `2026-11-30T0${CODES.indexOf(code)}:00:00.000Z`,
  };
}

function quote(currency: string, fiscalYear: number, jpyPerUnit: string): RateQuote {
  return { currency, fiscalYear, jpyPerUnit: Decimal.parse(jpyPerUnit), source: `Test average ${currency} ${fiscalYear}` };
}

const RATES: RateQuote[] = [
  quote('INR', 2023, '1.65'),
  quote('USD', 2023, '140.5'),
  quote('THB', 2023, '3.95'),
  quote('INR', 2024, '1.75'),
  quote('USD', 2024, '144.6'),
  quote('THB', 2024, '4.15'),
];

function params(args: GroupReportArgs): ReportParams {
  return reportParams(args);
}

/**
 * FY2024 in JPY. Exact JPY: JP 5,000,000 + IN 1000.30 × 1.75 = 1750.525 + US 100 × 144.6 = 14460
 * + TH 1000.13 × 4.15 = 4150.5395 → 5,020,361.0645 → 5,020,361 rounded once.
 * Rounding per subsidiary first would give 5,000,000 + 1,751 + 14,460 + 4,151 = 5,020,362.
 */
function fy2024Reports(): Record<string, ArrivedReport> {
  return {
    JP: report('JP', [
      [2024, 'EDUCATION_RESEARCH', 'CASH', '3000000', 3],
      [2024, 'ENVIRONMENT', 'EMPLOYEE_TIME', '2000000', 2],
    ], [[2024, 40, 800, '1200.5']]),
    IN: report('IN', [[2024, 'EDUCATION_RESEARCH', 'CASH', '1000.30', 1]], [[2024, 10, 300, '450']]),
    US: report('US', [[2024, 'HEALTH_WELFARE', 'CASH', '100.00', 1]], [[2024, 5, 138, '99.25']]),
    TH: report('TH', [[2024, 'ENVIRONMENT', 'IN_KIND_PRODUCT', '1000.13', 2]], [[2024, 0, 100, '250']]),
  };
}

function consolidate(asked: ReportParams, reports: Record<string, Arrival>, rates: RateQuote[] = RATES): Consolidation {
  return new Consolidation(asked, SUBSIDIARIES, CODES.map((code) => reports[code] ?? null), rates);
}

function goal(id: string, metric: GoalMetric, cadence: GoalDocument['cadence'], fromFiscalYear: number, toFiscalYear: number, target: number): GoalDocument {
  return { _id: id, title: id, metric, cadence, fromFiscalYear, toFiscalYear, target, unit: 'people', illustrative: true, source: null };
}

describe('registry assumptions', () => {
  it('has the four subsidiaries with their currencies', () => {
    expect(CURRENCY).toEqual({ JP: 'JPY', IN: 'INR', US: 'USD', TH: 'THB' });
  });
});

describe('arrivedReport', () => {
  it.each([null, undefined, 'text', 42, {}, { currency: 'INR' }, { currency: 'INR', cells: [] }, { currency: 1, cells: [], volunteering: [] }, { currency: 'INR', cells: null, volunteering: [] }])(
    'treats %j as missing',
    (value) => {
      expect(arrivedReport(value)).toBeNull();
    },
  );

  it('keeps a well-formed arrival', () => {
    const value = { currency: 'INR', cells: [], volunteering: [], asOf: '2026-12-01T00:00:00.000Z', dataset: { id: 'd' }, extra: true };
    expect(arrivedReport(value)).toEqual({ currency: 'INR', cells: [], volunteering: [], asOf: '2026-12-01T00:00:00.000Z' });
  });

  it('tells a database without a dataset (read, but no dataset) from a subgraph that did not answer', () => {
    expect(arrivedReport({ currency: 'INR', cells: null, volunteering: null, asOf: '2026-12-01T00:00:00.000Z', dataset: null })).toBe(NO_DATASET);
    // the same nulls without asOf are an error's nulls: unavailable
    expect(arrivedReport({ currency: 'INR', cells: null, volunteering: null, asOf: null, dataset: null })).toBeNull();
  });
});

describe('Consolidation, complete FY2024 in JPY', () => {
  const consolidation = consolidate(params({ fiscalYear: 2024 }), fy2024Reports());

  it('is complete', () => {
    expect(consolidation.complete).toBe(true);
    expect(consolidation.completeness()).toEqual({ complete: true, included: ['JP', 'IN', 'US', 'TH'], missing: [] });
  });

  it('is as of the earliest of the subsidiaries\' reads, and each line as of its own', () => {
    expect(consolidation.asOf()).toBe('2026-11-30T00:00:00.000Z');
    expect(consolidation.bySubsidiaryLines().map((line) => line.asOf)).toEqual(CODES.map((_, index) => `2026-11-30T0${index}:00:00.000Z`));
  });

  it('rounds the total once, from the exact sum', () => {
    const roundedPerSubsidiary = consolidation
      .bySubsidiary()
      .reduce((sum, line) => sum + BigInt(line.converted?.amount ?? 'NaN'), 0n);
    expect(roundedPerSubsidiary).toBe(5020362n); // what rounding first would give
    expect(consolidation.total()).toEqual({ amount: '5020361', currency: 'JPY', partial: false });
  });

  it('gives one line per subsidiary with local, converted and the rates used', () => {
    expect(consolidation.bySubsidiary()).toEqual([
      {
        code: 'JP', name: 'NEC Japan', available: true,
        local: { amount: '5000000', currency: 'JPY' },
        converted: { amount: '5000000', currency: 'JPY' },
        ratesUsed: [{ currency: 'JPY', fiscalYear: 2024, rate: '1', source: 'Same currency' }],
        expenseCount: 5, asOf: '2026-11-30T00:00:00.000Z',
      },
      {
        code: 'IN', name: 'NEC India', available: true,
        local: { amount: '1000.30', currency: 'INR' },
        converted: { amount: '1751', currency: 'JPY' },
        ratesUsed: [{ currency: 'INR', fiscalYear: 2024, rate: '1.75', source: 'Test average INR 2024' }],
        expenseCount: 1, asOf: '2026-11-30T01:00:00.000Z',
      },
      {
        code: 'US', name: 'NEC America', available: true,
        local: { amount: '100.00', currency: 'USD' },
        converted: { amount: '14460', currency: 'JPY' },
        ratesUsed: [{ currency: 'USD', fiscalYear: 2024, rate: '144.6', source: 'Test average USD 2024' }],
        expenseCount: 1, asOf: '2026-11-30T02:00:00.000Z',
      },
      {
        code: 'TH', name: 'NEC Platforms Thai', available: true,
        local: { amount: '1000.13', currency: 'THB' },
        converted: { amount: '4151', currency: 'JPY' },
        ratesUsed: [{ currency: 'THB', fiscalYear: 2024, rate: '4.15', source: 'Test average THB 2024' }],
        expenseCount: 2, asOf: '2026-11-30T03:00:00.000Z',
      },
    ]);
  });

  it('breaks down by cause area, each line rounded once', () => {
    expect(consolidation.byCauseArea()).toEqual([
      // 3,000,000 + 1,750.525
      { causeArea: 'EDUCATION_RESEARCH', amount: { amount: '3001751', currency: 'JPY', partial: false }, expenseCount: 4 },
      // 2,000,000 + 4,150.5395
      { causeArea: 'ENVIRONMENT', amount: { amount: '2004151', currency: 'JPY', partial: false }, expenseCount: 4 },
      { causeArea: 'HEALTH_WELFARE', amount: { amount: '14460', currency: 'JPY', partial: false }, expenseCount: 1 },
    ]);
  });

  it('breaks down by contribution type', () => {
    expect(consolidation.byContributionType()).toEqual([
      // 3,000,000 + 1,750.525 + 14,460
      { contributionType: 'CASH', amount: { amount: '3016211', currency: 'JPY', partial: false }, expenseCount: 5 },
      { contributionType: 'EMPLOYEE_TIME', amount: { amount: '2000000', currency: 'JPY', partial: false }, expenseCount: 2 },
      { contributionType: 'IN_KIND_PRODUCT', amount: { amount: '4151', currency: 'JPY', partial: false }, expenseCount: 2 },
    ]);
  });

  it('breaks down by fiscal year', () => {
    expect(consolidation.byFiscalYear()).toEqual([{ fiscalYear: 2024, amount: { amount: '5020361', currency: 'JPY', partial: false }, expenseCount: 9 }]);
  });

  it('sums volunteering exactly', () => {
    expect(consolidation.volunteering()).toEqual({ newRegistrations: 55, participants: 1338, hours: '1999.75', partial: false });
  });

  it('reports goal progress with one decimal: 1338 / 1200 = 111.5 %', () => {
    const participants = goal('G-PARTICIPANTS', 'VOLUNTEER_PARTICIPANTS', 'PER_FISCAL_YEAR', 2023, 2025, 1200);
    const [row, ...others] = consolidation.goals([participants]);
    expect(others).toEqual([]);
    expect(row).toMatchObject({ fiscalYear: 2024, target: 1200, actual: 1338, progressPercent: '111.5', achieved: true, periodFullyCovered: true, partial: false });
    expect(row?.goal).toBe(participants);
  });

  it('rounds volunteer hours and the percentage half away from zero', () => {
    // 1999.75 h → 2000; 2000 / 3000 = 66.666… → 66.7
    const hours = goal('G-HOURS', 'VOLUNTEER_HOURS', 'PER_FISCAL_YEAR', 2024, 2024, 3000);
    const registrants = goal('G-REG', 'NEW_VOLUNTEER_REGISTRANTS', 'PER_FISCAL_YEAR', 2024, 2024, 60);
    const [hoursRow, registrantsRow] = consolidation.goals([hours, registrants]);
    expect(hoursRow).toMatchObject({ actual: 2000, progressPercent: '66.7', achieved: false });
    // 55 / 60 = 91.666… → 91.7
    expect(registrantsRow).toMatchObject({ actual: 55, progressPercent: '91.7', achieved: false });
  });

  it('skips goals outside the report and shows 0.0 for a zero target', () => {
    expect(consolidation.goals([goal('G-OLD', 'VOLUNTEER_PARTICIPANTS', 'CUMULATIVE', 2019, 2021, 100)])).toEqual([]);
    const [row] = consolidation.goals([goal('G-ZERO', 'VOLUNTEER_PARTICIPANTS', 'PER_FISCAL_YEAR', 2024, 2024, 0)]);
    expect(row).toMatchObject({ progressPercent: '0.0', achieved: true });
  });
});

describe('Consolidation over two fiscal years', () => {
  // Each year converts with its own average rate.
  const reports = {
    JP: report('JP', [[2023, 'ENVIRONMENT', 'CASH', '1000000', 1], [2024, 'ENVIRONMENT', 'CASH', '2000000', 1]], [[2023, 3, 500, '10'], [2024, 4, 700, '20']]),
    IN: report('IN', [[2023, 'ENVIRONMENT', 'CASH', '100.00', 1], [2024, 'ENVIRONMENT', 'CASH', '100.00', 1]], [[2023, 1, 100, '0'], [2024, 1, 150, '0']]),
    US: report('US', [[2023, 'ENVIRONMENT', 'CASH', '10.00', 1], [2024, 'ENVIRONMENT', 'CASH', '10.00', 1]], [[2024, 0, 50, '0']]),
    TH: report('TH', [[2023, 'ENVIRONMENT', 'CASH', '10.00', 1], [2024, 'ENVIRONMENT', 'CASH', '10.00', 1]]),
  };
  const consolidation = consolidate(params({ fromFiscalYear: 2023, toFiscalYear: 2024 }), reports);

  it('converts each year with its rate and rounds each line once', () => {
    expect(consolidation.byFiscalYear()).toEqual([
      // 1,000,000 + 165 + 1,405 + 39.5
      { fiscalYear: 2023, amount: { amount: '1001610', currency: 'JPY', partial: false }, expenseCount: 4 },
      // 2,000,000 + 175 + 1,446 + 41.5
      { fiscalYear: 2024, amount: { amount: '2001663', currency: 'JPY', partial: false }, expenseCount: 4 },
    ]);
    expect(consolidation.total().amount).toBe('3003272');
  });

  it('lists the rate of each year per subsidiary', () => {
    const india = consolidation.bySubsidiary().find((line) => line.code === 'IN');
    expect(india?.local).toEqual({ amount: '200.00', currency: 'INR' });
    expect(india?.converted).toEqual({ amount: '340', currency: 'JPY' });
    expect(india?.ratesUsed.map(({ fiscalYear, rate }) => [fiscalYear, rate])).toEqual([[2023, '1.65'], [2024, '1.75']]);
  });

  it('PER_FISCAL_YEAR goals give one row per covered year', () => {
    const participants = goal('G-P', 'VOLUNTEER_PARTICIPANTS', 'PER_FISCAL_YEAR', 2020, 2030, 800);
    const rows = consolidation.goals([participants]);
    expect(rows.map(({ fiscalYear, actual, achieved, periodFullyCovered }) => ({ fiscalYear, actual, achieved, periodFullyCovered }))).toEqual([
      { fiscalYear: 2023, actual: 600, achieved: false, periodFullyCovered: true },
      { fiscalYear: 2024, actual: 900, achieved: true, periodFullyCovered: true },
    ]);
    expect(rows.map((row) => row.progressPercent)).toEqual(['75.0', '112.5']);
  });

  it('CUMULATIVE goals give one row, fully covered only when the report spans the whole period', () => {
    const covered = consolidation.goals([goal('G-C', 'VOLUNTEER_PARTICIPANTS', 'CUMULATIVE', 2023, 2024, 1000)]);
    expect(covered).toHaveLength(1);
    expect(covered[0]).toMatchObject({ fiscalYear: null, actual: 1500, periodFullyCovered: true, progressPercent: '150.0' });

    const longer = consolidation.goals([goal('G-C3', 'NEW_VOLUNTEER_REGISTRANTS', 'CUMULATIVE', 2023, 2025, 20)]);
    expect(longer).toHaveLength(1);
    expect(longer[0]).toMatchObject({ fiscalYear: null, actual: 9, periodFullyCovered: false, progressPercent: '45.0', achieved: false });
  });

  it('CUMULATIVE over a single-year report covers only part', () => {
    const single = consolidate(params({ fiscalYear: 2024 }), fy2024Reports());
    const rows = single.goals([goal('G-C', 'VOLUNTEER_PARTICIPANTS', 'CUMULATIVE', 2023, 2025, 1200)]);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ fiscalYear: null, actual: 1338, periodFullyCovered: false, progressPercent: '111.5' });
  });
});

describe('Consolidation reporting in USD', () => {
  const consolidation = consolidate(params({ fiscalYear: 2024, currency: 'USD' }), fy2024Reports());

  it('converts through cross rates and rounds once to cents', () => {
    // JP 5,000,000 / 144.6 + IN 1000.30 × 1.75 / 144.6 + US 100 + TH 1000.13 × 4.15 / 144.6
    // = 10040722129 / 289200 = 34718.9561…
    const exact = Rational.of(5_000_000n, 1n)
      .add(Rational.of(100030n * 175n, 100n * 100n))
      .add(Rational.of(100013n * 415n, 100n * 100n))
      .divide(Rational.of(1446n, 10n))
      .add(Rational.of(100n, 1n));
    expect(exact.round(2).toString()).toBe('34718.96');
    expect(consolidation.total()).toEqual({ amount: '34718.96', currency: 'USD', partial: false });
  });

  it('shows the cross rates used', () => {
    const lines = consolidation.bySubsidiary();
    expect(lines.map((line) => [line.code, line.converted?.amount, line.ratesUsed[0]?.rate])).toEqual([
      ['JP', '34578.15', '0.0069156293'], // 1 / 144.6 = 5/723
      ['IN', '12.11', '0.0121023513'], // 1.75 / 144.6 = 35/2892
      ['US', '100.00', '1'],
      ['TH', '28.70', '0.0286998617'], // 4.15 / 144.6 = 83/2892
    ]);
    expect(lines.find((line) => line.code === 'US')?.ratesUsed[0]?.source).toBe('Same currency');
    expect(lines.find((line) => line.code === 'IN')?.ratesUsed[0]?.source).toBe('Test average INR 2024');
    // JPY is the base currency: no stored quote of its own
    expect(lines.find((line) => line.code === 'JP')?.ratesUsed[0]?.source).toBe('Base currency');
  });

  it('needs the reporting currency’s own rate', () => {
    const error = graphQLError(() =>
      consolidate(params({ fiscalYear: 2024, currency: 'USD' }), fy2024Reports(), RATES.filter((rate) => rate.currency !== 'USD')).total(),
    );
    expect(error.extensions).toMatchObject({ code: 'EXCHANGE_RATE_MISSING', currency: 'USD', fiscalYear: 2024 });
  });

  it('reports in a currency none of the subsidiaries use (EUR)', () => {
    const euro = consolidate(params({ fiscalYear: 2024, currency: 'EUR' }), fy2024Reports(), [...RATES, quote('EUR', 2024, '160')]);
    // 5,020,361.0645 JPY / 160 = 31377.2566…
    expect(euro.total()).toEqual({ amount: '31377.26', currency: 'EUR', partial: false });
  });
});

describe('Consolidation with a missing subsidiary', () => {
  const fy2024 = params({ fiscalYear: 2024 });
  const cases: [string, Arrival, MissingReason][] = [
    ['null (the subgraph failed)', null, 'UNAVAILABLE'],
    ['{} (an empty arrival)', arrivedReport({}), 'UNAVAILABLE'],
    ['a currency other than the registry’s', { ...fy2024Reports().IN!, currency: 'USD' }, 'CURRENCY_MISMATCH'],
    ['read from a database without a dataset', NO_DATASET, 'NO_DATASET'],
  ];

  describe.each(cases)('India arrives as %s', (_label, india, reasonCode) => {
    const reports = { ...fy2024Reports(), IN: india };
    const strict = consolidate(fy2024, reports);
    const partial = consolidate({ ...fy2024, allowPartial: true }, reports);

    it('lists it in completeness', () => {
      expect(strict.complete).toBe(false);
      const completeness = strict.completeness();
      expect(completeness.complete).toBe(false);
      expect(completeness.included).toEqual(['JP', 'US', 'TH']);
      expect(completeness.missing).toEqual([{ code: 'IN', name: 'NEC India', reason: expect.stringMatching(/india/i), reasonCode }]);
    });

    it.each([
      ['total', (c: Consolidation) => c.total()],
      ['byCauseArea', (c: Consolidation) => c.byCauseArea()],
      ['byContributionType', (c: Consolidation) => c.byContributionType()],
      ['byFiscalYear', (c: Consolidation) => c.byFiscalYear()],
      ['volunteering', (c: Consolidation) => c.volunteering()],
      ['goals', (c: Consolidation) => c.goals([goal('G', 'VOLUNTEER_PARTICIPANTS', 'PER_FISCAL_YEAR', 2024, 2024, 1)])],
    ])('refuses %s with CONSOLIDATION_INCOMPLETE', (_name, figure) => {
      const error = graphQLError(() => figure(strict));
      expect(error.extensions.code).toBe('CONSOLIDATION_INCOMPLETE');
      expect(error.extensions.missingSubsidiaries).toEqual(['IN']);
      expect(error.message).toContain('NEC India (IN)');
      expect(error.message).toContain('allowPartial');
    });

    it('returns a partial total without it when allowed', () => {
      // 5,000,000 + 14,460 + 4,150.5395
      expect(partial.total()).toEqual({ amount: '5018611', currency: 'JPY', partial: true });
      expect(partial.byFiscalYear()).toEqual([{ fiscalYear: 2024, amount: { amount: '5018611', currency: 'JPY', partial: true }, expenseCount: 8 }]);
      expect(partial.byCauseArea().map((line) => line.causeArea)).toEqual(['EDUCATION_RESEARCH', 'ENVIRONMENT', 'HEALTH_WELFARE']);
    });

    it('returns partial volunteering and goals when allowed', () => {
      expect(partial.volunteering()).toEqual({ newRegistrations: 45, participants: 1038, hours: '1549.75', partial: true });
      const [row] = partial.goals([goal('G', 'VOLUNTEER_PARTICIPANTS', 'PER_FISCAL_YEAR', 2024, 2024, 1200)]);
      expect(row).toMatchObject({ actual: 1038, partial: true, progressPercent: '86.5' });
    });

    it('shows the missing line as unavailable', () => {
      expect(strict.bySubsidiary().find((line) => line.code === 'IN')).toEqual({
        code: 'IN', name: 'NEC India', available: false, local: null, converted: null, ratesUsed: [], expenseCount: null, asOf: null,
      });
    });
  });

  it('names every missing subsidiary', () => {
    const error = graphQLError(() => consolidate(fy2024, { JP: fy2024Reports().JP! }).total());
    expect(error.extensions).toMatchObject({ code: 'CONSOLIDATION_INCOMPLETE', missingSubsidiaries: ['IN', 'US', 'TH'] });
  });
});

describe('Consolidation with a missing exchange rate', () => {
  it('refuses with EXCHANGE_RATE_MISSING naming the currency and fiscal year', () => {
    const consolidation = consolidate(params({ fiscalYear: 2024 }), fy2024Reports(), RATES.filter((rate) => !(rate.currency === 'THB' && rate.fiscalYear === 2024)));
    for (const figure of [() => consolidation.total(), () => consolidation.bySubsidiary(), () => consolidation.byCauseArea()]) {
      const error = graphQLError(figure);
      expect(error.extensions).toMatchObject({ code: 'EXCHANGE_RATE_MISSING', currency: 'THB', fiscalYear: 2024 });
      expect(error.message).toContain('THB');
    }
  });

  it('names the year whose rate is missing', () => {
    const reports = { ...fy2024Reports(), IN: report('IN', [[2023, 'ENVIRONMENT', 'CASH', '1.00', 1], [2024, 'ENVIRONMENT', 'CASH', '1.00', 1]]) };
    const consolidation = consolidate(params({ fromFiscalYear: 2023, toFiscalYear: 2024 }), reports, RATES.filter((rate) => !(rate.currency === 'INR' && rate.fiscalYear === 2023)));
    const error = graphQLError(() => consolidation.byFiscalYear());
    expect(error.extensions).toMatchObject({ code: 'EXCHANGE_RATE_MISSING', currency: 'INR', fiscalYear: 2023 });
  });

  it('does not need a rate for the base currency', () => {
    const consolidation = consolidate(params({ fiscalYear: 2024, allowPartial: true }), { JP: fy2024Reports().JP! }, []);
    expect(consolidation.total()).toEqual({ amount: '5000000', currency: 'JPY', partial: true });
  });
});

describe('Consolidation work, whatever is asked how often', () => {
  afterEach(() => vi.restoreAllMocks());

  /** Japan's FY2024 report with `count` cells (every cause area × contribution type, spread over them), and the others'. */
  function manyCells(count: number): Record<string, ArrivedReport> {
    const causes: CauseArea[] = ['EDUCATION_RESEARCH', 'ARTS_CULTURE_SPORTS', 'HEALTH_WELFARE', 'ENVIRONMENT', 'DISASTER_RELIEF', 'COMMUNITY_DEVELOPMENT', 'SOCIAL_ENTREPRENEURSHIP', 'INCLUSION_DIVERSITY'];
    const types: ContributionType[] = ['CASH', 'IN_KIND_PRODUCT', 'FACILITY_USE', 'EMPLOYEE_TIME', 'MANAGEMENT_COST'];
    const cells: CellInput[] = Array.from({ length: count }, (_, index) => [2024, causes[index % causes.length]!, types[index % types.length]!, String(1000 + index), 1]);
    return { ...fy2024Reports(), JP: report('JP', cells) };
  }

  /** Exact conversions (rational multiplications) made by `work`. */
  function conversions(work: () => unknown): number {
    const multiply = vi.spyOn(Rational.prototype, 'multiply');
    work();
    const count = multiply.mock.calls.length;
    multiply.mockRestore();
    return count;
  }

  it('computes the total once however many aliases ask for it (100 aliases of total were 100 conversions of every cell)', () => {
    const once = conversions(() => consolidate(params({ fiscalYear: 2024 }), manyCells(40)).total());
    const consolidation = consolidate(params({ fiscalYear: 2024 }), manyCells(40));
    const hundred = conversions(() => {
      for (let alias = 0; alias < 100; alias += 1) consolidation.total();
    });
    expect(hundred).toBe(once);
  });

  it('converts once per currency and fiscal year of a line, not once per cell', () => {
    const consolidation = consolidate(params({ fiscalYear: 2024 }), manyCells(4_000));
    // four subsidiaries, one year: four conversions for the total, whatever the number of cells
    expect(conversions(() => consolidation.total())).toBeLessThanOrEqual(4);
    // a breakdown: at most one per line and subsidiary, computed once for all its aliases
    const breakdown = conversions(() => {
      for (let alias = 0; alias < 40; alias += 1) consolidation.byCauseArea();
    });
    expect(breakdown).toBeLessThanOrEqual(8 * 4);
    expect(consolidation.byCauseArea().map((line) => line.expenseCount).reduce((sum, count) => sum + count, 0)).toBe(4_000 + 1 + 1 + 2);
  });

  it('gives the same figures as converting cell by cell', () => {
    const consolidation = consolidate(params({ fiscalYear: 2024, currency: 'USD' }), manyCells(997), [...RATES]);
    let exact = Rational.ZERO;
    const rate = (currency: string) => (currency === 'JPY' ? Rational.of(1n, 1n) : RATES.find((quote) => quote.currency === currency && quote.fiscalYear === 2024)!.jpyPerUnit.toRational());
    for (const [code, arrived] of Object.entries(manyCells(997))) {
      for (const cell of arrived.cells) exact = exact.add(Decimal.parse(cell.amount).toRational().multiply(rate(CURRENCY[code]!)).divide(rate('USD')));
    }
    expect(consolidation.total().amount).toBe(exact.round(2).toString());
  });
});

describe('reportParams', () => {
  function refusal(args: GroupReportArgs): GraphQLError {
    const error = graphQLError(() => reportParams(args));
    expect(error.extensions.code).toBe('BAD_USER_INPUT');
    return error;
  }

  it('defaults to JPY, no filters, complete figures', () => {
    expect(reportParams({ fiscalYear: 2024 })).toEqual({ from: 2024, to: 2024, currency: 'JPY', causeArea: null, contributionType: null, allowPartial: false });
    expect(reportParams({ fromFiscalYear: 2020, toFiscalYear: 2024, currency: 'USD', causeArea: 'ENVIRONMENT', contributionType: 'CASH', allowPartial: true })).toEqual({
      from: 2020, to: 2024, currency: 'USD', causeArea: 'ENVIRONMENT', contributionType: 'CASH', allowPartial: true,
    });
  });

  it('takes either fiscalYear or fromFiscalYear/toFiscalYear', () => {
    expect(refusal({ fiscalYear: 2024, fromFiscalYear: 2023 }).extensions.field).toBe('fiscalYear');
    expect(refusal({ fiscalYear: 2024, toFiscalYear: 2024 }).extensions.field).toBe('fiscalYear');
    expect(refusal({}).extensions.field).toBe('fromFiscalYear');
    expect(refusal({ fromFiscalYear: 2023 }).extensions.field).toBe('toFiscalYear');
    expect(refusal({ toFiscalYear: 2023 }).extensions.field).toBe('fromFiscalYear');
    expect(reportParams({ fiscalYear: 2024, fromFiscalYear: null, toFiscalYear: null }).from).toBe(2024);
  });

  it('keeps fiscal years within bounds', () => {
    const { min, max } = FISCAL_YEAR_LIMITS;
    expect(reportParams({ fiscalYear: min }).from).toBe(min);
    expect(reportParams({ fiscalYear: max }).to).toBe(max);
    expect(refusal({ fiscalYear: min - 1 }).extensions.field).toBe('fiscalYear');
    expect(refusal({ fiscalYear: max + 1 }).extensions.field).toBe('fiscalYear');
    expect(refusal({ fiscalYear: 2024.5 }).extensions.field).toBe('fiscalYear');
    expect(refusal({ fromFiscalYear: min - 1, toFiscalYear: 2000 }).extensions.field).toBe('fromFiscalYear');
    expect(refusal({ fromFiscalYear: 2000, toFiscalYear: max + 1 }).extensions.field).toBe('toFiscalYear');
  });

  it('refuses a reversed range', () => {
    expect(refusal({ fromFiscalYear: 2025, toFiscalYear: 2024 }).extensions.field).toBe('fromFiscalYear');
  });

  it(`spans at most ${FISCAL_YEAR_LIMITS.maxSpan} fiscal years`, () => {
    const { maxSpan } = FISCAL_YEAR_LIMITS;
    expect(reportParams({ fromFiscalYear: 2000, toFiscalYear: 2000 + maxSpan - 1 }).to).toBe(2000 + maxSpan - 1);
    expect(refusal({ fromFiscalYear: 2000, toFiscalYear: 2000 + maxSpan }).extensions.field).toBe('toFiscalYear');
  });

  it('refuses a currency outside ISO 4217', () => {
    expect(refusal({ fiscalYear: 2024, currency: 'XYZ' }).extensions.field).toBe('currency');
    expect(refusal({ fiscalYear: 2024, currency: 'usd' }).extensions.field).toBe('currency');
    expect(refusal({ fiscalYear: 2024, currency: '' }).extensions.field).toBe('currency');
  });
});

describe('report ids', () => {
  it.each([
    { from: 2024, to: 2024, currency: 'JPY', causeArea: null, contributionType: null, allowPartial: false },
    { from: 2020, to: 2024, currency: 'USD', causeArea: 'ENVIRONMENT', contributionType: 'CASH', allowPartial: true },
    { from: 1990, to: 2019, currency: 'KWD', causeArea: 'INCLUSION_DIVERSITY', contributionType: null, allowPartial: false },
  ] satisfies ReportParams[])('round-trips %j', (asked) => {
    const id = formatReportId(asked);
    expect(parseReportId(id)).toEqual(asked);
    expect(formatReportId(parseReportId(id))).toBe(id);
  });

  it('formats as from|to|currency|cause|type|mode', () => {
    expect(formatReportId(reportParams({ fiscalYear: 2024 }))).toBe('2024|2024|JPY|*|*|complete');
    expect(formatReportId(reportParams({ fromFiscalYear: 2023, toFiscalYear: 2024, currency: 'THB', causeArea: 'DISASTER_RELIEF', allowPartial: true }))).toBe(
      '2023|2024|THB|DISASTER_RELIEF|*|partial',
    );
  });

  it.each([
    '',
    'garbage',
    '2024',
    '2024|2024|JPY|*|*',
    '2024|2024|JPY|*|*|complete|extra',
    '2024|2024|JPY|*|*|maybe',
    '2024|2024|JPY|NOT_A_CAUSE|*|complete',
    '2024|2024|JPY|*|NOT_A_TYPE|complete',
    '2024|2024|JPY||*|complete',
    '2024|2024|XYZ|*|*|complete',
    '2024|2024||*|*|complete',
    'x|2024|JPY|*|*|complete',
    '2024||JPY|*|*|complete',
    '2025|2024|JPY|*|*|complete',
    '1989|2024|JPY|*|*|complete',
    '2024|2101|JPY|*|*|complete',
    '1990|2100|JPY|*|*|complete',
    '2024.5|2024.5|JPY|*|*|complete',
    // Non-canonical spellings of 2024: the id is a federation key, so one report must have one id.
    '0x7E8|0x7E8|JPY|*|*|complete',
    '2024.0|2024|JPY|*|*|complete',
    '+2024|2024|JPY|*|*|complete',
    ' 2024|2024|JPY|*|*|complete',
    '2.024e3|2024|JPY|*|*|complete',
    '02024|2024|JPY|*|*|complete',
  ])('refuses %j', (id) => {
    const error = graphQLError(() => parseReportId(id));
    expect(error.extensions.code).toBe('BAD_USER_INPUT');
  });
});
