import { raise } from '../common/errors';
import { boundedDecimalProblem } from '../common/decimal';
import { isIsoDate } from '../common/fiscal-year';
import { minorDigits } from '../common/currencies';
import { CAUSE_AREAS, CONTRIBUTION_TYPES, INITIATIVE_STATUSES } from '../common/catalog';
import { compareActivityKeys, type ActivitySortKey } from '../common/activity-cursor';
import type { ActivityQuery } from '../common/activity-query';
import type { SubsidiaryConfig } from '../common/registry';
import type { ActivityRecord } from '../kit/store/activities';
import { activityPageTypeName } from '../kit/activity-schema';

/** One subsidiary's page as it arrived through @requires, checked. */
export interface ArrivedPage {
  subsidiary: SubsidiaryConfig;
  items: ActivityRecord[];
  hasMore: boolean;
  raw: Record<string, unknown>;
}

/** Why a subsidiary's items are missing from a page. */
export type MissingPage = { subsidiary: SubsidiaryConfig; reasonCode: 'UNAVAILABLE' | 'NO_DATASET' };

const RECORD_FIELDS = [
  'kind', 'date', 'id', 'groupFiscalYear', 'initiativeId', 'causeArea', 'contributionType', 'amount', 'people', 'hours',
  'registrations', 'change', 'status', 'previousStatus', 'description',
] as const;

function refuse(path: string, problem: string): never {
  return raise('BAD_USER_INPUT', `Invalid activity page representation: ${path} ${problem}`, { field: 'representations', path });
}

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);
const oneOf = (values: readonly string[]) => (value: unknown) => value === null || (typeof value === 'string' && values.includes(value));
const wholeOrNull = (value: unknown) => value === null || (typeof value === 'number' && Number.isInteger(value) && value >= 0 && value <= 2_147_483_647);
const textOrNull = (max: number) => (value: unknown) => value === null || (typeof value === 'string' && value.length <= max);

/**
 * One arrived item, checked against the page it answers: known values of the right types, an id of
 * the subsidiary, a kind and fiscal year the query asked for, its cause area and contribution type.
 * Whoever calls `_entities` writes the representation, so none of it is trusted.
 */
function recordOf(value: unknown, subsidiary: SubsidiaryConfig, query: ActivityQuery, path: string): ActivityRecord {
  if (!isObject(value)) return refuse(path, 'must be an ActivityRecord');
  for (const key of Object.keys(value)) if (key !== '__typename' && !(RECORD_FIELDS as readonly string[]).includes(key)) refuse(`${path}.${key.slice(0, 30)}`, 'is not a field of it');
  const field = (name: (typeof RECORD_FIELDS)[number], valid: (value: unknown) => boolean, problem: string) => {
    const found = value[name] ?? null;
    if (!valid(found)) refuse(`${path}.${name}`, problem);
    return found;
  };
  const kind = field('kind', (kind) => typeof kind === 'string' && query.kinds.includes(kind as ActivityRecord['kind']), `must be one of the kinds asked, ${query.kinds.join(', ')}`);
  const date = field('date', (date) => typeof date === 'string' && isIsoDate(date), 'must be a date YYYY-MM-DD');
  const id = field('id', (id) => typeof id === 'string' && id.startsWith(`${subsidiary.code}-`) && id.length <= 40, `must be an id of ${subsidiary.name} ("${subsidiary.code}-…")`);
  const year = field('groupFiscalYear', (year) => typeof year === 'number' && Number.isInteger(year) && (!query.span || (year >= query.span.from && year <= query.span.to)), 'must be a fiscal year of the page');
  const amountOk = (amount: unknown) =>
    amount === null
      ? kind !== 'EXPENSE'
      : typeof amount === 'string' && kind === 'EXPENSE' && !boundedDecimalProblem(amount) && !amount.trim().startsWith('-') && (amount.split('.')[1]?.replace(/0+$/, '').length ?? 0) <= minorDigits(subsidiary.currency);
  const record: ActivityRecord = {
    kind: kind as ActivityRecord['kind'],
    date: date as string,
    code: subsidiary.code,
    id: id as string,
    groupFiscalYear: year as number,
    initiativeId: field('initiativeId', textOrNull(40), 'must be an id') as string | null,
    causeArea: field('causeArea', (cause) => oneOf(CAUSE_AREAS.map((area) => area.code))(cause) && (!query.causeArea || cause === query.causeArea), 'must be a CauseArea of the page') as ActivityRecord['causeArea'],
    contributionType: field(
      'contributionType',
      (type) => oneOf(CONTRIBUTION_TYPES.map((entry) => entry.code))(type) && (kind === 'EXPENSE') === (type !== null) && (!query.contributionType || type === query.contributionType),
      'must be the contribution type of an expense of the page',
    ) as ActivityRecord['contributionType'],
    amount: field('amount', amountOk, `must be a non-negative decimal in ${subsidiary.currency}'s minor unit, on expenses only`) as string | null,
    people: field('people', wholeOrNull, 'must be a whole number') as number | null,
    hours: field('hours', (hours) => hours === null || (typeof hours === 'string' && !boundedDecimalProblem(hours)), 'must be a decimal') as string | null,
    registrations: field('registrations', wholeOrNull, 'must be a whole number') as number | null,
    change: field('change', oneOf(['CREATED', 'STATUS_CHANGED']), 'must be an InitiativeChange') as ActivityRecord['change'],
    status: field('status', oneOf(INITIATIVE_STATUSES), 'must be an InitiativeStatus') as ActivityRecord['status'],
    previousStatus: field('previousStatus', oneOf(INITIATIVE_STATUSES), 'must be an InitiativeStatus') as ActivityRecord['previousStatus'],
    description: field('description', textOrNull(5_000), 'must be a text of at most 5000 characters') as string | null,
  };
  return record;
}

/**
 * The subsidiaries' pages of a representation, position by position (the order the group
 * subgraph listed them in), each arrived (checked: at most `first` items, strictly in the feed's
 * order, all after the cursor) or missing: `{}`/null or failed fields when its subgraph or
 * database did not answer, no items but `hasMore: false` when its database holds no dataset.
 */
export function pagesOf(value: unknown, subsidiaries: readonly SubsidiaryConfig[], query: ActivityQuery): (ArrivedPage | MissingPage)[] {
  if (!Array.isArray(value) || value.length !== subsidiaries.length) return refuse('subsidiaries', `must hold ${subsidiaries.length} pages, one per subsidiary asked`);
  return subsidiaries.map((subsidiary, index) => {
    const path = `subsidiaries[${index}]`;
    const page = value[index];
    if (!isObject(page)) return { subsidiary, reasonCode: 'UNAVAILABLE' };
    if (page.__typename !== undefined && page.__typename !== activityPageTypeName(subsidiary)) refuse(`${path}.__typename`, `must be ${activityPageTypeName(subsidiary)}: this position holds ${subsidiary.name}'s page`);
    if (page.currency !== undefined && page.currency !== null && page.currency !== subsidiary.currency) refuse(`${path}.currency`, `must be ${subsidiary.currency}`);
    if (!Array.isArray(page.items)) return { subsidiary, reasonCode: page.items === null && page.hasMore === false ? 'NO_DATASET' : 'UNAVAILABLE' };
    if (typeof page.hasMore !== 'boolean') return { subsidiary, reasonCode: 'UNAVAILABLE' };
    if (page.items.length > query.first) refuse(`${path}.items`, `holds ${page.items.length} items; the page asked for ${query.first}`);
    const items = page.items.map((item, position) => recordOf(item, subsidiary, query, `${path}.items[${position}]`));
    let previous: ActivitySortKey | null = query.after;
    items.forEach((item, position) => {
      if (previous && compareActivityKeys(previous, item) >= 0) refuse(`${path}.items[${position}]`, 'is not after the one before it (or the cursor) in the feed order');
      previous = item;
    });
    return { subsidiary, items, hasMore: page.hasMore, raw: page };
  });
}

/**
 * The group's page: a k-way merge of the subsidiaries' pages (each the first `first` items after
 * the cursor, in order), stopped after first + 1 items. The group's first `first` items after the
 * cursor are among the subsidiaries' first `first` each, so the merge's first `first` are exactly
 * them; more follow when the merge has more, or when a subsidiary said it had more than it sent.
 */
export function mergeActivityPages(pages: readonly Pick<ArrivedPage, 'items' | 'hasMore'>[], first: number): { items: ActivityRecord[]; hasNextPage: boolean } {
  const heads = pages.map(() => 0);
  const merged: ActivityRecord[] = [];
  while (merged.length <= first) {
    let best = -1;
    pages.forEach((page, index) => {
      const head = page.items[heads[index]!];
      if (head && (best < 0 || compareActivityKeys(head, pages[best]!.items[heads[best]!]!) < 0)) best = index;
    });
    if (best < 0) break;
    merged.push(pages[best]!.items[heads[best]!]!);
    heads[best] = heads[best]! + 1;
  }
  return { items: merged.slice(0, first), hasNextPage: merged.length > first || pages.some((page) => page.hasMore) };
}
