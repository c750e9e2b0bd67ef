import { describe, expect, it } from 'vitest';
import { FISCAL_YEAR_LIMITS, fiscalYearOf, fiscalYearRange, isIsoDate, todayIn } from '../../subgraphs/common/fiscal-year';
import type { FiscalCalendar } from '../../subgraphs/common/fiscal-year';
import { GROUP_FISCAL_CALENDAR } from '../../subgraphs/common/registry';

const NEC: FiscalCalendar = { startMonth: 4, naming: 'END_YEAR' };
const JAPAN_GOVERNMENT: FiscalCalendar = { startMonth: 4, naming: 'START_YEAR' };
const CALENDAR_YEAR: FiscalCalendar = { startMonth: 1, naming: 'END_YEAR' };
const CALENDAR_YEAR_BY_START: FiscalCalendar = { startMonth: 1, naming: 'START_YEAR' };
const OCTOBER_END: FiscalCalendar = { startMonth: 10, naming: 'END_YEAR' };
const OCTOBER_START: FiscalCalendar = { startMonth: 10, naming: 'START_YEAR' };

/** The calendar day before/after a "YYYY-MM-DD" date. */
function shift(date: string, days: number): string {
  const time = Date.parse(`${date}T00:00:00Z`) + days * 86_400_000;
  return new Date(time).toISOString().slice(0, 10);
}

describe('fiscalYearOf', () => {
  it('the group calendar is NEC’s April–March named by end year', () => {
    expect(GROUP_FISCAL_CALENDAR).toEqual(NEC);
  });

  it.each([
    ['2023-04-01', 2024],
    ['2023-12-31', 2024],
    ['2024-01-01', 2024],
    ['2024-03-31', 2024],
    ['2024-04-01', 2025],
    ['2024-02-29', 2024],
  ])('NEC (April, end year): %s → %i', (date, year) => {
    expect(fiscalYearOf(date, NEC)).toBe(year);
  });

  it.each([
    ['2023-04-01', 2023],
    ['2024-03-31', 2023],
    ['2024-04-01', 2024],
    ['2025-03-31', 2024],
  ])('Japan government (April, start year): %s → %i', (date, year) => {
    expect(fiscalYearOf(date, JAPAN_GOVERNMENT)).toBe(year);
  });

  it.each([
    ['2023-01-01', 2023],
    ['2023-12-31', 2023],
    ['2024-01-01', 2024],
  ])('calendar year: %s → %i (either naming)', (date, year) => {
    expect(fiscalYearOf(date, CALENDAR_YEAR)).toBe(year);
    expect(fiscalYearOf(date, CALENDAR_YEAR_BY_START)).toBe(year);
  });

  it.each([
    ['2023-09-30', 2023, 2022],
    ['2023-10-01', 2024, 2023],
    ['2024-09-30', 2024, 2023],
    ['2024-10-01', 2025, 2024],
  ])('October start: %s → %i by end year, %i by start year', (date, byEnd, byStart) => {
    expect(fiscalYearOf(date, OCTOBER_END)).toBe(byEnd);
    expect(fiscalYearOf(date, OCTOBER_START)).toBe(byStart);
  });

  it('refuses a date that is not a calendar date', () => {
    expect(() => fiscalYearOf('2023-02-29', NEC)).toThrow(RangeError);
    expect(() => fiscalYearOf('2024-4-01', NEC)).toThrow(RangeError);
  });
});

describe('fiscalYearRange', () => {
  it.each([
    [NEC, 2024, '2023-04-01', '2024-03-31'],
    [JAPAN_GOVERNMENT, 2024, '2024-04-01', '2025-03-31'],
    [CALENDAR_YEAR, 2024, '2024-01-01', '2024-12-31'],
    [CALENDAR_YEAR_BY_START, 2024, '2024-01-01', '2024-12-31'],
    [OCTOBER_END, 2024, '2023-10-01', '2024-09-30'],
    [OCTOBER_START, 2024, '2024-10-01', '2025-09-30'],
  ])('%j FY%i is %s … %s', (calendar, year, start, end) => {
    expect(fiscalYearRange(year, calendar)).toEqual({ start, end });
  });

  const calendars = [NEC, JAPAN_GOVERNMENT, CALENDAR_YEAR, CALENDAR_YEAR_BY_START, OCTOBER_END, OCTOBER_START, { startMonth: 3, naming: 'END_YEAR' } as const, { startMonth: 7, naming: 'START_YEAR' } as const];

  it('round-trips: start and end belong to the year, the days outside do not', () => {
    for (const calendar of calendars) {
      for (let year = 1995; year <= 2035; year += 1) {
        const { start, end } = fiscalYearRange(year, calendar);
        expect(fiscalYearOf(start, calendar), `${JSON.stringify(calendar)} ${year} start`).toBe(year);
        expect(fiscalYearOf(end, calendar), `${JSON.stringify(calendar)} ${year} end`).toBe(year);
        expect(fiscalYearOf(shift(start, -1), calendar)).toBe(year - 1);
        expect(fiscalYearOf(shift(end, 1), calendar)).toBe(year + 1);
        // consecutive years tile the calendar without gaps
        expect(fiscalYearRange(year + 1, calendar).start).toBe(shift(end, 1));
      }
    }
  });

  it('handles leap years: FY2024 (April–March) ends 2024-03-31 and holds 2024-02-29', () => {
    const { start, end } = fiscalYearRange(2024, NEC);
    expect(end).toBe('2024-03-31');
    expect(start <= '2024-02-29' && '2024-02-29' <= end).toBe(true);
    expect(fiscalYearOf('2024-02-29', NEC)).toBe(2024);
    // a March start ends on the leap day
    expect(fiscalYearRange(2024, { startMonth: 3, naming: 'START_YEAR' }).end).toBe('2025-02-28');
    expect(fiscalYearRange(2023, { startMonth: 3, naming: 'START_YEAR' }).end).toBe('2024-02-29');
  });

  it('covers the accepted fiscal years', () => {
    expect(fiscalYearRange(FISCAL_YEAR_LIMITS.min, NEC)).toEqual({ start: '1989-04-01', end: '1990-03-31' });
    expect(fiscalYearRange(FISCAL_YEAR_LIMITS.max, NEC)).toEqual({ start: '2099-04-01', end: '2100-03-31' });
  });
});

describe('isIsoDate', () => {
  it.each(['2024-02-29', '2023-02-28', '2024-12-31', '2000-02-29', '1990-01-01'])('accepts %s', (date) => {
    expect(isIsoDate(date)).toBe(true);
  });

  it.each(['2023-02-29', '1900-02-29', '2024-13-01', '2024-00-10', '2024-04-31', '2024-01-00', '2024-1-01', '2024-01-1', '20240101', '2024/01/01', ' 2024-01-01', '2024-01-01T00:00:00Z', ''])(
    'rejects %j',
    (date) => {
      expect(isIsoDate(date)).toBe(false);
    },
  );
});

describe('todayIn', () => {
  it('differs between Tokyo and Chicago across midnight UTC', () => {
    const justAfterMidnightUtc = new Date('2024-01-01T02:00:00Z');
    expect(todayIn('Asia/Tokyo', justAfterMidnightUtc)).toBe('2024-01-01'); // 11:00 JST
    expect(todayIn('America/Chicago', justAfterMidnightUtc)).toBe('2023-12-31'); // 20:00 CST
    expect(todayIn('UTC', justAfterMidnightUtc)).toBe('2024-01-01');

    const justBeforeMidnightUtc = new Date('2023-12-31T23:30:00Z');
    expect(todayIn('Asia/Tokyo', justBeforeMidnightUtc)).toBe('2024-01-01'); // 08:30 JST
    expect(todayIn('America/Chicago', justBeforeMidnightUtc)).toBe('2023-12-31'); // 17:30 CST
    expect(todayIn('UTC', justBeforeMidnightUtc)).toBe('2023-12-31');
  });

  it('puts one instant into different fiscal years at the year boundary', () => {
    const instant = new Date('2024-03-31T15:30:00Z'); // 00:30 on 1 April in Tokyo, 10:30 on 31 March in Chicago (CDT)
    const tokyo = todayIn('Asia/Tokyo', instant);
    const chicago = todayIn('America/Chicago', instant);
    expect(tokyo).toBe('2024-04-01');
    expect(chicago).toBe('2024-03-31');
    expect(fiscalYearOf(tokyo, NEC)).toBe(2025);
    expect(fiscalYearOf(chicago, NEC)).toBe(2024);
  });

  it('returns an ISO date', () => {
    expect(isIsoDate(todayIn('Asia/Kolkata', new Date('2024-06-15T12:00:00Z')))).toBe(true);
    expect(isIsoDate(todayIn('Asia/Bangkok'))).toBe(true);
  });
});
