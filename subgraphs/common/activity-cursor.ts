import { badInput } from './errors';
import { isIsoDate } from './fiscal-year';

/**
 * The order of the group's activity feed (docs/drill-down-and-activities.md): by local date, then
 * subsidiary code, kind and id, each compared as plain strings (code-unit order, which is also
 * MongoDB's order of the ASCII ids). Every item has a distinct sort key, so the order is total and
 * a page's cursor, the sort key of its last item, says exactly where the next page begins.
 */
export const ACTIVITY_KINDS = ['EXPENSE', 'INITIATIVE_EVENT', 'VOLUNTEER_PARTICIPATION', 'VOLUNTEER_REGISTRATION'] as const;
export type ActivityKind = (typeof ACTIVITY_KINDS)[number];

export interface ActivitySortKey {
  date: string;
  code: string;
  kind: ActivityKind;
  id: string;
}

/** Negative, zero or positive as `a` sorts before, with or after `b`. */
export function compareActivityKeys(a: ActivitySortKey, b: ActivitySortKey): number {
  for (const field of ['date', 'code', 'kind', 'id'] as const) {
    if (a[field] < b[field]) return -1;
    if (a[field] > b[field]) return 1;
  }
  return 0;
}

const CURSOR_VERSION = 'a1';
const MAX_CURSOR_LENGTH = 200;
const CODE = /^[A-Z]{2,8}$/;
const ID = /^[A-Z]{2,8}-[A-Z0-9-]{1,40}$/;

/** The opaque cursor of a sort key: base64url JSON, versioned. */
export function encodeActivityCursor(key: ActivitySortKey): string {
  return Buffer.from(JSON.stringify([CURSOR_VERSION, key.date, key.code, key.kind, key.id]), 'utf8').toString('base64url');
}

/** The sort key a cursor of this API carries; anything else is BAD_USER_INPUT naming `field`. */
export function decodeActivityCursor(cursor: string, field = 'after'): ActivitySortKey {
  const refuse = () => badInput(`${field} is not a cursor returned by this API (pass pageInfo.endCursor of an earlier page)`, field);
  if (typeof cursor !== 'string' || cursor.length === 0 || cursor.length > MAX_CURSOR_LENGTH || !/^[A-Za-z0-9_-]+$/.test(cursor)) return refuse();
  let parts: unknown;
  try {
    parts = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    return refuse();
  }
  if (!Array.isArray(parts) || parts.length !== 5 || parts[0] !== CURSOR_VERSION || !parts.every((part) => typeof part === 'string')) return refuse();
  const [, date, code, kind, id] = parts as string[];
  if (!isIsoDate(date!) || !CODE.test(code!) || !(ACTIVITY_KINDS as readonly string[]).includes(kind!) || !ID.test(id!)) return refuse();
  return { date: date!, code: code!, kind: kind as ActivityKind, id: id! };
}
