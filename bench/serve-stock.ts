/** Child process: the stock Apollo gateway (bench/stock-gateway.ts) over BENCH_SUBGRAPH_URLS. */
import { SUPERGRAPH_PATH } from '../scripts/stack';
import { announceReady } from './processes';
import { startStockGateway } from './stock-gateway';

const subgraphUrls = JSON.parse(process.env.BENCH_SUBGRAPH_URLS ?? '{}') as Record<string, string>;
const gateway = await startStockGateway({ supergraphPath: SUPERGRAPH_PATH, subgraphUrls });
announceReady({ url: gateway.url }, gateway.close);
