import { CACHE_CONTROL_SDL, CACHE_INHERIT } from './cache-hints';
import { catalogSdl } from './catalog';

/** SDL every subgraph shares: the federation link, cache hints, scalars, shared enums and value types. */
export function commonSdl(imports: readonly string[]): string {
  const linked = ['@key', '@shareable', '@inaccessible', ...imports].map((name) => `"${name}"`).join(', ');
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
export const REPORT_CELLS_SDL = `"One cell of a subsidiary's report: local-currency total of one group fiscal year, cause area and contribution type."
type ReportCell @shareable ${CACHE_INHERIT} {
  groupFiscalYear: Int!
  causeArea: CauseArea!
  contributionType: ContributionType!
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
`;
