/** An amount as the API gives it: an exact decimal string and its ISO 4217 currency. */
export interface Money {
  amount: string;
  currency: string;
}

/**
 * Formats an exact decimal amount for a locale without passing it through a float: the string goes
 * to Intl.NumberFormat as it is (exact decimal formatting), in the currency's own minor units.
 */
export function formatMoney(money: Money, locale: string): string {
  return new Intl.NumberFormat(locale, { style: 'currency', currency: money.currency, currencyDisplay: 'symbol' }).format(money.amount as `${number}`);
}

/** The same amount as a plain number for charts only (never summed, never shown as the figure). */
export function chartValue(money: Money): number {
  return Number(money.amount);
}

export function formatNumber(value: string | number, locale: string): string {
  return new Intl.NumberFormat(locale).format(value as `${number}`);
}
