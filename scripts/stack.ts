import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadGatewayConfig } from '../gateway/src/config';
import { createGateway } from '../gateway/src/server';
import type { RunningServer } from '../platform/http';
import { SUBGRAPH_NAMES, defaultPortOf, launchSubgraph, type LaunchedSubgraph } from '../subgraphs/launch';

export const SUPERGRAPH_PATH = join(fileURLToPath(new URL('.', import.meta.url)), '..', 'schema', 'supergraph.graphql');

export interface StackOptions {
  mongoUri: string;
  databasePrefix: string;
  host?: string;
  /** Use each server's default port (4000–4005) instead of free random ones. */
  defaultPorts?: boolean;
  production?: boolean;
  monitorCommands?: boolean;
  gatewayEnv?: NodeJS.ProcessEnv;
}

export interface RunningStack {
  gateway: RunningServer;
  subgraphs: Map<string, LaunchedSubgraph>;
  close(): Promise<void>;
}

/** Starts every subgraph and the gateway in this process, over real HTTP on loopback. */
export async function startStack(options: StackOptions): Promise<RunningStack> {
  const host = options.host ?? '127.0.0.1';
  const production = options.production ?? false;
  const launched = await Promise.all(
    SUBGRAPH_NAMES.map((name) =>
      launchSubgraph({ name, mongoUri: options.mongoUri, databasePrefix: options.databasePrefix, production, monitorCommands: options.monitorCommands }, options.defaultPorts ? defaultPortOf(name) : 0, host),
    ),
  );
  const subgraphs = new Map(launched.map((subgraph) => [subgraph.name, subgraph]));
  const urls = Object.fromEntries(launched.map((subgraph) => [`SUBGRAPH_URL_${subgraph.name.toUpperCase()}`, subgraph.server.url]));
  const config = loadGatewayConfig(
    { ...(production ? { NODE_ENV: 'production' } : {}), WATCH_SUPERGRAPH: 'false', SUPERGRAPH_PATH, ...urls, ...options.gatewayEnv },
    [],
  );
  const gateway = await createGateway(config).listen(options.defaultPorts ? config.port : 0, host);
  return {
    gateway,
    subgraphs,
    close: async () => {
      await gateway.close();
      await Promise.all(launched.map((subgraph) => subgraph.close()));
    },
  };
}
