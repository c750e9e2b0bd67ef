/**
 * Child process: stock @apollo/gateway + @apollo/server (bench/stock-gateway.ts) over the supergraph
 * at SUPERGRAPH_PATH, its subgraph URLs as written there, on PORT. Imports nothing of the project's
 * servers, so that its memory is stock's; the scenario runs it compiled (bench/federation/compile.ts).
 */
import { announceReady } from '../processes';
import { startStockGateway } from '../stock-gateway';

const gateway = await startStockGateway({ supergraphPath: process.env.SUPERGRAPH_PATH ?? '', subgraphUrls: {}, port: Number(process.env.PORT ?? 0) });
announceReady({ url: gateway.url }, gateway.close);
