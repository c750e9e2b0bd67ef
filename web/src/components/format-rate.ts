/** An exchange rate as the API states it (up to 10 decimals), digit for digit: never rounded for display. */
export function formatRate(rate: string, locale: string): string {
  return new Intl.NumberFormat(locale, { maximumFractionDigits: 20 }).format(rate as `${number}`);
}
