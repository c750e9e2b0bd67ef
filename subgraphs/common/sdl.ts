import { CACHE_CONTROL_SDL, CACHE_INHERIT } from './cache-hints';
import { catalogSdl } from './catalog';

/** SDL every subgraph shares: the federation link, cache hints, scalars, shared enums and value types. */
export function commonSdl(imports: readonly string[]): string {
  const linked = ['@key', '@shareable', '@inaccessible', '@composeDirective', ...imports].map((name) => `"${name}"`).join(', ');
  return `
extend schema @link(url: "https://specs.apollo.dev/federation/v2.7", import: [${linked}])

${CACHE_CONTROL_SDL}

"""An exact decimal number, serialised as a string such as "1234.50". Never a float."""
scalar Decimal

"""A calendar date "YYYY-MM-DD", local to the subsidiary that recorded it."""
scalar Date

${catalogSdl()}

"""An exact amount with its ISO 4217 currency."""
type Money @shareable ${CACHE_INHERIT} {
  amount: Decimal!
  currency: String!
}
`;
}

/** What a regional report hands the group subgraph through @requires: the same in both; as long-lived as the report. */
export const REPORT_CELLS_SDL = `"One cell of a subsidiary's report: local-currency total of one group fiscal year, cause area, contribution type and motivation."
type ReportCell @shareable ${CACHE_INHERIT} {
  groupFiscalYear: Int!
  causeArea: CauseArea!
  contributionType: ContributionType!
  "The B4SI motivation of the initiatives the cell's expenses belong to (as they are classed now)."
  motivation: Motivation!
  amount: Decimal!
  expenseCount: Int!
}

"The dataset a subsidiary's report figures come from."
type DatasetMark @shareable ${CACHE_INHERIT} {
  "Changes when the database's dataset is replaced (initialised anew)."
  id: ID!
  createdAt: String!
}

type VolunteeringCell @shareable ${CACHE_INHERIT} {
  groupFiscalYear: Int!
  newRegistrations: Int!
  participants: Int!
  hours: Decimal!
}

"A correction of an expense of a closed group fiscal year, booked in an open year: the closed year's restated figures change by amountChange in the original's cell."
type ReportAdjustment @shareable ${CACHE_INHERIT} {
  id: ID!
  originalExpenseId: ID!
  initiativeId: ID!
  "The booking date, in an open group fiscal year."
  date: Date!
  groupFiscalYear: Int!
  "The closed group fiscal year whose figures it restates (the original's)."
  restatedFiscalYear: Int!
  "The original's initiative's cause area, as it is now."
  causeArea: CauseArea!
  contributionType: ContributionType!
  "Signed, in the subsidiary's currency."
  amountChange: Decimal!
  "The close in force when it was recorded: it restates that close's published figures."
  closeId: ID!
  reason: String!
  recordedBy: String!
  recordedAt: String!
}

"An Ed25519 signature over a statement's canonical JSON (docs/reporting.md); value in base64url."
type FiguresSignature @shareable ${CACHE_INHERIT} {
  keyId: String!
  algorithm: String!
  value: String!
}

enum FiscalYearAction {
  "The year is locked: no write dated in it is taken."
  CLOSE
  "The year is open again."
  REOPEN
}
`;
