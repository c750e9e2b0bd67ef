import { MongoBulkWriteError, type AnyBulkWriteOperation, type ClientSession, type Collection, type Db, type Filter } from 'mongodb';
import { Decimal } from '../../common/decimal';
import { fromDecimal128, toDecimal128 } from '../../common/mongo';
import type { ContributionType } from '../../common/catalog';
import { REGIONAL_COLLECTIONS, type ExpenseDocument, type JournalDelta, type ReportRollupDocument, type RollupFormatDocument } from '../documents';

/** The layout of the cells: 2 = one cell per group fiscal year × initiative × contribution type. */
export const ROLLUP_FORMAT = 2;

/** The subsidiary's local-currency total of one initiative in one group fiscal year and contribution type. */
export interface InitiativeCell {
  groupFiscalYear: number;
  initiativeId: string;
  contributionType: ContributionType;
  amount: Decimal;
  expenseCount: number;
}

type CellKey = Pick<ExpenseDocument, 'groupFiscalYear' | 'initiativeId' | 'contributionType'>;

export function cellId(key: CellKey): string {
  return `${key.groupFiscalYear}|${key.initiativeId}|${key.contributionType}`;
}

/** What adding (+1) or removing (−1) one expense does to its report cell. */
export function expenseDelta(expense: CellKey & Pick<ExpenseDocument, 'amount'>, sign: 1 | -1): JournalDelta {
  const amount = fromDecimal128(expense.amount);
  return {
    cell: cellId(expense),
    groupFiscalYear: expense.groupFiscalYear,
    initiativeId: expense.initiativeId,
    contributionType: expense.contributionType,
    amount: toDecimal128(sign === 1 ? amount : amount.negate()),
    expenseCount: sign,
  };
}

/** Deltas summed per cell, without the ones that cancel out (a correction that changes nothing a report sees). */
export function mergeDeltas(deltas: readonly JournalDelta[]): JournalDelta[] {
  const merged = new Map<string, { delta: JournalDelta; amount: Decimal }>();
  for (const delta of deltas) {
    const previous = merged.get(delta.cell);
    const amount = fromDecimal128(delta.amount).add(previous?.amount ?? Decimal.ZERO);
    merged.set(delta.cell, { delta: { ...delta, expenseCount: delta.expenseCount + (previous?.delta.expenseCount ?? 0) }, amount });
  }
  return [...merged.values()]
    .filter(({ delta, amount }) => !amount.isZero() || delta.expenseCount !== 0)
    .map(({ delta, amount }) => ({ ...delta, amount: toDecimal128(amount) }));
}

export interface CellFilter {
  from: number;
  to: number;
  /** Only these initiatives (a cause area's); all when absent. */
  initiativeIds?: readonly string[];
  contributionType?: ContributionType | null;
}

/** A cell as read, with the journal operations already in it. */
export interface StoredCell extends InitiativeCell {
  ops: readonly string[];
}

export interface RollupDifference {
  cell: string;
  raw: { amount: string; expenseCount: number };
  rollup: { amount: string; expenseCount: number };
}

function isDuplicateKeyOnly(error: unknown): boolean {
  if (!(error instanceof MongoBulkWriteError)) return false;
  const errors = Array.isArray(error.writeErrors) ? error.writeErrors : [error.writeErrors];
  return errors.length > 0 && errors.every((writeError) => writeError.code === 11000);
}

/**
 * Report cells kept up to date by the write journal (store/journal.ts), so a report reads a few
 * cells per initiative instead of grouping every expense. Each journal operation is added to a
 * cell at most once (its id is pushed in the same atomic update), so a step repeated after a
 * crash changes nothing. `aggregateRaw` is the reference: the same cells grouped from the expenses;
 * `verify` compares the two and `rebuild` replaces the cells by it.
 */
export class RollupStore {
  private readonly cells: Collection<ReportRollupDocument>;
  private readonly expenses: Collection<ExpenseDocument>;
  private readonly meta: Collection<RollupFormatDocument>;

  constructor(db: Db) {
    this.cells = db.collection<ReportRollupDocument>(REGIONAL_COLLECTIONS.reportCells);
    this.expenses = db.collection<ExpenseDocument>(REGIONAL_COLLECTIONS.expenses);
    this.meta = db.collection<RollupFormatDocument>(REGIONAL_COLLECTIONS.meta);
  }

  /** Adds operation `op`'s deltas to their cells, each cell at most once whatever the number of calls. */
  async applyOnce(op: string, deltas: readonly JournalDelta[], session?: ClientSession): Promise<void> {
    const operations: AnyBulkWriteOperation<ReportRollupDocument>[] = deltas.map((delta) => ({
      updateOne: {
        // a cell that already holds `op` does not match; the upsert then collides with it on _id: already applied
        filter: { _id: delta.cell, ops: { $ne: op } },
        update: {
          $inc: { amount: delta.amount, expenseCount: delta.expenseCount },
          $push: { ops: op },
          $setOnInsert: { groupFiscalYear: delta.groupFiscalYear, initiativeId: delta.initiativeId, contributionType: delta.contributionType },
        },
        upsert: true,
      },
    }));
    if (operations.length === 0) return;
    try {
      await this.cells.bulkWrite(operations, { ordered: false, ...(session ? { session } : {}) });
    } catch (error) {
      if (!isDuplicateKeyOnly(error)) throw error;
    }
  }

  /** Forgets operations that are finished (their journal entries are gone): they can no longer be applied twice. */
  async forget(ops: readonly string[], session?: ClientSession): Promise<void> {
    if (ops.length > 0) await this.cells.updateMany({ ops: { $in: [...ops] } }, { $pullAll: { ops: [...ops] } }, session ? { session } : {});
  }

  /** Operations named in some cell, for the journal's sweep. */
  async remembered(): Promise<string[]> {
    const rows = await this.cells.find({ 'ops.0': { $exists: true } }, { projection: { ops: 1 } }).toArray();
    return [...new Set(rows.flatMap((row) => row.ops))];
  }

  async read(filter: CellFilter): Promise<StoredCell[]> {
    const query: Filter<ReportRollupDocument> = { groupFiscalYear: { $gte: filter.from, $lte: filter.to } };
    if (filter.initiativeIds) query.initiativeId = { $in: [...filter.initiativeIds] };
    if (filter.contributionType) query.contributionType = filter.contributionType;
    const documents = await this.cells.find(query).toArray();
    return documents.map((document) => ({ ...keyOf(document), amount: fromDecimal128(document.amount), expenseCount: document.expenseCount, ops: document.ops ?? [] }));
  }

  /** The cells of some initiatives, all years or one. */
  async ofInitiatives(ids: readonly string[], fiscalYear: number | null): Promise<StoredCell[]> {
    const query: Filter<ReportRollupDocument> = { initiativeId: { $in: [...ids] } };
    if (fiscalYear !== null) query.groupFiscalYear = fiscalYear;
    const documents = await this.cells.find(query).toArray();
    return documents.map((document) => ({ ...keyOf(document), amount: fromDecimal128(document.amount), expenseCount: document.expenseCount, ops: document.ops ?? [] }));
  }

  /** The same cells grouped from the expenses themselves. */
  async aggregateRaw(): Promise<InitiativeCell[]> {
    const rows = await this.expenses
      .aggregate<{ _id: CellKey; amount: { toString(): string }; count: number }>([
        {
          $group: {
            _id: { groupFiscalYear: '$groupFiscalYear', initiativeId: '$initiativeId', contributionType: '$contributionType' },
            amount: { $sum: '$amount' },
            count: { $sum: 1 },
          },
        },
      ])
      .toArray();
    return rows.map(({ _id, amount, count }) => ({ ...keyOf(_id), amount: fromDecimal128(amount), expenseCount: count }));
  }

  async isEmpty(): Promise<boolean> {
    return (await this.cells.countDocuments({}, { limit: 1 })) === 0;
  }

  /** Whether the cells are in this code's layout (older layouts are rebuilt at start-up). */
  async isCurrentFormat(): Promise<boolean> {
    return (await this.meta.findOne({ _id: 'rollups' }))?.format === ROLLUP_FORMAT;
  }

  /** Replaces every cell by the raw aggregation. Run it while no expense is being written. */
  async rebuild(): Promise<number> {
    const raw = await this.aggregateRaw();
    await this.cells.deleteMany({});
    if (raw.length > 0) {
      await this.cells.insertMany(raw.map((cell) => ({ _id: cellId(cell), ...keyOf(cell), amount: toDecimal128(cell.amount), expenseCount: cell.expenseCount, ops: [] })));
    }
    await this.meta.updateOne({ _id: 'rollups' }, { $set: { format: ROLLUP_FORMAT } }, { upsert: true });
    return raw.length;
  }

  /** Cells where the stored cells and the raw aggregation disagree (none when they are equal). */
  async verify(): Promise<RollupDifference[]> {
    const [raw, stored] = await Promise.all([this.aggregateRaw(), this.cells.find().toArray()]);
    const rawById = new Map(raw.map((cell) => [cellId(cell), cell]));
    const storedById = new Map(stored.filter((cell) => cell.expenseCount !== 0 || !fromDecimal128(cell.amount).isZero()).map((cell) => [cell._id, cell]));
    const differences: RollupDifference[] = [];
    for (const id of new Set([...rawById.keys(), ...storedById.keys()])) {
      const fromRaw = rawById.get(id);
      const fromStored = storedById.get(id);
      const rawAmount = fromRaw?.amount ?? Decimal.ZERO;
      const storedAmount = fromStored ? fromDecimal128(fromStored.amount) : Decimal.ZERO;
      if (rawAmount.compare(storedAmount) !== 0 || (fromRaw?.expenseCount ?? 0) !== (fromStored?.expenseCount ?? 0)) {
        differences.push({
          cell: id,
          raw: { amount: rawAmount.toString(), expenseCount: fromRaw?.expenseCount ?? 0 },
          rollup: { amount: storedAmount.toString(), expenseCount: fromStored?.expenseCount ?? 0 },
        });
      }
    }
    return differences.sort((a, b) => a.cell.localeCompare(b.cell));
  }
}

function keyOf(cell: CellKey): CellKey {
  return { groupFiscalYear: cell.groupFiscalYear, initiativeId: cell.initiativeId, contributionType: cell.contributionType };
}
