import { ACTIVITY_KINDS } from './activity-cursor';
import { CACHE_INHERIT } from './cache-hints';
import { enumSdl } from './catalog';

/** What each regional subgraph hands the group subgraph's feed and drill-down through @requires: identical in all. */
export const ACTIVITY_RECORD_SDL = `${enumSdl('ActivityKind', ACTIVITY_KINDS, 'What an item of the activity feed is: an expense, an initiative event (its creation or a status change, from the audit trail), volunteering of an initiative, or new volunteer registrations.')}

enum InitiativeChange {
  CREATED
  STATUS_CHANGED
}

"An item of a subsidiary's activity, in its own currency; its sort key is (date, subsidiary code, kind, id)."
type ActivityRecord @shareable ${CACHE_INHERIT} {
  kind: ActivityKind!
  "Local date (an initiative event: the day of the write in the subsidiary's time zone)."
  date: Date!
  id: ID!
  groupFiscalYear: Int!
  initiativeId: ID
  "The initiative's cause area as it is now; null for registrations."
  causeArea: CauseArea
  contributionType: ContributionType
  "An expense's amount in the subsidiary's currency."
  amount: Decimal
  people: Int
  hours: Decimal
  registrations: Int
  change: InitiativeChange
  status: InitiativeStatus
  previousStatus: InitiativeStatus
  description: String
}

"A page of one subsidiary's activity; the key carries the page's filter, size and cursor (common/activity-query.ts)."
interface SubsidiaryActivityPage ${CACHE_INHERIT} {
  id: ID!
}
`;
