/**
 * Exact decimals for what a form shows while a person types (quantity × unit price): a bigint of
 * units and a scale, never a float. The API computes and stores the amount itself.
 */
export interface ScaledDecimal {
  units: bigint;
  scale: number;
}

const DECIMAL = /^([+-]?)(\d*)(?:\.(\d*))?$/;

/** "12.50" → 1250 units at scale 2; null for anything that is not a plain decimal. */
export function parseDecimal(text: string): ScaledDecimal | null {
  const match = DECIMAL.exec(text.trim());
  if (!match) return null;
  const [, sign = '', whole = '', fraction = ''] = match;
  if (whole === '' && fraction === '') return null;
  const units = BigInt(`${whole || '0'}${fraction}`);
  return { units: sign === '-' ? -units : units, scale: fraction.length };
}

export function multiply(a: ScaledDecimal, b: ScaledDecimal): ScaledDecimal {
  return { units: a.units * b.units, scale: a.scale + b.scale };
}

/** Rounded once to `digits` decimals, half away from zero (as the API rounds). */
export function roundTo(value: ScaledDecimal, digits: number): ScaledDecimal {
  if (value.scale <= digits) return { units: value.units * 10n ** BigInt(digits - value.scale), scale: digits };
  const divisor = 10n ** BigInt(value.scale - digits);
  const negative = value.units < 0n;
  const magnitude = negative ? -value.units : value.units;
  const rounded = (magnitude + divisor / 2n) / divisor;
  return { units: negative ? -rounded : rounded, scale: digits };
}

export function decimalText(value: ScaledDecimal): string {
  const negative = value.units < 0n;
  const digits = (negative ? -value.units : value.units).toString().padStart(value.scale + 1, '0');
  const text = value.scale === 0 ? digits : `${digits.slice(0, -value.scale)}.${digits.slice(-value.scale)}`;
  return `${negative ? '-' : ''}${text}`;
}

/** The minor digits of a currency (INR 2, JPY 0), as Intl knows them. */
export function minorDigits(currency: string): number {
  return new Intl.NumberFormat('en', { style: 'currency', currency }).resolvedOptions().maximumFractionDigits ?? 2;
}
