import { describe, expect, it } from 'vitest';
import type { Decimal128 } from 'mongodb';
import { REGIONAL_KEYS, counterDocuments, seedDocuments } from '../../seed/load';
import type { SeedDocuments } from '../../seed/load';
import { distribute, createRng, inGroupYear } from '../../seed/builders';
import { CAUSE_AREAS, CONTRIBUTION_TYPES } from '../../subgraphs/common/catalog';
import { minorDigits } from '../../subgraphs/common/currencies';
import { Decimal, Rational } from '../../subgraphs/common/decimal';
import { fiscalYearOf } from '../../subgraphs/common/fiscal-year';
import { GROUP_BASE_CURRENCY, GROUP_FISCAL_CALENDAR, subsidiaryByKey } from '../../subgraphs/common/registry';
import type { SubsidiaryConfig } from '../../subgraphs/common/registry';

const seed: SeedDocuments = seedDocuments();

function dec(value: Decimal128): Decimal {
  return Decimal.parse(value.toString());
}

function subsidiary(key: string): SubsidiaryConfig {
  const config = subsidiaryByKey(key);
  if (!config) throw new Error(`no subsidiary ${key}`);
  return config;
}

const regional = REGIONAL_KEYS.map((key) => ({ key, config: subsidiary(key), data: seed[key] }));
const allExpenses = regional.flatMap(({ data }) => data.expenses);

function rateOf(currency: string, fiscalYear: number): Rational {
  if (currency === GROUP_BASE_CURRENCY) return Rational.of(1n, 1n);
  const rate = seed.group.exchangeRates.find((doc) => doc.currency === currency && doc.fiscalYear === fiscalYear);
  if (!rate) throw new Error(`no rate ${currency}:${fiscalYear}`);
  return dec(rate.jpyPerUnit).toRational();
}

/** Each subsidiary's local total of a group fiscal year, converted once with that year's rate, rounded once. */
function groupTotalJpy(fiscalYear: number): { total: Decimal; bySubsidiary: Record<string, Decimal> } {
  let total = Rational.ZERO;
  const bySubsidiary: Record<string, Decimal> = {};
  for (const { key, config, data } of regional) {
    const local = data.expenses
      .filter((expense) => expense.groupFiscalYear === fiscalYear)
      .reduce((sum, expense) => sum.add(dec(expense.amount)), Decimal.ZERO);
    const converted = local.toRational().multiply(rateOf(config.currency, fiscalYear));
    bySubsidiary[key] = converted.round(0);
    total = total.add(converted);
  }
  return { total: total.round(0), bySubsidiary };
}

describe('seed dataset', () => {
  it('is deterministic', () => {
    expect(seedDocuments()).toEqual(seed);
  });

  it('adds up to about 828 million yen in group fiscal 2024, mostly Japan', () => {
    const { total, bySubsidiary } = groupTotalJpy(2024);
    const target = Decimal.parse('828000000');
    const tolerance = Decimal.parse('4140000'); // 0.5%
    expect(total.compare(target.add(tolerance))).toBeLessThanOrEqual(0);
    expect(total.compare(target.add(tolerance.negate()))).toBeGreaterThanOrEqual(0);
    const japan = bySubsidiary.japan ?? Decimal.ZERO;
    expect(japan.multiply(Decimal.parse('2')).compare(total)).toBeGreaterThan(0);
  });

  it('records the Maui and Noto donations as JPY cash in group fiscal 2024', () => {
    const japanCash = seed.japan.expenses.filter(
      (expense) => expense.contributionType === 'CASH' && expense.groupFiscalYear === 2024 && expense.currency === 'JPY',
    );
    const initiativeTitle = (id: string) => seed.japan.initiatives.find((initiative) => initiative._id === id)?.title ?? '';
    const maui = japanCash.filter((expense) => /maui/i.test(initiativeTitle(expense.initiativeId)));
    const noto = japanCash.filter((expense) => /noto/i.test(initiativeTitle(expense.initiativeId)));
    expect(maui.map((expense) => dec(expense.amount).toString())).toEqual(['5000000']);
    expect(noto.map((expense) => dec(expense.amount).toString())).toEqual(['15000000']);
    expect(maui[0]?.date.slice(0, 7)).toBe('2023-08');
    expect(noto[0]?.date.slice(0, 7)).toBe('2024-01');
    expect(maui[0]?.illustrative).toBe(false);
    expect(noto[0]?.illustrative).toBe(false);
    expect(regional.flatMap(({ data }) => data.initiatives).find((initiative) => initiative._id === maui[0]?.initiativeId)?.causeArea).toBe('DISASTER_RELIEF');
  });

  it('has 1,338 new volunteer registrants in group fiscal 2024 and 8,721 over fiscal 2022–2024', () => {
    const registrations = regional.flatMap(({ data }) => data.registrations);
    const sum = (years: number[]) =>
      registrations.filter((doc) => years.includes(doc.groupFiscalYear)).reduce((total, doc) => total + doc.count, 0);
    expect(sum([2024])).toBe(1338);
    expect(sum([2022, 2023, 2024])).toBe(8721);
    const japan = seed.japan.registrations.filter((doc) => doc.groupFiscalYear === 2024).reduce((t, d) => t + d.count, 0);
    expect(japan * 2).toBeGreaterThan(1338);
  });

  it('has 13,000 participants in group fiscal 2024 and 9,520 in fiscal 2023', () => {
    const participation = regional.flatMap(({ data }) => data.participation);
    const people = (year: number) =>
      participation.filter((doc) => doc.groupFiscalYear === year).reduce((total, doc) => total + doc.people, 0);
    expect(people(2024)).toBe(13000);
    expect(people(2023)).toBe(9520);
    expect(people(2024) - people(2023)).toBe(3480);
  });

  it('values quantity-based contributions exactly: amount = round(quantity × unitPrice)', () => {
    for (const { config, data } of regional) {
      const digits = minorDigits(config.currency);
      for (const expense of data.expenses) {
        expect(expense.currency).toBe(config.currency);
        const amount = dec(expense.amount);
        expect(amount.fractionDigits()).toBeLessThanOrEqual(digits);
        expect(amount.isNegative()).toBe(false);
        const valued = CONTRIBUTION_TYPES.find((type) => type.code === expense.contributionType)?.valuedBy;
        if (valued === 'QUANTITY_AND_UNIT_PRICE') {
          expect(expense.quantity, expense._id).not.toBeNull();
          expect(expense.unitPrice, expense._id).not.toBeNull();
          expect(expense.unit, expense._id).toBeTruthy();
          const expected = dec(expense.quantity!).multiply(dec(expense.unitPrice!)).round(digits);
          expect(amount.compare(expected), expense._id).toBe(0);
        } else {
          expect(expense.quantity).toBeNull();
          expect(expense.unitPrice).toBeNull();
        }
      }
    }
    // At least one amount actually needed rounding (half away from zero).
    const rounded = allExpenses.filter(
      (expense) => expense.quantity && expense.unitPrice && dec(expense.quantity).multiply(dec(expense.unitPrice)).compare(dec(expense.amount)) !== 0,
    );
    expect(rounded.length).toBeGreaterThan(0);
  });

  it('derives fiscal years from the date with each calendar', () => {
    for (const { config, data } of regional) {
      for (const doc of [...data.expenses, ...data.registrations, ...data.participation]) {
        expect(doc.fiscalYear, doc._id).toBe(fiscalYearOf(doc.date, config.fiscalCalendar));
        expect(doc.groupFiscalYear, doc._id).toBe(fiscalYearOf(doc.date, GROUP_FISCAL_CALENDAR));
      }
    }
  });

  it('covers group fiscal years 2023–2025 for every subsidiary, with boundary dates', () => {
    for (const { data } of regional) {
      const years = new Set(data.expenses.map((expense) => expense.groupFiscalYear));
      expect([...years].sort()).toEqual([2023, 2024, 2025]);
    }
    const dates = (key: string) => new Set(seed[key as 'japan'].expenses.map((expense) => expense.date));
    expect(dates('japan').has('2024-03-31') && dates('japan').has('2023-04-01')).toBe(true);
    expect(dates('india').has('2024-03-31') && dates('india').has('2023-04-01')).toBe(true);
    const thai = seed.thailand.expenses;
    const endOfYear = thai.find((expense) => expense.date === '2023-12-31');
    const startOfYear = thai.find((expense) => expense.date === '2024-01-01');
    expect(endOfYear && startOfYear).toBeTruthy();
    expect([endOfYear?.fiscalYear, startOfYear?.fiscalYear]).toEqual([2023, 2024]);
    expect([endOfYear?.groupFiscalYear, startOfYear?.groupFiscalYear]).toEqual([2024, 2024]);
  });

  it('links expenses and participation to an initiative of the same subsidiary, keeping no copy of its cause area', () => {
    for (const { data } of regional) {
      const initiatives = new Map(data.initiatives.map((initiative) => [initiative._id, initiative]));
      for (const doc of [...data.expenses, ...data.participation]) {
        expect(initiatives.get(doc.initiativeId), doc._id).toBeDefined();
        expect(doc, doc._id).not.toHaveProperty('causeArea');
      }
    }
  });

  it('uses unique, prefixed ids and sets counters to the highest seeded number', () => {
    const patterns = { initiatives: /^-I\d{4}$/, expenses: /^-X\d{6}$/, registrations: /^-R\d{6}$/, participation: /^-P\d{6}$/ };
    const seen = new Set<string>();
    for (const { config, data } of regional) {
      for (const part of ['initiatives', 'expenses', 'registrations', 'participation'] as const) {
        for (const doc of data[part]) {
          expect(doc._id.startsWith(`${config.code}-`), doc._id).toBe(true);
          expect(doc._id.slice(config.code.length), doc._id).toMatch(patterns[part]);
          expect(seen.has(doc._id), doc._id).toBe(false);
          seen.add(doc._id);
        }
      }
      const counters = Object.fromEntries(counterDocuments(data).map((counter) => [counter._id, counter.seq]));
      expect(counters).toEqual({
        initiative: data.initiatives.length,
        expense: data.expenses.length,
        registration: data.registrations.length,
        participation: data.participation.length,
      });
    }
  });

  it('uses every cause area and contribution type somewhere in the group', () => {
    const causeOf = new Map(regional.flatMap(({ data }) => data.initiatives).map((initiative) => [initiative._id, initiative.causeArea]));
    const areas = new Set(allExpenses.map((expense) => causeOf.get(expense.initiativeId)));
    expect([...areas].sort()).toEqual(CAUSE_AREAS.map((area) => area.code).sort());
    const types = new Set(allExpenses.map((expense) => expense.contributionType));
    expect([...types].sort()).toEqual(CONTRIBUTION_TYPES.map((type) => type.code).sort());
  });

  it('marks the provenance of every document', () => {
    const documents = [
      ...seed.group.exchangeRates,
      ...seed.group.goals,
      ...regional.flatMap(({ data }) => [...data.initiatives, ...data.expenses, ...data.registrations, ...data.participation]),
    ];
    for (const doc of documents) {
      expect(typeof doc.illustrative, doc._id).toBe('boolean');
      expect(doc.source, doc._id).toBeTruthy();
    }
    expect(seed.group.exchangeRates.every((rate) => rate.illustrative)).toBe(true);
    const goals = Object.fromEntries(seed.group.goals.map((goal) => [goal._id, goal]));
    expect(goals['G-REGISTRANTS-YEARLY']).toMatchObject({ target: 1200, cadence: 'PER_FISCAL_YEAR', fromFiscalYear: 2022, toFiscalYear: 2026, illustrative: false });
    expect(goals['G-REGISTRANTS-PLAN']).toMatchObject({ target: 10000, cadence: 'CUMULATIVE', fromFiscalYear: 2022, toFiscalYear: 2026, illustrative: false });
  });

  it('has cause areas, and a rate per currency and group fiscal year 2020–2026', () => {
    expect(seed.group.causeAreas.map((area) => area._id)).toEqual(CAUSE_AREAS.map((area) => area.code));
    for (const currency of ['USD', 'INR', 'THB']) {
      for (let year = 2020; year <= 2026; year += 1) {
        const rate = seed.group.exchangeRates.find((doc) => doc.currency === currency && doc.fiscalYear === year);
        expect(rate?._id).toBe(`${currency}:${year}`);
        expect(rate?.asOf).toBe(`${year}-03-31`);
      }
    }
    expect(dec(seed.group.exchangeRates.find((doc) => doc._id === 'USD:2024')!.jpyPerUnit).toString()).toBe('144.60');
  });

  it('has common fields fixed for reproducible loads', () => {
    for (const { config, data } of regional) {
      for (const initiative of data.initiatives) {
        expect(initiative.searchText).toBe([initiative.title, initiative.description, ...initiative.tags].join(' ').toLowerCase());
        expect(initiative).toMatchObject({ updatedBy: 'seed', version: 1 });
      }
      for (const doc of [...data.expenses, ...data.registrations, ...data.participation]) {
        expect(doc.updatedBy).toBe('seed');
        expect(doc.createdAt.toISOString()).toBe('2026-04-01T00:00:00.000Z');
      }
      expect(data.expenses.every((expense) => expense.currency === config.currency)).toBe(true);
    }
  });
});

describe('seed helpers', () => {
  it('distributes a whole total exactly', () => {
    const shares = distribute(1290, 12, createRng(7));
    expect(shares).toHaveLength(12);
    expect(shares.reduce((a, b) => a + b, 0)).toBe(1290);
    expect(distribute(1290, 12, createRng(7))).toEqual(shares);
  });

  it('places month-days inside a group fiscal year', () => {
    expect(inGroupYear(2024, '04-01')).toBe('2023-04-01');
    expect(inGroupYear(2024, '03-31')).toBe('2024-03-31');
    expect(inGroupYear(2024, '12-31')).toBe('2023-12-31');
  });
});
