/**
 * Deterministic benchmark data: for a size N per subsidiary, ~N/200 initiatives (at least 20),
 * N expenses of every contribution type and cause area over group fiscal years 2022–2026,
 * volunteer registrations and participation, plus the group's reference data from the seed.
 * Same size, same documents: a seeded PRNG (seed/builders.ts createRng), never Math.random.
 *
 * Documents are written in unordered insertMany batches into fresh databases; the product's
 * indexes are created once the data is in (as the subgraphs would at start-up).
 */
import { Decimal128, type Document, type MongoClient } from 'mongodb';
import { CAUSE_AREAS, CONTRIBUTION_TYPES, MOTIVATIONS, PARTNER_KINDS, type ContributionType } from '../subgraphs/common/catalog';
import { minorDigits } from '../subgraphs/common/currencies';
import { Decimal } from '../subgraphs/common/decimal';
import { fiscalYearOf } from '../subgraphs/common/fiscal-year';
import { GROUP_FISCAL_CALENDAR, subsidiaryByKey, type SubsidiaryConfig } from '../subgraphs/common/registry';
import { REGIONAL_COLLECTIONS } from '../subgraphs/kit/documents';
import type {
  CounterDocument,
  ExpenseDocument,
  InitiativeDocument,
  VolunteerParticipationDocument,
  VolunteerRegistrationDocument,
} from '../subgraphs/kit/documents';
import { formatId } from '../subgraphs/kit/store/ids';
import { REGIONAL_INDEXES, ensureIndexes } from '../subgraphs/kit/store/indexes';
import { DatasetStore } from '../subgraphs/kit/store/dataset';
import { searchTextOf } from '../subgraphs/kit/store/initiatives';
import { GROUP_COLLECTIONS } from '../subgraphs/group/documents';
import { GROUP_INDEXES } from '../subgraphs/group/store';
import { SEEDED_AT, createRng, illustrative, monthEndsOfGroupYear } from '../seed/builders';
import { REGIONAL_KEYS, seedDocuments, type SeedDatabases, type SubsidiaryKey } from '../seed/load';

/** Group fiscal years the expenses fall in: 1 April 2021 – 31 March 2026. */
export const GENERATED_FISCAL_YEARS = [2022, 2023, 2024, 2025, 2026] as const;
export const GENERATED_BY = 'bench';
const PROVENANCE = illustrative('generated benchmark data (bench/generate.ts)');

export interface GenerateOptions {
  /** Expense documents per subsidiary. */
  size: number;
  databases: SeedDatabases;
  /** Documents per insertMany (default 5000). */
  batchSize?: number;
  /** Which subsidiaries to fill (default all four). */
  subsidiaries?: readonly SubsidiaryKey[];
}

export interface SubsidiaryDataset {
  database: string;
  currency: string;
  initiatives: number;
  /** Initiatives that writes may target (not ARCHIVED), in id order. */
  openInitiativeIds: string[];
  expenses: number;
  registrations: number;
  participation: number;
  /** Per group fiscal year: expense count and the exact sum in minor units of the currency. */
  byGroupFiscalYear: Map<number, { expenses: number; minorUnits: bigint }>;
  /** Expense count per contribution type and per cause area (every one appears). */
  byContributionType: Map<string, number>;
  byCauseArea: Map<string, number>;
}

export interface GeneratedDataset {
  size: number;
  subsidiaries: Partial<Record<SubsidiaryKey, SubsidiaryDataset>>;
  documents: number;
  milliseconds: number;
}

/** Number of initiatives for a size: one per ~200 expenses, at least 20. */
export function initiativeCount(size: number): number {
  return Math.max(20, Math.round(size / 200));
}

/** A per-subsidiary PRNG seed derived from the size, so sizes differ and reruns agree. */
function seedOf(size: number, code: string, stream: number): number {
  let hash = (size * 2654435761 + stream * 40503) >>> 0;
  for (const char of code) hash = Math.imul(hash ^ char.charCodeAt(0), 16777619) >>> 0;
  return hash;
}

function isoDay(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

const DAY_MS = 86_400_000;
const FIRST_DAY = Date.UTC(2021, 3, 1);
const LAST_DAY = Date.UTC(2026, 2, 31);

/** Every calendar date of the generated fiscal years with its own and the group's fiscal year. */
function datesOf(subsidiary: SubsidiaryConfig): { date: string; fiscalYear: number; groupFiscalYear: number }[] {
  const dates = [];
  for (let ms = FIRST_DAY; ms <= LAST_DAY; ms += DAY_MS) {
    const date = isoDay(ms);
    dates.push({ date, fiscalYear: fiscalYearOf(date, subsidiary.fiscalCalendar), groupFiscalYear: fiscalYearOf(date, GROUP_FISCAL_CALENDAR) });
  }
  return dates;
}

const WORDS = ['Green', 'Bright', 'Open', 'Shared', 'Local', 'Future', 'Healthy', 'Safe', 'Digital', 'Inclusive', 'Coastal', 'Rural'];
const THEMES = ['Schools', 'Forests', 'Libraries', 'Clinics', 'Workshops', 'Sports', 'Relief', 'Mentors', 'Kitchens', 'Gardens'];

const VALUATION: Record<ContributionType, string> = {
  CASH: 'Financial assistance, at the amount paid',
  IN_KIND_PRODUCT: 'Donated products, valued at unit price',
  FACILITY_USE: 'Public use of company facilities, valued at the unit price of an equivalent external facility',
  EMPLOYEE_TIME: 'Employee volunteering on company time, valued at the hourly employment cost',
  MANAGEMENT_COST: 'Cost of running the programme, at cost',
};

const UNITS: Partial<Record<ContributionType, string>> = { IN_KIND_PRODUCT: 'item', FACILITY_USE: 'day', EMPLOYEE_TIME: 'hour' };

class SubsidiaryGenerator {
  private readonly rng: () => number;
  private readonly digits: number;
  private readonly dates: ReturnType<typeof datesOf>;
  readonly initiatives: InitiativeDocument[] = [];
  readonly summary: SubsidiaryDataset;

  constructor(
    private readonly subsidiary: SubsidiaryConfig,
    private readonly size: number,
    database: string,
  ) {
    this.rng = createRng(seedOf(size, subsidiary.code, 1));
    this.digits = minorDigits(subsidiary.currency);
    this.dates = datesOf(subsidiary);
    this.summary = {
      database,
      currency: subsidiary.currency,
      initiatives: 0,
      openInitiativeIds: [],
      expenses: 0,
      registrations: 0,
      participation: 0,
      byGroupFiscalYear: new Map(GENERATED_FISCAL_YEARS.map((year) => [year, { expenses: 0, minorUnits: 0n }])),
      byContributionType: new Map(CONTRIBUTION_TYPES.map((type) => [type.code, 0])),
      byCauseArea: new Map(CAUSE_AREAS.map((area) => [area.code, 0])),
    };
  }

  private int(min: number, max: number): number {
    return min + Math.floor(this.rng() * (max - min + 1));
  }

  private pick<T>(values: readonly T[]): T {
    return values[Math.floor(this.rng() * values.length)]!;
  }

  buildInitiatives(): InitiativeDocument[] {
    const count = initiativeCount(this.size);
    for (let index = 0; index < count; index += 1) {
      const roll = this.rng();
      const status = roll < 0.05 ? 'ARCHIVED' : roll < 0.15 ? 'COMPLETED' : 'ACTIVE';
      // Every cause area appears (there are at least 20 initiatives).
      const causeArea = CAUSE_AREAS[index % CAUSE_AREAS.length]!.code;
      const title = `${this.pick(WORDS)} ${this.pick(THEMES)} ${this.subsidiary.code}-${index + 1}`;
      const description = `${title}: a generated ${causeArea.toLowerCase().replace(/_/g, ' ')} programme of ${this.subsidiary.name}.`;
      const tags = [causeArea.toLowerCase(), this.subsidiary.country.toLowerCase(), `batch-${index % 7}`];
      const document: InitiativeDocument = {
        _id: formatId(this.subsidiary.code, 'initiative', index + 1),
        title,
        description,
        causeArea,
        motivation: this.pick(MOTIVATIONS),
        status,
        startDate: isoDay(Date.UTC(2015, 3, 1) + this.int(0, 2190) * DAY_MS), // 2015-04-01 … 2021-03-30
        endDate: status === 'COMPLETED' ? '2026-03-31' : null,
        partners: [{ name: `Partner ${this.int(1, 500)}`, kind: this.pick(PARTNER_KINDS) }],
        beneficiaries: this.int(10, 50_000),
        participants: this.int(1, 2_000),
        outcomes: [],
        tags,
        searchText: searchTextOf({ title, description, tags }),
        ...PROVENANCE,
        createdAt: SEEDED_AT,
        updatedAt: SEEDED_AT,
        updatedBy: GENERATED_BY,
        version: 1,
      };
      this.initiatives.push(document);
      if (status !== 'ARCHIVED') this.summary.openInitiativeIds.push(document._id);
    }
    this.summary.initiatives = count;
    return this.initiatives;
  }

  /** Whole minor units in [min, max] as an exact Decimal of the currency. */
  private minor(min: number, max: number): Decimal {
    return Decimal.of(BigInt(this.int(min, max)), this.digits);
  }

  expense(sequence: number): ExpenseDocument {
    const initiative = this.pick(this.initiatives);
    const day = this.pick(this.dates);
    const contributionType = CONTRIBUTION_TYPES[sequence % CONTRIBUTION_TYPES.length]!.code;
    let quantity: Decimal | null = null;
    let unitPrice: Decimal | null = null;
    let amount: Decimal;
    switch (contributionType) {
      case 'CASH':
        amount = this.minor(10_000, 5_000_000);
        break;
      case 'MANAGEMENT_COST':
        amount = this.minor(1_000, 500_000);
        break;
      case 'IN_KIND_PRODUCT':
        quantity = Decimal.of(BigInt(this.int(1, 500)), 0);
        unitPrice = this.minor(100, 50_000);
        amount = quantity.multiply(unitPrice).round(this.digits);
        break;
      case 'FACILITY_USE':
        quantity = Decimal.of(BigInt(this.int(1, 30)), 0);
        unitPrice = this.minor(5_000, 500_000);
        amount = quantity.multiply(unitPrice).round(this.digits);
        break;
      case 'EMPLOYEE_TIME':
        // Half hours × an hourly cost: for JPY the product has a fraction and is rounded, as the product does.
        quantity = Decimal.of(BigInt(this.int(1, 80)) * 5n, 1);
        unitPrice = this.minor(1_500, 9_999);
        amount = quantity.multiply(unitPrice).round(this.digits);
        break;
    }
    const fixed = amount.toFixed(this.digits);
    const totals = this.summary.byGroupFiscalYear.get(day.groupFiscalYear)!;
    totals.expenses += 1;
    totals.minorUnits += BigInt(fixed.replace('.', ''));
    this.summary.byContributionType.set(contributionType, this.summary.byContributionType.get(contributionType)! + 1);
    this.summary.byCauseArea.set(initiative.causeArea, this.summary.byCauseArea.get(initiative.causeArea)! + 1);
    this.summary.expenses += 1;
    return {
      _id: formatId(this.subsidiary.code, 'expense', sequence),
      initiativeId: initiative._id,
      date: day.date,
      fiscalYear: day.fiscalYear,
      groupFiscalYear: day.groupFiscalYear,
      contributionType,
      quantity: quantity ? Decimal128.fromString(quantity.toString()) : null,
      unit: UNITS[contributionType] ?? null,
      unitPrice: unitPrice ? Decimal128.fromString(unitPrice.toString()) : null,
      amount: Decimal128.fromString(fixed),
      currency: this.subsidiary.currency,
      valuationBasis: VALUATION[contributionType],
      description: `Generated ${contributionType.toLowerCase().replace(/_/g, ' ')} #${sequence}`,
      ...PROVENANCE,
      createdAt: SEEDED_AT,
      updatedAt: SEEDED_AT,
      updatedBy: GENERATED_BY,
    };
  }

  participation(sequence: number): VolunteerParticipationDocument {
    const initiative = this.pick(this.initiatives);
    const day = this.pick(this.dates);
    const people = this.int(1, 50);
    const hours = Decimal.of(BigInt(people * this.int(2, 16)) * 5n, 1); // half hours each
    this.summary.participation += 1;
    return {
      _id: formatId(this.subsidiary.code, 'participation', sequence),
      initiativeId: initiative._id,
      date: day.date,
      fiscalYear: day.fiscalYear,
      groupFiscalYear: day.groupFiscalYear,
      people,
      hours: Decimal128.fromString(hours.toString()),
      note: 'Generated participation',
      ...PROVENANCE,
      createdAt: SEEDED_AT,
      updatedBy: GENERATED_BY,
    };
  }

  registrations(): VolunteerRegistrationDocument[] {
    const dates = GENERATED_FISCAL_YEARS.flatMap((year) => monthEndsOfGroupYear(year));
    this.summary.registrations = dates.length;
    return dates.map((date, index) => ({
      _id: formatId(this.subsidiary.code, 'registration', index + 1),
      date,
      fiscalYear: fiscalYearOf(date, this.subsidiary.fiscalCalendar),
      groupFiscalYear: fiscalYearOf(date, GROUP_FISCAL_CALENDAR),
      count: this.int(5, 60),
      note: 'Generated monthly registrations',
      ...PROVENANCE,
      createdAt: SEEDED_AT,
      updatedBy: GENERATED_BY,
    }));
  }
}

/** Participation records per subsidiary for a size: one per ~100 expenses, at least 20. */
export function participationCount(size: number): number {
  return Math.max(20, Math.round(size / 100));
}

async function insertBatches<T extends Document>(
  client: MongoClient,
  database: string,
  collection: string,
  count: number,
  build: (sequence: number) => T,
  batchSize: number,
): Promise<void> {
  const target = client.db(database).collection<T>(collection);
  for (let start = 1; start <= count; start += batchSize) {
    const batch: T[] = [];
    for (let sequence = start; sequence < Math.min(start + batchSize, count + 1); sequence += 1) batch.push(build(sequence));
    await target.insertMany(batch as never[], { ordered: false });
  }
}

async function generateSubsidiary(client: MongoClient, key: SubsidiaryKey, options: GenerateOptions): Promise<SubsidiaryDataset> {
  const subsidiary = subsidiaryByKey(key);
  if (!subsidiary) throw new Error(`Unknown subsidiary ${key}`);
  const database = options.databases[key];
  const batchSize = options.batchSize ?? 5_000;
  const generator = new SubsidiaryGenerator(subsidiary, options.size, database);
  const db = client.db(database);
  await db.collection<InitiativeDocument>(REGIONAL_COLLECTIONS.initiatives).insertMany(generator.buildInitiatives(), { ordered: false });
  await insertBatches(client, database, REGIONAL_COLLECTIONS.expenses, options.size, (sequence) => generator.expense(sequence), batchSize);
  const participation = participationCount(options.size);
  await insertBatches(client, database, REGIONAL_COLLECTIONS.participation, participation, (sequence) => generator.participation(sequence), batchSize);
  const registrations = generator.registrations();
  await db.collection<VolunteerRegistrationDocument>(REGIONAL_COLLECTIONS.registrations).insertMany(registrations, { ordered: false });
  // Ids created later by writes continue after the generated ones.
  const counters: CounterDocument[] = [
    { _id: 'initiative', seq: generator.summary.initiatives },
    { _id: 'expense', seq: options.size },
    { _id: 'registration', seq: registrations.length },
    { _id: 'participation', seq: participation },
  ];
  await db.collection<CounterDocument>(REGIONAL_COLLECTIONS.counters).insertMany(counters);
  await ensureIndexes(db, REGIONAL_INDEXES);
  await new DatasetStore(db, subsidiary).initialise(GENERATED_BY);
  return generator.summary;
}

/** Group reference data (cause areas, exchange rates, goals), as the seed has it. */
async function loadGroupReference(client: MongoClient, database: string): Promise<number> {
  const { group } = seedDocuments();
  const db = client.db(database);
  await db.collection(GROUP_COLLECTIONS.causeAreas).insertMany(group.causeAreas as unknown as Document[]);
  await db.collection(GROUP_COLLECTIONS.exchangeRates).insertMany(group.exchangeRates as unknown as Document[]);
  await db.collection(GROUP_COLLECTIONS.goals).insertMany(group.goals as unknown as Document[]);
  await ensureIndexes(db, GROUP_INDEXES);
  return group.causeAreas.length + group.exchangeRates.length + group.goals.length;
}

/** Fills empty databases with the dataset of one size; subsidiaries are written concurrently. */
export async function generateDataset(client: MongoClient, options: GenerateOptions): Promise<GeneratedDataset> {
  if (!Number.isInteger(options.size) || options.size < 1) throw new RangeError(`size must be a positive whole number, got ${options.size}`);
  const started = performance.now();
  const keys = options.subsidiaries ?? REGIONAL_KEYS;
  const [groupDocuments, ...summaries] = await Promise.all([
    loadGroupReference(client, options.databases.group),
    ...keys.map((key) => generateSubsidiary(client, key, options)),
  ]);
  const subsidiaries: Partial<Record<SubsidiaryKey, SubsidiaryDataset>> = {};
  let documents = groupDocuments;
  keys.forEach((key, index) => {
    const summary = summaries[index]!;
    subsidiaries[key] = summary;
    documents += summary.initiatives + summary.expenses + summary.participation + summary.registrations + 4;
  });
  return { size: options.size, subsidiaries, documents, milliseconds: performance.now() - started };
}
