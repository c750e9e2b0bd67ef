import type { Collection, Db, Filter } from 'mongodb';
import { raise } from '../../common/errors';
import type { Decimal } from '../../common/decimal';
import type { SubsidiaryConfig } from '../../common/registry';
import type { ContributionType } from '../../common/catalog';
import { REGIONAL_COLLECTIONS, type ExpenseDocument } from '../documents';

export interface ContributionTotals {
  contributionType: ContributionType;
  amount: Decimal;
  expenseCount: number;
}

export interface InitiativeExpenseTotals {
  amount: Decimal;
  expenseCount: number;
  byContributionType: ContributionTotals[];
}

export type ExpenseFields = Omit<ExpenseDocument, '_id' | 'createdAt' | 'updatedAt' | 'updatedBy' | 'lastOp' | 'pendingOp' | 'idempotencyKey'>;

function byInitiatives(ids: readonly string[], fiscalYear: number | null): Filter<ExpenseDocument> {
  return fiscalYear === null ? { initiativeId: { $in: [...ids] } } : { initiativeId: { $in: [...ids] }, groupFiscalYear: fiscalYear };
}

/** Reads of a subsidiary's expenses; writes go through the journal (store/writes.ts). */
export class ExpenseStore {
  private readonly collection: Collection<ExpenseDocument>;

  constructor(
    db: Db,
    private readonly subsidiary: SubsidiaryConfig,
  ) {
    this.collection = db.collection<ExpenseDocument>(REGIONAL_COLLECTIONS.expenses);
  }

  async findByIds(ids: readonly string[]): Promise<(ExpenseDocument | null)[]> {
    const found = await this.collection.find({ _id: { $in: [...ids] } }).toArray();
    const byId = new Map(found.map((doc) => [doc._id, doc]));
    return ids.map((id) => byId.get(id) ?? null);
  }

  async get(id: string): Promise<ExpenseDocument> {
    const expense = await this.collection.findOne({ _id: id });
    if (!expense) raise('NOT_FOUND', `Expense ${id} does not exist in ${this.subsidiary.name}`, { id });
    return expense;
  }

  /** Expenses of many initiatives in one query, oldest first, grouped per initiative in `ids` order. */
  async listByInitiatives(ids: readonly string[], fiscalYear: number | null): Promise<ExpenseDocument[][]> {
    const found = await this.collection.find(byInitiatives(ids, fiscalYear)).sort({ initiativeId: 1, date: 1, _id: 1 }).toArray();
    const grouped = new Map<string, ExpenseDocument[]>(ids.map((id) => [id, []]));
    for (const expense of found) grouped.get(expense.initiativeId)?.push(expense);
    return ids.map((id) => grouped.get(id) ?? []);
  }
}
