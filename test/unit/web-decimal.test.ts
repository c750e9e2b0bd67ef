/** The workspace's quantity × unit price preview: exact bigint decimals, rounded once as the API rounds. */
import { describe, expect, it } from 'vitest';
import { decimalText, minorDigits, multiply, parseDecimal, roundTo } from '../../web/src/screens/workspace/decimal';

const product = (a: string, b: string, digits: number) => decimalText(roundTo(multiply(parseDecimal(a)!, parseDecimal(b)!), digits));

describe('the expense form\'s exact product', () => {
  it('multiplies without a float and rounds half away from zero once', () => {
    // 12.5 × 1000.005 is 12500.0625; as floats it is 12500.062499999998
    expect(decimalText(multiply(parseDecimal('12.5')!, parseDecimal('1000.005')!))).toBe('12500.0625');
    expect(product('12.5', '1000.005', 2)).toBe('12500.06');
    expect(product('0.5', '0.01', 2)).toBe('0.01');
    expect(product('-0.5', '0.01', 2)).toBe('-0.01');
    expect(product('120', '349.99', 2)).toBe('41998.80');
    expect(product('3', '333.5', 0)).toBe('1001');
    expect(product('99999999999999999', '1.01', 2)).toBe('100999999999999998.99');
  });

  it('reads only plain decimals', () => {
    expect(parseDecimal('.5')).toEqual({ units: 5n, scale: 1 });
    expect(parseDecimal('7.')).toEqual({ units: 7n, scale: 0 });
    for (const text of ['', '.', '1e3', '1,000', '12.5.1', 'abc']) expect(parseDecimal(text), text).toBeNull();
  });

  it('knows the currencies\' minor digits', () => {
    expect([minorDigits('INR'), minorDigits('JPY'), minorDigits('USD'), minorDigits('THB')]).toEqual([2, 0, 2, 2]);
  });
});
