/** Child process: one federation benchmark subgraph (`serve-subgraph.ts <name>`) on PORT, announced with BENCH_READY. */
import { announceReady } from '../processes';
import { startSubgraphServer } from './subgraph-server';
import { subgraphNamed } from './subgraphs';

const subgraph = await startSubgraphServer(subgraphNamed(process.argv[2] ?? ''), Number(process.env.PORT ?? 0));
announceReady({ url: subgraph.url }, subgraph.close);
