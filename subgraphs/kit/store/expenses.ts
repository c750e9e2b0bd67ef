import { createHash } from 'node:crypto';
import { type ClientSession, type Collection, type Db, type Filter } from 'mongodb';
import { raise } from '../../common/errors';
import { Decimal } from '../../common/decimal';
import { fromDecimal128 } from '../../common/mongo';
import type { SubsidiaryConfig } from '../../common/registry';
import type { ContributionType } from '../../common/catalog';
import { REGIONAL_COLLECTIONS, type ExpenseDocument, type IdempotencyKeyDocument } from '../documents';
import { insertWithNextId, isDuplicateKey, nextId } from './ids';
import { expenseDelta, type RollupStore } from './rollups';

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

const RESERVATION_ATTEMPTS = 5;

export type ExpenseFields = Omit<ExpenseDocument, '_id' | 'createdAt' | 'updatedAt' | 'updatedBy'>;

function byInitiatives(ids: readonly string[], fiscalYear: number | null): Filter<ExpenseDocument> {
  return fiscalYear === null ? { initiativeId: { $in: [...ids] } } : { initiativeId: { $in: [...ids] }, groupFiscalYear: fiscalYear };
}

/** Stable fingerprint of a write request, to tell a retry from a different request reusing a key. */
export function requestHash(request: unknown): string {
  return createHash('sha256').update(JSON.stringify(request)).digest('hex');
}

export class ExpenseStore {
  private readonly collection: Collection<ExpenseDocument>;
  private readonly keys: Collection<IdempotencyKeyDocument>;

  constructor(
    private readonly db: Db,
    private readonly subsidiary: SubsidiaryConfig,
    private readonly rollups: RollupStore,
  ) {
    this.collection = db.collection<ExpenseDocument>(REGIONAL_COLLECTIONS.expenses);
    this.keys = db.collection<IdempotencyKeyDocument>(REGIONAL_COLLECTIONS.idempotencyKeys);
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

  /** Totals of many initiatives in one aggregation, summed exactly by MongoDB on Decimal128. */
  async totalsByInitiatives(ids: readonly string[], fiscalYear: number | null): Promise<InitiativeExpenseTotals[]> {
    const rows = await this.collection
      .aggregate<{ _id: { initiativeId: string; contributionType: ContributionType }; amount: { toString(): string }; count: number }>([
        { $match: byInitiatives(ids, fiscalYear) },
        { $group: { _id: { initiativeId: '$initiativeId', contributionType: '$contributionType' }, amount: { $sum: '$amount' }, count: { $sum: 1 } } },
      ])
      .toArray();
    const totals = new Map<string, InitiativeExpenseTotals>(ids.map((id) => [id, { amount: Decimal.ZERO, expenseCount: 0, byContributionType: [] }]));
    for (const row of rows) {
      const entry = totals.get(row._id.initiativeId);
      if (!entry) continue;
      const amount = fromDecimal128(row.amount);
      entry.amount = entry.amount.add(amount);
      entry.expenseCount += row.count;
      entry.byContributionType.push({ contributionType: row._id.contributionType, amount, expenseCount: row.count });
    }
    for (const entry of totals.values()) entry.byContributionType.sort((a, b) => a.contributionType.localeCompare(b.contributionType));
    return ids.map((id) => totals.get(id)!);
  }

  /** Records an expense under a fresh id; an id already taken (a counter behind its data) is skipped, never overwritten. */
  async record(fields: ExpenseFields, actor: string): Promise<ExpenseDocument> {
    const now = new Date();
    const recorded = await insertWithNextId(this.db, this.subsidiary.code, 'expense', this.collection, (id) => ({ _id: id, ...fields, createdAt: now, updatedAt: now, updatedBy: actor }));
    await this.rollups.apply([expenseDelta(recorded, 1)]);
    return recorded;
  }

  /**
   * Records an expense at most once per idempotency key, without needing a transaction: the key
   * reserves the expense id first, so a retry (even after a crash between the two writes) lands
   * on the same id, and the expense (which carries its key) is inserted only if it is not there yet.
   */
  async recordOnce(key: string, request: unknown, fields: ExpenseFields, actor: string): Promise<ExpenseDocument> {
    const hash = requestHash(request);
    let reservation = await this.keys.findOne({ _id: key });
    if (!reservation) {
      const candidate: IdempotencyKeyDocument = {
        _id: key,
        expenseId: await nextId(this.db, this.subsidiary.code, 'expense'),
        requestHash: hash,
        createdAt: new Date(),
      };
      try {
        await this.keys.insertOne(candidate);
        reservation = candidate;
      } catch (error) {
        if (!isDuplicateKey(error)) throw error;
        reservation = await this.keys.findOne({ _id: key });
        if (!reservation) throw error;
      }
    }
    if (reservation.requestHash !== hash) {
      raise('IDEMPOTENCY_KEY_REUSED', `idempotencyKey "${key}" was already used for a different expense (${reservation.expenseId}); use a new key`, {
        expenseId: reservation.expenseId,
      });
    }
    let current: IdempotencyKeyDocument = reservation;
    for (let attempt = 0; attempt < RESERVATION_ATTEMPTS; attempt += 1) {
      const stored: ExpenseDocument | null = await this.collection.findOne({ _id: current.expenseId });
      if (stored?.idempotencyKey === key) return stored;
      if (!stored) {
        const inserted = await this.insertNew(current.expenseId, { ...fields, idempotencyKey: key }, actor);
        if (inserted) {
          await this.rollups.apply([expenseDelta(inserted, 1)]);
          return inserted;
        }
        continue; // taken meanwhile: look again at who holds it
      }
      // the reserved id went to another expense (a counter behind the data): move the reservation
      const moved: IdempotencyKeyDocument | null = await this.keys.findOneAndUpdate(
        { _id: key, expenseId: current.expenseId },
        { $set: { expenseId: await nextId(this.db, this.subsidiary.code, 'expense') } },
        { returnDocument: 'after' },
      );
      current = moved ?? (await this.keys.findOne({ _id: key })) ?? current;
    }
    throw new Error(`No free expense id for idempotency key "${key}" after ${RESERVATION_ATTEMPTS} attempts: the expense counter is behind the stored ids`);
  }

  /** Inserts under `id`; null when the id is already taken. */
  private async insertNew(id: string, fields: ExpenseFields, actor: string): Promise<ExpenseDocument | null> {
    const now = new Date();
    const document: ExpenseDocument = { _id: id, ...fields, createdAt: now, updatedAt: now, updatedBy: actor };
    try {
      await this.collection.insertOne(document);
      return document;
    } catch (error) {
      if (isDuplicateKey(error)) return null;
      throw error;
    }
  }

  async replace(id: string, fields: ExpenseFields, actor: string): Promise<ExpenseDocument> {
    const change = { ...fields, updatedAt: new Date(), updatedBy: actor };
    const before = await this.collection.findOneAndUpdate({ _id: id }, { $set: change }, { returnDocument: 'before' });
    if (!before) raise('NOT_FOUND', `Expense ${id} does not exist in ${this.subsidiary.name}`, { id });
    const after: ExpenseDocument = { ...before, ...change };
    await this.rollups.apply([expenseDelta(before, -1), expenseDelta(after, 1)]);
    return after;
  }

  async delete(id: string): Promise<ExpenseDocument> {
    const deleted = await this.collection.findOneAndDelete({ _id: id });
    if (!deleted) raise('NOT_FOUND', `Expense ${id} does not exist in ${this.subsidiary.name}`, { id });
    await this.rollups.apply([expenseDelta(deleted, -1)]);
    return deleted;
  }

  /**
   * Keeps the copy of the initiative's cause area on its expenses in step (idempotent). Each expense
   * moves with a conditional update, and only a move that happened moves its amount between report
   * cells, so concurrent writes and repeated calls keep the rollups exact. `session`: inside a transaction.
   */
  async syncCauseArea(initiativeId: string, causeArea: ExpenseDocument['causeArea'], session?: ClientSession): Promise<void> {
    const options = session ? { session } : {};
    const stale = await this.collection.find({ initiativeId, causeArea: { $ne: causeArea } }, { ...options, projection: { _id: 1 } }).toArray();
    for (const { _id } of stale) {
      const before = await this.collection.findOneAndUpdate({ _id, causeArea: { $ne: causeArea } }, { $set: { causeArea } }, { ...options, returnDocument: 'before' });
      if (before) await this.rollups.apply([expenseDelta(before, -1), expenseDelta({ ...before, causeArea }, 1)], session);
    }
  }
}
