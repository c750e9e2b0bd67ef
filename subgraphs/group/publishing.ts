import type { SigningKey } from '../../platform/signing-keys';
import { canonicalJson, contentHash } from '../common/canonical-json';
import { raise } from '../common/errors';
import { FISCAL_YEAR_LIMITS } from '../common/fiscal-year';
import { closeIdOf, orderText, signOrder, type FiscalYearAction } from '../common/fiscal-year-orders';
import { fromDecimal128 } from '../common/mongo';
import { PUBLISHED_REPORT_FORMAT, type PublishedLock, type PublishedReportDocument, type PublishedSubsidiary } from '../common/published-report';
import { lockStatement } from '../common/regional-figures';
import { GROUP_BASE_CURRENCY, SUBSIDIARIES, type SubsidiaryConfig } from '../common/registry';
import { PURPOSES, signStatement, signatureProblem, type RegionalKeys, type StatementSignature } from '../common/statements';
import { regionalTypeNames } from '../kit/schema';
import { Consolidation, type RateQuote } from './consolidation';
import type { ExchangeRateDocument, GoalDocument } from './documents';
import { figuresOf, publishedKeys, verifiedArrivals, type FigureVerifier } from './figure-signatures';
import type { FiscalYearOrderRecord, FiscalYearRegister, PublishedReportRecord } from './fiscal-years';
import type { GroupLoaders } from './loaders';
import { reportFigures } from './report-figures';
import { reportParams, type ReportParams } from './report-params';
import { arrivalsOf } from './representation';
import type { AuditTrail } from '../kit/audit';

/**
 * Closing and reopening group fiscal years (docs/reporting.md, "Closing a fiscal year").
 *
 * `closeFiscalYear` issues a signed CLOSE order and returns it as a FiscalYearOrder entity whose
 * `subsidiaries` are each subsidiary's FiscalYearLock keyed by that order. The gateway's plan then
 * has every regional subgraph apply the order (they refuse writes into the year from then on), wait
 * for the writes begun before it, and answer the year's report; `outcome` @requires those answers,
 * and here, once every subsidiary holds the order and the report is complete (every figure signed,
 * every rate recorded), the report is published: stored once, under the close's id. A close that
 * does not complete publishes nothing and is refused with CLOSE_INCOMPLETE; the year stays being
 * closed, and asking again resumes it with the same order. `reopenFiscalYear` issues a REOPEN order
 * the same way; the published version is kept, marked reopened.
 */
export interface FiscalYearContext {
  fiscalYears: FiscalYearRegister;
  /** Signs fiscal-year orders and published reports (HEADQUARTERS_SIGNING_KEY); null: no close. */
  headquartersKey: SigningKey | null;
  loaders: GroupLoaders;
  figures: FigureVerifier;
  /** The subsidiaries' public keys: their confirmations of an order are signed with them. */
  regionalKeys: RegionalKeys;
  audit: AuditTrail;
  principal: { subject: string };
}

function checkYear(fiscalYear: number): number {
  const { min, max } = FISCAL_YEAR_LIMITS;
  if (!Number.isInteger(fiscalYear) || fiscalYear < min || fiscalYear > max) raise('BAD_USER_INPUT', `fiscalYear must be from ${min} to ${max}`, { field: 'fiscalYear' });
  return fiscalYear;
}

function keyOf(context: FiscalYearContext): SigningKey {
  if (context.headquartersKey) return context.headquartersKey;
  return raise('FORBIDDEN', "The group subgraph holds no HEADQUARTERS_SIGNING_KEY, so it cannot issue fiscal-year orders the subsidiaries would apply; an operator sets it (npm run -s keys prints one)", {});
}

/** A FiscalYearOrder entity: the order, and each subsidiary's lock of it for the gateway to resolve. */
export function orderView(order: FiscalYearOrderRecord) {
  return {
    id: order._id,
    fiscalYear: order.fiscalYear,
    sequence: order.sequence,
    action: order.action,
    closeId: order.closeId,
    orderedBy: order.orderedBy,
    orderedAt: order.orderedAt,
    reason: order.reason,
    order: order.text,
    subsidiaries: SUBSIDIARIES.map((subsidiary) => ({ __typename: regionalTypeNames(subsidiary).fiscalYearLock, order: order.text })),
  };
}

async function issue(context: FiscalYearContext, fiscalYear: number, action: FiscalYearAction, previous: FiscalYearOrderRecord | null, reason: string | null): Promise<FiscalYearOrderRecord> {
  const sequence = (previous?.sequence ?? 0) + 1;
  const closeId = action === 'CLOSE' ? closeIdOf(fiscalYear, sequence) : previous!.closeId;
  const order = { type: 'fiscal-year-order' as const, fiscalYear, sequence, action, closeId, orderedAt: new Date().toISOString() };
  const record: FiscalYearOrderRecord = {
    _id: `${fiscalYear}#${sequence}`,
    fiscalYear,
    sequence,
    action,
    closeId,
    orderedAt: order.orderedAt,
    orderedBy: context.principal.subject,
    reason,
    text: orderText(signOrder(keyOf(context), order)),
  };
  if (!(await context.fiscalYears.issue(record))) {
    raise('RECORD_BUSY', `Another ${action === 'CLOSE' ? 'close' : 'reopening'} of fiscal year ${fiscalYear} was ordered at the same moment; ask again to resume it`, { fiscalYear });
  }
  await context.audit.change('FiscalYearOrder', record._id, previous, record);
  return record;
}

/** Currencies of the registry without a rate of the year: a close would not be complete. */
async function missingRates(context: FiscalYearContext, fiscalYear: number): Promise<string[]> {
  const rates = await context.loaders.ratesForSpan(fiscalYear, fiscalYear);
  const currencies = [...new Set(SUBSIDIARIES.map((subsidiary) => subsidiary.currency))].filter((currency) => currency !== GROUP_BASE_CURRENCY);
  return currencies.filter((currency) => !rates.some((rate) => rate.currency === currency));
}

export async function closeFiscalYear(context: FiscalYearContext, year: number) {
  const fiscalYear = checkYear(year);
  keyOf(context);
  const { state, latest, published } = await context.fiscalYears.state(fiscalYear);
  if (state === 'CLOSED') {
    raise('FISCAL_YEAR_ALREADY_CLOSED', `Fiscal year ${fiscalYear} is closed (${published!.closeId}, version ${published!.version}, by ${published!.closedBy} at ${published!.closedAt}); its published report is final. Reopen it first (reopenFiscalYear) to close it again.`, {
      fiscalYear,
      closeId: published!.closeId,
    });
  }
  if (state === 'CLOSING') {
    context.audit.unchanged();
    return orderView(latest!);
  }
  const rates = await missingRates(context, fiscalYear);
  if (rates.length > 0) {
    raise('CLOSE_INCOMPLETE', `Fiscal year ${fiscalYear} cannot be closed: no exchange rate is recorded for ${rates.join(', ')} in it (setExchangeRate); nothing was locked`, {
      fiscalYear,
      missingRates: rates,
      missingSubsidiaries: [],
    });
  }
  return orderView(await issue(context, fiscalYear, 'CLOSE', latest, null));
}

export async function reopenFiscalYear(context: FiscalYearContext, year: number, reasonText: string) {
  const fiscalYear = checkYear(year);
  const reason = reasonText.trim();
  if (reason.length === 0 || reason.length > 500) raise('BAD_USER_INPUT', 'reason must say why the year is reopened, in 1 to 500 characters', { field: 'reason' });
  const { latest, published } = await context.fiscalYears.state(fiscalYear);
  if (!latest) raise('INVALID_STATE', `Fiscal year ${fiscalYear} was never closed: it is open`, { fiscalYear });
  const order = latest.action === 'REOPEN' ? latest : await issue(context, fiscalYear, 'REOPEN', latest, reason);
  if (latest.action === 'REOPEN') context.audit.unchanged();
  // also on a resumed reopening: a crash may have come between the order and this mark
  const reopened = published ?? (await context.fiscalYears.published(order.closeId));
  if (reopened) await context.fiscalYears.markReopened(order.closeId, { orderId: order._id, by: order.orderedBy, at: order.orderedAt, reason: order.reason ?? reason });
  return orderView(order);
}

/** One subsidiary's lock as it arrived through @requires; null when its subgraph did not answer. */
interface ArrivedLock {
  fiscalYear: unknown;
  sequence: number;
  action: string;
  closeId: unknown;
  appliedAt: string;
  signature: unknown;
  report: unknown;
}

function lockOf(value: unknown): ArrivedLock | null {
  if (typeof value !== 'object' || value === null) return null;
  const { fiscalYear, sequence, action, closeId, appliedAt, signature, report } = value as Record<string, unknown>;
  if (!Number.isInteger(sequence) || typeof action !== 'string' || typeof appliedAt !== 'string') return null;
  return { fiscalYear, sequence: sequence as number, action, closeId, appliedAt, signature: signature ?? null, report: report ?? null };
}

/** The confirmation a subsidiary signed that it holds `order`, or why it does not hold. */
function confirmation(keys: RegionalKeys, subsidiary: SubsidiaryConfig, order: FiscalYearOrderRecord, lock: ArrivedLock | null): { lock: PublishedLock } | { problem: string } {
  if (!lock) return { problem: `No answer from the ${subsidiary.key} subgraph (unavailable or failed): it did not confirm the order` };
  if (lock.sequence > order.sequence) return { problem: `${subsidiary.name} holds a newer order of fiscal year ${order.fiscalYear} (sequence ${lock.sequence})` };
  if (lock.sequence !== order.sequence || lock.action !== order.action) return { problem: `${subsidiary.name} did not apply the order` };
  const statement = lockStatement(subsidiary.code, { order: order.text, fiscalYear: order.fiscalYear, sequence: order.sequence, action: order.action, closeId: order.closeId, appliedAt: lock.appliedAt });
  const problem = lock.fiscalYear !== order.fiscalYear || lock.closeId !== order.closeId ? 'names another year or close' : signatureProblem(keys.of(subsidiary.code), PURPOSES.lock, statement, lock.signature);
  if (problem) return { problem: `${subsidiary.name}'s confirmation of the order is refused: it ${problem}` };
  return { lock: { statement, signature: lock.signature as StatementSignature } };
}

export interface OrderOutcome {
  complete: boolean;
  applied: string[];
  pending: { code: string; name: string; reason: string }[];
  state: 'OPEN' | 'CLOSING' | 'CLOSED';
  published: ReturnType<typeof publishedReportView> | null;
}

function quotesOf(rates: readonly ExchangeRateDocument[]): RateQuote[] {
  return rates.map((rate) => ({ currency: rate.currency, fiscalYear: rate.fiscalYear, jpyPerUnit: fromDecimal128(rate.jpyPerUnit), source: rate.source }));
}

/** Resolves a FiscalYearOrder representation: the order as stored, and its outcome computed once. */
export async function resolveOrder(reference: { id?: unknown; subsidiaries?: unknown }, context: FiscalYearContext) {
  if (typeof reference.id !== 'string' || reference.id.length > 40) raise('BAD_USER_INPUT', "a FiscalYearOrder representation's id must be an order id such as \"2024#1\"", { field: 'representations' });
  const order = await context.fiscalYears.order(reference.id);
  if (!order) raise('NOT_FOUND', `No fiscal-year order ${reference.id.slice(0, 40)} was issued`, { field: 'representations' });
  const locks = Array.isArray(reference.subsidiaries) ? SUBSIDIARIES.map((_, index) => lockOf((reference.subsidiaries as unknown[])[index])) : null;
  let outcome: Promise<OrderOutcome> | undefined;
  const evaluate = async () => (locks ? outcomeOf(context, order, locks) : raise('BAD_USER_INPUT', "a FiscalYearOrder representation's outcome needs its subsidiaries' locks", { field: 'representations' }));
  return { ...orderView(order), outcome: () => (outcome ??= evaluate()) };
}

async function outcomeOf(context: FiscalYearContext, order: FiscalYearOrderRecord, locks: readonly (ArrivedLock | null)[]): Promise<OrderOutcome> {
  const confirmations = SUBSIDIARIES.map((subsidiary, index) => confirmation(context.regionalKeys, subsidiary, order, locks[index]!));
  const applied = SUBSIDIARIES.filter((_, index) => 'lock' in confirmations[index]!).map((subsidiary) => subsidiary.code);
  const pending = SUBSIDIARIES.flatMap((subsidiary, index) => {
    const confirmed = confirmations[index]!;
    return 'problem' in confirmed ? [{ code: subsidiary.code, name: subsidiary.name, reason: confirmed.problem }] : [];
  });
  const { state, latest, published } = await context.fiscalYears.state(order.fiscalYear);
  if (order.action === 'REOPEN') return { complete: pending.length === 0, applied, pending, state, published: null };
  if (latest?._id !== order._id) raise('INVALID_STATE', `Order ${order._id} is no longer fiscal year ${order.fiscalYear}'s latest (${latest?._id ?? 'none'}): nothing is published from it`, { fiscalYear: order.fiscalYear });
  if (published) return { complete: true, applied, pending, state, published: publishedReportView(published) };
  if (pending.length > 0) {
    raise('CLOSE_INCOMPLETE', `Fiscal year ${order.fiscalYear} is not closed: ${pending.map((entry) => `${entry.reason}`).join('; ')}. Nothing was published; the subsidiaries that applied the order refuse writes into the year until it is closed (ask closeFiscalYear again once they answer) or reopened.`, {
      fiscalYear: order.fiscalYear,
      missingSubsidiaries: pending.map((entry) => entry.code),
      lockedSubsidiaries: applied,
    });
  }
  const record = await publish(context, order, locks.map((lock) => lock!.report), confirmations.map((confirmed) => (confirmed as { lock: PublishedLock }).lock));
  return { complete: true, applied, pending, state: 'CLOSED', published: publishedReportView(record) };
}

/** The consolidation of the year from the reports the locks answered, refused unless complete. */
async function publish(context: FiscalYearContext, order: FiscalYearOrderRecord, reports: readonly unknown[], locks: readonly PublishedLock[]): Promise<PublishedReportRecord> {
  const params = reportParams({ fiscalYear: order.fiscalYear });
  const shaped = arrivalsOf({ subsidiaries: [...reports] }, SUBSIDIARIES, params);
  const arrivals = verifiedArrivals(context.figures, SUBSIDIARIES, params, shaped);
  const [rates, goals] = await Promise.all([context.loaders.ratesForSpan(order.fiscalYear, order.fiscalYear), context.loaders.goals()]);
  const consolidation = new Consolidation(params, SUBSIDIARIES, arrivals, quotesOf(rates));
  if (!consolidation.complete) {
    const missing = consolidation.completeness().missing;
    raise('CLOSE_INCOMPLETE', `Fiscal year ${order.fiscalYear} is not closed: ${missing.map((entry) => entry.reason).join('; ')}. Nothing was published; ask closeFiscalYear again once every subsidiary's figures arrive.`, {
      fiscalYear: order.fiscalYear,
      missingSubsidiaries: missing.map((entry) => entry.code),
    });
  }
  const subsidiaries: PublishedSubsidiary[] = SUBSIDIARIES.map((subsidiary, index) => {
    const arrival = shaped[index]!;
    const lock = locks[index]!;
    if (!arrival || !('cells' in arrival)) throw new Error(`${subsidiary.code}: complete, yet without figures`);
    if (arrival.asOf < lock.statement.appliedAt) {
      raise('CLOSE_INCOMPLETE', `Fiscal year ${order.fiscalYear} is not closed: ${subsidiary.name}'s figures were read at ${arrival.asOf}, before it locked the year at ${lock.statement.appliedAt}; ask closeFiscalYear again`, {
        fiscalYear: order.fiscalYear,
        missingSubsidiaries: [subsidiary.code],
      });
    }
    return { code: subsidiary.code, name: subsidiary.name, currency: subsidiary.currency, lock, figures: figuresOf(subsidiary, params, arrival), signature: (arrival.signature as StatementSignature | null) ?? null };
  });
  const earlier = (await context.fiscalYears.versions(order.fiscalYear)).filter((version) => version.closeId !== order.closeId);
  const closedAt = new Date().toISOString();
  const closedBy = context.principal.subject;
  const signers = subsidiaries.map((entry) => ({ code: entry.code, keyIds: [entry.signature?.keyId, entry.lock.signature.keyId] }));
  const document: PublishedReportDocument = {
    ...publishedDocument(consolidation, params, goals, rates, subsidiaries, { order, version: earlier.length + 1, closedAt, closedBy }),
    keys: publishedKeys(context.figures, signers, context.headquartersKey),
  };
  const record: PublishedReportRecord = {
    _id: order.closeId,
    fiscalYear: order.fiscalYear,
    version: document.version,
    closeId: order.closeId,
    orderId: order._id,
    document: canonicalJson(document),
    hash: contentHash(document),
    signature: context.headquartersKey ? signStatement(context.headquartersKey, PURPOSES.report, document) : null,
    closedBy,
    closedAt,
    reopened: null,
  };
  const stored = await context.fiscalYears.publish(record);
  if (stored === record) {
    await context.audit.around('publishFiscalYear', 'PublishedReport', {}, () =>
      context.audit.change('PublishedReport', record._id, null, { fiscalYear: record.fiscalYear, version: record.version, closeId: record.closeId, hash: record.hash, total: document.total }),
    );
  }
  return stored;
}

interface Publication {
  order: FiscalYearOrderRecord;
  version: number;
  closedAt: string;
  closedBy: string;
}

/** Every figure of groupReport for the year, as plain values of the document. */
function publishedDocument(
  consolidation: Consolidation,
  params: ReportParams,
  goals: readonly GoalDocument[],
  rates: readonly ExchangeRateDocument[],
  subsidiaries: PublishedSubsidiary[],
  publication: Publication,
): Omit<PublishedReportDocument, 'keys'> {
  return {
    format: PUBLISHED_REPORT_FORMAT,
    fiscalYear: publication.order.fiscalYear,
    version: publication.version,
    closeId: publication.order.closeId,
    currency: params.currency,
    closedBy: publication.closedBy,
    closedAt: publication.closedAt,
    orderedAt: publication.order.orderedAt,
    ...reportFigures(consolidation),
    goals: consolidation.goals(goals).map((progress) => ({
      goalId: progress.goal._id,
      title: progress.goal.title,
      metric: progress.goal.metric,
      fiscalYear: progress.fiscalYear,
      target: progress.target,
      actual: progress.actual,
      progressPercent: progress.progressPercent,
      achieved: progress.achieved,
      periodFullyCovered: progress.periodFullyCovered,
    })),
    rates: [...rates]
      .sort((a, b) => a.currency.localeCompare(b.currency))
      .map((rate) => ({ currency: rate.currency, fiscalYear: rate.fiscalYear, jpyPerUnit: fromDecimal128(rate.jpyPerUnit).toString(), source: rate.source ?? null, asOf: rate.asOf ?? null })),
    subsidiaries,
  };
}

/** A published version as the API serves it: the stored text, never re-serialised. */
export function publishedReportView(record: PublishedReportRecord) {
  const document = JSON.parse(record.document) as PublishedReportDocument;
  return {
    fiscalYear: record.fiscalYear,
    version: record.version,
    closeId: record.closeId,
    document: record.document,
    hash: record.hash,
    signature: record.signature,
    closedBy: record.closedBy,
    closedAt: record.closedAt,
    total: document.total,
    reopened: record.reopened,
  };
}

export async function publishedReport(context: Pick<FiscalYearContext, 'fiscalYears'>, year: number, version: number | null) {
  const fiscalYear = checkYear(year);
  const versions = await context.fiscalYears.versions(fiscalYear);
  const chosen = version === null ? versions.at(-1) : versions.find((candidate) => candidate.version === version);
  return chosen ? publishedReportView(chosen) : null;
}

export async function publishedReports(context: Pick<FiscalYearContext, 'fiscalYears'>, year: number) {
  return (await context.fiscalYears.versions(checkYear(year))).map(publishedReportView);
}

export async function fiscalYearStatus(context: Pick<FiscalYearContext, 'fiscalYears'>, year: number) {
  const fiscalYear = checkYear(year);
  const { state, latest, published } = await context.fiscalYears.state(fiscalYear);
  return {
    fiscalYear,
    state,
    sequence: latest?.sequence ?? 0,
    closeId: latest?.closeId ?? null,
    orderedBy: latest?.orderedBy ?? null,
    orderedAt: latest?.orderedAt ?? null,
    published: published ? publishedReportView(published) : null,
  };
}

/** Rates of a closed (or closing) year are final: its published figures were converted with them. */
export async function requireRatesOpen(context: Pick<FiscalYearContext, 'fiscalYears'>, fiscalYear: number): Promise<void> {
  const { state, latest } = await context.fiscalYears.state(fiscalYear);
  if (state === 'OPEN') return;
  raise('FISCAL_YEAR_CLOSED', `Fiscal year ${fiscalYear} is ${state === 'CLOSED' ? 'closed' : 'being closed'} (${latest!.closeId}): its exchange rates are part of its published report and are not changed; reopen the year first (reopenFiscalYear)`, {
    fiscalYear,
    closeId: latest!.closeId,
  });
}
