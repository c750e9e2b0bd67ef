import { SUBSIDIARIES } from '../common/registry';
import { READ_REQUIREMENT, SCOPES, requiresScopes } from '../common/scopes';
import { regionalTypeNames } from '../kit/schema';
import { subsidiaryReportSelection } from './report-requires';

const CLOSE = requiresScopes([SCOPES.close]);
/** What the outcome reads through its @requires: the locks (group:close) and their reports (a read scope). */
const OUTCOME = requiresScopes([SCOPES.close, SCOPES.groupRead], [SCOPES.close, SCOPES.biRead]);

/** What the outcome of a fiscal-year order needs of each subsidiary's lock: the order it holds, and the year's report read after it. */
export function fiscalYearLockRequires(): string {
  const fragments = SUBSIDIARIES.map(
    (subsidiary) => `... on ${regionalTypeNames(subsidiary).fiscalYearLock} { fiscalYear sequence action closeId appliedAt signature { keyId algorithm value } report { ${subsidiaryReportSelection(subsidiary)} } }`,
  );
  return `subsidiaries { ${fragments.join(' ')} }`;
}

/** The regional lock entities as headquarters references them (the regional subgraphs resolve them). */
export function lockReferencesSdl(): string {
  const references = SUBSIDIARIES.map((subsidiary) => {
    const names = regionalTypeNames(subsidiary);
    return `
type ${names.fiscalYearLock} implements SubsidiaryFiscalYearLock @key(fields: "order") ${CLOSE} {
  order: String!
  fiscalYear: Int! @external
  sequence: Int! @external
  action: FiscalYearAction! @external
  closeId: ID! @external
  appliedAt: String! @external
  signature: FiguresSignature @external
  report: ${names.report} @external
}`;
  }).join('\n');
  return `
interface SubsidiaryFiscalYearLock {
  order: String!
}
${references}`;
}

/** Headquarters' closing of group fiscal years and its published reports (docs/reporting.md). */
export function fiscalYearSdl(inherit: string): string {
  const requires = `@requires(fields: "${fiscalYearLockRequires()}")`;
  return `
enum FiscalYearState {
  "Takes writes dated in it."
  OPEN
  "A close was ordered but has not published yet: the subsidiaries that applied it refuse writes into the year; closeFiscalYear again resumes it."
  CLOSING
  "Closed: its report is published and no subsidiary takes writes dated in it."
  CLOSED
}

"An order of headquarters to close or reopen a group fiscal year, as the subsidiaries apply it."
type FiscalYearOrder @key(fields: "id") ${CLOSE} {
  "\\"<fiscal year>#<sequence>\\", such as \\"2024#1\\"."
  id: ID!
  fiscalYear: Int!
  sequence: Int!
  action: FiscalYearAction!
  "The close it makes (CLOSE) or reopens (REOPEN), such as FY2024-C1."
  closeId: ID!
  orderedBy: String!
  orderedAt: String!
  "Why the year was reopened; null for a close."
  reason: String
  "The order as headquarters signed it (canonical JSON, docs/reporting.md)."
  order: String!
  "Each subsidiary's lock by this order; resolving them applies it."
  subsidiaries: [SubsidiaryFiscalYearLock!]!
  "What came of it, once every subsidiary answered: for a CLOSE, the published report (CLOSE_INCOMPLETE when a subsidiary, a figure or a rate is missing)."
  outcome: FiscalYearOrderOutcome ${requires} ${OUTCOME}
}

type PendingSubsidiary {
  code: ID!
  name: String!
  reason: String!
}

type FiscalYearOrderOutcome {
  "Every subsidiary holds the order."
  complete: Boolean!
  "Subsidiaries that hold it."
  applied: [ID!]!
  "Subsidiaries that do not (yet), and why."
  pending: [PendingSubsidiary!]!
  state: FiscalYearState!
  "For a CLOSE: the report it published."
  published: PublishedReport
}

type Reopening ${inherit} {
  by: String!
  at: String!
  reason: String!
  "The REOPEN order."
  orderId: ID!
}

"A group fiscal year's report as headquarters published it when it closed the year (docs/reporting.md)."
type PublishedReport ${inherit} {
  fiscalYear: Int!
  "1 for the first close, one more after each reopening and new close."
  version: Int!
  closeId: ID!
  "The report: canonical JSON (format csr-published-report/1), served byte for byte as stored."
  document: String!
  "SHA-256 over the document's UTF-8 bytes: \\"sha256:<64 hex digits>\\"."
  hash: String!
  "Headquarters' signature over the document (HEADQUARTERS_SIGNING_KEY), purpose csr-published-report/1."
  signature: FiguresSignature
  closedBy: String!
  closedAt: String!
  "The published group total (the document's total)."
  total: Money!
  "Set when the year was reopened after this version; the version itself is kept as published."
  reopened: Reopening
}

type FiscalYearStatus ${inherit} {
  fiscalYear: Int!
  state: FiscalYearState!
  "The latest order's sequence (0: never closed)."
  sequence: Int!
  closeId: ID
  orderedBy: String
  orderedAt: String
  "The current published report, when the year is closed."
  published: PublishedReport
}

"An adjustment of a subsidiary, converted with its restated year's rate."
type RestatementAdjustment ${inherit} {
  subsidiary: ID!
  adjustment: ReportAdjustment!
  "amountChange, in the subsidiary's currency."
  local: Money!
  "amountChange in the report's currency (rounded once, for this line only)."
  converted: Money
}

"A closed year's figures as restated by the adjustments booked since its close."
type Restatement ${inherit} {
  "The report's total with every adjustment (its cause area and contribution type filters applied), rounded once."
  total: ConsolidatedAmount
  "The report's total without them, as published for a closed year."
  unadjusted: ConsolidatedAmount
  adjustments: [RestatementAdjustment!]!
}

extend type Mutation {
  "Closes a group fiscal year: every subsidiary locks it, and its complete report is published (docs/reporting.md). Select outcome: resolving it is what has the subsidiaries lock the year and what publishes. Refused for a closed year (FISCAL_YEAR_ALREADY_CLOSED); a close that does not complete is refused with CLOSE_INCOMPLETE and resumes when asked again."
  closeFiscalYear(fiscalYear: Int!): FiscalYearOrder ${CLOSE}
  "Reopens a closed (or closing) group fiscal year; the published version is kept, marked reopened. Audited."
  reopenFiscalYear(fiscalYear: Int!, reason: String!): FiscalYearOrder ${CLOSE}
}

extend type Query {
  "The report published when the year was closed: its latest version, or the one asked for; null when none was published."
  publishedReport(fiscalYear: Int!, version: Int): PublishedReport ${READ_REQUIREMENT}
  "Every published version of a year, oldest first."
  publishedReports(fiscalYear: Int!): [PublishedReport!] ${READ_REQUIREMENT}
  fiscalYearStatus(fiscalYear: Int!): FiscalYearStatus ${READ_REQUIREMENT}
}
`;
}
