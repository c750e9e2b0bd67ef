/**
 * What the dashboard shows, read from and written to its route (`#/dashboard?fy=2024&currency=JPY`,
 * `?from=2022&to=2024`, `&partial=1`), and what follows from it: the report's variables, the
 * drill-down's line, the export's query string. Pure: no DOM, no fetch (test/unit/web-dashboard-selection.test.ts).
 */

/** The group fiscal years the API accepts (shared/fiscal-year.ts FISCAL_YEAR_LIMITS) and the longest range. */
export const YEAR_LIMITS = { min: 1990, max: 2100, maxSpan: 30 } as const;

/** Years shown in the year-over-year chart of a one-year dashboard: the year and the ones before it. */
export const TREND_YEARS = 5;

export type Period = { kind: 'year'; fiscalYear: number } | { kind: 'range'; from: number; to: number };

export interface Selection {
  period: Period;
  currency: string;
  /** The person asked for partial figures when a subsidiary is missing. */
  partial: boolean;
}

/** One line of a report to drill into: as the report's breakdowns key them. */
export interface LineKey {
  subsidiary?: string;
  causeArea?: string;
  contributionType?: string;
  /** A year of the report (a line of the year-over-year chart). */
  fiscalYear?: number;
}

type Params = Record<string, string | undefined>;

function year(text: string | null): number | undefined {
  if (text === null || !/^\d{4}$/.test(text)) return undefined;
  const value = Number(text);
  return value >= YEAR_LIMITS.min && value <= YEAR_LIMITS.max ? value : undefined;
}

const CURRENCY = /^[A-Z]{3}$/;
const CODE = /^[A-Z]{2,3}$/;
const ENUM = /^[A-Z][A-Z_]*$/;

/** The selection a route asks for; what is missing or malformed falls back to `defaults`. */
export function parseSelection(params: URLSearchParams, defaults: { fiscalYear: number; currency: string }): Selection {
  const currencyText = params.get('currency')?.toUpperCase() ?? '';
  const currency = CURRENCY.test(currencyText) ? currencyText : defaults.currency;
  const partial = params.get('partial') === '1';
  const from = year(params.get('from'));
  const to = year(params.get('to'));
  if (from !== undefined && to !== undefined && from <= to && to - from + 1 <= YEAR_LIMITS.maxSpan) {
    return { period: from === to ? { kind: 'year', fiscalYear: from } : { kind: 'range', from, to }, currency, partial };
  }
  return { period: { kind: 'year', fiscalYear: year(params.get('fy')) ?? defaults.fiscalYear }, currency, partial };
}

function periodParams(period: Period): Params {
  return period.kind === 'year' ? { fy: String(period.fiscalYear) } : { from: String(period.from), to: String(period.to) };
}

/** The route parameters of a selection (the inverse of parseSelection). */
export function selectionParams(selection: Selection): Params {
  return { ...periodParams(selection.period), currency: selection.currency, partial: selection.partial ? '1' : undefined };
}

export function periodYears(period: Period): { from: number; to: number } {
  return period.kind === 'year' ? { from: period.fiscalYear, to: period.fiscalYear } : { from: period.from, to: period.to };
}

/** groupReport's arguments for the selection. */
export function reportVariables(selection: Selection): Record<string, string | number | boolean> {
  const period: Record<string, number> = selection.period.kind === 'year' ? { fiscalYear: selection.period.fiscalYear } : { fromFiscalYear: selection.period.from, toFiscalYear: selection.period.to };
  return { ...period, currency: selection.currency, allowPartial: selection.partial };
}

/** The years of the year-over-year chart: the range itself, or a one-year dashboard's year and the TREND_YEARS - 1 before it. */
export function trendYears(period: Period): { from: number; to: number } {
  if (period.kind === 'range') return { from: period.from, to: period.to };
  return { from: Math.max(YEAR_LIMITS.min, period.fiscalYear - TREND_YEARS + 1), to: period.fiscalYear };
}

/** The drill-down's route: the selection, and the line's key (`year` for a year of the chart). */
export function recordsParams(selection: Selection, line: LineKey): Params {
  return {
    ...selectionParams(selection),
    subsidiary: line.subsidiary,
    causeArea: line.causeArea,
    contributionType: line.contributionType,
    year: line.fiscalYear === undefined ? undefined : String(line.fiscalYear),
  };
}

/** The line a drill-down route names (anything malformed is left out, never guessed). */
export function parseLine(params: URLSearchParams): LineKey {
  const pick = (name: string, pattern: RegExp) => {
    const value = params.get(name);
    return value !== null && pattern.test(value) ? value : undefined;
  };
  const line: LineKey = {};
  const subsidiary = pick('subsidiary', CODE);
  const causeArea = pick('causeArea', ENUM);
  const contributionType = pick('contributionType', ENUM);
  const fiscalYear = year(params.get('year'));
  if (subsidiary !== undefined) line.subsidiary = subsidiary;
  if (causeArea !== undefined) line.causeArea = causeArea;
  if (contributionType !== undefined) line.contributionType = contributionType;
  if (fiscalYear !== undefined) line.fiscalYear = fiscalYear;
  return line;
}

/** reportRecords' `line` argument: a year of the chart replaces the selection's period. */
export function lineInput(selection: Selection, line: LineKey): Record<string, string | number> {
  const period: Record<string, number> =
    line.fiscalYear !== undefined
      ? { fiscalYear: line.fiscalYear }
      : selection.period.kind === 'year'
        ? { fiscalYear: selection.period.fiscalYear }
        : { fromFiscalYear: selection.period.from, toFiscalYear: selection.period.to };
  const input: Record<string, string | number> = { ...period, currency: selection.currency };
  if (line.subsidiary !== undefined) input.subsidiary = line.subsidiary;
  if (line.causeArea !== undefined) input.causeArea = line.causeArea;
  if (line.contributionType !== undefined) input.contributionType = line.contributionType;
  return input;
}

/**
 * The query string of a gateway export (docs/exports.md) of the selection's years, narrowed to a
 * subsidiary when given; `incomplete=mark` only when the person asked for partial figures, so a
 * file never looks whole when it is not.
 */
export function exportQuery(selection: Selection, options: { subsidiary?: string; fiscalYear?: number } = {}): string {
  const query = new URLSearchParams();
  if (options.fiscalYear !== undefined) query.set('fiscalYear', String(options.fiscalYear));
  else if (selection.period.kind === 'year') query.set('fiscalYear', String(selection.period.fiscalYear));
  else {
    query.set('fromFiscalYear', String(selection.period.from));
    query.set('toFiscalYear', String(selection.period.to));
  }
  if (options.subsidiary !== undefined) query.set('subsidiary', options.subsidiary);
  if (selection.partial) query.set('incomplete', 'mark');
  return query.toString();
}

/** The group's last completed fiscal year on a date (April–March years named by the year they end in): the default period. */
export function lastCompletedFiscalYear(today: Date): number {
  const current = today.getMonth() >= 3 ? today.getFullYear() + 1 : today.getFullYear();
  return current - 1;
}

/** Whether a route names its period (fy, or from and to); without one the dashboard picks the default year. */
export function hasPeriod(params: URLSearchParams): boolean {
  return year(params.get('fy')) !== undefined || (year(params.get('from')) !== undefined && year(params.get('to')) !== undefined);
}

/** The default year: the newest of the years probed that has records, else the last completed one. */
export function defaultFiscalYear(years: readonly { fiscalYear: number; expenseCount: number }[], lastCompleted: number): number {
  return years.filter((line) => line.expenseCount > 0 && line.fiscalYear <= lastCompleted).reduce((newest, line) => Math.max(newest, line.fiscalYear), 0) || lastCompleted;
}
