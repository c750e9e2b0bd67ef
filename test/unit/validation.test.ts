import { describe, expect, it } from 'vitest';
import { GraphQLError } from 'graphql';
import {
  LIMITS,
  countOf,
  dateInRange,
  fiscalYearArg,
  listOf,
  nonNegativeDecimal,
  optionalText,
  ownCurrency,
  ownId,
  pageSize,
  positiveDecimal,
  requiredText,
  valuation,
} from '../../subgraphs/kit/validation';
import type { ValuationInput } from '../../subgraphs/kit/validation';
import { formatReportKey, parseReportKey } from '../../subgraphs/common/report-key';
import type { ReportKey } from '../../subgraphs/common/report-key';
import { subsidiaryByCode } from '../../subgraphs/common/registry';
import type { SubsidiaryConfig } from '../../subgraphs/common/registry';
import { CONTRIBUTION_TYPES } from '../../subgraphs/common/catalog';
import { Decimal } from '../../subgraphs/common/decimal';

function subsidiary(code: string): SubsidiaryConfig {
  const config = subsidiaryByCode(code);
  if (!config) throw new Error(`no subsidiary ${code}`);
  return config;
}

const india = subsidiary('IN');
const japan = subsidiary('JP');

/** Runs fn, expects a GraphQLError with the code (and field, when given), and returns it. */
function refusal(fn: () => unknown, code: 'BAD_USER_INPUT' | 'WRONG_SUBSIDIARY' = 'BAD_USER_INPUT', field?: string): GraphQLError {
  let thrown: unknown;
  try {
    fn();
  } catch (error) {
    thrown = error;
  }
  expect(thrown, 'expected a GraphQLError').toBeInstanceOf(GraphQLError);
  const error = thrown as GraphQLError;
  expect(error.extensions.code).toBe(code);
  if (field !== undefined) expect(error.extensions.field).toBe(field);
  return error;
}

describe('valuation: types valued by amount', () => {
  const byAmount = CONTRIBUTION_TYPES.filter((type) => type.valuedBy === 'AMOUNT').map((type) => type.code);

  it('covers CASH and MANAGEMENT_COST', () => {
    expect(byAmount).toEqual(['CASH', 'MANAGEMENT_COST']);
  });

  it.each(byAmount)('%s takes the amount as given', (contributionType) => {
    const result = valuation({ contributionType, amount: '1000.50' }, 'INR', 'expense');
    expect(result.amount.toString()).toBe('1000.50');
    expect(result).toMatchObject({ quantity: null, unit: null, unitPrice: null });
  });

  it.each(byAmount)('%s needs an amount', (contributionType) => {
    refusal(() => valuation({ contributionType }, 'INR', 'expense'), 'BAD_USER_INPUT', 'expense.amount');
    refusal(() => valuation({ contributionType, amount: null }, 'INR', 'expense'), 'BAD_USER_INPUT', 'expense.amount');
  });

  it.each(byAmount)('%s refuses quantity and unitPrice', (contributionType) => {
    refusal(() => valuation({ contributionType, amount: '10', quantity: '1' }, 'INR', 'expense'), 'BAD_USER_INPUT', 'expense.quantity');
    refusal(() => valuation({ contributionType, amount: '10', unitPrice: '10' }, 'INR', 'expense'), 'BAD_USER_INPUT', 'expense.quantity');
  });

  it.each([
    ['0', 'JPY'],
    ['0.00', 'USD'],
    ['-5', 'JPY'],
    ['1.5', 'JPY'], // JPY has no minor unit
    ['1.005', 'USD'],
    ['1.0005', 'KWD'],
    ['1000000000000.01', 'USD'],
    ['1000000000001', 'JPY'],
    ['abc', 'JPY'],
    ['1e5', 'JPY'],
    ['1,000', 'JPY'],
    ['', 'JPY'],
  ])('refuses amount %j in %s', (amount, currency) => {
    const error = refusal(() => valuation({ contributionType: 'CASH', amount }, currency, 'input'), 'BAD_USER_INPUT', 'input.amount');
    expect(error.message).toContain('input.amount');
  });

  it.each([
    ['1', 'JPY'],
    ['1000000000000', 'JPY'],
    ['0.01', 'USD'],
    ['1.5', 'USD'],
    ['1.500', 'USD'], // trailing zeros are not extra digits
    ['0.001', 'KWD'],
  ])('accepts amount %j in %s', (amount, currency) => {
    expect(valuation({ contributionType: 'CASH', amount }, currency, 'input').amount.compare(Decimal.parse(amount))).toBe(0);
  });

  it('refuses an unknown contribution type', () => {
    refusal(() => valuation({ contributionType: 'BARTER' } as unknown as ValuationInput, 'JPY', 'input'), 'BAD_USER_INPUT', 'input.contributionType');
  });
});

describe('valuation: types valued by quantity × unit price', () => {
  const byQuantity = CONTRIBUTION_TYPES.filter((type) => type.valuedBy === 'QUANTITY_AND_UNIT_PRICE').map((type) => type.code);

  it('covers IN_KIND_PRODUCT, FACILITY_USE and EMPLOYEE_TIME', () => {
    expect(byQuantity).toEqual(['IN_KIND_PRODUCT', 'FACILITY_USE', 'EMPLOYEE_TIME']);
  });

  it.each(byQuantity)('%s computes amount = round(quantity × unitPrice): 312.5 h × 648.75 INR = 202734.38', (contributionType) => {
    const result = valuation({ contributionType, quantity: '312.5', unitPrice: '648.75', unit: ' hours ' }, 'INR', 'expense');
    expect(result.amount.toString()).toBe('202734.38'); // exactly 202734.375, half away from zero
    expect(result.quantity?.toString()).toBe('312.5');
    expect(result.unitPrice?.toString()).toBe('648.75');
    expect(result.unit).toBe('hours');
  });

  it.each([
    ['JPY', '3', '33.3333', '100'], // 99.9999
    ['JPY', '7', '0.5', '4'], // 3.5
    ['USD', '2', '0.0025', '0.01'], // 0.005
    ['KWD', '1', '1.2345', '1.235'],
    ['THB', '1000000000', '1', '1000000000.00'],
  ])('in %s: %s × %s = %s', (currency, quantity, unitPrice, amount) => {
    expect(valuation({ contributionType: 'IN_KIND_PRODUCT', quantity, unitPrice, unit: 'boxes' }, currency, 'e').amount.toString()).toBe(amount);
  });

  it('accepts a stated amount equal to the computed one', () => {
    const input = { contributionType: 'EMPLOYEE_TIME', quantity: '312.5', unitPrice: '648.75', unit: 'hours' } as const;
    expect(valuation({ ...input, amount: '202734.38' }, 'INR', 'expense').amount.toString()).toBe('202734.38');
    expect(valuation({ ...input, amount: '202734.380' }, 'INR', 'expense').amount.toString()).toBe('202734.38');
  });

  it('refuses a stated amount that differs', () => {
    const input = { contributionType: 'EMPLOYEE_TIME', quantity: '312.5', unitPrice: '648.75', unit: 'hours' } as const;
    for (const amount of ['202734.37', '202734.375', '202734']) {
      const error = refusal(() => valuation({ ...input, amount }, 'INR', 'expense'), 'BAD_USER_INPUT', 'expense.amount');
      if (amount !== '202734.375') expect(error.message).toContain('202734.38');
    }
  });

  it.each(byQuantity)('%s needs quantity, unitPrice and unit', (contributionType) => {
    refusal(() => valuation({ contributionType, unitPrice: '10', unit: 'h' }, 'INR', 'e'), 'BAD_USER_INPUT', 'e.quantity');
    refusal(() => valuation({ contributionType, quantity: '10', unit: 'h' }, 'INR', 'e'), 'BAD_USER_INPUT', 'e.unitPrice');
    refusal(() => valuation({ contributionType, amount: '100', unit: 'h' }, 'INR', 'e'), 'BAD_USER_INPUT', 'e.quantity');
    refusal(() => valuation({ contributionType, quantity: '10', unitPrice: '10' }, 'INR', 'e'), 'BAD_USER_INPUT', 'e.unit');
    refusal(() => valuation({ contributionType, quantity: '10', unitPrice: '10', unit: '   ' }, 'INR', 'e'), 'BAD_USER_INPUT', 'e.unit');
    refusal(() => valuation({ contributionType, quantity: '10', unitPrice: '10', unit: 'x'.repeat(LIMITS.tagLength + 1) }, 'INR', 'e'), 'BAD_USER_INPUT', 'e.unit');
  });

  it.each([
    ['0', '10', 'e.quantity'],
    ['-1', '10', 'e.quantity'],
    ['1.00001', '10', 'e.quantity'], // more than 4 quantity digits
    ['1000000001', '1', 'e.quantity'], // above the maximum quantity
    ['1', '0', 'e.unitPrice'],
    ['1', '-10', 'e.unitPrice'],
    ['1', '1.0000001', 'e.unitPrice'], // INR allows 2 + 4 digits
    ['1', '10000000001', 'e.unitPrice'], // above the maximum unit price
    ['1000000000', '10000', 'e.quantity'], // product above the maximum amount
    ['0.0001', '1', 'e.unitPrice'], // rounds to zero INR
    ['1', 'ten', 'e.unitPrice'],
  ])('refuses quantity %s × unitPrice %s (field %s)', (quantity, unitPrice, field) => {
    refusal(() => valuation({ contributionType: 'FACILITY_USE', quantity, unitPrice, unit: 'days' }, 'INR', 'e'), 'BAD_USER_INPUT', field);
  });

  it('allows unit prices with up to four digits beyond the minor unit', () => {
    expect(valuation({ contributionType: 'FACILITY_USE', quantity: '1', unitPrice: '1.000001', unit: 'days' }, 'INR', 'e').amount.toString()).toBe('1.00');
    expect(valuation({ contributionType: 'FACILITY_USE', quantity: '10000', unitPrice: '0.0001', unit: 'sheets' }, 'JPY', 'e').amount.toString()).toBe('1');
    refusal(() => valuation({ contributionType: 'FACILITY_USE', quantity: '1', unitPrice: '0.00001', unit: 'sheets' }, 'JPY', 'e'), 'BAD_USER_INPUT', 'e.unitPrice');
  });
});

describe('positiveDecimal / nonNegativeDecimal', () => {
  const max = Decimal.parse('100');

  it('checks sign, maximum and digits', () => {
    expect(positiveDecimal('100', 'x', max, 2).toString()).toBe('100');
    refusal(() => positiveDecimal('100.01', 'x', max, 2), 'BAD_USER_INPUT', 'x');
    refusal(() => positiveDecimal('0', 'x', max, 2), 'BAD_USER_INPUT', 'x');
    refusal(() => positiveDecimal('1.234', 'x', max, 2), 'BAD_USER_INPUT', 'x');
  });

  it('lets zero through only when non-negative', () => {
    expect(nonNegativeDecimal('0', 'x', max, 2).isZero()).toBe(true);
    expect(nonNegativeDecimal('0.000', 'x', max, 2).isZero()).toBe(true);
    expect(nonNegativeDecimal('12.5', 'x', max, 2).toString()).toBe('12.5');
    refusal(() => nonNegativeDecimal('-1', 'x', max, 2), 'BAD_USER_INPUT', 'x');
    refusal(() => nonNegativeDecimal('nope', 'x', max, 2), 'BAD_USER_INPUT', 'x');
  });
});

describe('ownCurrency', () => {
  it('defaults to and accepts the subsidiary’s currency', () => {
    expect(ownCurrency(null, india)).toBe('INR');
    expect(ownCurrency(undefined, india)).toBe('INR');
    expect(ownCurrency('INR', india)).toBe('INR');
    expect(ownCurrency('JPY', japan)).toBe('JPY');
  });

  it('refuses a foreign currency, naming the subsidiary’s', () => {
    const error = refusal(() => ownCurrency('USD', india), 'BAD_USER_INPUT', 'currency');
    expect(error.message).toContain('INR');
    expect(error.message).toContain('NEC India');
    expect(error.message).toContain('USD');
  });

  it.each(['XYZ', 'inr', '', 'RUPEES'])('refuses the non-ISO code %j', (code) => {
    const error = refusal(() => ownCurrency(code, india), 'BAD_USER_INPUT', 'currency');
    expect(error.message).toContain('ISO 4217');
  });
});

describe('ownId', () => {
  it('accepts ids with the subsidiary’s prefix', () => {
    expect(ownId('IN-I0001', india, 'initiativeId')).toBe('IN-I0001');
    expect(ownId('JP-E0042', japan, 'id')).toBe('JP-E0042');
  });

  it.each(['US-I0001', 'JP-I0001', 'IN', 'INI0001', 'in-I0001', '', ` IN-I0001`, `IN-${'9'.repeat(40)}`])('refuses %j with WRONG_SUBSIDIARY', (id) => {
    const error = refusal(() => ownId(id, india, 'initiativeId'), 'WRONG_SUBSIDIARY', 'initiativeId');
    expect(error.message).toContain('"IN-"');
  });
});

describe('text limits', () => {
  it('requiredText trims and refuses empty or long text', () => {
    expect(requiredText('  Tree planting  ', 'title', 20)).toBe('Tree planting');
    expect(requiredText('x'.repeat(20), 'title', 20)).toBe('x'.repeat(20));
    expect(requiredText(`  ${'x'.repeat(20)}  `, 'title', 20)).toBe('x'.repeat(20));
    refusal(() => requiredText('', 'title', 20), 'BAD_USER_INPUT', 'title');
    refusal(() => requiredText(' \n\t ', 'title', 20), 'BAD_USER_INPUT', 'title');
    const error = refusal(() => requiredText('x'.repeat(21), 'title', 20), 'BAD_USER_INPUT', 'title');
    expect(error.message).toContain('20');
  });

  it('optionalText maps empty to null and refuses long text', () => {
    expect(optionalText(null, 'description', 10)).toBeNull();
    expect(optionalText(undefined, 'description', 10)).toBeNull();
    expect(optionalText('   ', 'description', 10)).toBeNull();
    expect(optionalText(' note ', 'description', 10)).toBe('note');
    expect(optionalText('x'.repeat(10), 'description', 10)).toBe('x'.repeat(10));
    refusal(() => optionalText('x'.repeat(11), 'description', 10), 'BAD_USER_INPUT', 'description');
  });

  it('the limits are the documented ones', () => {
    expect(LIMITS.titleLength).toBe(200);
    expect(LIMITS.descriptionLength).toBe(5000);
    expect(LIMITS.maxAmount.toString()).toBe('1000000000000');
  });
});

describe('dateInRange', () => {
  it('accepts dates from the earliest day to today', () => {
    expect(dateInRange('2024-05-01', 'date', '2024-06-01')).toBe('2024-05-01');
    expect(dateInRange('2024-06-01', 'date', '2024-06-01')).toBe('2024-06-01');
    expect(dateInRange(LIMITS.earliestDate, 'date', '2024-06-01')).toBe(LIMITS.earliestDate);
  });

  it('refuses the future', () => {
    const error = refusal(() => dateInRange('2024-06-02', 'date', '2024-06-01'), 'BAD_USER_INPUT', 'date');
    expect(error.message).toContain('future');
    refusal(() => dateInRange('2099-01-01', 'startDate', '2024-06-01'), 'BAD_USER_INPUT', 'startDate');
  });

  it('refuses dates that are too old', () => {
    const error = refusal(() => dateInRange('1949-12-31', 'date', '2024-06-01'), 'BAD_USER_INPUT', 'date');
    expect(error.message).toContain(LIMITS.earliestDate);
  });
});

describe('numeric arguments', () => {
  it('pageSize falls back and keeps bounds', () => {
    expect(pageSize(undefined, 'first', 100, 20)).toBe(20);
    expect(pageSize(null, 'first', 100, 20)).toBe(20);
    expect(pageSize(0, 'first', 100, 20)).toBe(0);
    expect(pageSize(100, 'first', 100, 20)).toBe(100);
    refusal(() => pageSize(101, 'first', 100, 20), 'BAD_USER_INPUT', 'first');
    refusal(() => pageSize(-1, 'first', 100, 20), 'BAD_USER_INPUT', 'first');
    refusal(() => pageSize(2.5, 'first', 100, 20), 'BAD_USER_INPUT', 'first');
    refusal(() => pageSize(Number.NaN, 'first', 100, 20), 'BAD_USER_INPUT', 'first');
  });

  it('countOf accepts whole numbers within the maximum', () => {
    expect(countOf(null, 'participants')).toBeNull();
    expect(countOf(0, 'participants')).toBe(0);
    expect(countOf(LIMITS.maxCount, 'participants')).toBe(LIMITS.maxCount);
    refusal(() => countOf(LIMITS.maxCount + 1, 'participants'), 'BAD_USER_INPUT', 'participants');
    refusal(() => countOf(-1, 'participants'), 'BAD_USER_INPUT', 'participants');
    refusal(() => countOf(1.5, 'participants'), 'BAD_USER_INPUT', 'participants');
  });

  it('listOf limits the number of entries', () => {
    expect(listOf(null, 'tags', 2)).toEqual([]);
    expect(listOf(['a', 'b'], 'tags', 2)).toEqual(['a', 'b']);
    refusal(() => listOf(['a', 'b', 'c'], 'tags', 2), 'BAD_USER_INPUT', 'tags');
  });

  it('fiscalYearArg keeps the accepted years', () => {
    expect(fiscalYearArg(null, 'fiscalYear')).toBeNull();
    expect(fiscalYearArg(2024, 'fiscalYear')).toBe(2024);
    refusal(() => fiscalYearArg(1989, 'fiscalYear'), 'BAD_USER_INPUT', 'fiscalYear');
    refusal(() => fiscalYearArg(2101, 'fiscalYear'), 'BAD_USER_INPUT', 'fiscalYear');
    refusal(() => fiscalYearArg(2024.5, 'fiscalYear'), 'BAD_USER_INPUT', 'fiscalYear');
  });
});

describe('report keys', () => {
  it.each([
    [{ code: 'IN', span: { from: 2024, to: 2024 }, causeArea: null, contributionType: null }, 'IN|2024|2024|*|*'],
    [{ code: 'US', span: { from: 2020, to: 2024 }, causeArea: 'ENVIRONMENT', contributionType: 'CASH' }, 'US|2020|2024|ENVIRONMENT|CASH'],
    [{ code: 'TH', span: { from: 1990, to: 2019 }, causeArea: null, contributionType: 'EMPLOYEE_TIME' }, 'TH|1990|2019|*|EMPLOYEE_TIME'],
    [{ code: 'JP', span: { from: 2071, to: 2100 }, causeArea: 'HEALTH_WELFARE', contributionType: null }, 'JP|2071|2100|HEALTH_WELFARE|*'],
  ] satisfies [ReportKey, string][])('round-trips %j as %s', (key, text) => {
    expect(formatReportKey(key)).toBe(text);
    expect(parseReportKey(text)).toEqual(key);
  });

  it.each([
    '',
    'IN',
    'IN|2024|2024|*',
    'IN|2024|2024|*|*|*',
    '|2024|2024|*|*',
    'IN|2024|2024|NOT_A_CAUSE|*',
    'IN|2024|2024|environment|*',
    'IN|2024|2024|*|NOT_A_TYPE',
    'IN|2024|2024||*',
    'IN|2025|2024|*|*', // reversed
    'IN|2000|2030|*|*', // 31 years
    'IN|1989|2000|*|*',
    'IN|2090|2101|*|*',
    'IN|abcd|2024|*|*',
    'IN|2024|year|*|*',
    'IN|2024.0|2024|*|*',
    'IN|+2024|2024|*|*',
    'IN|0x7E8|2024|*|*',
    'IN||2024|*|*',
  ])('refuses %j', (text) => {
    const error = refusal(() => parseReportKey(text));
    expect(error.message).toContain('report key');
  });

  it('quotes at most 80 characters of a long key', () => {
    const error = refusal(() => parseReportKey('x'.repeat(500)));
    expect(error.message.length).toBeLessThan(200);
  });
});
