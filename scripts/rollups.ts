import { DEFAULT_DATABASE_PREFIX, createMongoClient, databaseName } from '../subgraphs/common/mongo';
import { createRegionalStore } from '../subgraphs/kit/store';
import { REGIONS } from '../subgraphs/regions';

/**
 * `npm run rollups -- verify|rebuild [subgraph…]`: compares each regional database's report cells
 * with the cells grouped from its expenses (exit 1 on any difference), or rebuilds them. Rebuild
 * while no expense is being written (e.g. with the regional subgraph stopped).
 */
const [action, ...names] = process.argv.slice(2);
const uri = process.env.MONGODB_URI;
if ((action !== 'verify' && action !== 'rebuild') || !uri) {
  console.error('Usage: MONGODB_URI=… npm run rollups -- verify|rebuild [japan india america thailand]');
  process.exit(2);
}
const regions = names.length > 0 ? REGIONS.filter((region) => names.includes(region.subsidiary.key)) : REGIONS;
const prefix = process.env.DATABASE_PREFIX ?? DEFAULT_DATABASE_PREFIX;
const client = createMongoClient(uri);
let differing = 0;
try {
  await client.connect();
  for (const { subsidiary } of regions) {
    const { rollups } = createRegionalStore(client.db(databaseName(prefix, subsidiary.key)), subsidiary);
    if (action === 'rebuild') {
      console.log(`${subsidiary.key}: rebuilt ${await rollups.rebuild()} report cells`);
      continue;
    }
    const differences = await rollups.verify();
    differing += differences.length;
    console.log(`${subsidiary.key}: ${differences.length === 0 ? 'report cells equal the expenses' : `${differences.length} cells differ`}`);
    for (const difference of differences) console.log(`  ${difference.cell}: expenses ${JSON.stringify(difference.raw)}, rollup ${JSON.stringify(difference.rollup)}`);
  }
} finally {
  await client.close();
}
process.exit(differing > 0 ? 1 : 0);
