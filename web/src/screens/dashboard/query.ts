import { request, type GraphQLErrorShape } from '../../graphql';
import type { Money } from '../../money';
import { reportVariables, trendYears, type Selection } from './selection';

export interface Amount extends Money {
  partial: boolean;
}

export interface MissingSubsidiary {
  code: string;
  name: string;
  reason: string;
  reasonCode: string;
}

export interface SubsidiaryLine {
  code: string;
  name: string;
  available: boolean;
  local: Money | null;
  converted: Money | null;
  ratesUsed: { currency: string; fiscalYear: number; rate: string; source: string | null }[];
  expenseCount: number | null;
}

export interface GoalLine {
  goal: { id: string; title: string; metric: string; cadence: string; unit: string; fromFiscalYear: number; toFiscalYear: number };
  fiscalYear: number | null;
  target: number;
  actual: number;
  progressPercent: string;
  achieved: boolean;
  periodFullyCovered: boolean;
  partial: boolean;
}

export interface Published {
  version: number;
  closeId: string;
  hash: string;
  closedAt: string;
  closedBy: string;
  total: Money;
  reopened: { at: string; reason: string } | null;
}

export interface Restated {
  total: Amount | null;
  unadjusted: Amount | null;
  adjustments: { subsidiary: string; local: Money; converted: Money | null; adjustment: { id: string; originalExpenseId: string; reason: string; date: string } }[];
}

export interface Report {
  fromFiscalYear: number;
  toFiscalYear: number;
  currency: string;
  asOf: string | null;
  total: Amount | null;
  completeness: { complete: boolean; included: string[]; missing: MissingSubsidiary[] } | null;
  bySubsidiary: SubsidiaryLine[] | null;
  byCauseArea: { causeArea: string; amount: Amount; expenseCount: number }[] | null;
  byContributionType: { contributionType: string; amount: Amount; expenseCount: number }[] | null;
  goals: GoalLine[] | null;
  published?: Published | null;
  restated?: Restated | null;
}

export interface DashboardData {
  report: Report | null;
  trend: { byFiscalYear: { fiscalYear: number; amount: Amount; expenseCount: number }[] | null } | null;
}

const REPORT_FIELDS = `
  fromFiscalYear toFiscalYear currency asOf
  total { amount currency partial }
  completeness { complete included missing { code name reason reasonCode } }
  bySubsidiary { code name available local { amount currency } converted { amount currency } ratesUsed { currency fiscalYear rate source } expenseCount }
  byCauseArea { causeArea amount { amount currency partial } expenseCount }
  byContributionType { contributionType amount { amount currency partial } expenseCount }
  goals { goal { id title metric cadence unit fromFiscalYear toFiscalYear } fiscalYear target actual progressPercent achieved periodFullyCovered partial }`;

const CLOSED_YEAR_FIELDS = `
  published { version closeId hash closedAt closedBy total { amount currency } reopened { at reason } }
  restated { total { amount currency partial } unadjusted { amount currency partial }
             adjustments { subsidiary local { amount currency } converted { amount currency } adjustment { id originalExpenseId reason date } } }`;

const DASHBOARD = `query DashboardScreen($fiscalYear: Int, $fromFiscalYear: Int, $toFiscalYear: Int, $currency: String!, $allowPartial: Boolean!, $trendFrom: Int!, $trendTo: Int!) {
  report: groupReport(fiscalYear: $fiscalYear, fromFiscalYear: $fromFiscalYear, toFiscalYear: $toFiscalYear, currency: $currency, allowPartial: $allowPartial) { ${REPORT_FIELDS} }
  trend: groupReport(fromFiscalYear: $trendFrom, toFiscalYear: $trendTo, currency: $currency, allowPartial: $allowPartial) { byFiscalYear { fiscalYear amount { amount currency partial } expenseCount } }
}`;

const DASHBOARD_OF_YEAR = DASHBOARD.replace(`{ ${REPORT_FIELDS} }`, `{ ${REPORT_FIELDS} ${CLOSED_YEAR_FIELDS} }`);

/** The errors a dashboard expects when a subsidiary is missing: the figures it leaves out (shown as a banner, not as failures). */
const INCOMPLETE_CODES = new Set(['CONSOLIDATION_INCOMPLETE', 'SUBSIDIARY_UNAVAILABLE']);

export interface DashboardResult {
  data: DashboardData;
  /** Errors besides the incompleteness the completeness banner already names. */
  problems: GraphQLErrorShape[];
}

/** One request: the report of the selection (with a closed year's published and restated figures) and its year-over-year lines. */
export async function loadDashboard(selection: Selection): Promise<DashboardResult> {
  const trend = trendYears(selection.period);
  const query = selection.period.kind === 'year' ? DASHBOARD_OF_YEAR : DASHBOARD;
  const result = await request<DashboardData>(query, { ...reportVariables(selection), trendFrom: trend.from, trendTo: trend.to });
  return { data: result.data ?? { report: null, trend: null }, problems: result.errors.filter((error) => !INCOMPLETE_CODES.has(error.extensions?.code ?? '')) };
}

export interface ReferenceData {
  /** Reporting currencies: JPY and every currency the group has rates for. */
  currencies: string[];
  /** Group fiscal years with rates, newest first. */
  fiscalYears: number[];
}

/** The choices of the toolbar, from the group's exchange rates. */
export async function loadReferenceData(): Promise<ReferenceData> {
  const result = await request<{ exchangeRates: { currency: string; fiscalYear: number }[] | null }>(`query DashboardChoices { exchangeRates { currency fiscalYear } }`);
  const rates = result.data?.exchangeRates ?? [];
  return {
    currencies: ['JPY', ...[...new Set(rates.map((rate) => rate.currency))].filter((currency) => currency !== 'JPY').sort()],
    fiscalYears: [...new Set(rates.map((rate) => rate.fiscalYear))].sort((a, b) => b - a),
  };
}

/** The years of a range that have records (partial figures count here: they only choose the default year, never shown). */
export async function yearsWithRecords(from: number, to: number): Promise<{ fiscalYear: number; expenseCount: number }[]> {
  const result = await request<{ groupReport: { byFiscalYear: { fiscalYear: number; expenseCount: number }[] | null } | null }>(
    `query DashboardDefaultYear($from: Int!, $to: Int!) { groupReport(fromFiscalYear: $from, toFiscalYear: $to, allowPartial: true) { byFiscalYear { fiscalYear expenseCount } } }`,
    { from, to },
  );
  return result.data?.groupReport?.byFiscalYear ?? [];
}
