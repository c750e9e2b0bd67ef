import { DEFAULT_DATABASE_PREFIX, createMongoClient, databaseName } from '../subgraphs/common/mongo';
import { createRegionalStore } from '../subgraphs/kit/store';
import { REGIONS } from '../subgraphs/regions';

/**
 * `npm run rollups -- verify|rebuild [subgraph…]`: compares each regional database's report cells
 * with the cells grouped from its expenses (exit 1 on any difference), or rebuilds them. Writes in
 * flight (the write journal) make a transient difference: verify waits for them, and says so if
 * they do not finish. Rebuild while no expense is being written (e.g. with the regional subgraph stopped).
 */
const [action, ...names] = process.argv.slice(2);
const uri = process.env.MONGODB_URI;
if ((action !== 'verify' && action !== 'rebuild') || !uri) {
  console.error(`Usage: MONGODB_URI=… npm run rollups -- verify|rebuild [${REGIONS.map((region) => region.subsidiary.key).join(' ')}]`);
  process.exit(2);
}
const regions = names.length > 0 ? REGIONS.filter((region) => names.includes(region.subsidiary.key)) : REGIONS;
const prefix = process.env.DATABASE_PREFIX ?? DEFAULT_DATABASE_PREFIX;
const client = createMongoClient(uri);
const SETTLE_MS = 15_000;
let differing = 0;
try {
  await client.connect();
  for (const { subsidiary } of regions) {
    const { rollups, journal } = createRegionalStore(client.db(databaseName(prefix, subsidiary.key)), subsidiary);
    if (action === 'rebuild') {
      console.log(`${subsidiary.key}: rebuilt ${await rollups.rebuild()} report cells`);
      continue;
    }
    const deadline = Date.now() + SETTLE_MS;
    while ((await journal.size()) > 0 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 100));
    const inFlight = await journal.size();
    const differences = await rollups.verify();
    differing += differences.length;
    const pending = inFlight > 0 ? ` (${inFlight} writes still in flight after ${SETTLE_MS / 1000} s: run again)` : '';
    console.log(`${subsidiary.key}: ${differences.length === 0 ? 'report cells equal the expenses' : `${differences.length} cells differ`}${pending}`);
    for (const difference of differences) console.log(`  ${difference.cell}: expenses ${JSON.stringify(difference.raw)}, cells ${JSON.stringify(difference.rollup)}`);
  }
} finally {
  await client.close();
}
process.exit(differing > 0 ? 1 : 0);
