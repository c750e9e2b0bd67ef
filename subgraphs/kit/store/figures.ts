import type { Collection, Db } from 'mongodb';
import { Decimal } from '../../common/decimal';
import { fromDecimal128 } from '../../common/mongo';
import type { CauseArea, ContributionType } from '../../common/catalog';
import { REGIONAL_COLLECTIONS, type DatasetDocument, type InitiativeDocument, type JournalEntryDocument } from '../documents';
import type { ContributionTotals, InitiativeExpenseTotals } from './expenses';
import type { DatasetStore } from './dataset';
import type { WriteJournal } from './journal';
import { cellId, type CellFilter, type InitiativeCell, type RollupStore } from './rollups';
import type { FiscalYearSpan, VolunteeringByYear, VolunteeringStore } from './volunteering';

/** The subsidiary's local-currency total of one group fiscal year × cause area × contribution type. */
export interface ReportCell {
  groupFiscalYear: number;
  causeArea: CauseArea;
  contributionType: ContributionType;
  amount: Decimal;
  expenseCount: number;
}

export interface ReportScope {
  span: FiscalYearSpan;
  causeArea: CauseArea | null;
  contributionType: ContributionType | null;
}

export interface ReportFigures {
  /** The database's dataset mark; without it the figures are missing, not zero (store/dataset.ts). */
  dataset: DatasetDocument | null;
  cells: ReportCell[];
  volunteering: VolunteeringByYear[];
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
 * before, between or after the two reads. Cause areas are the initiatives' own, read last: moving an
 * initiative is one write, and every figure follows it at once.
 */
export class FigureReader {
  private readonly initiatives: Collection<InitiativeDocument>;

  constructor(
    db: Db,
    private readonly rollups: RollupStore,
    private readonly journal: WriteJournal,
    private readonly volunteering: VolunteeringStore,
    private readonly dataset: DatasetStore,
  ) {
    this.initiatives = db.collection<InitiativeDocument>(REGIONAL_COLLECTIONS.initiatives);
  }

  /**
   * A report's cells and volunteering, by cause area, exact now. Two round trips as a rule: the
   * dataset mark, the cells and the stored volunteering together; then the journal and the cells'
   * cause areas together (a third only when writes are in flight).
   */
  async report(scope: ReportScope): Promise<ReportFigures> {
    const initiativeIds = scope.causeArea ? await this.initiativesIn(scope.causeArea) : undefined;
    const filter: CellFilter = { from: scope.span.from, to: scope.span.to, contributionType: scope.contributionType, ...(initiativeIds ? { initiativeIds } : {}) };
    const [dataset, stored, storedVolunteering] = await Promise.all([this.dataset.current(), this.rollups.read(filter), this.volunteering.stored(scope.span, initiativeIds ?? null)]);
    if (!dataset) return { dataset: null, cells: [], volunteering: [] };
    const [pending, storedCauses] = await Promise.all([this.journal.committed(), this.causeAreasOf([...new Set(stored.map((cell) => cell.initiativeId))])]);
    const cells = withPending(stored, pending, filter, initiativeIds ? new Set(initiativeIds) : null);
    const unknown = [...new Set(cells.map((cell) => cell.initiativeId))].filter((id) => !storedCauses.has(id));
    const causeOf = unknown.length > 0 ? new Map([...storedCauses, ...(await this.causeAreasOf(unknown))]) : storedCauses;
    const volunteering = pending.length > 0 ? await this.volunteering.withPending(storedVolunteering, scope.span, initiativeIds ?? null, pending) : storedVolunteering;
    const grouped = new Map<string, ReportCell>();
    for (const cell of cells) {
      const causeArea = causeOf.get(cell.initiativeId);
      if (!causeArea) throw new Error(`Report cell ${cellId(cell)} names an initiative that does not exist`);
      if (scope.causeArea && causeArea !== scope.causeArea) continue;
      const key = `${cell.groupFiscalYear}|${causeArea}|${cell.contributionType}`;
      const entry = grouped.get(key) ?? { groupFiscalYear: cell.groupFiscalYear, causeArea, contributionType: cell.contributionType, amount: Decimal.ZERO, expenseCount: 0 };
      entry.amount = entry.amount.add(cell.amount);
      entry.expenseCount += cell.expenseCount;
      grouped.set(key, entry);
    }
    const reportCells = [...grouped.values()]
      .filter((cell) => cell.expenseCount !== 0 || !cell.amount.isZero())
      .sort((a, b) => a.groupFiscalYear - b.groupFiscalYear || a.causeArea.localeCompare(b.causeArea) || a.contributionType.localeCompare(b.contributionType));
    return { dataset, cells: reportCells, volunteering };
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

  private async initiativesIn(causeArea: CauseArea): Promise<string[]> {
    return (await this.initiatives.find({ causeArea }, { projection: { _id: 1 } }).toArray()).map((initiative) => initiative._id);
  }

  private async causeAreasOf(ids: readonly string[]): Promise<Map<string, CauseArea>> {
    if (ids.length === 0) return new Map();
    const found = await this.initiatives.find({ _id: { $in: [...ids] } }, { projection: { causeArea: 1 } }).toArray();
    return new Map(found.map((initiative) => [initiative._id, initiative.causeArea]));
  }
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
