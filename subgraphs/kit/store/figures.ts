import type { Collection, Db } from 'mongodb';
import { Decimal } from '../../common/decimal';
import { fromDecimal128 } from '../../common/mongo';
import type { CauseArea, ContributionType, Motivation } from '../../common/catalog';
import { REGIONAL_COLLECTIONS, type AdjustmentDocument, type DatasetDocument, type InitiativeDocument, type JournalEntryDocument } from '../documents';
import type { AdjustmentStore } from './adjustments';
import type { ContributionTotals, InitiativeExpenseTotals } from './expenses';
import type { DatasetStore } from './dataset';
import type { WriteJournal } from './journal';
import { cellId, type CellFilter, type InitiativeCell, type RollupStore } from './rollups';
import type { FiscalYearSpan, VolunteeringByYear, VolunteeringStore } from './volunteering';

/** The subsidiary's local-currency total of one group fiscal year × cause area × contribution type × motivation. */
export interface ReportCell {
  groupFiscalYear: number;
  causeArea: CauseArea;
  contributionType: ContributionType;
  /** The initiative's B4SI motivation, read with its cause area. */
  motivation: Motivation;
  amount: Decimal;
  expenseCount: number;
}

/** How an initiative is classed, read when a report is made: its expenses follow a change at once. */
interface InitiativeClass {
  causeArea: CauseArea;
  motivation: Motivation;
}

export interface ReportScope {
  span: FiscalYearSpan;
  causeArea: CauseArea | null;
  contributionType: ContributionType | null;
}

/** An adjustment restating a year of the report, with the cause area its initiative has now. */
export interface ReportAdjustment extends AdjustmentDocument {
  causeArea: CauseArea;
}

export interface ReportFigures {
  /** The database's dataset mark; without it the figures are missing, not zero (store/dataset.ts). */
  dataset: DatasetDocument | null;
  cells: ReportCell[];
  volunteering: VolunteeringByYear[];
  /** Adjustments restating the report's years (its contribution type and cause area), oldest first. */
  adjustments: ReportAdjustment[];
}

function inFilter(cell: Pick<InitiativeCell, 'groupFiscalYear' | 'initiativeId' | 'contributionType'>, filter: CellFilter, initiatives: Set<string> | null): boolean {
  return (
    cell.groupFiscalYear >= filter.from &&
    cell.groupFiscalYear <= filter.to &&
    (!filter.contributionType || cell.contributionType === filter.contributionType) &&
    (!initiatives || initiatives.has(cell.initiativeId))
  );
}

/**
 * The figures reports and totals show, exact at the instant they are read: the stored cells, plus
 * the deltas of committed journal entries not yet in them (store/journal.ts). Cells are read
 * first and the journal second, so a write is counted once whether its deltas reached the cells
 * before, between or after the two reads. Cause areas and motivations are the initiatives' own,
 * read last: moving an initiative to another cause area or motivation is one write, and every
 * figure follows it at once.
 */
export class FigureReader {
  private readonly initiatives: Collection<InitiativeDocument>;

  constructor(
    db: Db,
    private readonly rollups: RollupStore,
    private readonly journal: WriteJournal,
    private readonly volunteering: VolunteeringStore,
    private readonly dataset: DatasetStore,
    private readonly adjustments: AdjustmentStore,
  ) {
    this.initiatives = db.collection<InitiativeDocument>(REGIONAL_COLLECTIONS.initiatives);
  }

  /**
   * A report's cells and volunteering, by cause area, exact now. Two round trips as a rule: the
   * dataset mark, the cells and the stored volunteering together; then the journal and the cells'
   * cause areas together (a third only when writes are in flight).
   */
  async report(scope: ReportScope): Promise<ReportFigures> {
    return (await this.reports([scope]))[0]!;
  }

  /**
   * Many reports at once (the report entities of one request, batched by kit/loaders.ts), in as
   * many round trips as one: the cells of every report are read in one query over the span and
   * initiatives that cover them all, the stored volunteering once per cause area asked (at most
   * one per cause area and one without), the journal once; each report then takes its own
   * years, contribution type and cause area from them in memory. The read order of a single
   * report is kept: the cells and the stored volunteering before the journal, the cause areas last.
   */
  async reports(scopes: readonly ReportScope[]): Promise<ReportFigures[]> {
    if (scopes.length === 0) return [];
    const spanOf = (of: readonly ReportScope[]): FiscalYearSpan => ({ from: Math.min(...of.map((scope) => scope.span.from)), to: Math.max(...of.map((scope) => scope.span.to)) });
    const causes = [...new Set(scopes.map((scope) => scope.causeArea))];
    const named = causes.filter((cause): cause is CauseArea => cause !== null);
    const initiativesOf = named.length > 0 ? await this.initiativesIn(named) : new Map<CauseArea, string[]>();
    // every initiative when some report takes every cause area, else those of the cause areas asked
    const initiativeIds = causes.includes(null) ? undefined : [...new Set(named.flatMap((cause) => initiativesOf.get(cause) ?? []))];
    const types = new Set(scopes.map((scope) => scope.contributionType));
    const filter: CellFilter = { ...spanOf(scopes), contributionType: types.size === 1 ? [...types][0]! : null, ...(initiativeIds ? { initiativeIds } : {}) };
    const asks = causes.map((cause) => ({ cause, span: spanOf(scopes.filter((scope) => scope.causeArea === cause)), initiativeIds: cause ? (initiativesOf.get(cause) ?? []) : null }));
    const span = spanOf(scopes);
    const [dataset, stored, storedVolunteering, storedAdjustments] = await Promise.all([
      this.dataset.current(),
      this.rollups.read(filter),
      Promise.all(asks.map((ask) => this.volunteering.stored(ask.span, ask.initiativeIds))),
      this.adjustments.stored(span),
    ]);
    if (!dataset) return scopes.map(() => ({ dataset: null, cells: [], volunteering: [], adjustments: [] }));
    const [pending, storedCauses] = await Promise.all([
      this.journal.committed(),
      this.causeAreasOf([...new Set([...stored.map((cell) => cell.initiativeId), ...storedAdjustments.map((adjustment) => adjustment.initiativeId)])]),
    ]);
    const cells = withPending(stored, pending, filter, initiativeIds ? new Set(initiativeIds) : null);
    const adjustments = this.adjustments.withPending(storedAdjustments, span, pending);
    const unknown = [...new Set([...cells.map((cell) => cell.initiativeId), ...adjustments.map((adjustment) => adjustment.initiativeId)])].filter((id) => !storedCauses.has(id));
    const causeOf = unknown.length > 0 ? new Map([...storedCauses, ...(await this.causeAreasOf(unknown))]) : storedCauses;
    const volunteering =
      pending.length > 0 ? await Promise.all(asks.map((ask, index) => this.volunteering.withPending(storedVolunteering[index]!, ask.span, ask.initiativeIds, pending))) : storedVolunteering;
    const volunteeringOf = new Map(asks.map((ask, index) => [ask.cause, volunteering[index]!]));
    const members = new Map([...initiativesOf].map(([cause, ids]) => [cause, new Set(ids)]));
    return scopes.map((scope) => ({
      dataset,
      cells: reportCells(cells, scope, causeOf, scope.causeArea ? members.get(scope.causeArea)! : null),
      volunteering: volunteeringOf.get(scope.causeArea)!.filter((row) => row.groupFiscalYear >= scope.span.from && row.groupFiscalYear <= scope.span.to),
      adjustments: reportAdjustments(adjustments, scope, causeOf),
    }));
  }

  /** Totals of many initiatives (all years, or one group fiscal year), from the same cells. */
  async totalsOf(ids: readonly string[], fiscalYear: number | null): Promise<InitiativeExpenseTotals[]> {
    const stored = await this.rollups.ofInitiatives(ids, fiscalYear);
    const pending = await this.journal.committed();
    const filter: CellFilter = { from: fiscalYear ?? -Infinity, to: fiscalYear ?? Infinity };
    const cells = withPending(stored, pending, filter, new Set(ids));
    const totals = new Map<string, { amount: Decimal; expenseCount: number; byType: Map<ContributionType, ContributionTotals> }>(
      ids.map((id) => [id, { amount: Decimal.ZERO, expenseCount: 0, byType: new Map() }]),
    );
    for (const cell of cells) {
      const entry = totals.get(cell.initiativeId);
      if (!entry) continue;
      entry.amount = entry.amount.add(cell.amount);
      entry.expenseCount += cell.expenseCount;
      const line = entry.byType.get(cell.contributionType) ?? { contributionType: cell.contributionType, amount: Decimal.ZERO, expenseCount: 0 };
      line.amount = line.amount.add(cell.amount);
      line.expenseCount += cell.expenseCount;
      entry.byType.set(cell.contributionType, line);
    }
    return ids.map((id) => {
      const entry = totals.get(id)!;
      const byContributionType = [...entry.byType.values()].filter((line) => line.expenseCount !== 0).sort((a, b) => a.contributionType.localeCompare(b.contributionType));
      return { amount: entry.amount, expenseCount: entry.expenseCount, byContributionType };
    });
  }

  /** The initiatives of each of some cause areas, in one read. */
  private async initiativesIn(causeAreas: readonly CauseArea[]): Promise<Map<CauseArea, string[]>> {
    const found = await this.initiatives.find({ causeArea: { $in: [...causeAreas] } }, { projection: { _id: 1, causeArea: 1 } }).toArray();
    const byCause = new Map<CauseArea, string[]>(causeAreas.map((cause) => [cause, []]));
    for (const initiative of found) byCause.get(initiative.causeArea)?.push(initiative._id);
    return byCause;
  }

  /** The initiatives' cause areas and motivations, from one read of each initiative. */
  private async causeAreasOf(ids: readonly string[]): Promise<Map<string, InitiativeClass>> {
    if (ids.length === 0) return new Map();
    const found = await this.initiatives.find({ _id: { $in: [...ids] } }, { projection: { causeArea: 1, motivation: 1 } }).toArray();
    return new Map(found.map((initiative) => [initiative._id, { causeArea: initiative.causeArea, motivation: initiative.motivation }]));
  }
}

/**
 * One report's cells from the initiative cells read for it (and maybe others): its years and
 * contribution type, and, for a cause area, the initiatives that were in it when the read began and
 * still are (their cause areas were read last), grouped by fiscal year × cause area × contribution type ×
 * motivation (the initiative's, read with its cause area).
 */
function reportCells(cells: readonly InitiativeCell[], scope: ReportScope, causeOf: ReadonlyMap<string, InitiativeClass>, members: ReadonlySet<string> | null): ReportCell[] {
  const grouped = new Map<string, ReportCell>();
  for (const cell of cells) {
    if (cell.groupFiscalYear < scope.span.from || cell.groupFiscalYear > scope.span.to) continue;
    if (scope.contributionType && cell.contributionType !== scope.contributionType) continue;
    if (members && !members.has(cell.initiativeId)) continue;
    const initiative = causeOf.get(cell.initiativeId);
    if (!initiative) throw new Error(`Report cell ${cellId(cell)} names an initiative that does not exist`);
    const { causeArea, motivation } = initiative;
    if (scope.causeArea && causeArea !== scope.causeArea) continue;
    const key = `${cell.groupFiscalYear}|${causeArea}|${cell.contributionType}|${motivation}`;
    const entry = grouped.get(key) ?? { groupFiscalYear: cell.groupFiscalYear, causeArea, contributionType: cell.contributionType, motivation, amount: Decimal.ZERO, expenseCount: 0 };
    entry.amount = entry.amount.add(cell.amount);
    entry.expenseCount += cell.expenseCount;
    grouped.set(key, entry);
  }
  return [...grouped.values()]
    .filter((cell) => cell.expenseCount !== 0 || !cell.amount.isZero())
    .sort(
      (a, b) =>
        a.groupFiscalYear - b.groupFiscalYear || a.causeArea.localeCompare(b.causeArea) || a.contributionType.localeCompare(b.contributionType) || a.motivation.localeCompare(b.motivation),
    );
}

/** One report's adjustments: its years, contribution type and cause area (the initiative's now). */
function reportAdjustments(adjustments: readonly AdjustmentDocument[], scope: ReportScope, causeOf: ReadonlyMap<string, InitiativeClass>): ReportAdjustment[] {
  return adjustments.flatMap((adjustment) => {
    if (adjustment.restatedFiscalYear < scope.span.from || adjustment.restatedFiscalYear > scope.span.to) return [];
    if (scope.contributionType && adjustment.contributionType !== scope.contributionType) return [];
    const causeArea = causeOf.get(adjustment.initiativeId)?.causeArea;
    if (!causeArea) throw new Error(`Adjustment ${adjustment._id} names an initiative that does not exist`);
    if (scope.causeArea && causeArea !== scope.causeArea) return [];
    return [{ ...adjustment, causeArea }];
  });
}

/** Stored cells with the deltas of committed entries they do not hold yet. */
function withPending(stored: readonly (InitiativeCell & { ops: readonly string[] })[], pending: readonly JournalEntryDocument[], filter: CellFilter, initiatives: Set<string> | null): InitiativeCell[] {
  const cells = new Map(stored.map((cell) => [cellId(cell), { cell: { ...cell } as InitiativeCell, ops: cell.ops }]));
  for (const entry of pending) {
    for (const delta of entry.deltas) {
      if (!inFilter(delta, filter, initiatives)) continue;
      const known = cells.get(delta.cell);
      if (known?.ops.includes(entry._id)) continue;
      const cell = known?.cell ?? { groupFiscalYear: delta.groupFiscalYear, initiativeId: delta.initiativeId, contributionType: delta.contributionType, amount: Decimal.ZERO, expenseCount: 0 };
      cell.amount = cell.amount.add(fromDecimal128(delta.amount));
      cell.expenseCount += delta.expenseCount;
      if (!known) cells.set(delta.cell, { cell, ops: [] });
    }
  }
  return [...cells.values()].map(({ cell }) => cell).filter((cell) => cell.expenseCount !== 0 || !cell.amount.isZero());
}
