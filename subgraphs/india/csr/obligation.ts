import { Decimal, Rational } from '../../common/decimal';

/**
 * Section 135 of India's Companies Act 2013, for one financial year: the obligation (2% of the
 * average net profit of the three preceding years), what counts as spent (eligible projects,
 * overheads capped at 5% of the year's CSR spend), the shortfall and the deadlines for unspent money.
 */

export const THRESHOLDS = {
  netWorth: Decimal.parse('5000000000'), // ₹500 crore
  turnover: Decimal.parse('10000000000'), // ₹1,000 crore
  netProfit: Decimal.parse('50000000'), // ₹5 crore
} as const;

export interface YearFinancials {
  fiscalYear: number;
  netProfit: Decimal;
  netWorth: Decimal | null;
  turnover: Decimal | null;
}

export interface YearSpend {
  /** Programme spend on eligible projects, split by whether the project is ongoing (multi-year). */
  ongoingProjects: Decimal;
  otherProjects: Decimal;
  /** Management costs of eligible projects: administrative overheads. */
  overheads: Decimal;
  /** Spend on initiatives that are unclassified or do not qualify. */
  ineligible: Decimal;
}

export interface Obligation {
  fiscalYear: number;
  applicable: boolean;
  applicabilityReasons: string[];
  averageNetProfit: Decimal;
  obligation: Decimal;
  spendOnOngoingProjects: Decimal;
  spendOnOtherProjects: Decimal;
  overheads: Decimal;
  overheadCap: Decimal;
  excessOverheads: Decimal;
  eligibleSpend: Decimal;
  ineligibleSpend: Decimal;
  shortfall: Decimal;
  unspentCsrAccountDeadline: string;
  scheduleVIIFundDeadline: string;
}

const PAISE = 2;
const max = (a: Decimal, b: Decimal) => (a.compare(b) >= 0 ? a : b);
const min = (a: Decimal, b: Decimal) => (a.compare(b) <= 0 ? a : b);
const percent = (value: Decimal, rate: bigint) => value.toRational().multiply(Rational.of(rate, 100n)).round(PAISE);

function reasons(previous: YearFinancials): string[] {
  const found: string[] = [];
  if (previous.netWorth && previous.netWorth.compare(THRESHOLDS.netWorth) >= 0) found.push(`net worth of FY${previous.fiscalYear} is at least ₹500 crore`);
  if (previous.turnover && previous.turnover.compare(THRESHOLDS.turnover) >= 0) found.push(`turnover of FY${previous.fiscalYear} is at least ₹1,000 crore`);
  if (previous.netProfit.compare(THRESHOLDS.netProfit) >= 0) found.push(`net profit of FY${previous.fiscalYear} is at least ₹5 crore`);
  return found;
}

/** `preceding` holds the three financial years before `fiscalYear`, most recent first. */
export function csrObligation(fiscalYear: number, preceding: readonly [YearFinancials, YearFinancials, YearFinancials], spend: YearSpend): Obligation {
  const average = preceding
    .reduce((sum, year) => sum.add(year.netProfit.toRational()), Rational.ZERO)
    .multiply(Rational.of(1n, 3n));
  const averageNetProfit = average.round(PAISE);
  const applicabilityReasons = reasons(preceding[0]);
  const applicable = applicabilityReasons.length > 0;
  const obligation = applicable && !averageNetProfit.isNegative() ? average.multiply(Rational.of(2n, 100n)).round(PAISE) : Decimal.ZERO;

  const programme = spend.ongoingProjects.add(spend.otherProjects);
  const overheadCap = percent(programme.add(spend.overheads), 5n);
  const excessOverheads = max(spend.overheads.add(overheadCap.negate()), Decimal.ZERO);
  const eligibleSpend = programme.add(min(spend.overheads, overheadCap));
  return {
    fiscalYear,
    applicable,
    applicabilityReasons,
    averageNetProfit,
    obligation,
    spendOnOngoingProjects: spend.ongoingProjects,
    spendOnOtherProjects: spend.otherProjects,
    overheads: spend.overheads,
    overheadCap,
    excessOverheads,
    eligibleSpend,
    ineligibleSpend: spend.ineligible,
    shortfall: max(obligation.add(eligibleSpend.negate()), Decimal.ZERO),
    // The year ends on 31 March: unspent money of ongoing projects goes to the Unspent CSR Account
    // within 30 days, other unspent money to a Schedule VII fund within six months.
    unspentCsrAccountDeadline: `${fiscalYear}-04-30`,
    scheduleVIIFundDeadline: `${fiscalYear}-09-30`,
  };
}
