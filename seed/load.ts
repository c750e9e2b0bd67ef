/**
 * Idempotent loader of the seed dataset: every document is upserted by _id (so a second run
 * leaves the same data and counts), and each regional database's id counters are raised to the
 * highest seeded number so ids created later never collide with seeded ones.
 */
import { existsSync } from 'node:fs';
import type { AnyBulkWriteOperation, Document, MongoClient } from 'mongodb';
import { REGIONAL_COLLECTIONS } from '../subgraphs/kit/documents';
import { RollupStore } from '../subgraphs/kit/store/rollups';
import { DatasetStore } from '../subgraphs/kit/store/dataset';
import { SUBSIDIARIES } from '../subgraphs/common/registry';
import type { SubsidiaryConfig } from '../subgraphs/common/registry';
import { SEED_USER } from './builders';
import type { CounterDocument } from '../subgraphs/kit/documents';
import { GROUP_COLLECTIONS } from '../subgraphs/group/documents';
import type { RegionalSeed, SubsidiaryKey } from './builders';
import { groupSeed } from './group-files';
import type { GroupSeed } from './group-files';
import { regionalSeedOf } from './regional-files';
import { seedFolderOf } from './files';

export type { RegionalSeed, SubsidiaryKey } from './builders';
export type { GroupSeed } from './group-files';
export { SeedFileError } from './files';

/** The database of the group and of each subsidiary of the registry, by subgraph name. */
export type SeedDatabases = { group: string } & Record<SubsidiaryKey, string> & Record<string, string>;

/** The group's seed and each seeded subsidiary's, by subgraph name (a subsidiary without seed/ has none). */
export type SeedDocuments = { group: GroupSeed } & Record<SubsidiaryKey, RegionalSeed> & Record<string, GroupSeed | RegionalSeed>;

export interface DatabaseSummary {
  database: string;
  /** Seeded documents per collection name (counters included for regional databases). */
  collections: Record<string, number>;
}

export type SeedSummary = Record<keyof SeedDatabases, DatabaseSummary>;

/** The registry's subsidiaries whose folder subgraphs/<key>/ has a seed/; the others are not touched. */
const SEEDED_SUBSIDIARIES = SUBSIDIARIES.filter((subsidiary) => existsSync(seedFolderOf(subsidiary.key)));

/** Their subgraph names. */
export const REGIONAL_KEYS = SEEDED_SUBSIDIARIES.map((subsidiary) => subsidiary.key) as readonly SubsidiaryKey[];

/** Each seeded subsidiary's records, read and checked from its data files. */
function regionalSeeds(): { subsidiary: SubsidiaryConfig; seed: RegionalSeed }[] {
  return SEEDED_SUBSIDIARIES.map((subsidiary) => ({ subsidiary, seed: regionalSeedOf(subsidiary) }));
}

/**
 * The whole seed dataset, read afresh from the data files (deterministic: two calls give equal
 * documents). Throws SeedFileError naming the file, row and column of each problem.
 */
export function seedDocuments(): SeedDocuments {
  return { group: groupSeed(), ...Object.fromEntries(regionalSeeds().map(({ subsidiary, seed }) => [subsidiary.key, seed])) } as SeedDocuments;
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
  // every file is read and checked before anything is written
  const group = groupSeed();
  const regionalSeedList = regionalSeeds();
  const groupCollections: Record<string, number> = {
    [GROUP_COLLECTIONS.causeAreas]: await upsertAll(client, databases.group, GROUP_COLLECTIONS.causeAreas, group.causeAreas),
    [GROUP_COLLECTIONS.exchangeRates]: await upsertAll(client, databases.group, GROUP_COLLECTIONS.exchangeRates, group.exchangeRates),
    [GROUP_COLLECTIONS.goals]: await upsertAll(client, databases.group, GROUP_COLLECTIONS.goals, group.goals),
  };

  const regional: Record<string, DatabaseSummary> = {};
  for (const { subsidiary, seed } of regionalSeedList) {
    const key = subsidiary.key;
    const database = databases[key];
    if (database === undefined) throw new Error(`loadSeed: no database named for subsidiary ${key}`);
    const collections: Record<string, number> = {};
    for (const part of ['initiatives', 'expenses', 'registrations', 'participation'] as const) {
      const name = REGIONAL_COLLECTIONS[part];
      collections[name] = await upsertAll(client, database, name, seed[part]);
    }
    for (const [name, documents] of Object.entries(seed.local ?? {})) collections[name] = await upsertAll(client, database, name, documents);
    collections[REGIONAL_COLLECTIONS.reportCells] = await new RollupStore(client.db(database)).rebuild();
    await new DatasetStore(client.db(database), subsidiary).initialise(SEED_USER);
    collections[REGIONAL_COLLECTIONS.counters] = await raiseCounters(client, database, counterDocuments(seed));
    regional[key] = { database, collections };
  }

  return { group: { database: databases.group, collections: groupCollections }, ...regional };
}
