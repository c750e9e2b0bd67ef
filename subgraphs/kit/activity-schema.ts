import { READ_REQUIREMENT } from '../common/scopes';
import type { SubsidiaryConfig } from '../common/registry';

/** The type of a subsidiary's activity page: `IndiaActivityPage`. */
export function activityPageTypeName(subsidiary: Pick<SubsidiaryConfig, 'typePrefix'>): string {
  return `${subsidiary.typePrefix}ActivityPage`;
}

/** The regional page entity the group subgraph's feed and drill-down gather through @requires. */
export function regionalActivitySdl(subsidiary: SubsidiaryConfig): string {
  return `
"""
A page of ${subsidiary.name}'s activity after a cursor. The key carries the filter, the page size and the
cursor: "<code>|<kinds>|<from fiscal year or *>|<to or *>|<cause area or *>|<contribution type or *>|<first>|<cursor or *>".
"""
type ${activityPageTypeName(subsidiary)} implements SubsidiaryActivityPage @key(fields: "id") ${READ_REQUIREMENT} {
  id: ID!
  currency: String
  "At most first items after the cursor, in the feed's order; null when the database holds no dataset (missing, not none)."
  items: [ActivityRecord!]
  "Whether more than first items follow the cursor; false without a dataset (items null)."
  hasMore: Boolean
  "When the items were read (ISO 8601, UTC)."
  asOf: String
  "The report cells of the key's fiscal years, cause area and contribution type (exact now): what a drill-down's line is made of. Null without a dataset or without fiscal years in the key."
  cells: [ReportCell!]
  "Adjustments restating the key's fiscal years (its cause area and contribution type), oldest first."
  adjustments: [ReportAdjustment!]
}
`;
}
