import { GraphQLError } from 'graphql';
import { Decimal, Rational } from '../common/decimal';
import { crossRate, money, roundToCurrency, type Money } from '../common/money';
import { GROUP_BASE_CURRENCY } from '../common/registry';
import type { RateQuote } from './consolidation';

/** An exact value as text: a decimal when it terminates ("1234.5675"), else the reduced fraction "p/q". */
export function exactText(value: Rational): string {
  let rest = value.denominator;
  let twos = 0;
  let fives = 0;
  while (rest % 2n === 0n) [rest, twos] = [rest / 2n, twos + 1];
  while (rest % 5n === 0n) [rest, fives] = [rest / 5n, fives + 1];
  if (rest !== 1n) return `${value.numerator}/${value.denominator}`;
  return value.round(Math.max(twos, fives)).trimmed().toString();
}

/**
 * Record-by-record conversion into a reporting currency, with the same rates and the same rule as
 * the consolidation (group/consolidation.ts): the stated average rate of the record's group fiscal
 * year, a cross rate through JPY for another reporting currency, exact, then rounded once.
 */
export class RecordConversion {
  private readonly rates: Map<string, RateQuote>;

  constructor(
    readonly currency: string,
    rates: readonly RateQuote[],
  ) {
    this.rates = new Map(rates.map((rate) => [`${rate.currency}:${rate.fiscalYear}`, rate]));
  }

  private quote(currency: string, fiscalYear: number): Decimal {
    if (currency === GROUP_BASE_CURRENCY) return Decimal.parse('1');
    const rate = this.rates.get(`${currency}:${fiscalYear}`);
    if (!rate) {
      throw new GraphQLError(`No exchange rate is recorded for ${currency} in fiscal year ${fiscalYear}; headquarters records it with setExchangeRate before this record can be converted`, {
        extensions: { code: 'EXCHANGE_RATE_MISSING', currency, fiscalYear },
      });
    }
    return rate.jpyPerUnit;
  }

  /** Units of the reporting currency for one unit of `currency` in a fiscal year, exact. */
  factor(currency: string, fiscalYear: number): Rational {
    if (currency === this.currency) return Rational.of(1n, 1n);
    return crossRate(this.quote(currency, fiscalYear), this.quote(this.currency, fiscalYear));
  }

  exact(amount: Decimal, currency: string, fiscalYear: number): Rational {
    return amount.toRational().multiply(this.factor(currency, fiscalYear));
  }

  /** The converted amount, rounded once to the reporting currency's minor unit. */
  rounded(amount: Decimal, currency: string, fiscalYear: number): Money {
    return money(roundToCurrency(this.exact(amount, currency, fiscalYear), this.currency), this.currency);
  }

  /** A rate shown to people: exact when it terminates within 10 digits, else rounded to 10 (as the report shows it). */
  rateText(currency: string, fiscalYear: number): string {
    return this.factor(currency, fiscalYear).round(10).trimmed().toString();
  }
}
