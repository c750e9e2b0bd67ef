import { DEFAULT_DATABASE_PREFIX, createMongoClient, databaseName } from '../subgraphs/common/mongo';
import { DatasetStore } from '../subgraphs/kit/store/dataset';
import { REGIONS } from '../subgraphs/regions';

/**
 * `npm run dataset -- status|init <subgraph…>`: whether each regional database holds its
 * subsidiary's dataset, or marks it as holding one. A database without the mark is reported
 * missing in every consolidated figure and refuses writes: initialise only a database that is
 * meant to start (or go on) with what it holds, e.g. a new subsidiary's, never one whose backup
 * is still to be restored.
 */
const [action, ...names] = process.argv.slice(2);
const uri = process.env.MONGODB_URI;
const known = REGIONS.map((region) => region.subsidiary.key);
if ((action !== 'status' && action !== 'init') || !uri || (action === 'init' && names.length === 0) || names.some((name) => !known.includes(name))) {
  console.error(`Usage: MONGODB_URI=… npm run dataset -- status [${known.join(' ')}]\n       MONGODB_URI=… npm run dataset -- init <${known.join('|')}> [more…]`);
  process.exit(2);
}
const regions = names.length > 0 ? REGIONS.filter((region) => names.includes(region.subsidiary.key)) : REGIONS;
const prefix = process.env.DATABASE_PREFIX ?? DEFAULT_DATABASE_PREFIX;
const client = createMongoClient(uri);
let missing = 0;
try {
  await client.connect();
  for (const { subsidiary } of regions) {
    const dataset = new DatasetStore(client.db(databaseName(prefix, subsidiary.key)), subsidiary);
    const mark = action === 'init' ? await dataset.initialise(process.env.USER ?? 'operator') : await dataset.current();
    if (!mark) missing += 1;
    console.log(mark ? `${subsidiary.key}: dataset ${mark.datasetId}, since ${mark.createdAt.toISOString()} (${mark.createdBy})` : `${subsidiary.key}: no dataset: reported missing, refuses writes`);
  }
} finally {
  await client.close();
}
process.exit(missing > 0 ? 1 : 0);
