/**
 * Fiscal calendars in general: every start month with either naming, the Australian July–June year
 * named by its end year, and subsidiary years that straddle two group years.
 */
import { describe, expect, it } from 'vitest';
import { checkFiscalCalendar, fiscalYearOf, fiscalYearRange, groupYearsOf, type FiscalCalendar } from '../../shared/fiscal-year';
import { GROUP_FISCAL_CALENDAR, SUBSIDIARIES } from '../../subgraphs/common/registry';

const AUSTRALIA: FiscalCalendar = { startMonth: 7, naming: 'END_YEAR' };
const THAILAND: FiscalCalendar = { startMonth: 1, naming: 'END_YEAR' };

const shift = (date: string, days: number) => new Date(Date.parse(`${date}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);
const pad = (month: number) => String(month).padStart(2, '0');

describe('every start month, both namings', () => {
  const calendars = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12].flatMap((startMonth) => (['END_YEAR', 'START_YEAR'] as const).map((naming): FiscalCalendar => ({ startMonth, naming })));

  it.each(calendars)('month $startMonth, $naming: the year starts on the 1st of that month, is named as stated, and the day before belongs to the year before', (calendar) => {
    for (const startYear of [1999, 2023, 2024, 2099]) {
      const start = `${startYear}-${pad(calendar.startMonth)}-01`;
      const endYear = calendar.startMonth === 1 ? startYear : startYear + 1;
      const name = calendar.naming === 'START_YEAR' ? startYear : endYear;
      expect(fiscalYearOf(start, calendar)).toBe(name);
      expect(fiscalYearOf(shift(start, -1), calendar)).toBe(name - 1);
      const range = fiscalYearRange(name, calendar);
      expect(range.start).toBe(start);
      expect(range.end).toBe(shift(`${calendar.startMonth === 1 ? startYear + 1 : endYear}-${pad(calendar.startMonth)}-01`, -1));
      expect(fiscalYearOf(range.end, calendar)).toBe(name);
      expect(fiscalYearOf(shift(range.end, 1), calendar)).toBe(name + 1);
    }
  });

  it.each([0, 13, 4.5, Number.NaN])('refuses start month %s', (startMonth) => {
    expect(() => checkFiscalCalendar({ startMonth, naming: 'END_YEAR' })).toThrow(RangeError);
    expect(() => fiscalYearOf('2024-07-01', { startMonth, naming: 'END_YEAR' })).toThrow(/month 1–12/);
    expect(() => fiscalYearRange(2024, { startMonth, naming: 'END_YEAR' })).toThrow(/month 1–12/);
  });

  it('refuses a naming other than END_YEAR / START_YEAR', () => {
    expect(() => fiscalYearOf('2024-07-01', { startMonth: 7, naming: 'MIDDLE' as FiscalCalendar['naming'] })).toThrow(/END_YEAR or START_YEAR/);
  });
});

describe('Australia: July–June, named by the year it ends in', () => {
  it.each([
    ['2023-07-01', 2024, 2024],
    ['2024-03-31', 2024, 2024],
    ['2024-04-01', 2024, 2025],
    ['2024-06-30', 2024, 2025],
    ['2024-07-01', 2025, 2025],
    ['2025-03-31', 2025, 2025],
    ['2025-04-01', 2025, 2026],
    ['2025-06-30', 2025, 2026],
    ['2025-07-01', 2026, 2026],
  ])('%s is FY%i of Australia and group FY%i', (date, local, group) => {
    expect(fiscalYearOf(date, AUSTRALIA)).toBe(local);
    expect(fiscalYearOf(date, GROUP_FISCAL_CALENDAR)).toBe(group);
  });

  it('FY2025 runs 2024-07-01 … 2025-06-30 and straddles group FY2025 and FY2026', () => {
    expect(fiscalYearRange(2025, AUSTRALIA)).toEqual({ start: '2024-07-01', end: '2025-06-30' });
    expect(groupYearsOf(2025, AUSTRALIA, GROUP_FISCAL_CALENDAR)).toEqual([2025, 2026]);
  });

  it('by start year instead, the same days are FY2024', () => {
    const byStart: FiscalCalendar = { startMonth: 7, naming: 'START_YEAR' };
    expect(fiscalYearOf('2024-07-01', byStart)).toBe(2024);
    expect(fiscalYearOf('2025-06-30', byStart)).toBe(2024);
    expect(fiscalYearRange(2024, byStart)).toEqual({ start: '2024-07-01', end: '2025-06-30' });
  });
});

describe('years that straddle two group years', () => {
  it('Thailand (January–December): 2024 is group FY2024 until 31 March, FY2025 from 1 April', () => {
    expect(groupYearsOf(2024, THAILAND, GROUP_FISCAL_CALENDAR)).toEqual([2024, 2025]);
    expect(fiscalYearOf('2024-03-31', GROUP_FISCAL_CALENDAR)).toBe(2024);
    expect(fiscalYearOf('2024-04-01', GROUP_FISCAL_CALENDAR)).toBe(2025);
    expect(fiscalYearOf('2024-04-01', THAILAND)).toBe(2024);
  });

  it('a year on the group calendar spans exactly its own group year', () => {
    expect(groupYearsOf(2024, GROUP_FISCAL_CALENDAR, GROUP_FISCAL_CALENDAR)).toEqual([2024]);
  });

  it.each([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12])('a year starting in month %i touches one group year only if it starts in April', (startMonth) => {
    for (const naming of ['END_YEAR', 'START_YEAR'] as const) {
      expect(groupYearsOf(2030, { startMonth, naming }, GROUP_FISCAL_CALENDAR)).toHaveLength(startMonth === 4 ? 1 : 2);
    }
  });

  it('the registry’s subsidiaries use valid calendars: each local year maps to one or two group years', () => {
    for (const subsidiary of SUBSIDIARIES) {
      expect(checkFiscalCalendar(subsidiary.fiscalCalendar)).toBe(subsidiary.fiscalCalendar);
      const spanned = groupYearsOf(2025, subsidiary.fiscalCalendar, GROUP_FISCAL_CALENDAR);
      expect(spanned.length, subsidiary.key).toBe(subsidiary.fiscalCalendar.startMonth === 4 ? 1 : 2);
    }
  });
});
