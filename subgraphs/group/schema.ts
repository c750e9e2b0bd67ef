import { REPORT_CELLS_SDL, commonSdl } from '../common/sdl';
import { GROUP_FISCAL_CALENDAR, GROUP_SUBGRAPH, SUBSIDIARIES } from '../common/registry';
import { regionalTypeNames } from '../kit/schema';
import { READ_REQUIREMENT, SCOPES, requiresScopes } from '../common/scopes';
import { CACHE_INHERIT, CACHE_MAX_AGE, cacheFor } from '../common/cache-hints';
import { b4siSdl } from './b4si';
import { groupActivitySdl } from './activity-schema';
import { fiscalYearSdl, lockReferencesSdl } from './fiscal-year-schema';
import { consolidationRequires } from './report-requires';
import { serviceLabelSdl } from '../../shared/service-labels';

export { consolidationRequires, subsidiaryReportSelection } from './report-requires';

export function groupSdl(): string {
  // cache hints: reports for CACHE_MAX_AGE.report, reference data longer, value types as their holder
  const report = cacheFor(CACHE_MAX_AGE.report);
  const reference = cacheFor(CACHE_MAX_AGE.reference);
  const requires = `@requires(fields: "${consolidationRequires()}")`;
  const perSubsidiary = SUBSIDIARIES.map((subsidiary) => {
    const names = regionalTypeNames(subsidiary);
    return `
type ${names.subsidiary} implements Subsidiary @key(fields: "code") ${READ_REQUIREMENT} ${reference} {
  code: ID!
  name: String!
  legalName: String!
  country: String!
  currency: String!
  fiscalYearStartMonth: Int!
  fiscalYearNaming: FiscalYearNaming!
  timeZone: String!
  subgraph: String!
}

type ${names.initiative} implements Initiative @key(fields: "id", resolvable: false) ${READ_REQUIREMENT} {
  id: ID!
}

type ${names.report} implements SubsidiaryReport @key(fields: "id") ${READ_REQUIREMENT} ${report} {
  id: ID!
  currency: String @external
  cells: [ReportCell!] @external
  volunteering: [VolunteeringCell!] @external
  asOf: String @external
  dataset: DatasetMark @external
  adjustments: [ReportAdjustment!] @external
  signature: FiguresSignature @external
}`;
  }).join('\n');

  // Every entry point needs a read scope: the Query fields, and the entities `_entities` reaches.
  return `${commonSdl(['@external', '@requires', '@requiresScopes'])}
${serviceLabelSdl({ kind: 'headquarters', subgraph: GROUP_SUBGRAPH.key, fiscalYearStartMonth: GROUP_FISCAL_CALENDAR.startMonth, fiscalYearNaming: GROUP_FISCAL_CALENDAR.naming })}
"""A company of the group. Regional subgraphs add its initiatives and volunteering."""
interface Subsidiary ${reference} {
  code: ID!
  name: String!
  legalName: String!
  country: String!
  "ISO 4217 currency its amounts are recorded in."
  currency: String!
  "First month (1–12) of its own fiscal year."
  fiscalYearStartMonth: Int!
  "Whether its fiscal years are named by the calendar year they end in (NEC's, Australia's) or start in."
  fiscalYearNaming: FiscalYearNaming!
  timeZone: String!
  "The name of its regional subgraph, which starts its mutations' names (india: indiaRecordExpense, indiaImportExpenses, …)."
  subgraph: String!
}

enum FiscalYearNaming {
  END_YEAR
  START_YEAR
}

interface Initiative {
  id: ID!
}

interface SubsidiaryReport ${CACHE_INHERIT} {
  id: ID!
}

${REPORT_CELLS_SDL}${perSubsidiary}
${lockReferencesSdl()}
${fiscalYearSdl(CACHE_INHERIT)}
${b4siSdl(CACHE_INHERIT)}

type CauseAreaInfo ${reference} {
  code: CauseArea!
  name: String!
  "The matching B4SI issue."
  b4siIssue: String!
  description: String!
}

"Average rate of a group fiscal year: JPY for one unit of the currency."
type ExchangeRate ${reference} {
  currency: String!
  fiscalYear: Int!
  jpyPerUnit: Decimal!
  kind: String!
  source: String
  asOf: Date!
  illustrative: Boolean!
}

enum GoalMetric {
  NEW_VOLUNTEER_REGISTRANTS
  VOLUNTEER_PARTICIPANTS
  VOLUNTEER_HOURS
}

enum GoalCadence {
  "The target applies to each fiscal year of the period."
  PER_FISCAL_YEAR
  "The target applies to the period as a whole."
  CUMULATIVE
}

type Goal ${reference} {
  id: ID!
  title: String!
  metric: GoalMetric!
  cadence: GoalCadence!
  fromFiscalYear: Int!
  toFiscalYear: Int!
  target: Int!
  unit: String!
  source: String
  illustrative: Boolean!
}

"A group fiscal year's average rate, recorded by headquarters with its source."
input ExchangeRateInput {
  "ISO 4217 code of a currency other than JPY, the base."
  currency: String!
  fiscalYear: Int!
  "JPY for one unit of the currency, such as 144.60."
  jpyPerUnit: Decimal!
  source: String!
  "The date the rate was fixed."
  asOf: Date!
}

input GoalInput {
  "G- followed by capitals, digits or dashes; an existing id replaces that goal."
  id: ID!
  title: String!
  metric: GoalMetric!
  cadence: GoalCadence!
  fromFiscalYear: Int!
  toFiscalYear: Int!
  target: Int!
  unit: String!
  source: String
}

type Mutation {
  "Records (or replaces) the average rate of a currency for a group fiscal year."
  setExchangeRate(input: ExchangeRateInput!): ExchangeRate! ${requiresScopes([SCOPES.groupWrite])}
  "Records (or replaces) a group goal."
  setGoal(input: GoalInput!): Goal! ${requiresScopes([SCOPES.groupWrite])}
}

type Query {
  "Every root field of headquarters' subgraph is nullable: when it cannot answer, the field is null with an error saying so, and the other subgraphs' fields of the same request (the regional root fields, say) still answer."
  subsidiaries: [Subsidiary!] ${READ_REQUIREMENT}
  subsidiary(code: ID!): Subsidiary ${READ_REQUIREMENT}
  "Routed to the owning subsidiary by the id's prefix (\\"IN-…\\" is NEC India's). Null when no subsidiary has that prefix, and, once any field besides id is selected, when the owning subsidiary has no such initiative."
  initiative(id: ID!): Initiative ${READ_REQUIREMENT}
  causeAreas: [CauseAreaInfo!] ${READ_REQUIREMENT}
  "The group's contribution types and how B4SI counts each (input type, valuation: docs/b4si.md)."
  contributionTypes: [B4siMapping!] ${READ_REQUIREMENT}
  exchangeRates(fiscalYear: Int, currency: String): [ExchangeRate!] ${READ_REQUIREMENT}
  goals: [Goal!] ${READ_REQUIREMENT}
  """
  Consolidated figures of the whole group for one group fiscal year (fiscalYear) or a range
  (fromFiscalYear–toFiscalYear), converted into the reporting currency (JPY unless given) with
  each fiscal year's average rate, rounded once per line shown.
  """
  groupReport(
    fiscalYear: Int
    fromFiscalYear: Int
    toFiscalYear: Int
    currency: String = "JPY"
    causeArea: CauseArea
    contributionType: ContributionType
    "When true, totals are given even if a subsidiary is missing, marked partial."
    allowPartial: Boolean = false
  ): GroupReport ${READ_REQUIREMENT} ${report}
}

enum MissingReason {
  "The subsidiary's subgraph (or its database) did not answer."
  UNAVAILABLE
  "The subsidiary's database holds no dataset (never seeded, wiped or restored empty): missing, not zero."
  NO_DATASET
  "The subsidiary reported in another currency than its own."
  CURRENCY_MISMATCH
}

type MissingSubsidiary ${CACHE_INHERIT} {
  code: ID!
  name: String!
  reason: String!
  reasonCode: MissingReason!
}

type Completeness ${CACHE_INHERIT} {
  complete: Boolean!
  included: [ID!]!
  missing: [MissingSubsidiary!]!
}

"A consolidated amount. partial is true when a subsidiary's figures are missing from it."
type ConsolidatedAmount ${CACHE_INHERIT} {
  amount: Decimal!
  currency: String!
  partial: Boolean!
}

type RateUsed ${CACHE_INHERIT} {
  currency: String!
  fiscalYear: Int!
  "Units of the reporting currency for one unit of the local currency."
  rate: Decimal!
  source: String
}

type SubsidiaryTotal ${CACHE_INHERIT} {
  code: ID!
  name: String!
  "Whether the subsidiary's figures arrived."
  available: Boolean!
  local: Money
  converted: Money
  ratesUsed: [RateUsed!]!
  expenseCount: Int
  "When the subsidiary read these figures (ISO 8601, UTC); null when they did not arrive."
  asOf: String
}

type CauseAreaTotal ${CACHE_INHERIT} {
  causeArea: CauseArea!
  amount: ConsolidatedAmount!
  expenseCount: Int!
}

type ContributionTypeTotal ${CACHE_INHERIT} {
  contributionType: ContributionType!
  amount: ConsolidatedAmount!
  expenseCount: Int!
}

type FiscalYearTotal ${CACHE_INHERIT} {
  fiscalYear: Int!
  amount: ConsolidatedAmount!
  expenseCount: Int!
}

type VolunteeringTotals ${CACHE_INHERIT} {
  newRegistrations: Int!
  participants: Int!
  hours: Decimal!
  partial: Boolean!
}

type GoalProgress ${CACHE_INHERIT} {
  goal: Goal!
  "The fiscal year of a PER_FISCAL_YEAR target; null for a CUMULATIVE one."
  fiscalYear: Int
  target: Int!
  actual: Int!
  "actual / target, as a percentage with one decimal."
  progressPercent: Decimal!
  achieved: Boolean!
  "False when the report's range covers only part of a cumulative goal's period."
  periodFullyCovered: Boolean!
  partial: Boolean!
}

type GroupReport @key(fields: "id") ${READ_REQUIREMENT} ${report} {
  id: ID!
  fromFiscalYear: Int!
  toFiscalYear: Int!
  currency: String!
  causeArea: CauseArea
  contributionType: ContributionType
  subsidiaries: [SubsidiaryReport!]!
  completeness: Completeness! ${requires}
  "When the figures were read: the earliest of the subsidiaries' reads (ISO 8601, UTC), also when the answer comes from a cache."
  asOf: String ${requires}
  "Null, with an error naming the missing subsidiaries, when the report is incomplete and allowPartial is false."
  total: ConsolidatedAmount ${requires}
  bySubsidiary: [SubsidiaryTotal!]! ${requires}
  byCauseArea: [CauseAreaTotal!] ${requires}
  byContributionType: [ContributionTypeTotal!] ${requires}
  byFiscalYear: [FiscalYearTotal!] ${requires}
  volunteering: VolunteeringTotals ${requires}
  goals: [GoalProgress!] ${requires}
  "The expenses behind one line of this report, in the same query (docs/drill-down-and-activities.md): the report's fiscal years, currency and filters, narrowed to the line's subsidiary, cause area, contribution type or fiscal year."
  records(line: ReportLineSelector, first: Int = 50, after: String): ReportLineRecords
  "The report's inputs in B4SI's terms: input type × motivation × issue (docs/b4si.md)."
  b4si: B4siSummary ${requires}
  "For a one-year report of a closed group fiscal year: the report published when it was closed (docs/reporting.md); null otherwise."
  published: PublishedReport
  "The figures restated by the adjustments booked against the current close of the report's closed years, and those adjustments."
  restated: Restatement ${requires}
}
${groupActivitySdl()}`;
}
