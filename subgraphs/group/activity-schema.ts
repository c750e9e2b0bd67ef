import { ACTIVITY_RECORD_SDL } from '../common/activity-sdl';
import { MAX_ACTIVITY_PAGE } from '../common/activity-query';
import { READ_REQUIREMENT } from '../common/scopes';
import { SUBSIDIARIES } from '../common/registry';
import { activityPageTypeName } from '../kit/activity-schema';

const ITEM_FIELDS = 'kind date id groupFiscalYear initiativeId causeArea contributionType amount people hours registrations change status previousStatus description';
const CELL_FIELDS = 'groupFiscalYear causeArea contributionType amount expenseCount';
const ADJUSTMENT_FIELDS = 'id originalExpenseId initiativeId date groupFiscalYear restatedFiscalYear causeArea contributionType amountChange closeId reason recordedBy recordedAt';

/** The regional pages' fields a group page needs, as one @requires selection: the feed's items, and for a drill-down its line's cells and adjustments. */
export function activityRequires(drillDown: boolean): string {
  const extra = drillDown ? ` cells { ${CELL_FIELDS} } adjustments { ${ADJUSTMENT_FIELDS} }` : '';
  const fragments = SUBSIDIARIES.map((subsidiary) => `... on ${activityPageTypeName(subsidiary)} { currency items { ${ITEM_FIELDS} } hasMore asOf${extra} }`);
  return `subsidiaries { ${fragments.join(' ')} }`;
}

/** The group subgraph's activity feed and drill-down to records (docs/drill-down-and-activities.md). */
export function groupActivitySdl(): string {
  const feed = `@requires(fields: "${activityRequires(false)}")`;
  const drill = `@requires(fields: "${activityRequires(true)}")`;
  const pages = SUBSIDIARIES.map(
    (subsidiary) => `
type ${activityPageTypeName(subsidiary)} implements SubsidiaryActivityPage @key(fields: "id") ${READ_REQUIREMENT} {
  id: ID!
  currency: String @external
  items: [ActivityRecord!] @external
  hasMore: Boolean @external
  asOf: String @external
  cells: [ReportCell!] @external
  adjustments: [ReportAdjustment!] @external
}`,
  ).join('\n');
  return `
${ACTIVITY_RECORD_SDL}${pages}

"Which items of the feed: all when empty. A fiscal year is the group's (April–March, named by the year it ends in)."
input ActivityFilter {
  fiscalYear: Int
  fromFiscalYear: Int
  toFiscalYear: Int
  "Subsidiary codes (JP, IN, US, TH); all when not given."
  subsidiaries: [ID!]
  "Items of initiatives of this cause area (as they are now); registrations, which belong to no initiative, are left out."
  causeArea: CauseArea
  "Expenses of this contribution type (only expenses have one)."
  contributionType: ContributionType
  kinds: [ActivityKind!]
}

"An item of the group's activity feed."
type Activity {
  "The subsidiary's code."
  subsidiary: ID!
  kind: ActivityKind!
  date: Date!
  id: ID!
  groupFiscalYear: Int!
  initiativeId: ID
  causeArea: CauseArea
  contributionType: ContributionType
  "An expense's amount in its subsidiary's currency."
  amount: Money
  "An expense's amount in the page's currency: the stated average rate of its group fiscal year, rounded once (this record by itself)."
  convertedAmount: Money
  "The converted amount before rounding, exact: a decimal, or a fraction p/q when it does not terminate (a cross rate)."
  exactConvertedAmount: String
  "Units of the page's currency for one unit of the subsidiary's (10 decimals at most)."
  rate: Decimal
  people: Int
  hours: Decimal
  registrations: Int
  change: InitiativeChange
  status: InitiativeStatus
  previousStatus: InitiativeStatus
  description: String
  "This item's position: the cursor of a page that would start right after it."
  cursor: String!
}

type ActivityPageInfo {
  "The position after the last item (the cursor given when the page is empty): pass it as after for the next page."
  endCursor: String
  hasNextPage: Boolean!
}

"""
A page of the group's activity: items of all subsidiaries in one order, by date, then subsidiary
code, kind and id. Pages are keyset pages: a cursor is a position in that order, so records added
before it never shift later pages, and a record added after it shows on a later page.
"""
type ActivityPage @key(fields: "id") ${READ_REQUIREMENT} {
  id: ID!
  currency: String!
  subsidiaries: [SubsidiaryActivityPage!]!
  items: [Activity!]! ${feed}
  pageInfo: ActivityPageInfo! ${feed}
  "Subsidiaries whose items are missing from this page (unavailable, or no dataset): never left out silently."
  missingSubsidiaries: [MissingSubsidiary!]! ${feed}
}

"""
One line of a groupReport: its fiscal years (fiscalYear, or fromFiscalYear–toFiscalYear), currency
and, as the line has them, subsidiary, cause area and contribution type. A line of byFiscalYear is
fiscalYear: that year; of bySubsidiary, subsidiary: its code; a report's own filters stay.
"""
input ReportLineInput {
  fiscalYear: Int
  fromFiscalYear: Int
  toFiscalYear: Int
  currency: String = "JPY"
  subsidiary: ID
  causeArea: CauseArea
  contributionType: ContributionType
}

"A line of the report it is asked of (GroupReport.records); without any field, the report's total."
input ReportLineSelector {
  subsidiary: ID
  causeArea: CauseArea
  contributionType: ContributionType
  "A year of the report (a line of byFiscalYear)."
  fiscalYear: Int
}

"An adjustment restating the line (a correction of a closed year's expense, booked in an open year), converted with the restated year's rate."
type LineAdjustment {
  subsidiary: ID!
  adjustment: ReportAdjustment!
  amountChange: Money!
  convertedAmountChange: Money
  exactConvertedAmountChange: String
}

"""
The expenses behind one report line, a page at a time, and the line's figure they add up to: the
exact sum of the records' exactConvertedAmount over all pages, rounded once, is amount; each
record's convertedAmount is rounded by itself, so their sum may differ from amount by at most half
a minor unit per record (docs/drill-down-and-activities.md).
"""
type ReportLineRecords @key(fields: "id") ${READ_REQUIREMENT} {
  id: ID!
  currency: String!
  fromFiscalYear: Int!
  toFiscalYear: Int!
  subsidiary: ID
  causeArea: CauseArea
  contributionType: ContributionType
  subsidiaries: [SubsidiaryActivityPage!]!
  "The line as groupReport shows it (exact sum of its cells converted, rounded once); partial when a subsidiary is missing."
  amount: ConsolidatedAmount ${drill}
  "The line before its one rounding, exact (a decimal, or p/q): the sum of its records' exactConvertedAmount, over all pages, equals it."
  exactAmount: String ${drill}
  expenseCount: Int ${drill}
  records: [Activity!]! ${drill}
  pageInfo: ActivityPageInfo! ${drill}
  "Every adjustment restating the line (all of them, on every page), oldest first per subsidiary."
  adjustments: [LineAdjustment!]! ${drill}
  "The line with its adjustments (a closed year's restated figure): exact sum of cells and adjustments converted, rounded once."
  restatedAmount: ConsolidatedAmount ${drill}
  missingSubsidiaries: [MissingSubsidiary!]! ${drill}
}

extend type Query {
  "The group's activity: expenses, volunteering and initiative events of every subsidiary in one order, at most ${MAX_ACTIVITY_PAGE} a page; amounts converted into currency (JPY unless given)."
  activities(filter: ActivityFilter, first: Int = 20, after: String, currency: String = "JPY"): ActivityPage ${READ_REQUIREMENT}
  "The expenses behind a line of groupReport, at most ${MAX_ACTIVITY_PAGE} a page, in the feed's order."
  reportRecords(line: ReportLineInput!, first: Int = 50, after: String): ReportLineRecords ${READ_REQUIREMENT}
}
`;
}
