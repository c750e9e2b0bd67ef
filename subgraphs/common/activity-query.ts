import { badInput } from './errors';
import { CAUSE_AREAS, CONTRIBUTION_TYPES, type CauseArea, type ContributionType } from './catalog';
import { FISCAL_YEAR_LIMITS } from './fiscal-year';
import { ACTIVITY_KINDS, decodeActivityCursor, encodeActivityCursor, type ActivityKind, type ActivitySortKey } from './activity-cursor';

/** The largest page of the activity feed and of a drill-down (the gateway's MAX_PAGE_SIZE default). */
export const MAX_ACTIVITY_PAGE = 100;

/**
 * One page asked of the feed, as every regional subgraph reads it: which items (kinds, group fiscal
 * years, cause area, contribution type), how many, and after which sort key.
 */
export interface ActivityQuery {
  kinds: readonly ActivityKind[];
  span: { from: number; to: number } | null;
  causeArea: CauseArea | null;
  contributionType: ContributionType | null;
  first: number;
  after: ActivitySortKey | null;
}

const ANY = '*';

/** The page size asked, checked: a whole number from 0 to MAX_ACTIVITY_PAGE. */
export function activityPageSize(value: number | null | undefined, fallback: number, field = 'first'): number {
  const size = value ?? fallback;
  if (!Number.isInteger(size) || size < 0 || size > MAX_ACTIVITY_PAGE) badInput(`${field} must be a whole number from 0 to ${MAX_ACTIVITY_PAGE} (got ${String(size).slice(0, 20)})`, field);
  return size;
}

/** Kinds asked (all when none), in the feed's order, each once; a contribution type or cause area narrows them to those that have one. */
export function activityKinds(kinds: readonly string[] | null | undefined, causeArea: CauseArea | null, contributionType: ContributionType | null): ActivityKind[] {
  for (const kind of kinds ?? []) if (!(ACTIVITY_KINDS as readonly string[]).includes(kind)) badInput(`filter.kinds: "${kind.slice(0, 30)}" is not an ActivityKind`, 'filter.kinds');
  const asked = kinds && kinds.length > 0 ? ACTIVITY_KINDS.filter((kind) => kinds.includes(kind)) : [...ACTIVITY_KINDS];
  // registrations belong to no initiative (no cause area); only expenses have a contribution type
  return asked.filter((kind) => (contributionType ? kind === 'EXPENSE' : true) && (causeArea ? kind !== 'VOLUNTEER_REGISTRATION' : true));
}

/**
 * The key of one subsidiary's page: "<code>|<kinds>|<from or *>|<to or *>|<cause area or *>|<contribution type or *>|<first>|<cursor or *>".
 * @requires cannot pass arguments, so the page's parameters travel in its key.
 */
export function formatActivityPageKey(code: string, query: ActivityQuery): string {
  return [
    code,
    query.kinds.join(','),
    query.span?.from ?? ANY,
    query.span?.to ?? ANY,
    query.causeArea ?? ANY,
    query.contributionType ?? ANY,
    query.first,
    query.after ? encodeActivityCursor(query.after) : ANY,
  ].join('|');
}

export function parseActivityPageKey(id: string): { code: string; query: ActivityQuery } {
  const refuse = (what: string): never => badInput(`"${id.slice(0, 80)}" is not an activity page key "<code>|<kinds>|<from>|<to>|<cause area>|<contribution type>|<first>|<cursor>": ${what}`, 'id');
  if (id.length > 400) refuse('too long');
  const parts = id.split('|');
  if (parts.length !== 8) refuse('wrong number of parts');
  const [code, kinds, from, to, causeArea, contributionType, first, after] = parts as [string, string, string, string, string, string, string, string];
  const kindList = kinds === '' ? [] : kinds.split(',');
  if (kindList.some((kind) => !(ACTIVITY_KINDS as readonly string[]).includes(kind)) || new Set(kindList).size !== kindList.length) refuse('unknown kinds');
  const year = (text: string) => (/^\d{4}$/.test(text) ? Number(text) : refuse(`"${text.slice(0, 10)}" is not a fiscal year`));
  const span = from === ANY && to === ANY ? null : { from: year(from), to: year(to) };
  if (span && !(span.from >= FISCAL_YEAR_LIMITS.min && span.to <= FISCAL_YEAR_LIMITS.max && span.from <= span.to && span.to - span.from < FISCAL_YEAR_LIMITS.maxSpan)) refuse('fiscal years out of range');
  if (causeArea !== ANY && !CAUSE_AREAS.some((area) => area.code === causeArea)) refuse('unknown cause area');
  if (contributionType !== ANY && !CONTRIBUTION_TYPES.some((type) => type.code === contributionType)) refuse('unknown contribution type');
  if (!/^\d{1,3}$/.test(first)) refuse('first is not a number');
  return {
    code,
    query: {
      kinds: kindList as ActivityKind[],
      span,
      causeArea: causeArea === ANY ? null : (causeArea as CauseArea),
      contributionType: contributionType === ANY ? null : (contributionType as ContributionType),
      first: activityPageSize(Number(first), 0),
      after: after === ANY ? null : decodeActivityCursor(after, 'id'),
    },
  };
}
