import type { Collection, Db } from 'mongodb';
import { REGIONAL_COLLECTIONS, type AdjustmentDocument, type JournalEntryDocument } from '../documents';
import type { FiscalYearSpan } from './volunteering';

/**
 * Reads of the adjustments (corrections of closed years' expenses booked in open years). They are
 * written through the journal like every record (store/writes.ts `recordAdjustment`) and never
 * change; reports read the stored ones and those that committed journal entries insert but that
 * are not stored yet, as volunteering does.
 */
export class AdjustmentStore {
  private readonly collection: Collection<AdjustmentDocument>;

  constructor(db: Db) {
    this.collection = db.collection<AdjustmentDocument>(REGIONAL_COLLECTIONS.adjustments);
  }

  /** Adjustments restating the years of a span, oldest first. */
  stored(span: FiscalYearSpan): Promise<AdjustmentDocument[]> {
    return this.collection.find({ restatedFiscalYear: { $gte: span.from, $lte: span.to } }).sort({ _id: 1 }).toArray();
  }

  /** The stored ones with those committed entries insert and that are not stored yet. */
  withPending(stored: readonly AdjustmentDocument[], span: FiscalYearSpan, pending: readonly JournalEntryDocument[]): AdjustmentDocument[] {
    const inserted = pending
      .flatMap((entry) => entry.changes.filter((change) => change.kind === 'insert' && change.collection === REGIONAL_COLLECTIONS.adjustments))
      .map((change) => (change as unknown as { document: AdjustmentDocument }).document)
      .filter((adjustment) => adjustment.restatedFiscalYear >= span.from && adjustment.restatedFiscalYear <= span.to);
    if (inserted.length === 0) return [...stored];
    // the read of the stored ones came first: what it did not see is counted from the entry (the same document)
    const known = new Set(stored.map((adjustment) => adjustment._id));
    const missing = inserted.filter((adjustment) => !known.has(adjustment._id));
    return [...stored, ...missing].sort((a, b) => a._id.localeCompare(b._id));
  }

  /** Adjustments of one original expense (under one close). */
  ofOriginal(originalExpenseId: string, closeId: string): Promise<AdjustmentDocument[]> {
    return this.collection.find({ originalExpenseId, closeId }).toArray();
  }

  async findByIds(ids: readonly string[]): Promise<(AdjustmentDocument | null)[]> {
    const found = await this.collection.find({ _id: { $in: [...ids] } }).toArray();
    const byId = new Map(found.map((adjustment) => [adjustment._id, adjustment]));
    return ids.map((id) => byId.get(id) ?? null);
  }
}
