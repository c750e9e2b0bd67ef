import { describe, expect, it } from 'vitest';
import { GraphQLError } from 'graphql';
import { ACTIVITY_KINDS, compareActivityKeys, decodeActivityCursor, encodeActivityCursor, type ActivityKind, type ActivitySortKey } from '../../subgraphs/common/activity-cursor';
import { MAX_ACTIVITY_PAGE, activityKinds, activityPageSize, formatActivityPageKey, parseActivityPageKey, type ActivityQuery } from '../../subgraphs/common/activity-query';
import { mergeActivityPages, pagesOf } from '../../subgraphs/group/activity-merge';
import { exactText, RecordConversion } from '../../subgraphs/group/record-conversion';
import { startOfLocalDay } from '../../subgraphs/kit/store/activities';
import type { ActivityRecord } from '../../subgraphs/kit/store/activities';
import { Decimal, Rational } from '../../subgraphs/common/decimal';
import { SUBSIDIARIES } from '../../subgraphs/common/registry';

function codeOf(fn: () => unknown): unknown {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(GraphQLError);
    return (error as GraphQLError).extensions.code;
  }
  throw new Error('expected a GraphQLError');
}

function record(code: string, date: string, kind: ActivityKind, number: number): ActivityRecord {
  return {
    code, date, kind, id: `${code}-X${String(number).padStart(6, '0')}`, groupFiscalYear: 2024, initiativeId: `${code}-I0001`, causeArea: 'EDUCATION_RESEARCH',
    contributionType: kind === 'EXPENSE' ? 'CASH' : null, amount: kind === 'EXPENSE' ? '10' : null, people: null, hours: null, registrations: null,
    change: null, status: null, previousStatus: null, description: null,
  };
}

/** A deterministic pseudo-random generator (the tests must be reproducible). */
function random(seed: number) {
  let state = seed;
  return () => {
    state = (state * 1_103_515_245 + 12_345) % 2_147_483_648;
    return state / 2_147_483_648;
  };
}

const QUERY: ActivityQuery = { kinds: [...ACTIVITY_KINDS], span: null, causeArea: null, contributionType: null, first: 5, after: null };

describe('activity cursor', () => {
  it('round-trips a sort key and refuses anything else with BAD_USER_INPUT', () => {
    const key: ActivitySortKey = { date: '2024-03-31', code: 'IN', kind: 'EXPENSE', id: 'IN-X000012' };
    expect(decodeActivityCursor(encodeActivityCursor(key))).toEqual(key);
    for (const bad of ['', 'not a cursor!', 'x'.repeat(300), Buffer.from('["a1","2024-02-30","IN","EXPENSE","IN-X1"]').toString('base64url'), Buffer.from('["a1","2024-02-01","IN","PARTY","IN-X1"]').toString('base64url'), Buffer.from('{}').toString('base64url')]) {
      expect(codeOf(() => decodeActivityCursor(bad))).toBe('BAD_USER_INPUT');
    }
  });

  it('orders by date, then subsidiary code, kind and id', () => {
    const keys: ActivitySortKey[] = [
      { date: '2024-01-02', code: 'IN', kind: 'EXPENSE', id: 'IN-X1' },
      { date: '2024-01-01', code: 'US', kind: 'VOLUNTEER_REGISTRATION', id: 'US-R1' },
      { date: '2024-01-01', code: 'US', kind: 'EXPENSE', id: 'US-X2' },
      { date: '2024-01-01', code: 'JP', kind: 'VOLUNTEER_PARTICIPATION', id: 'JP-P1' },
      { date: '2024-01-01', code: 'US', kind: 'EXPENSE', id: 'US-X1' },
    ];
    expect([...keys].sort(compareActivityKeys).map((key) => key.id)).toEqual(['JP-P1', 'US-X1', 'US-X2', 'US-R1', 'IN-X1']);
  });
});

describe('activity page key', () => {
  it('carries the filter, size and cursor, and refuses sizes over the cap', () => {
    const query: ActivityQuery = { kinds: ['EXPENSE'], span: { from: 2024, to: 2024 }, causeArea: 'DISASTER_RELIEF', contributionType: 'CASH', first: 7, after: { date: '2023-05-01', code: 'JP', kind: 'EXPENSE', id: 'JP-X000003' } };
    const key = formatActivityPageKey('IN', query);
    expect(parseActivityPageKey(key)).toEqual({ code: 'IN', query });
    expect(codeOf(() => parseActivityPageKey(key.replace('|7|', '|101|')))).toBe('BAD_USER_INPUT');
    expect(codeOf(() => parseActivityPageKey(key.replace('CASH', 'GOLD')))).toBe('BAD_USER_INPUT');
    expect(codeOf(() => activityPageSize(MAX_ACTIVITY_PAGE + 1, 20))).toBe('BAD_USER_INPUT');
    expect(activityPageSize(undefined, 20)).toBe(20);
  });

  it('narrows kinds to those a filter applies to', () => {
    expect(activityKinds(null, null, 'CASH')).toEqual(['EXPENSE']);
    expect(activityKinds(null, 'EDUCATION_RESEARCH', null)).toEqual(['EXPENSE', 'INITIATIVE_EVENT', 'VOLUNTEER_PARTICIPATION']);
    expect(codeOf(() => activityKinds(['NOPE'], null, null))).toBe('BAD_USER_INPUT');
  });
});

describe('k-way merge of the subsidiaries’ pages', () => {
  it('pages through random feeds exactly: every item once, in order, for every page size', () => {
    const next = random(42);
    const codes = SUBSIDIARIES.map((subsidiary) => subsidiary.code);
    const all = codes.flatMap((code) =>
      Array.from({ length: 40 + Math.floor(next() * 40) }, (_, index) => record(code, `2024-0${1 + Math.floor(next() * 3)}-1${Math.floor(next() * 9)}`, ACTIVITY_KINDS[Math.floor(next() * 4)]!, index + 1)),
    );
    const expected = [...all].sort(compareActivityKeys);
    for (const first of [1, 2, 7, 13, 100]) {
      const seen: ActivityRecord[] = [];
      let after: ActivitySortKey | null = null;
      for (let pages = 0; pages < 1_000; pages += 1) {
        // each subsidiary's page: its first `first` items after the cursor, and whether it has more
        const regional = codes.map((code) => {
          const after_ = after;
          const rest = expected.filter((item) => item.code === code && (!after_ || compareActivityKeys(item, after_) > 0));
          return { items: rest.slice(0, first), hasMore: rest.length > first };
        });
        const page = mergeActivityPages(regional, first);
        seen.push(...page.items);
        if (!page.hasNextPage) break;
        after = page.items.at(-1)!;
      }
      expect(seen.map((item) => item.id + item.code)).toEqual(expected.map((item) => item.id + item.code));
    }
  });

  it('says there is a next page when a subsidiary had more than it sent, even if the merge fills exactly', () => {
    const a = [record('IN', '2024-01-01', 'EXPENSE', 1), record('IN', '2024-01-02', 'EXPENSE', 2)];
    expect(mergeActivityPages([{ items: a, hasMore: true }, { items: [], hasMore: false }], 2)).toEqual({ items: a, hasNextPage: true });
    expect(mergeActivityPages([{ items: a, hasMore: false }, { items: [], hasMore: false }], 2)).toEqual({ items: a, hasNextPage: false });
    expect(mergeActivityPages([{ items: a, hasMore: false }], 0)).toEqual({ items: [], hasNextPage: true });
  });
});

describe('the group subsidiary pages as they arrive', () => {
  const [japan, india] = SUBSIDIARIES;
  const wire = (item: ActivityRecord) => {
    const { code: _code, ...fields } = item;
    return { __typename: 'ActivityRecord', ...fields };
  };

  it('names a missing page and tells no dataset from unavailable', () => {
    const pages = pagesOf([{}, { items: null, hasMore: false, asOf: '2025-01-01T00:00:00.000Z' }], [japan!, india!], QUERY);
    expect(pages.map((page) => ('reasonCode' in page ? page.reasonCode : 'arrived'))).toEqual(['UNAVAILABLE', 'NO_DATASET']);
  });

  it('refuses items out of order, before the cursor, of another subsidiary, or more than asked', () => {
    const ok = [record('IN', '2024-01-01', 'EXPENSE', 1), record('IN', '2024-01-02', 'EXPENSE', 2)];
    expect(() => pagesOf([{ items: [], hasMore: false }, { items: ok.map(wire), hasMore: false }], [japan!, india!], QUERY)).not.toThrow();
    const cases: unknown[][] = [
      [...ok].reverse().map(wire),
      [wire({ ...ok[0]!, id: 'JP-X000001' })],
      Array.from({ length: 6 }, (_, index) => wire(record('IN', '2024-01-01', 'EXPENSE', index + 1))),
      [{ ...wire(ok[0]!), amount: '-5' }],
      [{ ...wire(ok[0]!), extra: 1 }],
    ];
    for (const items of cases) expect(codeOf(() => pagesOf([{ items: [], hasMore: false }, { items, hasMore: false }], [japan!, india!], QUERY))).toBe('BAD_USER_INPUT');
    const after = { date: '2024-01-05', code: 'IN', kind: 'EXPENSE' as const, id: 'IN-X000009' };
    expect(codeOf(() => pagesOf([{ items: [], hasMore: false }, { items: ok.map(wire), hasMore: false }], [japan!, india!], { ...QUERY, after }))).toBe('BAD_USER_INPUT');
  });
});

describe('record conversion', () => {
  it('converts exactly, rounds once per record, and shows exact values as decimals or fractions', () => {
    const rates = [
      { currency: 'INR', fiscalYear: 2024, jpyPerUnit: Decimal.parse('1.75'), source: null },
      { currency: 'USD', fiscalYear: 2024, jpyPerUnit: Decimal.parse('144.6'), source: null },
    ];
    const yen = new RecordConversion('JPY', rates);
    expect(exactText(yen.exact(Decimal.parse('100.01'), 'INR', 2024))).toBe('175.0175');
    expect(yen.rounded(Decimal.parse('100.01'), 'INR', 2024)).toEqual({ amount: '175', currency: 'JPY' });
    const dollars = new RecordConversion('USD', rates);
    expect(exactText(dollars.exact(Decimal.parse('100'), 'INR', 2024))).toBe('875/723');
    expect(exactText(Rational.of(3n, 7n))).toBe('3/7');
    expect(dollars.rounded(Decimal.parse('100'), 'INR', 2024)).toEqual({ amount: '1.21', currency: 'USD' });
    expect(() => yen.exact(Decimal.parse('1'), 'THB', 2024)).toThrow(/No exchange rate/);
  });
});

describe('local days', () => {
  it('finds when a local date begins in UTC, daylight saving included', () => {
    expect(startOfLocalDay('2024-04-01', 'Asia/Tokyo').toISOString()).toBe('2024-03-31T15:00:00.000Z');
    expect(startOfLocalDay('2024-04-01', 'Asia/Kolkata').toISOString()).toBe('2024-03-31T18:30:00.000Z');
    expect(startOfLocalDay('2024-07-01', 'America/New_York').toISOString()).toBe('2024-07-01T04:00:00.000Z');
    expect(startOfLocalDay('2024-01-01', 'America/New_York').toISOString()).toBe('2024-01-01T05:00:00.000Z');
    expect(startOfLocalDay('2024-03-10', 'America/New_York').toISOString()).toBe('2024-03-10T05:00:00.000Z');
  });
});
