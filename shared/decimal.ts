/**
 * Exact decimal and rational arithmetic on bigint, for money. No binary floating point
 * ever touches an amount: values are parsed from decimal strings, added exactly, and
 * rounded once, half away from zero, when a line is shown.
 */

/**
 * The range of MongoDB's Decimal128 (IEEE 754-2008 decimal128), where amounts are stored: at most
 * 34 significant digits, times 10^q with q from -6176 to 6111. Every decimal string this code
 * parses must fit it, so no input (a client's variable, a representation another subgraph or a
 * caller hands over) can make bigint arithmetic work on numbers of thousands of digits.
 */
export const DECIMAL128 = { significantDigits: 34, minExponent: -6176, maxExponent: 6111 } as const;

/** The longest plain decimal string of a Decimal128 value, with a sign and some leading zeros. */
const MAX_DECIMAL_TEXT = 6_200;

const PLAIN_DECIMAL = /^([+-]?)(\d+)(?:\.(\d+))?$/;

/**
 * Why `text` is not a plain decimal number within Decimal128's range, or null when it is one.
 * Checked on the text, before any bigint is built from it.
 */
export function decimalProblem(text: string): string | null {
  if (text.length > MAX_DECIMAL_TEXT) return `has more than ${MAX_DECIMAL_TEXT} characters`;
  const match = PLAIN_DECIMAL.exec(text.trim());
  if (!match) return 'is not a decimal number such as "-1234.50"';
  const whole = match[2]!;
  const fraction = match[3] ?? '';
  const digits = `${whole}${fraction}`.replace(/^0+/, '');
  const coefficient = digits.replace(/0+$/, '');
  if (coefficient.length === 0) return -fraction.length < DECIMAL128.minExponent ? 'has more fraction digits than Decimal128 holds' : null;
  if (coefficient.length > DECIMAL128.significantDigits) return `has ${coefficient.length} significant digits; at most ${DECIMAL128.significantDigits} fit a Decimal128`;
  const exponent = digits.length - coefficient.length - fraction.length;
  // trailing zeros can move into the coefficient (up to 34 digits) to bring the exponent down
  if (exponent < DECIMAL128.minExponent || exponent - (DECIMAL128.significantDigits - coefficient.length) > DECIMAL128.maxExponent) {
    return 'is outside the range of a Decimal128';
  }
  return null;
}

/** The longest decimal string accepted from outside (the `Decimal` scalar, representations): 34 digits, a point and a sign fit easily. */
export const MAX_DECIMAL_INPUT_LENGTH = 40;

/** decimalProblem for text that comes from outside: also at most MAX_DECIMAL_INPUT_LENGTH characters. */
export function boundedDecimalProblem(text: string): string | null {
  if (text.length > MAX_DECIMAL_INPUT_LENGTH) return `has more than ${MAX_DECIMAL_INPUT_LENGTH} characters`;
  return decimalProblem(text);
}

export class Decimal {
  private constructor(
    /** The value times 10^scale. */
    readonly units: bigint,
    readonly scale: number,
  ) {}

  static readonly ZERO = new Decimal(0n, 0);

  static of(units: bigint, scale: number): Decimal {
    return new Decimal(units, scale);
  }

  /**
   * Parses a plain decimal string such as "-1234.50" that fits a Decimal128 (decimalProblem);
   * throws RangeError on anything else.
   */
  static parse(text: string): Decimal {
    const problem = decimalProblem(text);
    if (problem) throw new RangeError(`"${text.slice(0, 40)}${text.length > 40 ? '…' : ''}" ${problem}`);
    const [, sign, whole, fraction = ''] = PLAIN_DECIMAL.exec(text.trim())!;
    const units = BigInt(`${whole}${fraction}`);
    return new Decimal(sign === '-' ? -units : units, fraction.length);
  }

  static isValid(text: string): boolean {
    return decimalProblem(text) === null;
  }

  private rescale(scale: number): bigint {
    return this.units * 10n ** BigInt(scale - this.scale);
  }

  add(other: Decimal): Decimal {
    const scale = Math.max(this.scale, other.scale);
    return new Decimal(this.rescale(scale) + other.rescale(scale), scale);
  }

  multiply(other: Decimal): Decimal {
    return new Decimal(this.units * other.units, this.scale + other.scale);
  }

  negate(): Decimal {
    return new Decimal(-this.units, this.scale);
  }

  compare(other: Decimal): number {
    const scale = Math.max(this.scale, other.scale);
    const a = this.rescale(scale);
    const b = other.rescale(scale);
    return a < b ? -1 : a > b ? 1 : 0;
  }

  isZero(): boolean {
    return this.units === 0n;
  }

  isNegative(): boolean {
    return this.units < 0n;
  }

  /** Number of significant fraction digits (trailing zeros ignored). */
  fractionDigits(): number {
    let units = this.units;
    let scale = this.scale;
    while (scale > 0 && units % 10n === 0n) {
      units /= 10n;
      scale -= 1;
    }
    return scale;
  }

  /** The same value without trailing fraction zeros ("1.2500" → "1.25"). */
  trimmed(): Decimal {
    const scale = this.fractionDigits();
    return new Decimal(this.units / 10n ** BigInt(this.scale - scale), scale);
  }

  toRational(): Rational {
    return Rational.of(this.units, 10n ** BigInt(this.scale));
  }

  /** Rounds half away from zero to the given number of fraction digits. */
  round(scale: number): Decimal {
    return this.toRational().round(scale);
  }

  toString(): string {
    const negative = this.units < 0n;
    const digits = (negative ? -this.units : this.units).toString().padStart(this.scale + 1, '0');
    const whole = digits.slice(0, digits.length - this.scale);
    const fraction = digits.slice(digits.length - this.scale);
    return `${negative ? '-' : ''}${whole}${this.scale > 0 ? `.${fraction}` : ''}`;
  }

  /** The value with exactly `scale` fraction digits; throws if that would lose digits. */
  toFixed(scale: number): string {
    if (this.fractionDigits() > scale) throw new RangeError(`${this.toString()} has more than ${scale} fraction digits`);
    return new Decimal(this.rescale(Math.max(scale, this.scale)), Math.max(scale, this.scale)).round(scale).toString();
  }
}

function gcd(a: bigint, b: bigint): bigint {
  let x = a < 0n ? -a : a;
  let y = b < 0n ? -b : b;
  while (y !== 0n) [x, y] = [y, x % y];
  return x;
}

/** An exact fraction, used where conversion divides (cross rates); rounded once at the end. */
export class Rational {
  private constructor(
    readonly numerator: bigint,
    readonly denominator: bigint,
  ) {}

  static readonly ZERO = new Rational(0n, 1n);

  static of(numerator: bigint, denominator: bigint): Rational {
    if (denominator === 0n) throw new RangeError('Division by zero');
    const sign = denominator < 0n ? -1n : 1n;
    const divisor = gcd(numerator, denominator) || 1n;
    return new Rational((sign * numerator) / divisor, (sign * denominator) / divisor);
  }

  add(other: Rational): Rational {
    return Rational.of(
      this.numerator * other.denominator + other.numerator * this.denominator,
      this.denominator * other.denominator,
    );
  }

  multiply(other: Rational): Rational {
    return Rational.of(this.numerator * other.numerator, this.denominator * other.denominator);
  }

  divide(other: Rational): Rational {
    return Rational.of(this.numerator * other.denominator, this.denominator * other.numerator);
  }

  /** Rounds half away from zero to `scale` fraction digits. */
  round(scale: number): Decimal {
    const scaled = this.numerator * 10n ** BigInt(scale);
    const negative = scaled < 0n;
    const magnitude = negative ? -scaled : scaled;
    let quotient = magnitude / this.denominator;
    if ((magnitude % this.denominator) * 2n >= this.denominator) quotient += 1n;
    return Decimal.of(negative ? -quotient : quotient, scale);
  }
}
