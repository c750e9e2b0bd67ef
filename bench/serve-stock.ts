/** Child process: the stock Apollo gateway (bench/stock-gateway.ts) over BENCH_SUBGRAPH_URLS, signing with GATEWAY_SIGNING_KEY. */
import { parseSigningKey } from '../platform/signing-keys';
import { SUPERGRAPH_PATH } from '../scripts/stack';
import { announceReady } from './processes';
import { startStockGateway } from './stock-gateway';

const subgraphUrls = JSON.parse(process.env.BENCH_SUBGRAPH_URLS ?? '{}') as Record<string, string>;
const signingKey = process.env.GATEWAY_SIGNING_KEY ? parseSigningKey(process.env.GATEWAY_SIGNING_KEY) : undefined;
const gateway = await startStockGateway({ supergraphPath: SUPERGRAPH_PATH, subgraphUrls, ...(signingKey ? { signingKey } : {}) });
announceReady({ url: gateway.url }, gateway.close);
