import type { AnyBulkWriteOperation, ClientSession, Collection, Db, Filter } from 'mongodb';
import { Decimal } from '../../common/decimal';
import { fromDecimal128, toDecimal128 } from '../../common/mongo';
import type { CauseArea, ContributionType } from '../../common/catalog';
import { REGIONAL_COLLECTIONS, type ExpenseDocument, type ReportRollupDocument } from '../documents';
import type { FiscalYearSpan } from './volunteering';

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

type CellKey = Pick<ExpenseDocument, 'groupFiscalYear' | 'causeArea' | 'contributionType'>;

export interface CellDelta extends CellKey {
  amount: Decimal;
  expenseCount: number;
}

export function cellId(key: CellKey): string {
  return `${key.groupFiscalYear}|${key.causeArea}|${key.contributionType}`;
}

/** What adding (+1) or removing (−1) one expense does to its report cell. */
export function expenseDelta(expense: CellKey & Pick<ExpenseDocument, 'amount'>, sign: 1 | -1): CellDelta {
  const amount = fromDecimal128(expense.amount);
  return {
    groupFiscalYear: expense.groupFiscalYear,
    causeArea: expense.causeArea,
    contributionType: expense.contributionType,
    amount: sign === 1 ? amount : amount.negate(),
    expenseCount: sign,
  };
}

export interface RollupDifference {
  cell: string;
  raw: { amount: string; expenseCount: number };
  rollup: { amount: string; expenseCount: number };
}

/**
 * Report cells kept up to date on every expense write ($inc, atomic per cell), so a report reads a
 * few dozen documents instead of grouping every expense. `aggregateRaw` is the reference: the
 * same cells grouped from the expenses themselves; `verify` compares the two and `rebuild`
 * replaces the rollups by it (for a first start, after a bulk load, or after a crash between an
 * expense write and its rollup update).
 */
export class RollupStore {
  private readonly cells: Collection<ReportRollupDocument>;
  private readonly expenses: Collection<ExpenseDocument>;

  constructor(db: Db) {
    this.cells = db.collection<ReportRollupDocument>(REGIONAL_COLLECTIONS.reportCells);
    this.expenses = db.collection<ExpenseDocument>(REGIONAL_COLLECTIONS.expenses);
  }

  async apply(deltas: readonly CellDelta[], session?: ClientSession): Promise<void> {
    const merged = new Map<string, CellDelta>();
    for (const delta of deltas) {
      const id = cellId(delta);
      const previous = merged.get(id);
      merged.set(id, previous ? { ...delta, amount: previous.amount.add(delta.amount), expenseCount: previous.expenseCount + delta.expenseCount } : delta);
    }
    const operations: AnyBulkWriteOperation<ReportRollupDocument>[] = [...merged.entries()]
      .filter(([, delta]) => !delta.amount.isZero() || delta.expenseCount !== 0)
      .map(([id, delta]) => ({
        updateOne: {
          filter: { _id: id },
          update: {
            $inc: { amount: toDecimal128(delta.amount), expenseCount: delta.expenseCount },
            $setOnInsert: { groupFiscalYear: delta.groupFiscalYear, causeArea: delta.causeArea, contributionType: delta.contributionType },
          },
          upsert: true,
        },
      }));
    if (operations.length > 0) await this.cells.bulkWrite(operations, { ordered: false, ...(session ? { session } : {}) });
  }

  /** Cells in scope, from the rollups; cells emptied by deletions are left out. */
  async read(scope: ReportScope): Promise<ReportCell[]> {
    const filter: Filter<ReportRollupDocument> = { groupFiscalYear: { $gte: scope.span.from, $lte: scope.span.to }, expenseCount: { $gt: 0 } };
    if (scope.causeArea) filter.causeArea = scope.causeArea;
    if (scope.contributionType) filter.contributionType = scope.contributionType;
    const documents = await this.cells.find(filter).toArray();
    return sortCells(documents.map((document) => ({ ...cellKeyOf(document), amount: fromDecimal128(document.amount), expenseCount: document.expenseCount })));
  }

  /** The same cells grouped from the expenses themselves. */
  async aggregateRaw(scope?: ReportScope): Promise<ReportCell[]> {
    const match: Filter<ExpenseDocument> = {};
    if (scope) {
      match.groupFiscalYear = { $gte: scope.span.from, $lte: scope.span.to };
      if (scope.causeArea) match.causeArea = scope.causeArea;
      if (scope.contributionType) match.contributionType = scope.contributionType;
    }
    const rows = await this.expenses
      .aggregate<{ _id: { groupFiscalYear: number; causeArea: CauseArea; contributionType: ContributionType }; amount: { toString(): string }; count: number }>([
        { $match: match },
        {
          $group: {
            _id: { groupFiscalYear: '$groupFiscalYear', causeArea: '$causeArea', contributionType: '$contributionType' },
            amount: { $sum: '$amount' },
            count: { $sum: 1 },
          },
        },
      ])
      .toArray();
    return sortCells(rows.map(({ _id, amount, count }) => ({ ..._id, amount: fromDecimal128(amount), expenseCount: count })));
  }

  async isEmpty(): Promise<boolean> {
    return (await this.cells.countDocuments({}, { limit: 1 })) === 0;
  }

  /** Replaces every rollup by the raw aggregation. Run it while no expense is being written. */
  async rebuild(): Promise<number> {
    const raw = await this.aggregateRaw();
    await this.cells.deleteMany({});
    if (raw.length > 0) {
      await this.cells.insertMany(
        raw.map((cell) => ({ _id: cellId(cell), ...cellKeyOf(cell), amount: toDecimal128(cell.amount), expenseCount: cell.expenseCount })),
      );
    }
    return raw.length;
  }

  /** Cells where the rollups and the raw aggregation disagree (none when they are equal). */
  async verify(): Promise<RollupDifference[]> {
    const [raw, rollups] = await Promise.all([this.aggregateRaw(), this.cells.find().toArray()]);
    const rawById = new Map(raw.map((cell) => [cellId(cell), cell]));
    const rollupById = new Map(rollups.filter((cell) => cell.expenseCount !== 0 || !fromDecimal128(cell.amount).isZero()).map((cell) => [cell._id, cell]));
    const differences: RollupDifference[] = [];
    for (const id of new Set([...rawById.keys(), ...rollupById.keys()])) {
      const fromRaw = rawById.get(id);
      const fromRollup = rollupById.get(id);
      const rawAmount = fromRaw?.amount ?? Decimal.ZERO;
      const rollupAmount = fromRollup ? fromDecimal128(fromRollup.amount) : Decimal.ZERO;
      if (rawAmount.compare(rollupAmount) !== 0 || (fromRaw?.expenseCount ?? 0) !== (fromRollup?.expenseCount ?? 0)) {
        differences.push({
          cell: id,
          raw: { amount: rawAmount.toString(), expenseCount: fromRaw?.expenseCount ?? 0 },
          rollup: { amount: rollupAmount.toString(), expenseCount: fromRollup?.expenseCount ?? 0 },
        });
      }
    }
    return differences.sort((a, b) => a.cell.localeCompare(b.cell));
  }
}

function cellKeyOf(cell: CellKey): CellKey {
  return { groupFiscalYear: cell.groupFiscalYear, causeArea: cell.causeArea, contributionType: cell.contributionType };
}

function sortCells(cells: ReportCell[]): ReportCell[] {
  return cells.sort((a, b) => a.groupFiscalYear - b.groupFiscalYear || a.causeArea.localeCompare(b.causeArea) || a.contributionType.localeCompare(b.contributionType));
}
