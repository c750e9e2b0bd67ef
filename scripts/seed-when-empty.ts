import type { MongoClient } from 'mongodb';
import { DATASET_ID, REGIONAL_COLLECTIONS, type DatasetDocument } from '../subgraphs/kit/documents';
import { REGIONAL_KEYS, loadSeed, type SeedDatabases } from '../seed/load';

export type SeedOutcome =
  | { seeded: true; documents: number }
  /** `unmarked`: seeded regional databases without their dataset mark (an interrupted seed, or wiped). */
  | { seeded: false; documents: number; databases: string[]; unmarked: string[] };

/** Documents in each of the databases that hold any. */
async function documentsByDatabase(client: MongoClient, names: readonly string[]): Promise<Map<string, number>> {
  const found = new Map<string, number>();
  for (const name of names) {
    const db = client.db(name);
    let count = 0;
    for (const { name: collection } of await db.listCollections({}, { nameOnly: true }).toArray()) {
      if (!collection.startsWith('system.')) count += await db.collection(collection).countDocuments({});
    }
    if (count > 0) found.set(name, count);
  }
  return found;
}

/**
 * Loads the seed only when none of the databases holds a document: a store that has data keeps it
 * as it is (the seed's upserts would otherwise put back seeded records a person changed).
 */
export async function seedWhenEmpty(client: MongoClient, databases: SeedDatabases): Promise<SeedOutcome> {
  const held = await documentsByDatabase(client, Object.values(databases));
  if (held.size > 0) {
    const unmarked: string[] = [];
    for (const key of REGIONAL_KEYS) {
      const name = databases[key];
      if (name && !(await client.db(name).collection<DatasetDocument>(REGIONAL_COLLECTIONS.meta).findOne({ _id: DATASET_ID }))) unmarked.push(name);
    }
    return { seeded: false, documents: [...held.values()].reduce((sum, count) => sum + count, 0), databases: [...held.keys()], unmarked };
  }
  const summary = await loadSeed(client, databases);
  const documents = Object.values(summary).reduce((sum, { collections }) => sum + Object.values(collections).reduce((a, b) => a + b, 0), 0);
  return { seeded: true, documents };
}
