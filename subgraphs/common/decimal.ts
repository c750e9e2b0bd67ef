/**
 * Exact decimal and rational arithmetic on bigint, for money. No binary floating point
 * ever touches an amount: values are parsed from decimal strings, added exactly, and
 * rounded once, half away from zero, when a line is shown.
 */

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

  /** Parses a plain decimal string such as "-1234.50"; throws RangeError on anything else. */
  static parse(text: string): Decimal {
    const match = /^([+-]?)(\d+)(?:\.(\d+))?$/.exec(text.trim());
    if (!match) throw new RangeError(`"${text}" is not a decimal number`);
    const [, sign, whole, fraction = ''] = match;
    const units = BigInt(`${whole}${fraction}`);
    return new Decimal(sign === '-' ? -units : units, fraction.length);
  }

  static isValid(text: string): boolean {
    return /^[+-]?\d+(?:\.\d+)?$/.test(text.trim());
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
