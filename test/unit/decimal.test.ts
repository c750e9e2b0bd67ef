import { describe, expect, it } from 'vitest';
import { createRng } from '../../seed/builders';
import { Decimal, Rational } from '../../subgraphs/common/decimal';
import { DecimalScalar } from '../../subgraphs/common/scalars';
import { crossRate, money, roundToCurrency, sumDecimals } from '../../subgraphs/common/money';
import { isCurrencyCode, minorDigits } from '../../subgraphs/common/currencies';

const d = (text: string) => Decimal.parse(text);

describe('Decimal.parse', () => {
  it.each([
    ['0', 0n, 0, '0'],
    ['-0', 0n, 0, '0'],
    ['+12', 12n, 0, '12'],
    ['-12.50', -1250n, 2, '-12.50'],
    ['007.5', 75n, 1, '7.5'],
    ['0.001', 1n, 3, '0.001'],
    ['-0.05', -5n, 2, '-0.05'],
    ['123456789012345678901234567890.123', 123456789012345678901234567890123n, 3, '123456789012345678901234567890.123'],
  ])('parses %j', (text, units, scale, shown) => {
    const value = d(text);
    expect(value.units).toBe(units);
    expect(value.scale).toBe(scale);
    expect(value.toString()).toBe(shown);
    expect(Decimal.isValid(text)).toBe(true);
  });

  it.each(['1e5', '1,000', '', ' ', '0x10', 'NaN', 'Infinity', '-Infinity', '.5', '5.', '1.2.3', '--1', '+-1', '1 000', '١٢'])(
    'rejects %j',
    (text) => {
      expect(() => d(text)).toThrow(RangeError);
      expect(Decimal.isValid(text)).toBe(false);
    },
  );
});

describe('Decimal128 bounds', () => {
  const digits = (count: number) => '9'.repeat(count);

  it.each([
    ['34 significant digits', digits(34)],
    ['34 significant digits with a fraction', `${digits(20)}.${digits(14)}`],
    ['34 digits times 10^6111 (the largest Decimal128)', `${digits(34)}${'0'.repeat(6111)}`],
    ['1 times 10^6144 (trailing zeros fill the coefficient)', `1${'0'.repeat(6144)}`],
    ['10^-6176 (the smallest exponent)', `0.${'0'.repeat(6175)}1`],
    ['zero with many fraction digits', `0.${'0'.repeat(100)}`],
  ])('accepts %s', (_label, text) => {
    expect(Decimal.isValid(text)).toBe(true);
    expect(Decimal.parse(text).toString()).toBe(text);
  });

  it.each([
    ['35 significant digits', digits(35)],
    ['35 significant digits with a fraction', `1.${'0'.repeat(33)}1`],
    ['a 20,000-digit amount', digits(20_000)],
    ['1 times 10^6146', `1${'0'.repeat(6146)}`],
    ['10^-6177', `0.${'0'.repeat(6176)}1`],
  ])('refuses %s, before building a number from it', (_label, text) => {
    expect(Decimal.isValid(text)).toBe(false);
    expect(() => Decimal.parse(text)).toThrow(RangeError);
  });

  it('holds the Decimal scalar to 34 significant digits and 40 characters', () => {
    expect(DecimalScalar.parseValue('1234567890123456789012345678901234')).toBe('1234567890123456789012345678901234');
    expect(DecimalScalar.parseValue('0.0000000000000000000000000000000001')).toBe('0.0000000000000000000000000000000001');
    for (const text of ['12345678901234567890123456789012345', '1.234567890123456789012345678901234567', digits(41), digits(20_000)]) {
      expect(() => DecimalScalar.parseValue(text), text.slice(0, 50)).toThrow(/Decimal must be a string/);
    }
    expect(() => DecimalScalar.parseValue(100)).toThrow(/Decimal must be a string/);
  });
});

describe('Decimal arithmetic', () => {
  it('adds exactly: 0.1 + 0.2 = 0.3', () => {
    const sum = d('0.1').add(d('0.2'));
    expect(sum.toString()).toBe('0.3');
    expect(sum.compare(d('0.3'))).toBe(0);
    expect(0.1 + 0.2).not.toBe(0.3); // the reason for this module
  });

  it('adds values of different scales and signs', () => {
    expect(d('1.005').add(d('-2')).toString()).toBe('-0.995');
    expect(d('100').add(d('0.01')).toString()).toBe('100.01');
    expect(d('-5.5').add(d('5.5')).isZero()).toBe(true);
  });

  it('multiplies with the sum of the scales', () => {
    const product = d('1.25').multiply(d('0.4'));
    expect(product.scale).toBe(3);
    expect(product.toString()).toBe('0.500');
    expect(product.compare(d('0.5'))).toBe(0);
    expect(d('-3').multiply(d('2.5')).toString()).toBe('-7.5');
    expect(d('312.5').multiply(d('648.75')).toString()).toBe('202734.375');
  });

  it('negates', () => {
    expect(d('1.50').negate().toString()).toBe('-1.50');
    expect(d('-2').negate().toString()).toBe('2');
    expect(d('-2').isNegative()).toBe(true);
    expect(d('0').negate().isNegative()).toBe(false);
  });

  it('compares by value regardless of scale', () => {
    expect(d('1.50').compare(d('1.5'))).toBe(0);
    expect(d('1.5').compare(d('1.49999'))).toBe(1);
    expect(d('-1.5').compare(d('-1.4'))).toBe(-1);
    expect(d('-0.01').compare(d('0'))).toBe(-1);
    expect(d('10').compare(d('9.999'))).toBe(1);
  });

  it('counts significant fraction digits and trims trailing zeros', () => {
    expect(d('1.2500').fractionDigits()).toBe(2);
    expect(d('1.2500').trimmed().toString()).toBe('1.25');
    expect(d('1.2500').trimmed().scale).toBe(2);
    expect(d('100.000').trimmed().toString()).toBe('100');
    expect(d('100').trimmed().toString()).toBe('100');
    expect(d('0.000').trimmed().toString()).toBe('0');
    expect(d('-3.10').trimmed().toString()).toBe('-3.1');
  });

  it('toFixed pads with zeros', () => {
    expect(d('5').toFixed(2)).toBe('5.00');
    expect(d('1.5').toFixed(3)).toBe('1.500');
    expect(d('-0.5').toFixed(2)).toBe('-0.50');
    expect(d('1.2300').toFixed(2)).toBe('1.23');
    expect(d('7').toFixed(0)).toBe('7');
  });

  it('toFixed throws when it would lose digits', () => {
    expect(() => d('1.005').toFixed(2)).toThrow(RangeError);
    expect(() => d('0.5').toFixed(0)).toThrow(RangeError);
  });
});

describe('Rational', () => {
  it('normalises to lowest terms with a positive denominator', () => {
    const half = Rational.of(2n, 4n);
    expect([half.numerator, half.denominator]).toEqual([1n, 2n]);
    const negative = Rational.of(3n, -6n);
    expect([negative.numerator, negative.denominator]).toEqual([-1n, 2n]);
    const positive = Rational.of(-3n, -6n);
    expect([positive.numerator, positive.denominator]).toEqual([1n, 2n]);
    const zero = Rational.of(0n, -7n);
    expect([zero.numerator, zero.denominator]).toEqual([0n, 1n]);
  });

  it('refuses a zero denominator', () => {
    expect(() => Rational.of(1n, 0n)).toThrow(RangeError);
    expect(() => Rational.of(1n, 1n).divide(Rational.ZERO)).toThrow(RangeError);
  });

  it('adds, multiplies and divides exactly', () => {
    const third = Rational.of(1n, 3n);
    const sum = third.add(third).add(third);
    expect([sum.numerator, sum.denominator]).toEqual([1n, 1n]);
    const product = Rational.of(2n, 3n).multiply(Rational.of(9n, 4n));
    expect([product.numerator, product.denominator]).toEqual([3n, 2n]);
    const quotient = Rational.of(1n, 2n).divide(Rational.of(-1n, 4n));
    expect([quotient.numerator, quotient.denominator]).toEqual([-2n, 1n]);
  });

  it('converts from Decimal', () => {
    const rational = d('-1.250').toRational();
    expect([rational.numerator, rational.denominator]).toEqual([-5n, 4n]);
  });
});

describe('rounding half away from zero', () => {
  it.each([
    ['2.5', 0, '3'],
    ['-2.5', 0, '-3'],
    ['2.4999', 0, '2'],
    ['-2.4999', 0, '-2'],
    ['3.5', 0, '4'],
    ['0.5', 0, '1'],
    ['-0.5', 0, '-1'],
    ['0.49', 0, '0'],
    ['1.005', 2, '1.01'],
    ['-1.005', 2, '-1.01'],
    ['1.00499', 2, '1.00'],
    ['1.0005', 3, '1.001'],
    ['-1.0005', 3, '-1.001'],
    ['1.0004', 3, '1.000'],
    ['7', 2, '7.00'],
    ['-7.1', 3, '-7.100'],
  ])('%s to %i digits → %s', (text, digits, expected) => {
    const rounded = d(text).round(digits);
    expect(rounded.toString()).toBe(expected);
    expect(rounded.scale).toBe(digits);
  });

  it('rounds rationals: 2/3 → 0.67, -2/3 → -0.67, 1/8 → 0.13, -1/8 → -0.13', () => {
    expect(Rational.of(2n, 3n).round(2).toString()).toBe('0.67');
    expect(Rational.of(-2n, 3n).round(2).toString()).toBe('-0.67');
    expect(Rational.of(1n, 8n).round(2).toString()).toBe('0.13');
    expect(Rational.of(-1n, 8n).round(2).toString()).toBe('-0.13');
    expect(Rational.of(1n, 3n).round(0).toString()).toBe('0');
  });

  it('rounds to the currency minor unit', () => {
    expect(roundToCurrency(d('1234.5'), 'JPY').toString()).toBe('1235');
    expect(roundToCurrency(d('12.345'), 'USD').toString()).toBe('12.35');
    expect(roundToCurrency(d('-12.345'), 'USD').toString()).toBe('-12.35');
    expect(roundToCurrency(d('1.2345'), 'KWD').toString()).toBe('1.235');
    expect(roundToCurrency(Rational.of(1n, 3n), 'KWD').toString()).toBe('0.333');
  });
});

describe('cross rates', () => {
  // Both quoted in JPY per unit for the same fiscal year.
  const inrInJpy = d('1.75');
  const usdInJpy = d('144.6');

  it('INR → USD is exactly 1.75 / 144.6', () => {
    const factor = crossRate(inrInJpy, usdInJpy);
    const expected = Rational.of(175n, 14460n);
    expect([factor.numerator, factor.denominator]).toEqual([expected.numerator, expected.denominator]);
    expect([factor.numerator, factor.denominator]).toEqual([35n, 2892n]);
    // Multiplying back gives exactly 1.75 JPY per INR
    const back = factor.multiply(usdInJpy.toRational());
    expect([back.numerator, back.denominator]).toEqual([7n, 4n]);
  });

  it('converts once, then rounds once', () => {
    const factor = crossRate(inrInJpy, usdInJpy);
    const usd = roundToCurrency(d('1000000').toRational().multiply(factor), 'USD');
    // 1,000,000 × 35 / 2892 = 12102.3513…
    expect(usd.toString()).toBe('12102.35');
  });

  it('same currency is the identity', () => {
    const factor = crossRate(usdInJpy, usdInJpy);
    expect([factor.numerator, factor.denominator]).toEqual([1n, 1n]);
  });
});

describe('money()', () => {
  it('shows the currency minor digits', () => {
    expect(money(d('5000000'), 'JPY')).toEqual({ amount: '5000000', currency: 'JPY' });
    expect(money(d('12.5'), 'USD')).toEqual({ amount: '12.50', currency: 'USD' });
    expect(money(d('12'), 'USD')).toEqual({ amount: '12.00', currency: 'USD' });
    expect(money(d('1.5'), 'KWD')).toEqual({ amount: '1.500', currency: 'KWD' });
    expect(money(d('-0.1'), 'THB')).toEqual({ amount: '-0.10', currency: 'THB' });
  });

  it('keeps extra digits of unit prices rather than losing them', () => {
    expect(money(d('648.7525'), 'INR').amount).toBe('648.7525');
    expect(money(d('0.25'), 'JPY').amount).toBe('0.25');
  });

  it('throws on an unknown currency', () => {
    expect(() => money(d('1'), 'XYZ')).toThrow(RangeError);
    expect(() => roundToCurrency(d('1'), 'usd')).toThrow(/Unknown ISO 4217/);
  });
});

describe('ISO 4217 list', () => {
  it.each(['JPY', 'INR', 'USD', 'THB', 'EUR', 'KWD'])('knows %s', (code) => {
    expect(isCurrencyCode(code)).toBe(true);
  });

  it.each(['XYZ', 'usd', '', 'US', 'USDD'])('does not know %j', (code) => {
    expect(isCurrencyCode(code)).toBe(false);
    expect(() => minorDigits(code)).toThrow(RangeError);
  });

  it('gives minor digits', () => {
    expect(minorDigits('JPY')).toBe(0);
    expect(minorDigits('USD')).toBe(2);
    expect(minorDigits('INR')).toBe(2);
    expect(minorDigits('THB')).toBe(2);
    expect(minorDigits('KWD')).toBe(3);
    expect(minorDigits('CLF')).toBe(4);
  });
});

describe('property: Decimal sums equal bigint minor-unit sums', () => {
  /** Seeded, so the test is the same on every run. */
  const generator = createRng;

  /** Formats minor units by hand (independent of Decimal.toString). */
  function format(minor: bigint, digits: number): string {
    const negative = minor < 0n;
    const text = (negative ? -minor : minor).toString().padStart(digits + 1, '0');
    const whole = text.slice(0, text.length - digits);
    const fraction = text.slice(text.length - digits);
    return `${negative ? '-' : ''}${whole}${digits > 0 ? `.${fraction}` : ''}`;
  }

  it.each([
    ['JPY', 1],
    ['USD', 2],
    ['KWD', 3],
  ])('%s, seed %i', (currency, seed) => {
    const random = generator(seed);
    const digits = minorDigits(currency);
    for (let run = 0; run < 100; run += 1) {
      const count = 1 + Math.floor(random() * 20);
      const amounts: bigint[] = [];
      for (let index = 0; index < count; index += 1) {
        // up to ~10^13 minor units, with both signs
        const magnitude = BigInt(Math.floor(random() * 1e7)) * BigInt(Math.floor(random() * 1e6)) + BigInt(Math.floor(random() * 1000));
        amounts.push(random() < 0.3 ? -magnitude : magnitude);
      }
      const expected = amounts.reduce((sum, minor) => sum + minor, 0n);
      const decimals = amounts.map((minor) => Decimal.parse(format(minor, digits)));
      const sum = sumDecimals(decimals);
      expect(sum.toFixed(digits)).toBe(format(expected, digits));
      expect(sum.compare(Decimal.of(expected, digits))).toBe(0);
      expect(money(sum, currency).amount).toBe(format(expected, digits));
    }
  });
});
