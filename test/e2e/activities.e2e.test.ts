/**
 * The group's activity feed through the gateway, checked against an independent listing of the raw
 * MongoDB documents of all four subsidiaries (none of the product's code): every item exactly once,
 * in order, at every page size; pages that stay exact while records are added; each filter; bad
 * cursors and oversized pages refused; a subsidiary that is down named, its items missing.
 */
import { describe, expect, it } from 'vitest';
import type { Db } from 'mongodb';
import { SUBSIDIARIES } from '../../subgraphs/common/registry';
import { useSeededStack } from '../harness/stack';
import { canonicalDecimal } from '../harness/independent-sums';

const stack = useSeededStack('e2e_activities');

const FEED = `query Feed($filter: ActivityFilter, $first: Int, $after: String, $currency: String) {
  activities(filter: $filter, first: $first, after: $after, currency: $currency) {
    items { subsidiary kind date id groupFiscalYear initiativeId causeArea contributionType amount { amount currency } convertedAmount { amount currency } exactConvertedAmount people hours registrations change status previousStatus cursor }
    pageInfo { endCursor hasNextPage }
    missingSubsidiaries { code reasonCode reason }
  } }`;

interface RawItem {
  subsidiary: string;
  kind: string;
  date: string;
  id: string;
  groupFiscalYear: number;
  initiativeId: string | null;
  causeArea: string | null;
  contributionType: string | null;
  amount: string | null;
}

interface Filter {
  fiscalYear?: number;
  fromFiscalYear?: number;
  toFiscalYear?: number;
  subsidiaries?: string[];
  causeArea?: string;
  contributionType?: string;
  kinds?: string[];
}

const localDate = (at: Date, timeZone: string) => new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(at);
const groupYearOf = (date: string) => Number(date.slice(0, 4)) + (Number(date.slice(5, 7)) >= 4 ? 1 : 0);

/** Every item of the feed, listed from the raw documents of the four databases and sorted by (date, code, kind, id). */
async function rawListing(db: (name: string) => Db): Promise<RawItem[]> {
  const items: RawItem[] = [];
  for (const subsidiary of SUBSIDIARIES) {
    const database = db(subsidiary.key);
    const causeOf = new Map((await database.collection('initiatives').find().toArray()).map((doc) => [String(doc._id), String(doc.causeArea)]));
    const base = (kind: string, doc: Record<string, any>, date: string, initiativeId: string | null): RawItem => ({
      subsidiary: subsidiary.code, kind, date, id: String(doc._id), groupFiscalYear: groupYearOf(date), initiativeId,
      causeArea: initiativeId ? (causeOf.get(initiativeId) ?? null) : null, contributionType: null, amount: null,
    });
    for (const doc of await database.collection('expenses').find().toArray()) {
      items.push({ ...base('EXPENSE', doc, doc.date, doc.initiativeId), contributionType: doc.contributionType, amount: doc.amount.toString() });
    }
    for (const doc of await database.collection('volunteer_participation').find().toArray()) items.push(base('VOLUNTEER_PARTICIPATION', doc, doc.date, doc.initiativeId));
    for (const doc of await database.collection('volunteer_registrations').find().toArray()) items.push(base('VOLUNTEER_REGISTRATION', doc, doc.date, null));
    for (const doc of await database.collection('audit_log').find({ entity: 'Initiative' }).toArray()) {
      if (doc.before !== null && !(doc.changedFields as string[]).includes('status')) continue;
      items.push(base('INITIATIVE_EVENT', doc, localDate(doc.at, subsidiary.timeZone), doc.entityId));
    }
  }
  const key = (item: RawItem) => [item.date, item.subsidiary, item.kind, item.id];
  return items.sort((a, b) => {
    const [ka, kb] = [key(a), key(b)];
    for (let index = 0; index < ka.length; index += 1) if (ka[index] !== kb[index]) return ka[index]! < kb[index]! ? -1 : 1;
    return 0;
  });
}

function matches(item: RawItem, filter: Filter): boolean {
  const from = filter.fiscalYear ?? filter.fromFiscalYear;
  const to = filter.fiscalYear ?? filter.toFiscalYear;
  if (from !== undefined && (item.groupFiscalYear < from || item.groupFiscalYear > to!)) return false;
  if (filter.subsidiaries && !filter.subsidiaries.includes(item.subsidiary)) return false;
  if (filter.causeArea && item.causeArea !== filter.causeArea) return false;
  if (filter.contributionType && item.contributionType !== filter.contributionType) return false;
  if (filter.kinds && !filter.kinds.includes(item.kind)) return false;
  return true;
}

interface Page {
  items: (RawItem & { amount: { amount: string; currency: string } | null; convertedAmount: { amount: string } | null; exactConvertedAmount: string | null; cursor: string })[];
  pageInfo: { endCursor: string | null; hasNextPage: boolean };
  missingSubsidiaries: { code: string; reasonCode: string }[];
}

async function page(variables: Record<string, unknown>): Promise<Page> {
  return (await stack.data<{ activities: Page }>(FEED, variables)).activities;
}

/** Pages through the feed; `between` runs after each page. */
async function pageThrough(filter: Filter, first: number, between?: (index: number, last: Page) => Promise<void>): Promise<Page['items']> {
  const seen: Page['items'] = [];
  let after: string | null = null;
  for (let index = 0; index < 1_000; index += 1) {
    const current = await page({ filter, first, after });
    expect(current.items.length).toBeLessThanOrEqual(first);
    expect(current.missingSubsidiaries).toEqual([]);
    seen.push(...current.items);
    if (!current.pageInfo.hasNextPage) return seen;
    expect(current.items.length).toBe(first);
    expect(current.pageInfo.endCursor).toBe(current.items.at(-1)!.cursor);
    after = current.pageInfo.endCursor;
    await between?.(index, current);
  }
  throw new Error('the feed did not end within 1,000 pages');
}

const identity = (item: { subsidiary: string; kind: string; id: string }) => `${item.subsidiary}:${item.kind}:${item.id}`;

/** JPY of a local amount at the rate of its group fiscal year, rounded half up, from the raw rate documents. */
async function yen(item: RawItem): Promise<string> {
  const currency = SUBSIDIARIES.find((subsidiary) => subsidiary.code === item.subsidiary)!.currency;
  const rate = currency === 'JPY' ? '1' : String((await stack.db('group').collection('exchange_rates').findOne({ currency, fiscalYear: item.groupFiscalYear }))!.jpyPerUnit);
  const fraction = (text: string): [bigint, bigint] => {
    const [whole, decimals = ''] = text.split('.');
    return [BigInt(`${whole}${decimals}`), 10n ** BigInt(decimals.length)];
  };
  const [an, ad] = fraction(item.amount!);
  const [rn, rd] = fraction(rate);
  const [numerator, denominator] = [an * rn, ad * rd];
  return (numerator / denominator + ((numerator % denominator) * 2n >= denominator ? 1n : 0n)).toString();
}

describe('the activity feed', () => {
  it('pages (first: 7) through every record of the seed exactly once, in order, as the raw documents list them', async () => {
    const expected = await rawListing((name) => stack.db(name));
    expect(expected.length).toBeGreaterThan(400);
    const seen = await pageThrough({}, 7);
    expect(seen.map(identity)).toEqual(expected.map(identity));
    expect(new Set(seen.map(identity)).size).toBe(seen.length);
    // what each item says is what its document says
    for (const [index, item] of seen.entries()) {
      const raw = expected[index]!;
      expect({ date: item.date, groupFiscalYear: item.groupFiscalYear, initiativeId: item.initiativeId, causeArea: item.causeArea, contributionType: item.contributionType }).toEqual({
        date: raw.date, groupFiscalYear: raw.groupFiscalYear, initiativeId: raw.initiativeId, causeArea: raw.causeArea, contributionType: raw.contributionType,
      });
      if (raw.kind === 'EXPENSE') {
        expect(canonicalDecimal(item.amount!.amount)).toBe(canonicalDecimal(raw.amount!));
        expect(item.convertedAmount).toEqual({ amount: await yen(raw), currency: 'JPY' });
      } else {
        expect(item.amount).toBeNull();
        expect(item.convertedAmount).toBeNull();
      }
    }
  });

  it('gives the same items at every page size', async () => {
    const whole = (await pageThrough({}, 100)).map(identity);
    for (const first of [1, 13]) expect((await pageThrough({ fiscalYear: 2024 }, first)).map(identity)).toEqual((await pageThrough({ fiscalYear: 2024 }, 100)).map(identity));
    expect(whole).toEqual((await rawListing((name) => stack.db(name))).map(identity));
  });

  it('filters by fiscal year, subsidiary, cause area, contribution type and kind, each as the raw documents say', async () => {
    const expected = await rawListing((name) => stack.db(name));
    const filters: Filter[] = [
      { fiscalYear: 2024 },
      { fromFiscalYear: 2023, toFiscalYear: 2024 },
      { subsidiaries: ['IN', 'TH'] },
      { causeArea: 'DISASTER_RELIEF' },
      { contributionType: 'CASH' },
      { kinds: ['VOLUNTEER_REGISTRATION', 'VOLUNTEER_PARTICIPATION'] },
      { fiscalYear: 2024, subsidiaries: ['JP'], causeArea: 'DISASTER_RELIEF', contributionType: 'CASH' },
    ];
    for (const filter of filters) {
      const want = expected.filter((item) => matches(item, filter)).map(identity);
      expect(want.length, JSON.stringify(filter)).toBeGreaterThan(0);
      expect((await pageThrough(filter, 25)).map(identity), JSON.stringify(filter)).toEqual(want);
    }
  });

  it('converts into another currency with the cross rate of each record’s year, rounded once', async () => {
    const { items } = await page({ filter: { subsidiaries: ['IN'], kinds: ['EXPENSE'], fiscalYear: 2024 }, first: 3, currency: 'USD' });
    expect(items).toHaveLength(3);
    for (const item of items) {
      expect(item.convertedAmount).toMatchObject({ currency: 'USD' });
      expect(item.exactConvertedAmount).toMatch(/^\d+(\.\d+)?$|^\d+\/\d+$/);
    }
  });

  it('stays exact while records are added: none before the cursor shifts a page, one after it shows once, in place', async () => {
    const before = await rawListing((name) => stack.db(name));
    let added: { early: string; late: string; event: string } | undefined;
    const seen = await pageThrough({}, 7, async (index, last) => {
      if (index !== 2) return;
      const cursorDate = last.items.at(-1)!.date;
      const late = before.find((item) => item.date > cursorDate && item.date < '2025-01-01')!.date;
      const record = (date: string, description: string) =>
        stack.data(`mutation($input: ExpenseInput!) { indiaRecordExpense(input: $input) { id } }`, { input: { initiativeId: 'IN-I0001', date, contributionType: 'CASH', amount: '1000.00', description } });
      const early = (await record(before[0]!.date, 'Added before the cursor')).indiaRecordExpense.id;
      const lateId = (await record(late, 'Added after the cursor')).indiaRecordExpense.id;
      const created = await stack.data(`mutation { americaCreateInitiative(input: { title: "Feed test", description: "An initiative created mid-pagination", causeArea: ENVIRONMENT, startDate: "2024-05-01" }) { id } }`);
      const events = await stack.db('america').collection('audit_log').find({ entityId: created.americaCreateInitiative.id }).toArray();
      added = { early, late: lateId, event: String(events[0]!._id) };
    });
    const after = await rawListing((name) => stack.db(name));
    const ids = seen.map(identity);
    expect(new Set(ids).size).toBe(ids.length);
    // every record that existed is there once; of the added ones, those sorting after the cursor are
    expect(ids).toEqual(after.map(identity).filter((id) => id !== `IN:EXPENSE:${added!.early}`));
    expect(ids).toContain(`IN:EXPENSE:${added!.late}`);
    expect(ids).toContain(`US:INITIATIVE_EVENT:${added!.event}`);
    expect(seen.find((item) => item.id === added!.event)).toMatchObject({ kind: 'INITIATIVE_EVENT', causeArea: 'ENVIRONMENT' });
    // and a fresh pagination sees the early one too, where it sorts
    expect((await pageThrough({}, 50)).map(identity)).toEqual(after.map(identity));
  });

  it('shows a record whose date a correction moves past the cursor once more, where it now sorts', async () => {
    const filter = { subsidiaries: ['IN'], kinds: ['EXPENSE'], fiscalYear: 2025 };
    const first = await page({ filter, first: 3 });
    const moved = first.items[0]!;
    const later = (await rawListing((name) => stack.db(name))).filter((item) => matches(item, filter)).at(-1)!.date;
    await stack.data(`mutation($id: ID!, $date: Date!) { indiaCorrectExpense(id: $id, correction: { date: $date }) { id } }`, { id: moved.id, date: later });
    const rest: Page['items'] = [];
    let after = first.pageInfo.endCursor;
    for (;;) {
      const next = await page({ filter, first: 3, after });
      rest.push(...next.items);
      if (!next.pageInfo.hasNextPage) break;
      after = next.pageInfo.endCursor;
    }
    expect(rest.filter((item) => item.id === moved.id).map((item) => item.date)).toEqual([later]);
    expect([...first.items, ...rest].map(identity).filter((id) => id !== identity(moved))).toEqual(
      (await rawListing((name) => stack.db(name))).filter((item) => matches(item, filter)).map(identity).filter((id) => id !== identity(moved)),
    );
  });

  it('refuses a bad cursor, an oversized or negative page and a bad filter with a code the caller can act on', async () => {
    const bad = await stack.query(FEED, { after: 'bm90LWEtY3Vyc29y', first: 5 });
    expect(bad.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect(bad.errors?.[0]?.message).toMatch(/not a cursor returned by this API/);
    const big = await stack.query(FEED, { first: 101 });
    expect(big.errors?.[0]?.extensions?.code).toBe('PAGE_SIZE_TOO_LARGE');
    const negative = await stack.query(FEED, { first: -1 });
    expect(negative.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    const unknown = await stack.query(FEED, { filter: { subsidiaries: ['XX'] } });
    expect(unknown.errors?.[0]?.message).toMatch(/"XX" is not a subsidiary code/);
    // the group subgraph checks the cap by itself too (it can be called without the gateway)
    const direct = await stack.asGateway(await stack.token(['group:read']), 'group').query(`{ activities(first: 500) { id } }`);
    expect(direct.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect(direct.errors?.[0]?.message).toMatch(/from 0 to 100/);
  });

  it('lists initiative events from the audit trail: a creation and a status change, dated in the subsidiary’s time zone', async () => {
    const { thailandCreateInitiative: created } = await stack.data(`mutation { thailandCreateInitiative(input: { title: "Event test", description: "Created and archived", causeArea: HEALTH_WELFARE, startDate: "2024-06-01" }) { id } }`);
    await stack.data(`mutation($id: ID!) { thailandUpdateInitiative(id: $id, changes: { title: "Event test, renamed" }) { id } }`, { id: created.id });
    await stack.data(`mutation($id: ID!) { thailandArchiveInitiative(id: $id) { id } }`, { id: created.id });
    const today = new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Bangkok', year: 'numeric', month: '2-digit', day: '2-digit' }).format(new Date());
    const events = (await pageThrough({ kinds: ['INITIATIVE_EVENT'], subsidiaries: ['TH'], causeArea: 'HEALTH_WELFARE' }, 10)).filter((item) => item.initiativeId === created.id);
    // the rename changes no status: not an event
    expect(events.map(({ date, change, status, previousStatus, causeArea }: any) => ({ date, change, status, previousStatus, causeArea }))).toEqual([
      { date: today, change: 'CREATED', status: 'ACTIVE', previousStatus: null, causeArea: 'HEALTH_WELFARE' },
      { date: today, change: 'STATUS_CHANGED', status: 'ARCHIVED', previousStatus: 'ACTIVE', causeArea: 'HEALTH_WELFARE' },
    ]);
  });

  it('trusts no page handed straight to a subgraph: forged items and keys are refused, naming what is wrong', async () => {
    const token = await stack.token(['group:read']);
    const group = stack.asGateway(token, 'group');
    const { activities } = await stack.data(`{ activities(first: 2, filter: { subsidiaries: ["IN"] }) { id } }`);
    const item = { kind: 'EXPENSE', date: '2023-05-01', id: 'IN-X000001', groupFiscalYear: 2024, initiativeId: 'IN-I0001', causeArea: 'EDUCATION_RESEARCH', contributionType: 'CASH', amount: '100.00', people: null, hours: null, registrations: null, change: null, status: null, previousStatus: null, description: null };
    const forged = async (items: unknown[], typename = 'IndiaActivityPage') =>
      group.query(`query($r: [_Any!]!) { _entities(representations: $r) { ... on ActivityPage { items { id } } } }`, {
        r: [{ __typename: 'ActivityPage', id: activities.id, subsidiaries: [{ __typename: typename, currency: 'INR', items, hasMore: false, asOf: '2025-01-01T00:00:00.000Z' }] }],
      });
    expect((await forged([item])).errors).toBeUndefined();
    for (const [items, typename, problem] of [
      [[{ ...item, id: 'JP-X000001' }], undefined, /must be an id of NEC India/],
      [[{ ...item, date: '2023-05-02' }, item], undefined, /not after the one before it/],
      [[item, item, item], undefined, /holds 3 items; the page asked for 2/],
      [[{ ...item, amount: '1e9' }], undefined, /amount/],
      [[item], 'JapanActivityPage', /must be IndiaActivityPage/],
    ] as const) {
      const result = await forged([...items], typename);
      expect(result.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
      expect(result.errors?.[0]?.message).toMatch(problem);
    }
    const india = stack.asGateway(token, 'india');
    const operator = await india.query(`query($r: [_Any!]!) { _entities(representations: $r) { ... on IndiaActivityPage { items { id } } } }`, { r: [{ __typename: 'IndiaActivityPage', id: { $ne: null } }] });
    expect(operator.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    const huge = await india.query(`query($r: [_Any!]!) { _entities(representations: $r) { ... on IndiaActivityPage { items { id } } } }`, { r: [{ __typename: 'IndiaActivityPage', id: 'IN|EXPENSE|*|*|*|*|5000|*' }] });
    expect(huge.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
  });

  it('costs each subsidiary a bounded number of MongoDB commands per page, whatever its size', async () => {
    const commands = async (first: number, filter: Filter) => {
      const counts = await stack.countCommands(() => page({ first, filter }));
      return Object.fromEntries([...counts].map(([name, events]) => [name, events.length]));
    };
    // the dataset mark, the initiatives' cause areas and the write journal, then one read per kind asked
    for (const [filter, kinds] of [[{}, 4], [{ causeArea: 'DISASTER_RELIEF' }, 3], [{ contributionType: 'CASH' }, 1]] as const) {
      const small = await commands(1, filter);
      const large = await commands(100, filter);
      console.log('MongoDB commands per feed page', JSON.stringify(filter), small);
      for (const subsidiary of SUBSIDIARIES) {
        expect(small[subsidiary.key], subsidiary.key).toBeLessThanOrEqual(3 + kinds);
        expect(large[subsidiary.key], subsidiary.key).toBe(small[subsidiary.key]);
      }
    }
  });

  it('names a subsidiary that is down and leaves its items out, never silently', { timeout: 60_000 }, async () => {
    const expected = (await rawListing((name) => stack.db(name))).filter((item) => item.subsidiary !== 'IN').slice(0, 30).map(identity);
    await stack.stack.stop('india');
    const response = await stack.query<{ activities: Page }>(FEED, { first: 30 });
    const feed = response.data!.activities;
    expect(feed.missingSubsidiaries).toEqual([{ code: 'IN', reasonCode: 'UNAVAILABLE', reason: expect.stringContaining('india') }]);
    expect(feed.items.map(identity)).toEqual(expected);
    expect(response.errors?.some((error) => error.extensions?.code === 'SUBSIDIARY_UNAVAILABLE' && error.extensions?.subsidiary === 'IN')).toBe(true);

    // a database that lost its dataset: missing too, not an empty feed
    await stack.db('thailand').dropDatabase();
    const wiped = (await stack.query<{ activities: Page }>(FEED, { first: 30 })).data!.activities;
    expect(wiped.missingSubsidiaries.map(({ code, reasonCode }) => ({ code, reasonCode }))).toEqual([{ code: 'IN', reasonCode: 'UNAVAILABLE' }, { code: 'TH', reasonCode: 'NO_DATASET' }]);
    expect(wiped.items.every((item) => item.subsidiary === 'JP' || item.subsidiary === 'US')).toBe(true);
  });
});
