import { raise } from '../common/errors';
import { Decimal } from '../common/decimal';
import { isCurrencyCode } from '../common/currencies';
import { FISCAL_YEAR_LIMITS } from '../common/fiscal-year';
import { GROUP_BASE_CURRENCY } from '../common/registry';
import { toDecimal128 } from '../common/mongo';
import type { ExchangeRateDocument, GoalDocument, GoalMetric } from './documents';

/** Validation of what headquarters records: exchange rates and goals. Each refusal names its field. */

const MAX_RATE = Decimal.parse('1000000');
const RATE_DIGITS = 10;
const GOAL_ID = /^G-[A-Z0-9-]{1,40}$/;

function fiscalYear(value: number, field: string): number {
  const { min, max } = FISCAL_YEAR_LIMITS;
  if (!Number.isInteger(value) || value < min || value > max) raise('BAD_USER_INPUT', `${field} must be a fiscal year from ${min} to ${max}`, { field });
  return value;
}

function text(value: string | null | undefined, field: string, maxLength: number): string {
  const trimmed = (value ?? '').trim();
  if (trimmed.length === 0 || trimmed.length > maxLength) raise('BAD_USER_INPUT', `${field} must be 1 to ${maxLength} characters`, { field });
  return trimmed;
}

export interface ExchangeRateInput {
  currency: string;
  fiscalYear: number;
  jpyPerUnit: string;
  source: string;
  asOf: string;
}

export function exchangeRateDocument(input: ExchangeRateInput): ExchangeRateDocument {
  if (!isCurrencyCode(input.currency)) raise('BAD_USER_INPUT', `input.currency "${input.currency.slice(0, 10)}" is not an ISO 4217 code`, { field: 'input.currency' });
  if (input.currency === GROUP_BASE_CURRENCY) raise('BAD_USER_INPUT', `${GROUP_BASE_CURRENCY} is the base currency: its rate is 1 by definition`, { field: 'input.currency' });
  const year = fiscalYear(input.fiscalYear, 'input.fiscalYear');
  const rate = Decimal.parse(input.jpyPerUnit);
  if (rate.isNegative() || rate.isZero() || rate.compare(MAX_RATE) > 0 || rate.fractionDigits() > RATE_DIGITS) {
    raise('BAD_USER_INPUT', `input.jpyPerUnit must be above 0 and at most ${MAX_RATE.toString()}, with at most ${RATE_DIGITS} decimals`, { field: 'input.jpyPerUnit' });
  }
  return {
    _id: `${input.currency}:${year}`,
    currency: input.currency,
    fiscalYear: year,
    jpyPerUnit: toDecimal128(rate.trimmed()),
    kind: 'AVERAGE',
    asOf: input.asOf,
    illustrative: false,
    source: text(input.source, 'input.source', 200),
  };
}

export interface GoalInput {
  id: string;
  title: string;
  metric: GoalMetric;
  cadence: GoalDocument['cadence'];
  fromFiscalYear: number;
  toFiscalYear: number;
  target: number;
  unit: string;
  source?: string | null;
}

export function goalDocument(input: GoalInput): GoalDocument {
  if (!GOAL_ID.test(input.id)) raise('BAD_USER_INPUT', 'input.id must be "G-" followed by 1 to 40 capitals, digits or dashes', { field: 'input.id' });
  const from = fiscalYear(input.fromFiscalYear, 'input.fromFiscalYear');
  const to = fiscalYear(input.toFiscalYear, 'input.toFiscalYear');
  if (from > to) raise('BAD_USER_INPUT', `input.fromFiscalYear ${from} is after input.toFiscalYear ${to}`, { field: 'input.fromFiscalYear' });
  if (!Number.isInteger(input.target) || input.target < 1 || input.target > 1_000_000_000) {
    raise('BAD_USER_INPUT', 'input.target must be a whole number from 1 to 1,000,000,000', { field: 'input.target' });
  }
  return {
    _id: input.id,
    title: text(input.title, 'input.title', 200),
    metric: input.metric,
    cadence: input.cadence,
    fromFiscalYear: from,
    toFiscalYear: to,
    target: input.target,
    unit: text(input.unit, 'input.unit', 50),
    illustrative: false,
    source: input.source == null ? null : text(input.source, 'input.source', 200),
  };
}
