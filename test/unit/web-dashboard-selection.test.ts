/**
 * The dashboard's route ↔ selection ↔ API arguments (web/src/screens/dashboard/selection.ts): what
 * a link says is what the report, the drill-down and the export are asked for.
 */
import { describe, expect, it } from 'vitest';
import {
  defaultFiscalYear,
  exportQuery,
  hasPeriod,
  lastCompletedFiscalYear,
  lineInput,
  parseLine,
  parseSelection,
  recordsParams,
  reportVariables,
  selectionParams,
  trendYears,
  type Selection,
} from '../../web/src/screens/dashboard/selection';

const DEFAULTS = { fiscalYear: 2025, currency: 'JPY' };
const parse = (query: string) => parseSelection(new URLSearchParams(query), DEFAULTS);
const withoutUndefined = (params: Record<string, string | undefined>): [string, string][] => Object.entries(params).filter((entry): entry is [string, string] => entry[1] !== undefined);

describe('the dashboard selection', () => {
  it('reads one year, a range, the currency and the partial flag; falls back to the defaults for what is malformed', () => {
    expect(parse('fy=2024&currency=usd&partial=1')).toEqual({ period: { kind: 'year', fiscalYear: 2024 }, currency: 'USD', partial: true });
    expect(parse('from=2022&to=2024')).toEqual({ period: { kind: 'range', from: 2022, to: 2024 }, currency: 'JPY', partial: false });
    expect(parse('from=2024&to=2024').period).toEqual({ kind: 'year', fiscalYear: 2024 });
    expect(parse('').period).toEqual({ kind: 'year', fiscalYear: 2025 });
    for (const bad of ['fy=24', 'fy=1989', 'fy=2101', 'fy=2024.5', 'from=2024&to=2022', 'from=2000&to=2030']) expect(parse(bad).period, bad).toEqual({ kind: 'year', fiscalYear: 2025 });
    expect(parse('from=2024&to=2022&fy=2023').period).toEqual({ kind: 'year', fiscalYear: 2023 });
    expect(parse('currency=dollar').currency).toBe('JPY');
    expect(parse('partial=true').partial).toBe(false);
  });

  it('writes the route it reads', () => {
    for (const query of ['fy=2024&currency=JPY', 'from=2022&to=2024&currency=USD&partial=1']) {
      const selection = parse(query);
      expect(new URLSearchParams(withoutUndefined(selectionParams(selection))).toString()).toBe(query);
      expect(parse(new URLSearchParams(withoutUndefined(selectionParams(selection))).toString())).toEqual(selection);
    }
  });

  it("asks groupReport for the selection's period, currency and partial figures", () => {
    expect(reportVariables(parse('fy=2024&partial=1'))).toEqual({ fiscalYear: 2024, currency: 'JPY', allowPartial: true });
    expect(reportVariables(parse('from=2022&to=2024&currency=USD'))).toEqual({ fromFiscalYear: 2022, toFiscalYear: 2024, currency: 'USD', allowPartial: false });
  });

  it("charts a one-year dashboard's year over year with the four years before it, a range with its own years", () => {
    expect(trendYears({ kind: 'year', fiscalYear: 2024 })).toEqual({ from: 2020, to: 2024 });
    expect(trendYears({ kind: 'year', fiscalYear: 1991 })).toEqual({ from: 1990, to: 1991 });
    expect(trendYears({ kind: 'range', from: 2022, to: 2023 })).toEqual({ from: 2022, to: 2023 });
  });

  it("drills into a line with the report's period and currency; a year of the chart replaces the period", () => {
    const range: Selection = parse('from=2022&to=2024&currency=USD');
    const route = new URLSearchParams(withoutUndefined(recordsParams(range, { subsidiary: 'IN' })));
    expect(route.toString()).toBe('from=2022&to=2024&currency=USD&subsidiary=IN');
    expect(parseLine(route)).toEqual({ subsidiary: 'IN' });
    expect(lineInput(parseSelection(route, DEFAULTS), parseLine(route))).toEqual({ fromFiscalYear: 2022, toFiscalYear: 2024, currency: 'USD', subsidiary: 'IN' });

    const year = new URLSearchParams(withoutUndefined(recordsParams(range, { fiscalYear: 2023 })));
    expect(lineInput(parseSelection(year, DEFAULTS), parseLine(year))).toEqual({ fiscalYear: 2023, currency: 'USD' });
    expect(lineInput(parse('fy=2024'), { causeArea: 'DISASTER_RELIEF', contributionType: 'CASH' })).toEqual({ fiscalYear: 2024, currency: 'JPY', causeArea: 'DISASTER_RELIEF', contributionType: 'CASH' });
    expect(parseLine(new URLSearchParams('subsidiary=in&causeArea=1;drop&contributionType=CASH&year=20'))).toEqual({ contributionType: 'CASH' });
  });

  it("exports the selection's years, marks an incomplete file only when partial figures were asked for", () => {
    expect(exportQuery(parse('fy=2024'))).toBe('fiscalYear=2024');
    expect(exportQuery(parse('from=2022&to=2024&partial=1'))).toBe('fromFiscalYear=2022&toFiscalYear=2024&incomplete=mark');
    expect(exportQuery(parse('from=2022&to=2024'), { subsidiary: 'IN', fiscalYear: 2023 })).toBe('fiscalYear=2023&subsidiary=IN');
  });

  it('defaults to the last completed group fiscal year (April–March, named by the year it ends in)', () => {
    expect(lastCompletedFiscalYear(new Date(2026, 11, 1))).toBe(2026);
    expect(lastCompletedFiscalYear(new Date(2026, 2, 31))).toBe(2025);
    expect(lastCompletedFiscalYear(new Date(2026, 3, 1))).toBe(2026);
  });

  it('picks the newest probed year with records as the default, else the last completed year', () => {
    const probed = [
      { fiscalYear: 2023, expenseCount: 84 },
      { fiscalYear: 2025, expenseCount: 85 },
      { fiscalYear: 2026, expenseCount: 0 },
    ];
    expect(defaultFiscalYear(probed, 2026)).toBe(2025);
    expect(defaultFiscalYear(probed, 2024)).toBe(2023);
    expect(defaultFiscalYear([], 2026)).toBe(2026);
    expect(defaultFiscalYear([{ fiscalYear: 2026, expenseCount: 0 }], 2026)).toBe(2026);
    expect(hasPeriod(new URLSearchParams('currency=USD'))).toBe(false);
    expect(hasPeriod(new URLSearchParams('from=2022'))).toBe(false);
    expect(hasPeriod(new URLSearchParams('fy=2024'))).toBe(true);
    expect(hasPeriod(new URLSearchParams('from=2022&to=2024'))).toBe(true);
  });
});
