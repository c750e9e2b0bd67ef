import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadGatewayConfig } from '../gateway/src/config';
import { authEnabled, generateSecret, loadAuthConfig, type AuthConfig } from '../platform/auth';
import { createGateway } from '../gateway/src/server';
import type { RunningServer } from '../platform/http';
import type { MongoTuning } from '../subgraphs/common/mongo';
import type { JournalSettings } from '../subgraphs/kit/store/journal';
import { SUBGRAPH_NAMES, defaultPortOf, launchSubgraph, type LaunchedSubgraph, type SubgraphLaunch } from '../subgraphs/launch';

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
  /** Token verification for the gateway and every subgraph; see stackAuth for the default. */
  auth?: AuthConfig;
  /** A MongoDB of its own for some subgraphs, by name (fault tests stop one under a single subgraph). */
  mongoUris?: Record<string, string>;
  /** Timeouts and write concern of every subgraph's MongoDB client (subgraphs/config.ts loadMongoTuning). */
  mongo?: MongoTuning;
  /** The regional subgraphs' write journal settings (subgraphs/config.ts loadJournalSettings). */
  journal?: JournalSettings;
}

export interface RunningStack {
  /** What the gateway and subgraphs verify tokens with (mint tokens for it with platform/auth.ts mintToken). */
  auth: AuthConfig;
  gateway: RunningServer;
  subgraphs: Map<string, LaunchedSubgraph>;
  /** Stops one subgraph (draining it, closing its MongoDB client); the gateway keeps its URL. */
  stop(name: string): Promise<void>;
  /** Starts a stopped subgraph again on the same port, so the gateway reaches it at the same URL. */
  start(name: string): Promise<LaunchedSubgraph>;
  close(): Promise<void>;
}

/**
 * The AUTH_* settings of `env`; outside production, when none is set, a fresh random HS256 secret
 * (development stacks always check tokens; mint them with the returned configuration).
 */
export function stackAuth(env: NodeJS.ProcessEnv = {}): AuthConfig {
  const auth = loadAuthConfig(env);
  if (authEnabled(auth) || auth.allowAnonymous || env.NODE_ENV === 'production') return auth;
  return loadAuthConfig({ ...env, AUTH_JWT_SECRET: generateSecret() });
}

/** Starts every subgraph and the gateway in this process, over real HTTP on loopback. */
export async function startStack(options: StackOptions): Promise<RunningStack> {
  const host = options.host ?? '127.0.0.1';
  const production = options.production ?? false;
  const auth = options.auth ?? stackAuth({ ...options.gatewayEnv, ...(production ? { NODE_ENV: 'production' } : {}) });
  const launchOf = (name: string): SubgraphLaunch => ({
    name,
    mongoUri: options.mongoUris?.[name] ?? options.mongoUri,
    databasePrefix: options.databasePrefix,
    production,
    auth,
    monitorCommands: options.monitorCommands,
    mongo: options.mongo,
    journal: options.journal,
  });
  const launched = await Promise.all(SUBGRAPH_NAMES.map((name) => launchSubgraph(launchOf(name), options.defaultPorts ? defaultPortOf(name) : 0, host)));
  const subgraphs = new Map(launched.map((subgraph) => [subgraph.name, subgraph]));
  const running = (name: string): LaunchedSubgraph => {
    const subgraph = subgraphs.get(name);
    if (!subgraph) throw new Error(`No subgraph "${name}" in this stack; known: ${[...subgraphs.keys()].join(', ')}`);
    return subgraph;
  };
  const urls = Object.fromEntries(launched.map((subgraph) => [`SUBGRAPH_URL_${subgraph.name.toUpperCase()}`, subgraph.server.url]));
  const config = {
    ...loadGatewayConfig({ ...(production ? { NODE_ENV: 'production' } : {}), WATCH_SUPERGRAPH: 'false', SUPERGRAPH_PATH, ...urls, ...options.gatewayEnv }, []),
    auth,
  };
  const gateway = await createGateway(config).listen(options.defaultPorts ? config.port : 0, host);
  return {
    auth,
    gateway,
    subgraphs,
    stop: (name) => running(name).close(),
    start: async (name) => {
      const previous = running(name);
      await previous.close();
      const restarted = await launchSubgraph(launchOf(name), previous.server.port, host);
      subgraphs.set(name, restarted);
      return restarted;
    },
    close: async () => {
      await gateway.close();
      await Promise.all([...subgraphs.values()].map((subgraph) => subgraph.close()));
    },
  };
}
