import { REPORT_CELLS_SDL, commonSdl } from '../common/sdl';
import { READ_REQUIREMENT, SCOPES, requiresScopes, writeScope } from '../common/scopes';
import { CACHE_INHERIT, CACHE_MAX_AGE, cacheFor } from '../common/cache-hints';
import type { SubsidiaryConfig } from '../common/registry';
import { ACTIVITY_RECORD_SDL } from '../common/activity-sdl';
import { regionalActivitySdl } from './activity-schema';
import { EXPENSE_LIST_SDL } from './expense-pages';
import { IMPORT_SDL, importMutationsSdl } from './import/schema';
import { serviceLabelSdl } from '../../shared/service-labels';
import { regionalMutationName, regionalTypeNames } from './names';

export { REGIONAL_MUTATIONS, regionalMutationName, regionalTypeNames } from './names';

/** Shared interface and value-type definitions: identical text in every regional subgraph. */
const SHARED_REGIONAL_SDL = `
interface Subsidiary {
  code: ID!
  "Initiatives of this subsidiary, in a stable order (newest start date first, then id). Null when the subsidiary's subgraph is unavailable."
  initiatives(filter: InitiativeFilter, first: Int = 20, after: String): InitiativePage
  "Every expense of this subsidiary in one flat list, archived initiatives' too, ordered by date then id: page with after: pageInfo.endCursor until hasNextPage is false. Null when the database holds no dataset (missing, not none) or the subsidiary's subgraph is unavailable."
  expenses(filter: ExpenseFilter, first: Int = 100, after: String): ExpensePage
  "Volunteering in a group fiscal year. Null when the subsidiary's subgraph is unavailable."
  volunteering(fiscalYear: Int!): VolunteeringSummary
  "The audit trail of this subsidiary's writes, newest first, optionally of one record (headquarters: scope group:audit; the subsidiary's own regional team: its write scope)."
  auditLog(first: Int = 50, after: String, entityId: ID): AuditPage
}

"One write to a subsidiary's data: who made it (the token's subject), when, and what changed."
type AuditEntry @shareable {
  id: ID!
  "When the change was made, ISO 8601 in UTC."
  at: String!
  "The subject of the token that made the change."
  actor: String!
  "The mutation, such as indiaRecordExpense."
  action: String!
  "The kind of record changed, such as Expense."
  entity: String!
  entityId: ID
  "Top-level fields whose value differs between before and after."
  changedFields: [String!]!
  "The record before the change, as JSON; null when it was created."
  before: String
  "The record after the change, as JSON; null when it was deleted."
  after: String
  "The x-request-id of the request that made the change, when it had one."
  requestId: String
}

type AuditPage @shareable {
  nodes: [AuditEntry!]!
  pageInfo: PageInfo!
}

input InitiativeFilter {
  "Initiatives running at some point of this group fiscal year (April–March, named by the year it ends in)."
  fiscalYear: Int
  causeArea: CauseArea
  status: InitiativeStatus
  "Case-insensitive words looked for in title, description and tags."
  text: String
}

type InitiativePage @shareable {
  nodes: [Initiative!]!
  totalCount: Int!
  pageInfo: PageInfo!
}

type PageInfo @shareable {
  endCursor: String
  hasNextPage: Boolean!
}

type Partner @shareable {
  name: String!
  kind: PartnerKind!
}

type Outcome @shareable {
  description: String!
  value: Float
  unit: String
}

type Provenance @shareable {
  "True when the record fills a gap for illustration and is not a published figure."
  illustrative: Boolean!
  source: String
}

interface Initiative {
  id: ID!
  subsidiaryCode: ID!
  title: String!
  description: String!
  causeArea: CauseArea!
  motivation: Motivation!
  status: InitiativeStatus!
  startDate: Date!
  endDate: Date
  partners: [Partner!]!
  beneficiaries: Int
  participants: Int
  outcomes: [Outcome!]!
  tags: [String!]!
  provenance: Provenance!
  version: Int!
  "Expenses of the initiative, oldest first, optionally in one group fiscal year: at most first of them (up to 1,000). Every one, page by page: Subsidiary.expenses(filter: { initiativeId })."
  expenses(fiscalYear: Int, first: Int = 100): [Expense!]!
  "Totals in the subsidiary's currency, optionally for one group fiscal year."
  totals(fiscalYear: Int): InitiativeTotals!
}

interface Expense {
  id: ID!
  initiativeId: ID!
  date: Date!
  "The subsidiary's own fiscal year."
  fiscalYear: Int!
  "The group's fiscal year (April–March, named by the year it ends in)."
  groupFiscalYear: Int!
  contributionType: ContributionType!
  quantity: Decimal
  unit: String
  unitPrice: Money
  amount: Money!
  valuationBasis: String!
  description: String!
  provenance: Provenance!
  "How B4SI counts the expense, derived from its contribution type and its initiative as they are now (docs/b4si.md)."
  b4si: ExpenseB4si!
  "The initiative the expense belongs to."
  initiative: Initiative
}
${EXPENSE_LIST_SDL}
"An expense in B4SI's terms: derived, never stored (common/catalog.ts holds the mapping)."
type ExpenseB4si @shareable {
  inputType: B4siInputType!
  "The initiative's motivation."
  motivation: Motivation!
  "The B4SI issue of the initiative's cause area."
  issue: B4siIssue!
  issueName: String!
  "B4SI_BASIS, or GROUP_POLICY when the amount is on the group's valuation basis rather than B4SI's cost to the company."
  valuation: B4siValuation!
}

type InitiativeTotals @shareable {
  amount: Money!
  expenseCount: Int!
  byContributionType: [ContributionTotal!]!
}

type ContributionTotal @shareable {
  contributionType: ContributionType!
  amount: Money!
  expenseCount: Int!
}

type VolunteeringSummary @shareable {
  fiscalYear: Int!
  newRegistrations: Int!
  participants: Int!
  hours: Decimal!
}

interface SubsidiaryFiscalYearLock {
  order: String!
}

interface SubsidiaryReport ${CACHE_INHERIT} {
  id: ID!
}

${REPORT_CELLS_SDL.trimEnd()}

input InitiativeInput {
  title: String!
  description: String!
  causeArea: CauseArea!
  motivation: Motivation = COMMUNITY_INVESTMENT
  status: InitiativeStatus = ACTIVE
  startDate: Date!
  endDate: Date
  partners: [PartnerInput!] = []
  beneficiaries: Int
  participants: Int
  outcomes: [OutcomeInput!] = []
  tags: [String!] = []
}

input InitiativeChanges {
  title: String
  description: String
  causeArea: CauseArea
  motivation: Motivation
  status: InitiativeStatus
  startDate: Date
  endDate: Date
  partners: [PartnerInput!]
  beneficiaries: Int
  participants: Int
  outcomes: [OutcomeInput!]
  tags: [String!]
}

input PartnerInput {
  name: String!
  kind: PartnerKind!
}

input OutcomeInput {
  description: String!
  value: Float
  unit: String
}

"""
A contribution. CASH and MANAGEMENT_COST give amount; IN_KIND_PRODUCT, FACILITY_USE and
EMPLOYEE_TIME give quantity, unit and unitPrice, and the amount is quantity × unitPrice
rounded to the currency's minor unit. Amounts are in the subsidiary's own currency.
"""
input ExpenseInput {
  initiativeId: ID!
  date: Date!
  contributionType: ContributionType!
  amount: Decimal
  quantity: Decimal
  unit: String
  unitPrice: Decimal
  "If given, must be the subsidiary's own currency."
  currency: String
  valuationBasis: String
  description: String!
}

input ExpenseCorrection {
  date: Date
  contributionType: ContributionType
  amount: Decimal
  quantity: Decimal
  unit: String
  unitPrice: Decimal
  valuationBasis: String
  description: String
}

input VolunteerRegistrationsInput {
  "End of the period the count covers."
  date: Date!
  count: Int!
  note: String
}

input VolunteerParticipationInput {
  initiativeId: ID!
  date: Date!
  people: Int!
  hours: Decimal!
  note: String
}

input AdjustmentInput {
  "The expense of a closed group fiscal year that the adjustment corrects."
  originalExpenseId: ID!
  "What the original's amount changes by, in the subsidiary's currency (-1000.00 lowers it); never zero, never below zero in all."
  amountChange: Decimal!
  "Why: kept with the restatement (GRI 2-4)."
  reason: String!
  "The booking date, in an open group fiscal year; today (in the subsidiary's time zone) when not given."
  date: Date
}

type DeletedExpense @shareable {
  id: ID!
  initiativeId: ID!
}

type VolunteerRecord @shareable {
  id: ID!
  date: Date!
  groupFiscalYear: Int!
}
`;

/** The SDL of one regional subgraph: the shared template with the subsidiary's own type names. */
export function regionalSdl(subsidiary: SubsidiaryConfig, localExtension = ''): string {
  const names = regionalTypeNames(subsidiary);
  const mutation = (action: string) => regionalMutationName(subsidiary, action);
  // Reads need group:read or bi:read on every entity `_entities` can reach; writes need the
  // subsidiary's own write scope; the audit trail group:audit, or the subsidiary's own write scope
  // (a regional team sees the history of what it writes, never another subsidiary's).
  const read = READ_REQUIREMENT;
  const write = requiresScopes([writeScope(subsidiary.code)]);
  return `${commonSdl(['@requiresScopes'])}
${serviceLabelSdl({ kind: 'subsidiary', subgraph: subsidiary.key, code: subsidiary.code, name: subsidiary.name })}
${SHARED_REGIONAL_SDL}${IMPORT_SDL}
"""${subsidiary.legalName}."""
type ${names.subsidiary} implements Subsidiary @key(fields: "code") ${read} {
  code: ID!
  initiatives(filter: InitiativeFilter, first: Int = 20, after: String): InitiativePage
  expenses(filter: ExpenseFilter, first: Int = 100, after: String): ExpensePage
  volunteering(fiscalYear: Int!): VolunteeringSummary
  auditLog(first: Int = 50, after: String, entityId: ID): AuditPage ${requiresScopes([SCOPES.audit], [writeScope(subsidiary.code)])}
}

type ${names.initiative} implements Initiative @key(fields: "id") ${read} {
  id: ID!
  subsidiaryCode: ID!
  title: String!
  description: String!
  causeArea: CauseArea!
  motivation: Motivation!
  status: InitiativeStatus!
  startDate: Date!
  endDate: Date
  partners: [Partner!]!
  beneficiaries: Int
  participants: Int
  outcomes: [Outcome!]!
  tags: [String!]!
  provenance: Provenance!
  version: Int!
  expenses(fiscalYear: Int, first: Int = 100): [${names.expense}!]!
  totals(fiscalYear: Int): InitiativeTotals!
}

type ${names.expense} implements Expense @key(fields: "id") ${read} {
  id: ID!
  initiativeId: ID!
  initiative: ${names.initiative}
  date: Date!
  fiscalYear: Int!
  groupFiscalYear: Int!
  contributionType: ContributionType!
  quantity: Decimal
  unit: String
  unitPrice: Money
  amount: Money!
  valuationBasis: String!
  description: String!
  provenance: Provenance!
  b4si: ExpenseB4si!
}

"""
${subsidiary.name}'s figures for a consolidated report. The key carries the report's parameters:
"<code>|<from fiscal year>|<to fiscal year>|<cause area or *>|<contribution type or *>".
"""
type ${names.report} implements SubsidiaryReport @key(fields: "id") ${read} ${cacheFor(CACHE_MAX_AGE.report)} {
  id: ID!
  currency: String
  "Null when the database holds no dataset (never seeded, wiped or restored empty): the figures are missing, not zero."
  cells: [ReportCell!]
  volunteering: [VolunteeringCell!]
  "When these figures were read (ISO 8601, UTC)."
  asOf: String
  "The dataset the figures come from; null when the database holds none."
  dataset: DatasetMark
  "Adjustments restating the report's years (corrections of closed years' expenses booked in open years), oldest first."
  adjustments: [ReportAdjustment!]
  "${subsidiary.name}'s Ed25519 signature (REGIONAL_SIGNING_KEY, key id ${subsidiary.code}) over the figures above and this report's id, as served (docs/reporting.md); null when it holds no key or no dataset. Headquarters consolidates only signed figures."
  signature: FiguresSignature
}

"""
${subsidiary.name}'s lock of a group fiscal year by one of headquarters' signed fiscal-year orders
(the key: the order's canonical JSON, docs/reporting.md). Resolving it applies the order (journalled,
idempotent: an order no newer than the one held changes nothing) and, for a CLOSE, waits for the
writes begun before the lock; headquarters' closeFiscalYear and reopenFiscalYear reach it.
"""
type ${names.fiscalYearLock} implements SubsidiaryFiscalYearLock @key(fields: "order") ${requiresScopes([SCOPES.close])} {
  order: String!
  fiscalYear: Int!
  "The sequence number of the order the year holds now (higher than the key's when a newer one came first)."
  sequence: Int!
  action: FiscalYearAction!
  closeId: ID!
  "When ${subsidiary.name} applied it (ISO 8601, UTC)."
  appliedAt: String!
  "${subsidiary.name}'s signature (REGIONAL_SIGNING_KEY) over its confirmation that it holds the order (purpose csr-fiscal-year-lock/1, docs/reporting.md); null when it holds no key."
  signature: FiguresSignature
  "For a CLOSE held now: the year's figures, read once the writes begun before the lock were done (report key ${subsidiary.code}|<year>|<year>|*|*); null otherwise."
  report: ${names.report}
}

type Query {
  "${subsidiary.name} read straight from its own subgraph: answers while headquarters' group subgraph is unavailable."
  ${subsidiary.key}: ${names.subsidiary} ${read}
  "One of ${subsidiary.name}'s initiatives, from its own subgraph; null when there is no such initiative."
  ${subsidiary.key}Initiative(id: ID!): ${names.initiative} ${read}
  "One of ${subsidiary.name}'s expenses, from its own subgraph; null when there is no such expense."
  ${subsidiary.key}Expense(id: ID!): ${names.expense} ${read}
}

"""
Every write takes an optional idempotencyKey (at most 100 characters, one per write the client
means): the same key with the same request answers what the first one did without applying it
again, so a write whose answer was lost (OUTCOME_UNKNOWN) is safe to retry; the same key with a
different request is IDEMPOTENCY_KEY_REUSED.
"""
type Mutation {
  ${mutation('CreateInitiative')}(input: InitiativeInput!, idempotencyKey: String): ${names.initiative}! ${write}
  ${mutation('UpdateInitiative')}(id: ID!, changes: InitiativeChanges!, expectedVersion: Int, idempotencyKey: String): ${names.initiative}! ${write}
  ${mutation('ArchiveInitiative')}(id: ID!, idempotencyKey: String): ${names.initiative}! ${write}
  ${mutation('RecordExpense')}(input: ExpenseInput!, idempotencyKey: String): ${names.expense}! ${write}
  ${mutation('CorrectExpense')}(id: ID!, correction: ExpenseCorrection!, idempotencyKey: String): ${names.expense}! ${write}
  ${mutation('DeleteExpense')}(id: ID!, idempotencyKey: String): DeletedExpense! ${write}
  ${mutation('RecordVolunteerRegistrations')}(input: VolunteerRegistrationsInput!, idempotencyKey: String): VolunteerRecord! ${write}
  ${mutation('RecordVolunteerParticipation')}(input: VolunteerParticipationInput!, idempotencyKey: String): VolunteerRecord! ${write}
  "Books a correction of an expense of a closed group fiscal year in an open year (the original stays as published); refused for an expense of an open year, which is corrected itself."
  ${mutation('RecordAdjustment')}(input: AdjustmentInput!, idempotencyKey: String): ReportAdjustment! ${write}
${importMutationsSdl(mutation, write)}}
${ACTIVITY_RECORD_SDL}${regionalActivitySdl(subsidiary)}${localExtension}`;
}
