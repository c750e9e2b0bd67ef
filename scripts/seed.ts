import { DEFAULT_DATABASE_PREFIX, createMongoClient, databaseName } from '../subgraphs/common/mongo';
import { SUBGRAPH_NAMES } from '../subgraphs/launch';
import { loadSeed, type SeedDatabases } from '../seed/load';

/** `npm run seed`: loads the seed dataset into MONGODB_URI, idempotently (safe to run again). */
const uri = process.env.MONGODB_URI;
if (!uri) {
  console.error('Set MONGODB_URI to the MongoDB server to seed, e.g. MONGODB_URI=mongodb://127.0.0.1:27017 npm run seed');
  process.exit(2);
}
const prefix = process.env.DATABASE_PREFIX ?? DEFAULT_DATABASE_PREFIX;
const client = createMongoClient(uri);
try {
  await client.connect();
  const databases = Object.fromEntries(SUBGRAPH_NAMES.map((name) => [name, databaseName(prefix, name)])) as unknown as SeedDatabases;
  const summary = await loadSeed(client, databases);
  for (const { database, collections } of Object.values(summary)) {
    console.log(`${database}: ${Object.entries(collections).map(([name, count]) => `${count} ${name}`).join(', ')}`);
  }
} catch (error) {
  console.error(`Seeding failed: ${error instanceof Error ? error.message : String(error)}`);
  process.exitCode = 1;
} finally {
  await client.close();
}
