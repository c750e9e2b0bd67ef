/** A decimal shown with every digit it has (Intl stops at 3 fraction digits, a currency at its minor unit). */
export function exactNumber(text: string, locale: string): string {
  return new Intl.NumberFormat(locale, { maximumFractionDigits: 20 }).format(text as `${number}`);
}

/** A unit price such as 1000.005 INR: a price may have more digits than the currency's amounts. */
export function exactPrice(amount: string, currency: string, locale: string): string {
  return `${exactNumber(amount, locale)} ${currency}`;
}
