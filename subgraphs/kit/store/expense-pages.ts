import type { Collection, Db, Filter } from 'mongodb';
import type { ContributionType } from '../../common/catalog';
import { fiscalYearRange } from '../../common/fiscal-year';
import { GROUP_FISCAL_CALENDAR } from '../../common/registry';
import { REGIONAL_COLLECTIONS, type ExpenseDocument } from '../documents';
import type { DatasetStore } from './dataset';
import type { WriteJournal } from './journal';
import { movedCount, pendingChanges, withPendingRecords, withStagedInserts, type StoredDocument } from './pending-records';

/** Where a page of expenses begins: after this (date, id). */
export interface ExpensePosition {
  date: string;
  id: string;
}

/** A page asked of a subsidiary's flat list of expenses, every value validated (kit/expense-pages.ts). */
export interface ExpenseQuery {
  /** Group fiscal years (`groupFiscalYear`, as reports count them), inclusive. */
  span: { from: number; to: number } | null;
  /** The expense's own (local) date, inclusive. */
  fromDate: string | null;
  toDate: string | null;
  initiativeId: string | null;
  contributionType: ContributionType | null;
  first: number;
  after: ExpensePosition | null;
}

export interface ExpenseSlice {
  /** False when the database holds no dataset: the expenses are missing, not none. */
  dataset: boolean;
  /** At most `first` expenses after the cursor, in (date, id) order. */
  nodes: ExpenseDocument[];
  hasMore: boolean;
}

/** Negative, zero or positive as `a` sorts before, with or after `b`: by date, then id, as plain strings (MongoDB's order of these ASCII values). */
export function compareExpensePositions(a: ExpensePosition, b: ExpensePosition): number {
  if (a.date !== b.date) return a.date < b.date ? -1 : 1;
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}

function positionOf(expense: ExpenseDocument): ExpensePosition {
  return { date: expense.date, id: expense._id };
}

const later = (a: string | null, b: string | null) => (a === null ? b : b === null || a > b ? a : b);
const earlier = (a: string | null, b: string | null) => (a === null ? b : b === null || a < b ? a : b);

/**
 * The MongoDB filter of a query, built only from validated, typed values, so that the `date_id`
 * index reads from the cursor on and no further than the range: the cursor is a lower bound on the
 * date (with `date > d or _id > id`, which given `date >= d` is the keyset condition), and a span of
 * group fiscal years also bounds the dates (an expense's groupFiscalYear is its date's,
 * kit/mutations.ts); the groupFiscalYear condition stays, and a record that broke the rule would
 * show as a control-total mismatch of the export.
 */
function expenseFilter(query: ExpenseQuery): Filter<ExpenseDocument> {
  const clauses: Filter<ExpenseDocument>[] = [];
  let fromDate = query.fromDate;
  let toDate = query.toDate;
  if (query.span) {
    clauses.push({ groupFiscalYear: { $gte: query.span.from, $lte: query.span.to } });
    fromDate = later(fromDate, fiscalYearRange(query.span.from, GROUP_FISCAL_CALENDAR).start);
    toDate = earlier(toDate, fiscalYearRange(query.span.to, GROUP_FISCAL_CALENDAR).end);
  }
  if (query.after) {
    fromDate = later(fromDate, query.after.date);
    clauses.push({ $or: [{ date: { $gt: query.after.date } }, { _id: { $gt: query.after.id } }] });
  }
  if (fromDate || toDate) clauses.push({ date: { ...(fromDate ? { $gte: fromDate } : {}), ...(toDate ? { $lte: toDate } : {}) } });
  if (query.initiativeId) clauses.push({ initiativeId: query.initiativeId });
  if (query.contributionType) clauses.push({ contributionType: query.contributionType });
  return clauses.length === 0 ? {} : clauses.length === 1 ? clauses[0]! : { $and: clauses };
}

/** The same selection, checked in memory over the records the journal's changes in flight were laid over. */
function matches(query: ExpenseQuery, expense: ExpenseDocument): boolean {
  return (
    (!query.span || (expense.groupFiscalYear >= query.span.from && expense.groupFiscalYear <= query.span.to)) &&
    (!query.fromDate || expense.date >= query.fromDate) &&
    (!query.toDate || expense.date <= query.toDate) &&
    (!query.initiativeId || expense.initiativeId === query.initiativeId) &&
    (!query.contributionType || expense.contributionType === query.contributionType) &&
    (!query.after || compareExpensePositions(positionOf(expense), query.after) > 0)
  );
}

/**
 * A subsidiary's expenses as one flat list in (date, id) order, every initiative's (archived ones
 * too), page after page from a cursor: the whole extract of a range, however many expenses one
 * initiative has. The journal's committed entries and the dataset mark are read first, together;
 * then the page, in one query on the `date_id` index (or `initiative_date` for one initiative),
 * at most first + 1 documents (plus one per update or deletion in flight on expenses). Writes
 * committed but not applied yet, a bulk import's staged records among them (one more round trip
 * while one is in flight), are laid over what was read (store/pending-records.ts), as the report
 * figures count them (store/figures.ts), so the pages of a range add up to its report at the
 * instant each is read.
 */
export class ExpensePageReader {
  private readonly expenses: Collection<ExpenseDocument>;

  constructor(
    private readonly db: Db,
    private readonly dataset: Pick<DatasetStore, 'current'>,
    private readonly journal: Pick<WriteJournal, 'committed'>,
  ) {
    this.expenses = db.collection<ExpenseDocument>(REGIONAL_COLLECTIONS.expenses);
  }

  async page(query: ExpenseQuery): Promise<ExpenseSlice> {
    const [dataset, entries] = await Promise.all([this.dataset.current(), this.journal.committed()]);
    if (!dataset) return { dataset: false, nodes: [], hasMore: false };
    const pending = await withStagedInserts(this.db, entries, pendingChanges(entries));
    const limit = query.first + 1 + movedCount(pending, REGIONAL_COLLECTIONS.expenses);
    // the whole page in the first batch: one round trip, whatever its size
    const stored = await this.expenses.find(expenseFilter(query), { sort: { date: 1, _id: 1 }, limit, batchSize: limit }).toArray();
    const laid = (await withPendingRecords(this.db, REGIONAL_COLLECTIONS.expenses, stored as unknown as StoredDocument[], pending)) as unknown as ExpenseDocument[];
    const nodes = laid.filter((expense) => matches(query, expense)).sort((a, b) => compareExpensePositions(positionOf(a), positionOf(b)));
    return { dataset: true, nodes: nodes.slice(0, query.first), hasMore: nodes.length > query.first };
  }
}
