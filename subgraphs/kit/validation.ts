import { badInput, raise } from '../common/errors';
import { Decimal } from '../common/decimal';
import { minorDigits, isCurrencyCode } from '../common/currencies';
import { roundToCurrency } from '../common/money';
import type { SubsidiaryConfig } from '../common/registry';
import type { ContributionType } from '../common/catalog';
import { CONTRIBUTION_TYPES } from '../common/catalog';
import { FISCAL_YEAR_LIMITS } from '../common/fiscal-year';

/** Boundary checks for regional writes. Each failure is a BAD_USER_INPUT naming the field. */

export const LIMITS = {
  titleLength: 200,
  descriptionLength: 5_000,
  shortTextLength: 200,
  tagLength: 50,
  tags: 20,
  partners: 50,
  outcomes: 50,
  searchWords: 10,
  idLength: 40,
  idempotencyKeyLength: 100,
  maxAmount: Decimal.parse('1000000000000'),
  maxQuantity: Decimal.parse('1000000000'),
  maxUnitPrice: Decimal.parse('10000000000'),
  unitPriceExtraDigits: 4,
  quantityDigits: 4,
  maxCount: 10_000_000,
  maxHours: Decimal.parse('10000000'),
  pageSize: 100,
  expensesPerInitiative: 1_000,
  earliestDate: '1950-01-01',
  fiscalYears: FISCAL_YEAR_LIMITS,
} as const;

export function requiredText(value: string, field: string, maxLength: number): string {
  const text = value.trim();
  if (text.length === 0) badInput(`${field} must not be empty`, field);
  if (text.length > maxLength) badInput(`${field} must be at most ${maxLength} characters (got ${text.length})`, field);
  return text;
}

export function optionalText(value: string | null | undefined, field: string, maxLength: number): string | null {
  if (value === null || value === undefined) return null;
  const text = value.trim();
  if (text.length > maxLength) badInput(`${field} must be at most ${maxLength} characters (got ${text.length})`, field);
  return text.length === 0 ? null : text;
}

export function countOf(value: number | null | undefined, field: string): number | null {
  if (value === null || value === undefined) return null;
  if (!Number.isInteger(value) || value < 0 || value > LIMITS.maxCount) {
    badInput(`${field} must be a whole number from 0 to ${LIMITS.maxCount}`, field);
  }
  return value;
}

export function listOf<T>(values: readonly T[] | null | undefined, field: string, max: number): readonly T[] {
  const list = values ?? [];
  if (list.length > max) badInput(`${field} may hold at most ${max} entries (got ${list.length})`, field);
  return list;
}

export function fiscalYearArg(value: number | null | undefined, field: string): number | null {
  if (value === null || value === undefined) return null;
  const { min, max } = LIMITS.fiscalYears;
  if (!Number.isInteger(value) || value < min || value > max) badInput(`${field} must be a fiscal year from ${min} to ${max}`, field);
  return value;
}

export function pageSize(value: number | null | undefined, field: string, max: number, fallback: number): number {
  const size = value ?? fallback;
  if (!Number.isInteger(size) || size < 0 || size > max) badInput(`${field} must be from 0 to ${max}`, field);
  return size;
}

export function dateInRange(date: string, field: string, latest: string): string {
  if (date < LIMITS.earliestDate) badInput(`${field} must not be before ${LIMITS.earliestDate}`, field);
  if (date > latest) badInput(`${field} ${date} is in the future (today is ${latest} in the subsidiary's time zone)`, field);
  return date;
}

function decimalArg(text: string, field: string): Decimal {
  try {
    return Decimal.parse(text);
  } catch {
    return badInput(`${field} must be a decimal number such as "1234.50"`, field);
  }
}

export function positiveDecimal(text: string, field: string, max: Decimal, maxFractionDigits: number): Decimal {
  const value = decimalArg(text, field);
  if (value.isNegative() || value.isZero()) badInput(`${field} must be greater than zero (got ${text})`, field);
  if (value.compare(max) > 0) badInput(`${field} must be at most ${max.toString()} (got ${text})`, field);
  if (value.fractionDigits() > maxFractionDigits) badInput(`${field} may have at most ${maxFractionDigits} digits after the decimal point (got ${text})`, field);
  return value;
}

export function nonNegativeDecimal(text: string, field: string, max: Decimal, maxFractionDigits: number): Decimal {
  const value = decimalArg(text, field);
  if (value.isZero()) return value;
  return positiveDecimal(text, field, max, maxFractionDigits);
}

export function ownCurrency(currency: string | null | undefined, subsidiary: SubsidiaryConfig): string {
  if (currency === null || currency === undefined) return subsidiary.currency;
  if (!isCurrencyCode(currency)) badInput(`currency "${currency.slice(0, 10)}" is not an ISO 4217 code`, 'currency');
  if (currency !== subsidiary.currency) {
    badInput(`${subsidiary.name} records amounts in ${subsidiary.currency}; convert ${currency} amounts before recording them`, 'currency');
  }
  return currency;
}

/**
 * The id of an entity representation. Representations are client JSON when a subgraph is called
 * directly: an object such as { "$ne": null } must never reach a MongoDB filter.
 */
export function referenceId(reference: { id?: unknown }, maxLength: number = LIMITS.idLength): string {
  const { id } = reference;
  if (typeof id !== 'string' || id.length === 0 || id.length > maxLength) {
    badInput(`a representation's id must be a string of 1 to ${maxLength} characters`, 'representations');
  }
  return id;
}

/** The prefix check that keeps one subsidiary's subgraph from touching another's ids. */
export function ownId(id: string, subsidiary: SubsidiaryConfig, field: string): string {
  if (!id.startsWith(`${subsidiary.code}-`) || id.length > 40) {
    raise('WRONG_SUBSIDIARY', `${field} "${id.slice(0, 40)}" does not belong to ${subsidiary.name} (its ids start with "${subsidiary.code}-")`, { field });
  }
  return id;
}

export interface ValuationInput {
  contributionType: ContributionType;
  amount?: string | null;
  quantity?: string | null;
  unit?: string | null;
  unitPrice?: string | null;
}

export interface Valuation {
  amount: Decimal;
  quantity: Decimal | null;
  unit: string | null;
  unitPrice: Decimal | null;
}

/**
 * Amount of a contribution: given directly for cash and management costs, or quantity × unit price
 * (products, facility use, employee time) rounded once to the currency's minor unit.
 */
export function valuation(input: ValuationInput, currency: string, prefix: string): Valuation {
  const digits = minorDigits(currency);
  const type = CONTRIBUTION_TYPES.find((candidate) => candidate.code === input.contributionType);
  if (!type) return badInput(`unknown contribution type`, `${prefix}.contributionType`);
  if (type.valuedBy === 'AMOUNT') {
    if (input.quantity != null || input.unitPrice != null) {
      badInput(`${type.code} is recorded by amount only: leave quantity and unitPrice empty`, `${prefix}.quantity`);
    }
    if (input.amount == null) badInput(`${type.code} needs an amount`, `${prefix}.amount`);
    return {
      amount: positiveDecimal(input.amount, `${prefix}.amount`, LIMITS.maxAmount, digits),
      quantity: null,
      unit: null,
      unitPrice: null,
    };
  }
  if (input.quantity == null || input.unitPrice == null) {
    badInput(`${type.code} is valued as quantity × unitPrice: give both`, `${prefix}.${input.quantity == null ? 'quantity' : 'unitPrice'}`);
  }
  const quantity = positiveDecimal(input.quantity, `${prefix}.quantity`, LIMITS.maxQuantity, LIMITS.quantityDigits);
  const unitPrice = positiveDecimal(input.unitPrice, `${prefix}.unitPrice`, LIMITS.maxUnitPrice, digits + LIMITS.unitPriceExtraDigits);
  const amount = roundToCurrency(quantity.multiply(unitPrice), currency);
  if (amount.compare(LIMITS.maxAmount) > 0) badInput(`quantity × unitPrice exceeds ${LIMITS.maxAmount.toString()}`, `${prefix}.quantity`);
  if (amount.isZero()) badInput(`quantity × unitPrice rounds to zero ${currency}`, `${prefix}.unitPrice`);
  if (input.amount != null) {
    const stated = positiveDecimal(input.amount, `${prefix}.amount`, LIMITS.maxAmount, digits);
    if (stated.compare(amount) !== 0) {
      badInput(`amount ${stated.toString()} differs from quantity × unitPrice = ${amount.toString()} ${currency}; leave amount empty or correct it`, `${prefix}.amount`);
    }
  }
  const unit = requiredText(input.unit ?? '', `${prefix}.unit`, LIMITS.tagLength);
  return { amount, quantity, unit, unitPrice };
}
