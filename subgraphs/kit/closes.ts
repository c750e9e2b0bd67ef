import { raise } from '../common/errors';
import { verifiedOrder, type FiscalYearAction } from '../common/fiscal-year-orders';
import { lockStatement, type FigureAdjustment, type RegionalFigures } from '../common/regional-figures';
import { formatReportKey } from '../common/report-key';
import type { SubsidiaryConfig } from '../common/registry';
import { fromDecimal128 } from '../common/mongo';
import { PURPOSES, signStatement, type StatementSignature } from '../common/statements';
import { AuditTrail } from './audit';
import type { RegionalContext } from './context';
import type { RegionalReporting } from './reporting';
import type { RegionalStore } from './store';
import type { ReportAdjustment, ReportFigures } from './store/figures';

export { DEFAULT_SYNC_INTERVAL_MS, NO_REPORTING, type RegionalReporting } from './reporting';


/** An adjustment as the report entity serves it and the subsidiary signs it. */
export function adjustmentView(adjustment: ReportAdjustment): FigureAdjustment {
  return {
    id: adjustment._id,
    originalExpenseId: adjustment.originalExpenseId,
    initiativeId: adjustment.initiativeId,
    date: adjustment.date,
    groupFiscalYear: adjustment.groupFiscalYear,
    restatedFiscalYear: adjustment.restatedFiscalYear,
    causeArea: adjustment.causeArea,
    contributionType: adjustment.contributionType,
    amountChange: fromDecimal128(adjustment.amountChange).toString(),
    closeId: adjustment.closeId,
    reason: adjustment.reason,
    recordedBy: adjustment.createdBy,
    recordedAt: adjustment.createdAt.toISOString(),
  };
}

/**
 * The figures a report entity hands over, exactly as its fields serve them (statements.ts signs
 * their canonical JSON; the group subgraph rebuilds the same value from what it received).
 */
export function regionalFigures(subsidiary: SubsidiaryConfig, reportKey: string, asOf: string, datasetId: string, figures: Omit<ReportFigures, 'dataset'>): RegionalFigures {
  return {
    subsidiary: subsidiary.code,
    reportKey,
    currency: subsidiary.currency,
    dataset: datasetId,
    asOf,
    cells: figures.cells.map((cell) => ({ groupFiscalYear: cell.groupFiscalYear, causeArea: cell.causeArea, contributionType: cell.contributionType, motivation: cell.motivation, amount: cell.amount.toString(), expenseCount: cell.expenseCount })),
    volunteering: figures.volunteering.map((row) => ({ groupFiscalYear: row.groupFiscalYear, newRegistrations: row.newRegistrations, participants: row.participants, hours: row.hours.toString() })),
    adjustments: figures.adjustments.map(adjustmentView),
  };
}

export function signFigures(reporting: RegionalReporting, figures: RegionalFigures): StatementSignature | null {
  return reporting.signingKey ? signStatement(reporting.signingKey, PURPOSES.figures, figures) : null;
}

/** What a `<Prefix>FiscalYearLock` entity serves: the order the year holds once the one asked for is applied. */
export interface FiscalYearLockView {
  order: string;
  fiscalYear: number;
  sequence: number;
  action: FiscalYearAction;
  closeId: string;
  appliedAt: string;
  /** The subsidiary's signature over lockStatement() of the order it holds (`order` is the one asked for); null when it holds no key. */
  signature: StatementSignature | null;
  /** For a CLOSE held now, the key of the year's report (its figures cannot change any more); else null. */
  reportKey: string | null;
}

/**
 * How long a lock waits for the writes that began before it: a write of a live process finishes
 * within its lock wait; one of a process that died is finished or abandoned once its lease ran out.
 */
function drainTimeout(store: RegionalStore): number {
  const { leaseMs, lockWaitMs } = store.journal.settings;
  return 2 * leaseMs + lockWaitMs + 1_000;
}

/**
 * Waits until every write that was in flight when the year was locked has finished: each of them
 * read the year's state before the lock (else it was refused), so it may still write into the
 * year. Writes that begin afterwards read the lock and are refused. Once they are gone, the year's
 * figures cannot change any more.
 */
async function drain(store: RegionalStore, subsidiary: SubsidiaryConfig, fiscalYear: number): Promise<void> {
  const inFlight = await store.journal.inFlight();
  if (await store.journal.awaitGone(inFlight, drainTimeout(store))) return;
  raise('RECORD_BUSY', `${subsidiary.name} locked fiscal year ${fiscalYear}, but writes that began before the lock are still being finished; retry (headquarters' close resumes where it stopped)`, {
    subsidiary: subsidiary.code,
    fiscalYear,
  });
}

/**
 * Applies one of headquarters' signed orders (the close brings it in a lock entity's key) through
 * the journal, audited as `<key>ApplyFiscalYearOrder`, and answers the order the year holds then;
 * for a CLOSE, once the writes begun before the lock are done, so the year's report read
 * afterwards is final.
 */
export async function applyOrder(store: RegionalStore, subsidiary: SubsidiaryConfig, reporting: RegionalReporting, text: string, actor: string, requestId: string | null): Promise<FiscalYearLockView> {
  const order = verifiedOrder(text, reporting.headquartersKeys);
  const audit = new AuditTrail(store.audit, actor, requestId);
  await audit.around(`${subsidiary.key}ApplyFiscalYearOrder`, 'FiscalYearOrder', {}, () =>
    store.writes.applyFiscalYearOrder(order, text, { idempotencyKey: null, request: { order: text } }, { actor, audit }),
  );
  const held = await store.fiscalYears.latestOf(order.fiscalYear);
  if (!held) throw new Error(`fiscal year ${order.fiscalYear}: the order just applied is not stored`);
  if (held.action === 'CLOSE') await drain(store, subsidiary, held.fiscalYear);
  const span = { from: held.fiscalYear, to: held.fiscalYear };
  // the order held now: the one asked for, or a newer one that came first
  const lock = { order: held.order, fiscalYear: held.fiscalYear, sequence: held.sequence, action: held.action, closeId: held.closeId, appliedAt: held.appliedAt.toISOString() };
  return {
    ...lock,
    order: text,
    signature: reporting.signingKey ? signStatement(reporting.signingKey, PURPOSES.lock, lockStatement(subsidiary.code, lock)) : null,
    reportKey: held.action === 'CLOSE' ? formatReportKey({ code: subsidiary.code, span, causeArea: null, contributionType: null }) : null,
  };
}

const MAX_ORDER_KEY_LENGTH = 2_000;

/**
 * The `<Prefix>FiscalYearLock` entity: resolving a reference applies the order of its key (the
 * @requiresScopes on the type let only group:close callers, through the gateway, reach it); its
 * `report` is the ordinary report entity of the year, read after the lock.
 */
export function fiscalYearLockResolvers<TReport>(subsidiary: SubsidiaryConfig, resolveReport: (id: string, context: RegionalContext) => TReport) {
  return {
    __resolveReference: (reference: { order?: unknown }, context: RegionalContext): Promise<FiscalYearLockView> => {
      const text = reference.order;
      if (typeof text !== 'string' || text.length > MAX_ORDER_KEY_LENGTH) raise('BAD_USER_INPUT', `a fiscal-year lock's order must be a string of at most ${MAX_ORDER_KEY_LENGTH} characters`, { field: 'representations' });
      return applyOrder(context.store, subsidiary, context.reporting, text, context.actor, context.requestId);
    },
    report: (lock: FiscalYearLockView, _args: unknown, context: RegionalContext) => (lock.reportKey ? resolveReport(lock.reportKey, context) : null),
  };
}
