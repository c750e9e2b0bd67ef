import { GraphQLError } from 'graphql';
import { Decimal, Rational } from '../common/decimal';
import { crossRate, money, roundToCurrency, sumDecimals } from '../common/money';
import { GROUP_BASE_CURRENCY, type SubsidiaryConfig } from '../common/registry';
import type { CauseArea, ContributionType, Motivation } from '../common/catalog';
import type { GoalDocument } from './documents';
import type { ReportParams } from './report-params';
import { NO_DATASET, type Arrival, type ArrivedReport, type SignedFigures } from './arrivals';

export { NO_DATASET, type Arrival, type ArrivedReport } from './arrivals';

/** Why a subsidiary's figures are missing from a report. */
export type MissingReason = 'UNAVAILABLE' | 'NO_DATASET' | 'CURRENCY_MISMATCH';

export interface RateQuote {
  currency: string;
  fiscalYear: number;
  jpyPerUnit: Decimal;
  source: string | null;
}

/** One subsidiary cell as consolidation holds it (local currency, exact). */
export type ConsolidatedCell = Cell;

interface Cell {
  subsidiary: SubsidiaryConfig;
  groupFiscalYear: number;
  causeArea: CauseArea;
  contributionType: ContributionType;
  motivation: Motivation;
  amount: Decimal;
  expenseCount: number;
}

function incomplete(missing: SubsidiaryConfig[], reasons: ReadonlyMap<string, MissingReason>, what: string): GraphQLError {
  const codes = missing.map((subsidiary) => subsidiary.code);
  return new GraphQLError(
    `${what} is incomplete: no figures from ${missing.map((subsidiary) => `${subsidiary.name} (${subsidiary.code})`).join(', ')}. Ask with allowPartial: true for a partial figure.`,
    { extensions: { code: 'CONSOLIDATION_INCOMPLETE', missingSubsidiaries: codes, reasonCodes: Object.fromEntries(missing.map((subsidiary) => [subsidiary.code, reasons.get(subsidiary.code) ?? 'UNAVAILABLE'])) } },
  );
}

/**
 * A well-formed arrival has cells and volunteering lists; one that was read (asOf) from a database
 * without a dataset is NO_DATASET; anything else (null, {}, an error's nulls) is missing, unavailable.
 */
export function arrivedReport(value: unknown): Arrival {
  if (!value || typeof value !== 'object') return null;
  const { currency, cells, volunteering, asOf, dataset } = value as Partial<ArrivedReport> & { dataset?: unknown };
  if (typeof asOf === 'string' && dataset === null) return NO_DATASET;
  if (typeof currency !== 'string' || !Array.isArray(cells) || !Array.isArray(volunteering)) return null;
  return { currency, cells, volunteering, asOf: typeof asOf === 'string' ? asOf : null };
}

const MISSING_REASONS: Record<MissingReason, (subsidiary: SubsidiaryConfig) => string> = {
  UNAVAILABLE: (subsidiary) => `No figures arrived from the ${subsidiary.key} subgraph (unavailable or failed)`,
  NO_DATASET: (subsidiary) =>
    `${subsidiary.name}'s database holds no dataset (never seeded, wiped or restored empty): its figures are missing, not zero, until its data is restored or initialised`,
  CURRENCY_MISMATCH: (subsidiary) => `The ${subsidiary.key} subgraph reported in another currency than ${subsidiary.currency}`,
};

/**
 * Turns the subsidiaries' local-currency figures into group figures: each line is converted with
 * the average rate of its group fiscal year, summed exactly, and rounded once. A figure that would
 * lack a subsidiary is refused (CONSOLIDATION_INCOMPLETE) unless the caller allowed partial figures.
 */
export class Consolidation {
  private readonly cells: Cell[];
  private readonly cellsBySubsidiary = new Map<string, Cell[]>();
  private readonly arrived: Map<string, ArrivedReport>;
  readonly missing: SubsidiaryConfig[];
  private readonly reasons = new Map<string, MissingReason>();
  private readonly rates: Map<string, RateQuote>;
  /**
   * Every figure computed once, however many times it is asked for (aliases of one field all read
   * the same report object): the outcome, value or error, by figure.
   */
  private readonly computed = new Map<string, { value: unknown } | { error: unknown }>();

  constructor(
    readonly params: ReportParams,
    private readonly subsidiaries: readonly SubsidiaryConfig[],
    reports: readonly Arrival[],
    rates: readonly RateQuote[],
  ) {
    this.arrived = new Map();
    this.missing = [];
    subsidiaries.forEach((subsidiary, index) => {
      const report = reports[index] ?? null;
      if (report && 'cells' in report && report.currency === subsidiary.currency) {
        this.arrived.set(subsidiary.code, report);
        return;
      }
      this.missing.push(subsidiary);
      this.reasons.set(subsidiary.code, report === null ? 'UNAVAILABLE' : 'cells' in report ? 'CURRENCY_MISMATCH' : report.missing);
    });
    this.cells = [];
    for (const subsidiary of subsidiaries) {
      const cells = (this.arrived.get(subsidiary.code)?.cells ?? []).map((cell): Cell => ({ ...cell, subsidiary, amount: Decimal.parse(cell.amount) }));
      this.cellsBySubsidiary.set(subsidiary.code, cells);
      this.cells.push(...cells);
    }
    this.rates = new Map(rates.map((rate) => [`${rate.currency}:${rate.fiscalYear}`, rate]));
  }

  /** The figure `name`, computed by `compute` the first time it is asked for (an error is kept too). */
  private once<T>(name: string, compute: () => T): T {
    let outcome = this.computed.get(name);
    if (!outcome) {
      try {
        outcome = { value: compute() };
      } catch (error) {
        outcome = { error };
      }
      this.computed.set(name, outcome);
    }
    if ('error' in outcome) throw outcome.error;
    return outcome.value as T;
  }

  private cellsOf(subsidiary: SubsidiaryConfig): readonly Cell[] {
    return this.cellsBySubsidiary.get(subsidiary.code) ?? [];
  }

  get complete(): boolean {
    return this.missing.length === 0;
  }

  completeness() {
    return {
      complete: this.complete,
      included: this.subsidiaries.filter((subsidiary) => this.arrived.has(subsidiary.code)).map((subsidiary) => subsidiary.code),
      missing: this.missing.map((subsidiary) => {
        const reasonCode = this.reasons.get(subsidiary.code) ?? 'UNAVAILABLE';
        return { code: subsidiary.code, name: subsidiary.name, reason: MISSING_REASONS[reasonCode](subsidiary), reasonCode };
      }),
    };
  }

  /** What each subsidiary whose figures are included signed, in the registry's order (a published report keeps them). */
  signedFigures(): SignedFigures[] {
    return this.subsidiaries.flatMap((subsidiary) => {
      const signed = this.arrived.get(subsidiary.code)?.signed;
      return signed ? [signed] : [];
    });
  }

  /** When the figures were read: the earliest of the subsidiaries' reads (null when none arrived). */
  asOf(): string | null {
    const times = [...this.arrived.values()].map((report) => report.asOf).filter((time): time is string => time !== null);
    return times.length > 0 ? times.sort()[0]! : null;
  }

  private asOfOf(subsidiary: SubsidiaryConfig): string | null {
    return this.arrived.get(subsidiary.code)?.asOf ?? null;
  }

  /** Throws unless the figure may be shown: complete, or partial figures were asked for. */
  private guard(what: string): void {
    if (!this.complete && !this.params.allowPartial) throw incomplete(this.missing, this.reasons, what);
  }

  private quote(currency: string, fiscalYear: number): RateQuote {
    if (currency === GROUP_BASE_CURRENCY) return { currency, fiscalYear, jpyPerUnit: Decimal.parse('1'), source: 'Base currency' };
    const rate = this.rates.get(`${currency}:${fiscalYear}`);
    if (!rate) {
      throw new GraphQLError(`No exchange rate is recorded for ${currency} in fiscal year ${fiscalYear}; headquarters records it with setExchangeRate before this report can be converted`, {
        extensions: { code: 'EXCHANGE_RATE_MISSING', currency, fiscalYear },
      });
    }
    return rate;
  }

  /** Exact factor from a local currency into the reporting currency for one fiscal year. */
  private factor(currency: string, fiscalYear: number): Rational {
    if (currency === this.params.currency) return Rational.of(1n, 1n);
    return crossRate(this.quote(currency, fiscalYear).jpyPerUnit, this.quote(this.params.currency, fiscalYear).jpyPerUnit);
  }

  /**
   * The exact sum of cells in the reporting currency, rounded once: the local amounts are summed
   * exactly per currency and fiscal year (bigint), and each of those sums is converted with its
   * year's factor — the same value as converting cell by cell, in one conversion per currency and
   * year instead of one per cell.
   */
  private convert(cells: readonly Cell[]): Decimal {
    const local = new Map<string, { currency: string; fiscalYear: number; amount: Decimal }>();
    for (const cell of cells) {
      const key = `${cell.subsidiary.currency}:${cell.groupFiscalYear}`;
      const entry = local.get(key);
      if (entry) entry.amount = entry.amount.add(cell.amount);
      else local.set(key, { currency: cell.subsidiary.currency, fiscalYear: cell.groupFiscalYear, amount: cell.amount });
    }
    let exact = Rational.ZERO;
    for (const { currency, fiscalYear, amount } of local.values()) exact = exact.add(amount.toRational().multiply(this.factor(currency, fiscalYear)));
    return roundToCurrency(exact, this.params.currency);
  }

  private consolidated(cells: readonly Cell[]) {
    return { amount: money(this.convert(cells), this.params.currency).amount, currency: this.params.currency, partial: !this.complete };
  }

  /** Lines by key, in key order: one pass over the cells, then one conversion per line. */
  private breakdown<K extends string | number>(what: string, keyOf: (cell: Cell) => K) {
    this.guard(what);
    const groups = new Map<K, Cell[]>();
    for (const cell of this.cells) {
      const key = keyOf(cell);
      const group = groups.get(key);
      if (group) group.push(cell);
      else groups.set(key, [cell]);
    }
    return [...groups.entries()]
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([key, cells]) => ({ key, amount: this.consolidated(cells), expenseCount: cells.reduce((sum, cell) => sum + cell.expenseCount, 0) }));
  }

  /**
   * Lines of a breakdown other modules define (group/b4si.ts): the cells grouped by `keyOf`, in key
   * order, each line converted and rounded once; refused like every breakdown when incomplete.
   */
  linesBy<K extends string | number>(name: string, what: string, keyOf: (cell: ConsolidatedCell) => K) {
    return this.once(`lines:${name}`, () => this.breakdown(what, keyOf));
  }

  total() {
    this.guard('The group total');
    return this.once('total', () => this.consolidated(this.cells));
  }

  byCauseArea() {
    return this.once('byCauseArea', () => this.breakdown('The breakdown by cause area', (cell) => cell.causeArea).map(({ key, ...rest }) => ({ causeArea: key, ...rest })));
  }

  byContributionType() {
    return this.once('byContributionType', () =>
      this.breakdown('The breakdown by contribution type', (cell) => cell.contributionType).map(({ key, ...rest }) => ({ contributionType: key, ...rest })),
    );
  }

  byFiscalYear() {
    return this.once('byFiscalYear', () => this.breakdown('The breakdown by fiscal year', (cell) => cell.groupFiscalYear).map(({ key, ...rest }) => ({ fiscalYear: key, ...rest })));
  }

  /** A subsidiary's local total, exact. */
  private localTotal(subsidiary: SubsidiaryConfig): Decimal {
    return this.once(`local:${subsidiary.code}`, () => sumDecimals(this.cellsOf(subsidiary).map((cell) => cell.amount)));
  }

  /** A subsidiary's total converted into the reporting currency, rounded once. */
  private convertedTotal(subsidiary: SubsidiaryConfig): Decimal {
    return this.once(`converted:${subsidiary.code}`, () => this.convert(this.cellsOf(subsidiary)));
  }

  private yearsOf(subsidiary: SubsidiaryConfig): number[] {
    return [...new Set(this.cellsOf(subsidiary).map((cell) => cell.groupFiscalYear))].sort();
  }

  /** One line per subsidiary: its local total, the rates used, and the converted amount (null when missing). */
  bySubsidiary() {
    return this.subsidiaries.map((subsidiary) => {
      const available = this.arrived.has(subsidiary.code);
      const cells = this.cellsOf(subsidiary);
      const years = this.yearsOf(subsidiary);
      return {
        code: subsidiary.code,
        name: subsidiary.name,
        available,
        local: available ? money(this.localTotal(subsidiary), subsidiary.currency) : null,
        converted: available ? money(this.convertedTotal(subsidiary), this.params.currency) : null,
        ratesUsed: years.map((fiscalYear) => ({
          currency: subsidiary.currency,
          fiscalYear,
          rate: this.rateText(this.factor(subsidiary.currency, fiscalYear)),
          source: subsidiary.currency === this.params.currency ? 'Same currency' : this.quote(subsidiary.currency, fiscalYear).source,
        })),
        expenseCount: available ? cells.reduce((sum, cell) => sum + cell.expenseCount, 0) : null,
        asOf: this.asOfOf(subsidiary),
      };
    });
  }

  /**
   * bySubsidiary as the API serves it: a line whose conversion lacks an exchange rate keeps its
   * local figures and the rates that exist, and only its `converted` amount fails (resolved lazily,
   * with EXCHANGE_RATE_MISSING naming the currency and year), so one missing rate nulls one field,
   * not the whole report with its completeness.
   */
  bySubsidiaryLines() {
    return this.once('bySubsidiaryLines', () => this.subsidiaryLines());
  }

  private subsidiaryLines() {
    return this.subsidiaries.map((subsidiary) => {
      const available = this.arrived.has(subsidiary.code);
      const cells = this.cellsOf(subsidiary);
      const years = this.yearsOf(subsidiary);
      const ratesUsed = years.flatMap((fiscalYear) => {
        try {
          return [{
            currency: subsidiary.currency,
            fiscalYear,
            rate: this.rateText(this.factor(subsidiary.currency, fiscalYear)),
            source: subsidiary.currency === this.params.currency ? 'Same currency' : this.quote(subsidiary.currency, fiscalYear).source,
          }];
        } catch (error) {
          if ((error as GraphQLError).extensions?.code !== 'EXCHANGE_RATE_MISSING') throw error;
          return [];
        }
      });
      return {
        code: subsidiary.code,
        name: subsidiary.name,
        available,
        local: available ? money(this.localTotal(subsidiary), subsidiary.currency) : null,
        converted: available ? () => money(this.convertedTotal(subsidiary), this.params.currency) : null,
        ratesUsed,
        expenseCount: available ? cells.reduce((sum, cell) => sum + cell.expenseCount, 0) : null,
        asOf: this.asOfOf(subsidiary),
      };
    });
  }

  /** A rate shown to people: exact when it terminates within 10 digits, else rounded to 10. */
  private rateText(rate: Rational): string {
    return rate.round(10).trimmed().toString();
  }

  /** The volunteering rows of every subsidiary that arrived, hours parsed once. */
  private volunteeringRows() {
    return this.once('volunteeringRows', () =>
      [...this.arrived.values()].flatMap((report) => report.volunteering.map((row) => ({ ...row, hours: Decimal.parse(row.hours) }))),
    );
  }

  volunteering() {
    this.guard('The volunteering total');
    return this.once('volunteering', () => {
      const rows = this.volunteeringRows();
      return {
        newRegistrations: rows.reduce((sum, row) => sum + row.newRegistrations, 0),
        participants: rows.reduce((sum, row) => sum + row.participants, 0),
        hours: sumDecimals(rows.map((row) => row.hours)).toString(),
        partial: !this.complete,
      };
    });
  }

  private metric(goal: GoalDocument, years: readonly number[]): number {
    const rows = this.volunteeringRows().filter((row) => years.includes(row.groupFiscalYear));
    switch (goal.metric) {
      case 'NEW_VOLUNTEER_REGISTRANTS':
        return rows.reduce((sum, row) => sum + row.newRegistrations, 0);
      case 'VOLUNTEER_PARTICIPANTS':
        return rows.reduce((sum, row) => sum + row.participants, 0);
      case 'VOLUNTEER_HOURS':
        return Number(sumDecimals(rows.map((row) => row.hours)).round(0).toString());
    }
  }

  /** Progress of each goal over the part of its period that the report covers (computed once per list of goals). */
  goals(goals: readonly GoalDocument[]) {
    this.guard('Goal progress');
    let computed = this.goalProgress.get(goals);
    if (!computed) this.goalProgress.set(goals, (computed = this.progressOf(goals)));
    return computed;
  }

  private readonly goalProgress = new WeakMap<readonly GoalDocument[], ReturnType<Consolidation['progressOf']>>();

  private progressOf(goals: readonly GoalDocument[]) {
    const { from, to } = this.params;
    return goals.flatMap((goal) => {
      const first = Math.max(goal.fromFiscalYear, from);
      const last = Math.min(goal.toFiscalYear, to);
      if (first > last) return [];
      const years = Array.from({ length: last - first + 1 }, (_, index) => first + index);
      const periods = goal.cadence === 'PER_FISCAL_YEAR' ? years.map((year) => ({ fiscalYear: year, years: [year] })) : [{ fiscalYear: null, years }];
      const fullyCovered = goal.cadence === 'PER_FISCAL_YEAR' || (first === goal.fromFiscalYear && last === goal.toFiscalYear);
      return periods.map(({ fiscalYear, years: covered }) => {
        const actual = this.metric(goal, covered);
        return {
          goal,
          fiscalYear,
          target: goal.target,
          actual,
          progressPercent: goal.target > 0 ? Rational.of(BigInt(actual) * 100n, BigInt(goal.target)).round(1).toString() : '0.0',
          achieved: actual >= goal.target,
          periodFullyCovered: fullyCovered,
          partial: !this.complete,
        };
      });
    });
  }
}
