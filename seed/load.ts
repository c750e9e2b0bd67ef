/**
 * Idempotent loader of the seed dataset: every document is upserted by _id (so a second run
 * leaves the same data and counts), and each regional database's id counters are raised to the
 * highest seeded number so ids created later never collide with seeded ones.
 */
import type { AnyBulkWriteOperation, Document, MongoClient } from 'mongodb';
import { REGIONAL_COLLECTIONS } from '../subgraphs/kit/documents';
import { RollupStore } from '../subgraphs/kit/store/rollups';
import { DatasetStore } from '../subgraphs/kit/store/dataset';
import { subsidiaryByKey } from '../subgraphs/common/registry';
import { SEED_USER } from './builders';
import type { CounterDocument } from '../subgraphs/kit/documents';
import { GROUP_COLLECTIONS } from '../subgraphs/group/documents';
import type { RegionalSeed, SubsidiaryKey } from './builders';
import { groupSeed } from './group';
import type { GroupSeed } from './group';
import { japanSeed } from './japan';
import { indiaSeed } from './india';
import { americaSeed } from './america';
import { thailandSeed } from './thailand';

export type { RegionalSeed, SubsidiaryKey } from './builders';
export type { GroupSeed } from './group';

export interface SeedDatabases {
  group: string;
  japan: string;
  india: string;
  america: string;
  thailand: string;
}

export interface SeedDocuments {
  group: GroupSeed;
  japan: RegionalSeed;
  india: RegionalSeed;
  america: RegionalSeed;
  thailand: RegionalSeed;
}

export interface DatabaseSummary {
  database: string;
  /** Seeded documents per collection name (counters included for regional databases). */
  collections: Record<string, number>;
}

export type SeedSummary = Record<keyof SeedDatabases, DatabaseSummary>;

export const REGIONAL_KEYS: readonly SubsidiaryKey[] = ['japan', 'india', 'america', 'thailand'];

/** The whole seed dataset, built afresh (deterministic: two calls give equal documents). */
export function seedDocuments(): SeedDocuments {
  return {
    group: groupSeed(),
    japan: japanSeed(),
    india: indiaSeed(),
    america: americaSeed(),
    thailand: thailandSeed(),
  };
}

/** Counter names of the regional databases, with the id letter they number. */
const COUNTERS = [
  { name: 'initiative', part: 'initiatives', letter: 'I' },
  { name: 'expense', part: 'expenses', letter: 'X' },
  { name: 'registration', part: 'registrations', letter: 'R' },
  { name: 'participation', part: 'participation', letter: 'P' },
] as const;

/** The number in an id such as "JP-X000042" (42); 0 when the id does not have the expected form. */
export function sequenceOf(id: string, letter: string): number {
  const match = /^[A-Z]+-([A-Z])(\d+)$/.exec(id);
  return match && match[1] === letter ? Number(match[2]) : 0;
}

/** Highest seeded number per counter of one subsidiary. */
export function counterDocuments(seed: RegionalSeed): CounterDocument[] {
  return COUNTERS.map(({ name, part, letter }) => ({
    _id: name,
    seq: seed[part].reduce((max, document) => Math.max(max, sequenceOf(document._id, letter)), 0),
  }));
}

async function upsertAll(client: MongoClient, database: string, collection: string, documents: readonly Document[]): Promise<number> {
  if (documents.length === 0) return 0;
  const operations: AnyBulkWriteOperation<Document>[] = documents.map((document) => ({
    replaceOne: { filter: { _id: document._id }, replacement: document, upsert: true },
  }));
  await client.db(database).collection(collection).bulkWrite(operations, { ordered: false });
  return documents.length;
}

async function raiseCounters(client: MongoClient, database: string, counters: readonly CounterDocument[]): Promise<number> {
  const operations: AnyBulkWriteOperation<CounterDocument>[] = counters.map((counter) => ({
    updateOne: { filter: { _id: counter._id }, update: { $max: { seq: counter.seq } }, upsert: true },
  }));
  await client.db(database).collection<CounterDocument>(REGIONAL_COLLECTIONS.counters).bulkWrite(operations, { ordered: false });
  return counters.length;
}

/**
 * Loads the seed into the given databases. Idempotent: documents are replaced by _id with
 * upsert, counters only ever raised ($max).
 */
export async function loadSeed(client: MongoClient, databases: SeedDatabases): Promise<SeedSummary> {
  const documents = seedDocuments();

  const group = documents.group;
  const groupCollections: Record<string, number> = {
    [GROUP_COLLECTIONS.causeAreas]: await upsertAll(client, databases.group, GROUP_COLLECTIONS.causeAreas, group.causeAreas),
    [GROUP_COLLECTIONS.exchangeRates]: await upsertAll(client, databases.group, GROUP_COLLECTIONS.exchangeRates, group.exchangeRates),
    [GROUP_COLLECTIONS.goals]: await upsertAll(client, databases.group, GROUP_COLLECTIONS.goals, group.goals),
  };

  const regional = {} as Record<SubsidiaryKey, DatabaseSummary>;
  for (const key of REGIONAL_KEYS) {
    const seed = documents[key];
    const database = databases[key];
    const collections: Record<string, number> = {};
    for (const part of ['initiatives', 'expenses', 'registrations', 'participation'] as const) {
      const name = REGIONAL_COLLECTIONS[part];
      collections[name] = await upsertAll(client, database, name, seed[part]);
    }
    for (const [name, documents] of Object.entries(seed.local ?? {})) collections[name] = await upsertAll(client, database, name, documents);
    collections[REGIONAL_COLLECTIONS.reportCells] = await new RollupStore(client.db(database)).rebuild();
    await new DatasetStore(client.db(database), subsidiaryByKey(key)!).initialise(SEED_USER);
    collections[REGIONAL_COLLECTIONS.counters] = await raiseCounters(client, database, counterDocuments(seed));
    regional[key] = { database, collections };
  }

  return { group: { database: databases.group, collections: groupCollections }, ...regional };
}
