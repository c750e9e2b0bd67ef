import type { Logger } from '../../platform/logger';
import { verifiedOrder, type FiscalYearOrder } from '../common/fiscal-year-orders';
import type { SubsidiaryConfig } from '../common/registry';
import { AuditTrail } from './audit';
import type { RegionalReporting } from './reporting';
import type { FiscalYearOrderDocument } from './documents';
import type { RegionalStore } from './store';

const FETCH_TIMEOUT_MS = 2_000;
export const SYNC_ACTOR = 'headquarters-sync';

/**
 * The pull: headquarters' orders fetched from its `/fiscal-year-orders` (signed, so the channel
 * need not be trusted), and those newer than what this subsidiary holds applied through the
 * journal like every write. The first attempt starts with the subgraph; writes wait for it (at
 * most FETCH_TIMEOUT_MS), so a subsidiary restarted after a close, or restored from a backup
 * older than a close, does not take a write into a closed year before it has asked.
 */
export class FiscalYearSync {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private readonly first: Promise<void>;
  private stopped = false;

  constructor(
    private readonly store: RegionalStore,
    private readonly subsidiary: SubsidiaryConfig,
    private readonly reporting: RegionalReporting,
    private readonly logger: Logger,
  ) {
    this.first = this.reporting.headquartersUrl() ? this.attempt() : Promise.resolve();
    this.timer = setInterval(() => void this.attempt(), Math.max(100, reporting.syncIntervalMs));
    this.timer.unref();
  }

  /** Resolves once the first attempt is over (whatever its outcome). */
  ready(): Promise<void> {
    return this.first;
  }

  /** One fetch and apply now (also what the timer does); never rejects. */
  attempt(): Promise<void> {
    if (this.stopped) return Promise.resolve();
    this.running ??= this.sync()
      .catch((error: unknown) => this.logger.warn({ event: 'fiscal_year_sync_failed', err: error }, "could not fetch headquarters' fiscal-year orders; retrying"))
      .finally(() => (this.running = undefined));
    return this.running;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearInterval(this.timer);
    await this.running;
  }

  private async sync(): Promise<void> {
    const base = this.reporting.headquartersUrl();
    if (!base) return;
    const response = await fetch(new URL('/fiscal-year-orders', base), { signal: AbortSignal.timeout(FETCH_TIMEOUT_MS) });
    if (!response.ok) throw new Error(`headquarters answered ${response.status}`);
    const body = (await response.json()) as { orders?: unknown };
    if (!Array.isArray(body.orders)) throw new Error('headquarters answered no list of orders');
    const held = await this.store.fiscalYears.latest();
    for (const text of body.orders.slice(0, 500)) {
      let order: FiscalYearOrder;
      try {
        order = verifiedOrder(String(text), this.reporting.headquartersKeys);
      } catch (error) {
        this.logger.warn({ event: 'fiscal_year_order_refused', err: error }, 'refused an order from headquarters');
        continue;
      }
      if ((held.get(order.fiscalYear)?.sequence ?? 0) >= order.sequence) continue;
      const audit = new AuditTrail(this.store.audit, SYNC_ACTOR, null);
      const applied: FiscalYearOrderDocument = await audit.around(`${this.subsidiary.key}ApplyFiscalYearOrder`, 'FiscalYearOrder', {}, () =>
        this.store.writes.applyFiscalYearOrder(order, String(text), { idempotencyKey: null, request: { order: String(text) } }, { actor: SYNC_ACTOR, audit }),
      );
      this.logger.info({ event: 'fiscal_year_order_applied', fiscalYear: applied.fiscalYear, sequence: applied.sequence, action: applied.action }, "applied headquarters' fiscal-year order");
    }
  }
}
