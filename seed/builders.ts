import type { Document } from 'mongodb';
/**
 * Building blocks of the seed dataset: the subsidiary files hold data, this module turns it into
 * MongoDB documents (ids, fiscal years, search text, exact amounts, provenance).
 */
import { Decimal128 } from 'mongodb';
import type {
  ExpenseDocument,
  InitiativeDocument,
  Outcome,
  Partner,
  Provenance,
  VolunteerParticipationDocument,
  VolunteerRegistrationDocument,
} from '../subgraphs/kit/documents';
import type { CauseArea, ContributionType, InitiativeStatus, Motivation } from '../subgraphs/common/catalog';
import { Decimal } from '../subgraphs/common/decimal';
import { minorDigits } from '../subgraphs/common/currencies';
import { fiscalYearOf, isIsoDate } from '../subgraphs/common/fiscal-year';
import { GROUP_FISCAL_CALENDAR, subsidiaryByKey } from '../subgraphs/common/registry';
import type { SubsidiaryConfig } from '../subgraphs/common/registry';

/** Fixed creation time of every seeded document, so that two runs write identical data. */
export const SEEDED_AT = new Date('2026-04-01T00:00:00.000Z');
export const SEED_USER = 'seed';

/** The published report the facts come from. */
export const REPORT = 'NEC corporate-citizenship report (fiscal 2024)';
export const ILLUSTRATIVE_SOURCE = 'Illustrative record (no figure in the report)';

/** A record stating a fact of the report; `detail` says which fact (and what, if anything, was filled in). */
export function fromReport(detail?: string): Provenance {
  return { illustrative: false, source: detail ? `${REPORT}: ${detail}` : REPORT };
}

/** A record invented to fill a gap of the report; `detail` says what it is based on, if anything. */
export function illustrative(detail?: string): Provenance {
  return { illustrative: true, source: detail ? `${ILLUSTRATIVE_SOURCE}: ${detail}` : ILLUSTRATIVE_SOURCE };
}

/**
 * Provenance of volunteer registration counts: the report gives the group's fiscal 2024 count
 * (1,338) and the total (8,721); how they split by subsidiary, month and earlier year is invented.
 */
export function registrationProvenance(groupFiscalYear: number): Provenance {
  if (groupFiscalYear === 2024) return illustrative("split by subsidiary and month of the report's fiscal 2024 count of 1,338 new registrants");
  if (groupFiscalYear === 2022 || groupFiscalYear === 2023) {
    return illustrative("earlier years chosen so that fiscal 2022–2024 add up to the report's 8,721 registrants in total");
  }
  return illustrative();
}

/** Provenance of participation records: the report gives the group's totals for fiscal 2024 and (by difference) 2023. */
export function participationProvenance(groupFiscalYear: number): Provenance {
  if (groupFiscalYear === 2024) return illustrative("split of the report's fiscal 2024 total of 13,000 employee participants; hours illustrative");
  if (groupFiscalYear === 2023) {
    return illustrative("split of fiscal 2023's 9,520 participants (the report's 13,000 less its reported rise of 3,480); hours illustrative");
  }
  return illustrative();
}

export type SubsidiaryKey = 'japan' | 'india' | 'america' | 'thailand';

export interface RegionalSeed {
  initiatives: InitiativeDocument[];
  expenses: ExpenseDocument[];
  registrations: VolunteerRegistrationDocument[];
  participation: VolunteerParticipationDocument[];
  /** Collections of the subsidiary's local extension, by name. */
  local?: Record<string, Document[]>;
}

// ---------------------------------------------------------------------------------------------
// Deterministic helpers

/** mulberry32: a small seeded PRNG returning numbers in [0, 1). */
export function createRng(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * Splits a whole `total` into `parts` non-negative whole shares that sum to it exactly, with
 * weights drawn from `rng` (between 0.6 and 1.4 each) and largest-remainder rounding.
 */
export function distribute(total: number, parts: number, rng: () => number): number[] {
  if (!Number.isInteger(total) || total < 0) throw new RangeError(`distribute: ${total} is not a whole count`);
  const weights = Array.from({ length: parts }, () => 0.6 + 0.8 * rng());
  const weightSum = weights.reduce((sum, weight) => sum + weight, 0);
  const exact = weights.map((weight) => (total * weight) / weightSum);
  const shares = exact.map(Math.floor);
  let missing = total - shares.reduce((sum, share) => sum + share, 0);
  const byRemainder = exact.map((value, index) => ({ index, remainder: value - Math.floor(value) }));
  byRemainder.sort((a, b) => b.remainder - a.remainder || a.index - b.index);
  for (const { index } of byRemainder) {
    if (missing === 0) break;
    shares[index] = (shares[index] ?? 0) + 1;
    missing -= 1;
  }
  return shares;
}

/**
 * The date with month-day `monthDay` ("MM-DD") inside group fiscal year `groupFiscalYear`
 * (April–March, named by its end year): "06-30" of FY2024 is 2023-06-30, "01-15" is 2024-01-15.
 */
export function inGroupYear(groupFiscalYear: number, monthDay: string): string {
  const month = Number(monthDay.slice(0, 2));
  const year = month >= GROUP_FISCAL_CALENDAR.startMonth ? groupFiscalYear - 1 : groupFiscalYear;
  const date = `${year}-${monthDay}`;
  if (!isIsoDate(date)) throw new RangeError(`inGroupYear: ${date} is not a calendar date`);
  return date;
}

/** Last day of each month of a group fiscal year, April first. */
export function monthEndsOfGroupYear(groupFiscalYear: number): string[] {
  return Array.from({ length: 12 }, (_, index) => {
    const month = ((GROUP_FISCAL_CALENDAR.startMonth - 1 + index) % 12) + 1;
    const year = month >= GROUP_FISCAL_CALENDAR.startMonth ? groupFiscalYear - 1 : groupFiscalYear;
    return new Date(Date.UTC(year, month, 0)).toISOString().slice(0, 10);
  });
}

/** Last day of each quarter of a group fiscal year (30 June, 30 September, 31 December, 31 March). */
export function quarterEndsOfGroupYear(groupFiscalYear: number): string[] {
  return monthEndsOfGroupYear(groupFiscalYear).filter((_, index) => index % 3 === 2);
}

function searchTextOf(title: string, description: string, tags: readonly string[]): string {
  return [title, description, ...tags].join(' ').toLowerCase();
}

function pad(value: number, width: number): string {
  return String(value).padStart(width, '0');
}

// ---------------------------------------------------------------------------------------------
// Specifications written in the data files

export interface InitiativeSpec {
  title: string;
  description: string;
  causeArea: CauseArea;
  motivation: Motivation;
  status: InitiativeStatus;
  startDate: string;
  endDate?: string | null;
  partners?: Partner[];
  beneficiaries?: number | null;
  participants?: number | null;
  outcomes?: Outcome[];
  tags: string[];
  provenance: Provenance;
}

interface ExpenseCommon {
  date: string;
  description: string;
  /** Overrides the default wording of the contribution type's valuation basis. */
  valuationBasis?: string;
  /** Defaults to illustrative. */
  provenance?: Provenance;
}

/** Cash and management costs: the amount as paid. */
export interface AmountExpenseSpec extends ExpenseCommon {
  type: Extract<ContributionType, 'CASH' | 'MANAGEMENT_COST'>;
  amount: string;
}

/** Products, facility use and employee time: quantity × unit price, rounded to the currency's minor unit. */
export interface ValuedExpenseSpec extends ExpenseCommon {
  type: Extract<ContributionType, 'IN_KIND_PRODUCT' | 'FACILITY_USE' | 'EMPLOYEE_TIME'>;
  quantity: string;
  unit: string;
  unitPrice: string;
}

export type ExpenseSpec = AmountExpenseSpec | ValuedExpenseSpec;

/** Values per group fiscal year, e.g. `{ 2023: '28000000', 2024: '30000000', 2025: '30000000' }`. */
export type PerYear<T> = Readonly<Record<number, T>>;

interface YearlyCommon {
  /** "MM-DD" placed inside each group fiscal year (see inGroupYear). */
  monthDay: string;
  description: string;
  valuationBasis?: string;
  provenance?: Provenance;
}

/** The same kind of expense once in each group fiscal year listed. */
export type YearlyExpenseSpec =
  | (YearlyCommon & { type: AmountExpenseSpec['type']; amount: PerYear<string> })
  | (YearlyCommon & {
      type: ValuedExpenseSpec['type'];
      quantity: PerYear<string>;
      unit: string;
      unitPrice: string | PerYear<string>;
    });

/** Employee time spread over the twelve months of each year listed (month-end dates, PRNG weights). */
export interface MonthlyTimeSpec {
  description: string;
  /** Whole hours per group fiscal year and the hourly cost of that year. */
  years: PerYear<{ hours: number; hourlyCost: string }>;
  seed: number;
  valuationBasis?: string;
  provenance?: Provenance;
}

export interface RegistrationSpec {
  date: string;
  count: number;
  note: string;
  provenance: Provenance;
}

export interface ParticipationSpec {
  date: string;
  people: number;
  hours: string;
  note: string;
  provenance?: Provenance;
}

export interface YearlyParticipationSpec {
  monthDay: string;
  people: PerYear<number>;
  /** Average hours per person, a decimal string. */
  hoursEach: string;
  note: string;
  provenance: (groupFiscalYear: number) => Provenance;
}

/** Cash and management costs are recorded as an amount; the other types as quantity × unit price. */
function isAmountSpec<S extends { type: ContributionType }>(spec: S): spec is Extract<S, { type: AmountExpenseSpec['type'] }> {
  return spec.type === 'CASH' || spec.type === 'MANAGEMENT_COST';
}

const DEFAULT_VALUATION_BASIS: Record<ContributionType, string> = {
  CASH: 'Financial assistance, at the amount paid',
  IN_KIND_PRODUCT: 'Donated products, valued at unit price',
  FACILITY_USE: 'Public use of company facilities, valued at the unit price of an equivalent external facility',
  EMPLOYEE_TIME: 'Employee volunteering on company time, valued at the hourly employment cost',
  MANAGEMENT_COST: 'Cost of running the programme, at cost',
};

function valueOf<T>(perYear: PerYear<T>, year: number, what: string): T {
  const value = perYear[year];
  if (value === undefined) throw new RangeError(`${what}: no value for fiscal year ${year}`);
  return value;
}

function yearsOf(perYear: PerYear<unknown>): number[] {
  return Object.keys(perYear)
    .map(Number)
    .sort((a, b) => a - b);
}

// ---------------------------------------------------------------------------------------------
// The builder of one subsidiary's documents

export class SubsidiarySeedBuilder {
  readonly subsidiary: SubsidiaryConfig;
  private readonly initiatives: InitiativeDocument[] = [];
  private readonly expenses: ExpenseDocument[] = [];
  private readonly registrations: VolunteerRegistrationDocument[] = [];
  private readonly participation: VolunteerParticipationDocument[] = [];

  constructor(key: SubsidiaryKey) {
    const subsidiary = subsidiaryByKey(key);
    if (!subsidiary) throw new Error(`Unknown subsidiary "${key}"`);
    this.subsidiary = subsidiary;
  }

  private fiscalYears(date: string): { fiscalYear: number; groupFiscalYear: number } {
    return {
      fiscalYear: fiscalYearOf(date, this.subsidiary.fiscalCalendar),
      groupFiscalYear: fiscalYearOf(date, GROUP_FISCAL_CALENDAR),
    };
  }

  private id(kind: 'I' | 'X' | 'R' | 'P', sequence: number): string {
    return `${this.subsidiary.code}-${kind}${pad(sequence, kind === 'I' ? 4 : 6)}`;
  }

  initiative(spec: InitiativeSpec): InitiativeDocument {
    if (!isIsoDate(spec.startDate)) throw new RangeError(`${spec.title}: bad start date ${spec.startDate}`);
    const document: InitiativeDocument = {
      _id: this.id('I', this.initiatives.length + 1),
      title: spec.title,
      description: spec.description,
      causeArea: spec.causeArea,
      motivation: spec.motivation,
      status: spec.status,
      startDate: spec.startDate,
      endDate: spec.endDate ?? null,
      partners: spec.partners ?? [],
      beneficiaries: spec.beneficiaries ?? null,
      participants: spec.participants ?? null,
      outcomes: spec.outcomes ?? [],
      tags: spec.tags,
      searchText: searchTextOf(spec.title, spec.description, spec.tags),
      illustrative: spec.provenance.illustrative,
      source: spec.provenance.source,
      createdAt: SEEDED_AT,
      updatedAt: SEEDED_AT,
      updatedBy: SEED_USER,
      version: 1,
    };
    this.initiatives.push(document);
    return document;
  }

  expense(initiative: InitiativeDocument, spec: ExpenseSpec): ExpenseDocument {
    this.assertOwn(initiative);
    const currency = this.subsidiary.currency;
    const digits = minorDigits(currency);
    let quantity: Decimal128 | null = null;
    let unit: string | null = null;
    let unitPrice: Decimal128 | null = null;
    let amount: Decimal;
    if (isAmountSpec(spec)) {
      amount = Decimal.parse(spec.amount);
    } else {
      const q = Decimal.parse(spec.quantity);
      const price = Decimal.parse(spec.unitPrice);
      quantity = Decimal128.fromString(q.toString());
      unit = spec.unit;
      unitPrice = Decimal128.fromString(price.toString());
      amount = q.multiply(price).round(digits);
    }
    if (amount.isNegative()) throw new RangeError(`${spec.description}: negative amount`);
    const provenance = spec.provenance ?? illustrative();
    const id = this.id('X', this.expenses.length + 1);
    const document: ExpenseDocument = {
      _id: id,
      initiativeId: initiative._id,
      date: spec.date,
      ...this.fiscalYears(spec.date),
      contributionType: spec.type,
      quantity,
      unit,
      unitPrice,
      // toFixed throws if a cash amount has more fraction digits than the currency allows.
      amount: Decimal128.fromString(amount.toFixed(digits)),
      currency,
      valuationBasis: spec.valuationBasis ?? DEFAULT_VALUATION_BASIS[spec.type],
      description: spec.description,
      illustrative: provenance.illustrative,
      source: provenance.source,
      createdAt: SEEDED_AT,
      updatedAt: SEEDED_AT,
      updatedBy: SEED_USER,
    };
    this.expenses.push(document);
    return document;
  }

  /** One expense in each group fiscal year that the spec gives a value for. */
  yearly(initiative: InitiativeDocument, spec: YearlyExpenseSpec): void {
    const common = { description: spec.description, valuationBasis: spec.valuationBasis, provenance: spec.provenance };
    if (isAmountSpec(spec)) {
      for (const year of yearsOf(spec.amount)) {
        const date = inGroupYear(year, spec.monthDay);
        this.expense(initiative, { ...common, type: spec.type, date, amount: valueOf(spec.amount, year, spec.description) });
      }
    } else {
      for (const year of yearsOf(spec.quantity)) {
        const date = inGroupYear(year, spec.monthDay);
        const unitPrice = typeof spec.unitPrice === 'string' ? spec.unitPrice : valueOf(spec.unitPrice, year, spec.description);
        this.expense(initiative, {
          ...common,
          type: spec.type,
          date,
          quantity: valueOf(spec.quantity, year, spec.description),
          unit: spec.unit,
          unitPrice,
        });
      }
    }
  }

  /** Employee time recorded monthly: each year's hours split over its twelve month ends. */
  monthlyTime(initiative: InitiativeDocument, spec: MonthlyTimeSpec): void {
    const rng = createRng(spec.seed);
    for (const year of yearsOf(spec.years)) {
      const { hours, hourlyCost } = valueOf(spec.years, year, spec.description);
      const shares = distribute(hours, 12, rng);
      monthEndsOfGroupYear(year).forEach((date, index) => {
        const share = shares[index] ?? 0;
        if (share === 0) return;
        this.expense(initiative, {
          type: 'EMPLOYEE_TIME',
          date,
          quantity: String(share),
          unit: 'hour',
          unitPrice: hourlyCost,
          description: spec.description,
          valuationBasis: spec.valuationBasis,
          provenance: spec.provenance,
        });
      });
    }
  }

  registration(spec: RegistrationSpec): VolunteerRegistrationDocument {
    if (!Number.isInteger(spec.count) || spec.count < 0) throw new RangeError(`bad registration count ${spec.count}`);
    const document: VolunteerRegistrationDocument = {
      _id: this.id('R', this.registrations.length + 1),
      date: spec.date,
      ...this.fiscalYears(spec.date),
      count: spec.count,
      note: spec.note,
      illustrative: spec.provenance.illustrative,
      source: spec.provenance.source,
      createdAt: SEEDED_AT,
      updatedBy: SEED_USER,
    };
    this.registrations.push(document);
    return document;
  }

  /**
   * Registrations of a group fiscal year split over its months (or quarters) with exact sum:
   * one document per period end.
   */
  registrationsOfYear(
    groupFiscalYear: number,
    total: number,
    options: { periods: 'MONTH' | 'QUARTER'; seed: number; note: string; provenance: Provenance },
  ): void {
    const dates = options.periods === 'MONTH' ? monthEndsOfGroupYear(groupFiscalYear) : quarterEndsOfGroupYear(groupFiscalYear);
    const counts = distribute(total, dates.length, createRng(options.seed));
    dates.forEach((date, index) => {
      this.registration({ date, count: counts[index] ?? 0, note: options.note, provenance: options.provenance });
    });
  }

  participate(initiative: InitiativeDocument, spec: ParticipationSpec): VolunteerParticipationDocument {
    this.assertOwn(initiative);
    if (!Number.isInteger(spec.people) || spec.people < 0) throw new RangeError(`bad participant count ${spec.people}`);
    const provenance = spec.provenance ?? illustrative();
    const document: VolunteerParticipationDocument = {
      _id: this.id('P', this.participation.length + 1),
      initiativeId: initiative._id,
      date: spec.date,
      ...this.fiscalYears(spec.date),
      people: spec.people,
      hours: Decimal128.fromString(Decimal.parse(spec.hours).toString()),
      note: spec.note,
      illustrative: provenance.illustrative,
      source: provenance.source,
      createdAt: SEEDED_AT,
      updatedBy: SEED_USER,
    };
    this.participation.push(document);
    return document;
  }

  /**
   * One participation record in each group fiscal year listed: `people[year]` people giving
   * `hoursEach` hours each (hours = people × hoursEach, exact).
   */
  participationYearly(initiative: InitiativeDocument, spec: YearlyParticipationSpec): void {
    for (const year of yearsOf(spec.people)) {
      const people = valueOf(spec.people, year, spec.note);
      const hours = Decimal.parse(String(people)).multiply(Decimal.parse(spec.hoursEach));
      this.participate(initiative, {
        date: inGroupYear(year, spec.monthDay),
        people,
        hours: hours.toString(),
        note: spec.note,
        provenance: spec.provenance(year),
      });
    }
  }

  build(): RegionalSeed {
    return {
      initiatives: [...this.initiatives],
      expenses: [...this.expenses],
      registrations: [...this.registrations],
      participation: [...this.participation],
    };
  }

  private assertOwn(initiative: InitiativeDocument): void {
    if (!this.initiatives.includes(initiative)) throw new Error(`${initiative._id} is not an initiative of ${this.subsidiary.code}`);
  }
}
