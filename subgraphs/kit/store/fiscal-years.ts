import type { Collection, Db } from 'mongodb';
import { raise } from '../../common/errors';
import { regionalMutationName } from '../names';
import type { SubsidiaryConfig } from '../../common/registry';
import { REGIONAL_COLLECTIONS, type FiscalYearOrderDocument } from '../documents';

/**
 * The state of each group fiscal year in this subsidiary: the fiscal-year orders of headquarters
 * it applied (kit/closes.ts), the one of highest sequence deciding. Every write reads it while it
 * holds its journal entry (store/writes.ts), so that a lock applied before the read refuses the
 * write, and a write whose read came first is one the lock waits for (kit/closes.ts, drain).
 */
export class FiscalYearLocks {
  private readonly orders: Collection<FiscalYearOrderDocument>;

  constructor(
    db: Db,
    private readonly subsidiary: SubsidiaryConfig,
  ) {
    this.orders = db.collection<FiscalYearOrderDocument>(REGIONAL_COLLECTIONS.fiscalYearOrders);
  }

  /** The latest order of each year that has one (of some years, or all). */
  async latest(years?: readonly number[]): Promise<Map<number, FiscalYearOrderDocument>> {
    if (years && years.length === 0) return new Map();
    const filter = years ? { fiscalYear: { $in: [...new Set(years)] } } : {};
    const found = await this.orders.find(filter).sort({ fiscalYear: 1, sequence: -1 }).toArray();
    const latest = new Map<number, FiscalYearOrderDocument>();
    for (const order of found) if (!latest.has(order.fiscalYear)) latest.set(order.fiscalYear, order);
    return latest;
  }

  async latestOf(year: number): Promise<FiscalYearOrderDocument | null> {
    return (await this.latest([year])).get(year) ?? null;
  }

  /** The locking order of the first of `years` that is closed (or being closed), or null. */
  async closedAmong(years: readonly number[]): Promise<FiscalYearOrderDocument | null> {
    const latest = await this.latest(years);
    for (const year of [...new Set(years)].sort()) {
      const order = latest.get(year);
      if (order?.action === 'CLOSE') return order;
    }
    return null;
  }

  /** Refuses with FISCAL_YEAR_CLOSED when one of `years` is closed; `what` says what the write would change. */
  async requireOpen(years: readonly number[], what: string): Promise<void> {
    const closed = await this.closedAmong(years);
    if (!closed) return;
    const adjustment = regionalMutationName(this.subsidiary, 'RecordAdjustment');
    raise(
      'FISCAL_YEAR_CLOSED',
      `${what} group fiscal year ${closed.fiscalYear}, which headquarters has closed (${closed.closeId}, ordered ${closed.orderedAt}): its published figures are final and its records are not changed. ` +
        `Book the correction in an open year instead, as an adjustment that references the original expense: ${adjustment}(input: { originalExpenseId, amountChange, reason }).`,
      { fiscalYear: closed.fiscalYear, closeId: closed.closeId, subsidiary: this.subsidiary.code },
    );
  }
}
