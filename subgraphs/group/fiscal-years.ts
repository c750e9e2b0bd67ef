import type { Collection, Db, IndexDescription } from 'mongodb';
import { sendJson, type Route } from '../../platform/http';
import type { FiscalYearAction } from '../common/fiscal-year-orders';
import type { StatementSignature } from '../common/statements';

/**
 * Headquarters' fiscal-year register (docs/reporting.md): the orders it issued to close or reopen
 * a group fiscal year, and the reports it published. Every write is one single-document insert
 * under an id that names what it is ("2024#3", "FY2024-C1"), so a retried or concurrent close or
 * reopen inserts nothing twice (a duplicate key means it is already there), and nothing is ever
 * updated in place but the `reopened` mark of a published version.
 *
 * A year's state follows from its latest order: none or REOPEN, open; CLOSE with its report
 * published, closed; CLOSE without it, being closed (the subsidiaries that applied the order refuse
 * writes into the year; asking for the close again resumes it).
 */
export interface FiscalYearOrderRecord {
  _id: string; // "2024#1"
  fiscalYear: number;
  sequence: number;
  action: FiscalYearAction;
  closeId: string;
  orderedAt: string;
  orderedBy: string;
  /** Why a year is reopened; null for a close. */
  reason: string | null;
  /** The order as signed by headquarters: what the subsidiaries apply (common/fiscal-year-orders.ts). */
  text: string;
}

export interface Reopening {
  orderId: string;
  by: string;
  at: string;
  reason: string;
}

export interface PublishedReportRecord {
  _id: string; // the close id, "FY2024-C1"
  fiscalYear: number;
  version: number;
  closeId: string;
  orderId: string;
  /** The report's canonical JSON, served byte for byte as stored (common/published-report.ts). */
  document: string;
  hash: string;
  /** Headquarters' signature over the document (purpose csr-published-report/1), when it holds a key. */
  signature: StatementSignature | null;
  closedBy: string;
  closedAt: string;
  /** Set when the year was reopened after this version: the version itself stays as published. */
  reopened: Reopening | null;
}

export type FiscalYearState = 'OPEN' | 'CLOSING' | 'CLOSED';

export const FISCAL_YEAR_COLLECTIONS = {
  orders: 'fiscal_year_orders',
  published: 'published_reports',
} as const;

export const FISCAL_YEAR_INDEXES: Record<string, IndexDescription[]> = {
  [FISCAL_YEAR_COLLECTIONS.orders]: [{ key: { fiscalYear: 1, sequence: -1 }, name: 'fiscalYear_sequence' }],
  [FISCAL_YEAR_COLLECTIONS.published]: [{ key: { fiscalYear: 1, version: -1 }, name: 'fiscalYear_version' }],
};

function isDuplicateKey(error: unknown): boolean {
  return (error as { code?: unknown }).code === 11000;
}

export class FiscalYearRegister {
  private readonly orders: Collection<FiscalYearOrderRecord>;
  private readonly reports: Collection<PublishedReportRecord>;

  constructor(db: Db) {
    this.orders = db.collection<FiscalYearOrderRecord>(FISCAL_YEAR_COLLECTIONS.orders);
    this.reports = db.collection<PublishedReportRecord>(FISCAL_YEAR_COLLECTIONS.published);
  }

  async latestOrder(fiscalYear: number): Promise<FiscalYearOrderRecord | null> {
    const [latest] = await this.orders.find({ fiscalYear }).sort({ sequence: -1 }).limit(1).toArray();
    return latest ?? null;
  }

  order(id: string): Promise<FiscalYearOrderRecord | null> {
    return this.orders.findOne({ _id: id });
  }

  /** The latest order of every year that has one (what a subsidiary's pull applies). */
  async latestOrders(): Promise<FiscalYearOrderRecord[]> {
    const all = await this.orders.find({}).sort({ fiscalYear: 1, sequence: -1 }).toArray();
    const seen = new Set<number>();
    return all.filter((order) => !seen.has(order.fiscalYear) && seen.add(order.fiscalYear));
  }

  /** Inserts the order; false when an order of that year and sequence already exists (a concurrent one won). */
  async issue(order: FiscalYearOrderRecord): Promise<boolean> {
    try {
      await this.orders.insertOne(order);
      return true;
    } catch (error) {
      if (isDuplicateKey(error)) return false;
      throw error;
    }
  }

  published(closeId: string): Promise<PublishedReportRecord | null> {
    return this.reports.findOne({ _id: closeId });
  }

  /** Every published version of a year, oldest first. */
  versions(fiscalYear: number): Promise<PublishedReportRecord[]> {
    return this.reports.find({ fiscalYear }).sort({ version: 1 }).toArray();
  }

  /** Stores a published report once: a second publication of the same close answers the first. */
  async publish(record: PublishedReportRecord): Promise<PublishedReportRecord> {
    try {
      await this.reports.insertOne(record);
      return record;
    } catch (error) {
      if (!isDuplicateKey(error)) throw error;
      const stored = await this.published(record._id);
      if (!stored) throw error;
      return stored;
    }
  }

  /** Marks the published version of a close as reopened (once: the first reopening is kept). */
  async markReopened(closeId: string, reopening: Reopening): Promise<void> {
    await this.reports.updateOne({ _id: closeId, reopened: null }, { $set: { reopened: reopening } });
  }

  async state(fiscalYear: number): Promise<{ state: FiscalYearState; latest: FiscalYearOrderRecord | null; published: PublishedReportRecord | null }> {
    const latest = await this.latestOrder(fiscalYear);
    if (!latest || latest.action === 'REOPEN') return { state: 'OPEN', latest, published: null };
    const published = await this.published(latest.closeId);
    return { state: published ? 'CLOSED' : 'CLOSING', latest, published };
  }

  /** The current published report of each closed year of a span, by year. */
  async currentCloses(from: number, to: number): Promise<Map<number, PublishedReportRecord>> {
    const [orders, reports] = await Promise.all([
      this.orders.find({ fiscalYear: { $gte: from, $lte: to } }).sort({ fiscalYear: 1, sequence: -1 }).toArray(),
      this.reports.find({ fiscalYear: { $gte: from, $lte: to } }).toArray(),
    ]);
    const byClose = new Map(reports.map((report) => [report.closeId, report]));
    const closes = new Map<number, PublishedReportRecord>();
    const seen = new Set<number>();
    for (const order of orders) {
      if (seen.has(order.fiscalYear)) continue;
      seen.add(order.fiscalYear);
      const published = order.action === 'CLOSE' ? byClose.get(order.closeId) : undefined;
      if (published) closes.set(order.fiscalYear, published);
    }
    return closes;
  }
}

/**
 * GET /fiscal-year-orders: the latest order of every year, as headquarters signed them, for the
 * subsidiaries' pull (kit/closes.ts FiscalYearSync). Signed, so it needs no token: a subsidiary
 * applies only what headquarters' key signed, and the orders say nothing but which years are closed.
 */
export function fiscalYearOrdersRoute(register: FiscalYearRegister): Route {
  return async (request, response) => {
    if (new URL(request.url ?? '/', 'http://localhost').pathname !== '/fiscal-year-orders') return false;
    if (request.method !== 'GET' && request.method !== 'HEAD') {
      sendJson(response, 405, { error: 'GET only' }, { allow: 'GET, HEAD' });
      return true;
    }
    try {
      sendJson(response, 200, { orders: (await register.latestOrders()).map((order) => order.text) }, { 'cache-control': 'no-store' });
    } catch {
      sendJson(response, 503, { error: "headquarters' database did not answer" });
    }
    return true;
  };
}
