/**
 * Fiscal calendars. A calendar starts on the 1st of any month and names each fiscal year either by
 * the calendar year it ends in (NEC: "fiscal 2024" = 1 April 2023 – 31 March 2024; Australia:
 * "FY2025" = 1 July 2024 – 30 June 2025) or by the year it starts in (Japan's government). A
 * January start makes both namings the calendar year. Dates are local calendar dates "YYYY-MM-DD"
 * in the subsidiary's time zone, so no clock or time zone enters the computation. A subsidiary's
 * year may straddle two group years (Thailand's January–December, Australia's July–June): each
 * record carries both, from its date (groupYearsOf names the group years one local year touches).
 */

export interface FiscalCalendar {
  /** 1 = January … 12 = December. */
  startMonth: number;
  naming: 'END_YEAR' | 'START_YEAR';
}

const DATE_PATTERN = /^(\d{4})-(\d{2})-(\d{2})$/;

export function isIsoDate(text: string): boolean {
  const match = DATE_PATTERN.exec(text);
  if (!match) return false;
  const [year, month, day] = match.slice(1).map(Number) as [number, number, number];
  const date = new Date(Date.UTC(year, month - 1, day));
  return date.getUTCFullYear() === year && date.getUTCMonth() === month - 1 && date.getUTCDate() === day;
}

function parts(date: string): { year: number; month: number } {
  if (!isIsoDate(date)) throw new RangeError(`"${date}" is not a calendar date (YYYY-MM-DD)`);
  return { year: Number(date.slice(0, 4)), month: Number(date.slice(5, 7)) };
}

/** Refuses a calendar that starts outside January–December or names its years otherwise. */
export function checkFiscalCalendar(calendar: FiscalCalendar): FiscalCalendar {
  if (!Number.isInteger(calendar.startMonth) || calendar.startMonth < 1 || calendar.startMonth > 12) throw new RangeError(`A fiscal year starts in month 1–12, not ${calendar.startMonth}`);
  if (calendar.naming !== 'END_YEAR' && calendar.naming !== 'START_YEAR') throw new RangeError(`A fiscal year is named by its END_YEAR or START_YEAR, not ${String(calendar.naming)}`);
  return calendar;
}

/** The fiscal year, by the calendar's naming rule, that contains the date. */
export function fiscalYearOf(date: string, calendar: FiscalCalendar): number {
  checkFiscalCalendar(calendar);
  const { year, month } = parts(date);
  const startYear = month >= calendar.startMonth ? year : year - 1;
  const endsInNextYear = calendar.startMonth !== 1;
  return calendar.naming === 'START_YEAR' || !endsInNextYear ? startYear : startYear + 1;
}

/** First and last day (inclusive) of a fiscal year. */
export function fiscalYearRange(fiscalYear: number, calendar: FiscalCalendar): { start: string; end: string } {
  checkFiscalCalendar(calendar);
  const endsInNextYear = calendar.startMonth !== 1;
  const startYear = calendar.naming === 'END_YEAR' && endsInNextYear ? fiscalYear - 1 : fiscalYear;
  const start = new Date(Date.UTC(startYear, calendar.startMonth - 1, 1));
  const end = new Date(Date.UTC(startYear + 1, calendar.startMonth - 1, 0));
  return { start: start.toISOString().slice(0, 10), end: end.toISOString().slice(0, 10) };
}

/** The fiscal years of `other` (the group's) that a fiscal year of `calendar` overlaps: one, or two when it straddles. */
export function groupYearsOf(fiscalYear: number, calendar: FiscalCalendar, other: FiscalCalendar): number[] {
  const { start, end } = fiscalYearRange(fiscalYear, calendar);
  const first = fiscalYearOf(start, other);
  const last = fiscalYearOf(end, other);
  return Array.from({ length: last - first + 1 }, (_, index) => first + index);
}

const dateFormats = new Map<string, Intl.DateTimeFormat>();

/** Today's date in a time zone, as "YYYY-MM-DD" (formatters are costly to build: one per zone). */
export function todayIn(timeZone: string, now: Date = new Date()): string {
  let format = dateFormats.get(timeZone);
  if (!format) {
    format = new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' });
    dateFormats.set(timeZone, format);
  }
  return format.format(now);
}

/** Fiscal years the API accepts, and the longest range one request may span. */
export const FISCAL_YEAR_LIMITS = { min: 1990, max: 2100, maxSpan: 30 } as const;
