import type { SigningKey, VerificationKey } from '../../platform/signing-keys';
import { CanonicalJsonError, canonicalJson } from './canonical-json';
import { raise } from './errors';
import { FISCAL_YEAR_LIMITS } from './fiscal-year';
import { PURPOSES, signStatement, signatureProblem, type StatementSignature } from './statements';

/**
 * Headquarters' orders to close or reopen a group fiscal year, signed with its key
 * (HEADQUARTERS_SIGNING_KEY; every regional subgraph holds HEADQUARTERS_PUBLIC_KEYS). Each year's
 * orders are numbered 1, 2, 3 … (`sequence`): a subsidiary applies an order only when it is newer
 * than the one it holds, so orders arriving late or twice, by the close's push or by the
 * subsidiary's own pull (docs/reporting.md), change nothing.
 *
 * A CLOSE order locks the year: the subsidiary refuses every write dated in it. A REOPEN order
 * unlocks it. `closeId` names the close ("FY2024-C1": the year and the order's sequence); a REOPEN
 * order names the close it reopens.
 */
export type FiscalYearAction = 'CLOSE' | 'REOPEN';

export interface FiscalYearOrder {
  type: 'fiscal-year-order';
  fiscalYear: number;
  sequence: number;
  action: FiscalYearAction;
  closeId: string;
  /** ISO 8601 instant. */
  orderedAt: string;
}

export interface SignedOrder {
  order: FiscalYearOrder;
  signature: StatementSignature;
}

export function closeIdOf(fiscalYear: number, sequence: number): string {
  return `FY${fiscalYear}-C${sequence}`;
}

export function signOrder(key: SigningKey, order: FiscalYearOrder): SignedOrder {
  return { order, signature: signStatement(key, PURPOSES.order, order) };
}

/** The order as it travels (a GraphQL argument, the pull endpoint): its canonical JSON. */
export function orderText(signed: SignedOrder): string {
  return canonicalJson(signed);
}

const MAX_ORDER_TEXT = 2_000;
const CLOSE_ID = /^FY\d{4}-C\d{1,9}$/;
const INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?Z$/;

/** Why `value` is not a well-formed order, or null. */
function orderProblem(value: unknown): string | null {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return 'is not an object';
  const order = value as Record<string, unknown>;
  const known = new Set(['type', 'fiscalYear', 'sequence', 'action', 'closeId', 'orderedAt']);
  const extra = Object.keys(order).find((key) => !known.has(key));
  if (extra) return `has a member "${extra.slice(0, 30)}" an order does not have`;
  if (order.type !== 'fiscal-year-order') return 'is not a fiscal-year order';
  const { min, max } = FISCAL_YEAR_LIMITS;
  if (!Number.isInteger(order.fiscalYear) || (order.fiscalYear as number) < min || (order.fiscalYear as number) > max) return `names no fiscal year from ${min} to ${max}`;
  if (!Number.isInteger(order.sequence) || (order.sequence as number) < 1 || (order.sequence as number) > 1_000_000) return 'has no sequence number from 1 on';
  if (order.action !== 'CLOSE' && order.action !== 'REOPEN') return 'is neither CLOSE nor REOPEN';
  if (typeof order.closeId !== 'string' || !CLOSE_ID.test(order.closeId) || !order.closeId.startsWith(`FY${order.fiscalYear}-`)) return 'has no close id of its year';
  if (typeof order.orderedAt !== 'string' || !INSTANT.test(order.orderedAt)) return 'has no orderedAt instant';
  return null;
}

/**
 * The order in `text`, checked and verified against headquarters' public keys; BAD_USER_INPUT
 * for a malformed one, FORBIDDEN for one headquarters did not sign.
 */
export function verifiedOrder(text: string, keys: readonly VerificationKey[], field = 'order'): FiscalYearOrder {
  if (typeof text !== 'string' || text.length > MAX_ORDER_TEXT) raise('BAD_USER_INPUT', `${field} must be a signed fiscal-year order of at most ${MAX_ORDER_TEXT} characters`, { field });
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return raise('BAD_USER_INPUT', `${field} is not JSON: it must be a signed fiscal-year order as headquarters' closeFiscalYear sends it`, { field });
  }
  const { order, signature } = (typeof parsed === 'object' && parsed !== null ? parsed : {}) as Partial<SignedOrder>;
  const problem = orderProblem(order);
  if (problem) raise('BAD_USER_INPUT', `${field} ${problem}`, { field });
  if (keys.length === 0) raise('FORBIDDEN', 'This subgraph holds no HEADQUARTERS_PUBLIC_KEYS, so it cannot tell a fiscal-year order of headquarters from a forged one; it applies none', { field });
  let refused: string | null;
  try {
    refused = signatureProblem(keys, PURPOSES.order, order, signature);
  } catch (error) {
    if (!(error instanceof CanonicalJsonError)) throw error;
    refused = error.message;
  }
  if (refused) raise('FORBIDDEN', `${field} is not signed by headquarters: it ${refused}`, { field });
  return order!;
}
