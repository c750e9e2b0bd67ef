import { FISCAL_YEAR_LIMITS, fiscalYearOf, type FiscalCalendar } from '../../../shared/fiscal-year';
import { EXPORT_ERROR_CODES, ExportError } from './runner';
import type { IncompleteMode } from './download';

/** What every export is asked for: a span of group fiscal years, optionally narrowed to dates. */
export interface ExportRange {
  fromFiscalYear: number;
  toFiscalYear: number;
  /** Inclusive ISO dates (the record's own date) within the fiscal years, when asked for. */
  fromDate?: string;
  toDate?: string;
}

export interface ExportParams extends ExportRange {
  /** Subsidiary codes to include; all of the registry when empty. */
  subsidiaries: string[];
  /** Records (expenses, feed items) per page read from the graph. */
  pageSize: number;
  onIncomplete: IncompleteMode;
}

const KNOWN = new Set(['fiscalYear', 'fromFiscalYear', 'toFiscalYear', 'from', 'to', 'subsidiary', 'pageSize', 'incomplete']);
const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const CODE = /^[A-Z]{2,3}$/;

function bad(message: string, parameter: string): ExportError {
  return new ExportError(400, EXPORT_ERROR_CODES.badRequest, message, { parameter });
}

function integer(params: URLSearchParams, name: string): number | undefined {
  const text = params.get(name);
  if (text === null) return undefined;
  if (!/^\d{1,9}$/.test(text)) throw bad(`${name} must be a whole number, got "${text.slice(0, 40)}"`, name);
  return Number(text);
}

function year(params: URLSearchParams, name: string): number | undefined {
  const value = integer(params, name);
  if (value !== undefined && (value < FISCAL_YEAR_LIMITS.min || value > FISCAL_YEAR_LIMITS.max)) {
    throw bad(`${name} must be a group fiscal year between ${FISCAL_YEAR_LIMITS.min} and ${FISCAL_YEAR_LIMITS.max}, got ${value}`, name);
  }
  return value;
}

function date(params: URLSearchParams, name: string): string | undefined {
  const text = params.get(name);
  if (text === null) return undefined;
  const match = ISO_DATE.exec(text);
  const valid = match && new Date(`${text}T00:00:00Z`).toISOString().startsWith(text);
  if (!valid) throw bad(`${name} must be a date YYYY-MM-DD, got "${text.slice(0, 40)}"`, name);
  return text;
}

/** The group fiscal year of a date, by the group's calendar as the supergraph declares it (service-labels.ts). */
export function groupFiscalYearOf(isoDate: string, calendar: FiscalCalendar | undefined): number {
  if (!calendar) {
    throw new ExportError(503, EXPORT_ERROR_CODES.unavailable, "The loaded supergraph does not declare the group's fiscal calendar (@headquarters, shared/service-labels.ts): ask by fiscalYear, fromFiscalYear and toFiscalYear instead of dates");
  }
  return fiscalYearOf(isoDate, calendar);
}

/**
 * Reads an export's query string, refusing (BAD_USER_INPUT, HTTP 400, naming the parameter)
 * anything unknown, malformed or out of bounds: `fiscalYear=2024`, or `fromFiscalYear`/
 * `toFiscalYear` (at most 30 years), or dates `from`/`to` (their group fiscal years are read);
 * `subsidiary=JP,IN`; `pageSize` (1 to the gateway's MAX_PAGE_SIZE); `incomplete=fail|mark`. Dates are
 * placed in group fiscal years by `calendar`, the group's.
 */
export function exportParams(search: URLSearchParams, maxPageSize: number, calendar: FiscalCalendar | undefined): ExportParams {
  for (const name of search.keys()) {
    if (!KNOWN.has(name)) throw bad(`Unknown parameter "${name.slice(0, 40)}": an export takes ${[...KNOWN].join(', ')}`, name.slice(0, 40));
  }
  const fiscalYear = year(search, 'fiscalYear');
  const fromDate = date(search, 'from');
  const toDate = date(search, 'to');
  let fromFiscalYear = year(search, 'fromFiscalYear') ?? fiscalYear ?? (fromDate ? groupFiscalYearOf(fromDate, calendar) : undefined);
  let toFiscalYear = year(search, 'toFiscalYear') ?? fiscalYear ?? (toDate ? groupFiscalYearOf(toDate, calendar) : undefined);
  if (fiscalYear !== undefined && (search.has('fromFiscalYear') || search.has('toFiscalYear'))) throw bad('Give fiscalYear, or fromFiscalYear and toFiscalYear, not both', 'fiscalYear');
  fromFiscalYear ??= toFiscalYear;
  toFiscalYear ??= fromFiscalYear;
  if (fromFiscalYear === undefined || toFiscalYear === undefined) throw bad('Say which period to export: fiscalYear=2024, fromFiscalYear=2023&toFiscalYear=2024, or from=2023-04-01&to=2024-03-31', 'fiscalYear');
  if (fromFiscalYear > toFiscalYear) throw bad(`The range ends (${toFiscalYear}) before it starts (${fromFiscalYear})`, 'toFiscalYear');
  if (toFiscalYear - fromFiscalYear + 1 > FISCAL_YEAR_LIMITS.maxSpan) throw bad(`A range spans at most ${FISCAL_YEAR_LIMITS.maxSpan} fiscal years, got ${toFiscalYear - fromFiscalYear + 1}`, 'toFiscalYear');
  if (fromDate && toDate && fromDate > toDate) throw bad(`to (${toDate}) is before from (${fromDate})`, 'to');
  if (fromDate && groupFiscalYearOf(fromDate, calendar) < fromFiscalYear) throw bad(`from (${fromDate}) is before fiscal year ${fromFiscalYear}`, 'from');
  if (toDate && groupFiscalYearOf(toDate, calendar) > toFiscalYear) throw bad(`to (${toDate}) is after fiscal year ${toFiscalYear}`, 'to');

  const subsidiaries = (search.get('subsidiary') ?? '').split(',').map((code) => code.trim().toUpperCase()).filter(Boolean);
  const malformed = subsidiaries.find((code) => !CODE.test(code));
  if (malformed !== undefined) throw bad(`subsidiary must list subsidiary codes such as JP,IN, got "${malformed.slice(0, 40)}"`, 'subsidiary');

  // records per page: the largest the subgraphs serve (100) unless the gateway allows fewer; fewer pages, fewer requests
  const pageSize = integer(search, 'pageSize') ?? Math.min(100, maxPageSize);
  if (pageSize < 1 || pageSize > maxPageSize) throw bad(`pageSize must be between 1 and ${maxPageSize} (the gateway's MAX_PAGE_SIZE), got ${pageSize}`, 'pageSize');

  const incomplete = search.get('incomplete') ?? 'fail';
  if (incomplete !== 'fail' && incomplete !== 'mark') throw bad(`incomplete must be fail or mark, got "${incomplete.slice(0, 40)}"`, 'incomplete');

  return {
    fromFiscalYear,
    toFiscalYear,
    ...(fromDate ? { fromDate } : {}),
    ...(toDate ? { toDate } : {}),
    subsidiaries: [...new Set(subsidiaries)],
    pageSize,
    onIncomplete: incomplete,
  };
}

/** Whether a record's date falls within the range's dates (always, without dates). */
export function withinDates(range: ExportRange, isoDate: string): boolean {
  return (!range.fromDate || isoDate >= range.fromDate) && (!range.toDate || isoDate <= range.toDate);
}

/** The range as a file name part: FY2024, FY2023-FY2024, 2023-05-01_2024-03-31. */
export function rangeLabel(range: ExportRange): string {
  if (range.fromDate || range.toDate) return `${range.fromDate ?? `FY${range.fromFiscalYear}`}_${range.toDate ?? `FY${range.toFiscalYear}`}`;
  return range.fromFiscalYear === range.toFiscalYear ? `FY${range.fromFiscalYear}` : `FY${range.fromFiscalYear}-FY${range.toFiscalYear}`;
}
