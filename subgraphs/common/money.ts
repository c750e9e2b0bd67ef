import { Decimal, Rational } from './decimal';
import { minorDigits } from './currencies';

/** An amount in one currency, as it travels through the API: a decimal string plus its ISO 4217 code. */
export interface Money {
  amount: string;
  currency: string;
}

/** Shows at least the currency's minor digits ("5000000" JPY, "12.50" USD); unit prices may carry more. */
export function money(amount: Decimal, currency: string): Money {
  return { amount: amount.toFixed(Math.max(minorDigits(currency), amount.fractionDigits())), currency };
}

/** Rounds an exact value once to the currency's minor unit. */
export function roundToCurrency(value: Decimal | Rational, currency: string): Decimal {
  return value.round(minorDigits(currency));
}

export function sumDecimals(values: Iterable<Decimal>): Decimal {
  let total = Decimal.ZERO;
  for (const value of values) total = total.add(value);
  return total;
}

/**
 * The factor converting an amount in `from` into `to`, both quoted against the group's base
 * currency (JPY per unit) for the same fiscal year.
 */
export function crossRate(fromBasePerUnit: Decimal, toBasePerUnit: Decimal): Rational {
  return fromBasePerUnit.toRational().divide(toBasePerUnit.toRational());
}
