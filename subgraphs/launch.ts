import { DEFAULT_MONGO_TUNING, createMongoClient, databaseName, mongoClientOptions, type MongoTuning } from './common/mongo';
import { GROUP_SUBGRAPH } from './common/registry';
import type { Subgraph, SubgraphEdge } from './common/subgraph-server';
import { createGroupSubgraph } from './group/subgraph';
import { createRegionalSubgraph } from './kit/subgraph';
import { REGIONS } from './regions';
import type { RunningServer } from '../platform/http';
import type { MongoClient } from 'mongodb';
import type { AuthConfig } from '../platform/auth';
import type { JournalSettings } from './kit/store/journal';
import type { RegionalReporting } from './kit/closes';
import type { GroupReporting } from './reporting-config';
import type { CacheInvalidationSettings } from './common/write-invalidation';

export const SUBGRAPH_NAMES = [GROUP_SUBGRAPH.key, ...REGIONS.map((region) => region.subsidiary.key)] as const;

export interface SubgraphLaunch {
  name: string;
  mongoUri: string;
  databasePrefix: string;
  production: boolean;
  /** Token verification (platform/auth.ts): every subgraph refuses requests without a valid token. */
  auth: AuthConfig;
  /** Emit the driver's command events (tests count database round trips with them; /metrics times them). Default true. */
  monitorCommands?: boolean;
  /** Timeouts, pool and write concern (subgraphs/config.ts reads them from MONGODB_*); defaults otherwise. */
  mongo?: MongoTuning;
  /** The write journal's lease and lock wait (subgraphs/config.ts reads them from WRITE_*); defaults otherwise. */
  journal?: JournalSettings;
  /**
   * The gateway's public keys and what unsigned calls may do, HTTP limits, who reads /metrics
   * (subgraphs/config.ts loadSubgraphEdge); without: no gateway key, so `_entities` is refused.
   */
  edge?: SubgraphEdge;
  /**
   * The reporting keys (subgraphs/reporting-config.ts): the group subgraph's `group` (REGIONAL_PUBLIC_KEYS,
   * HEADQUARTERS_SIGNING_KEY), a regional subgraph's `regional` (REGIONAL_SIGNING_KEY, HEADQUARTERS_*).
   * Without: figures go unsigned, and headquarters refuses unsigned figures.
   */
  reporting?: { group?: GroupReporting; regional?: RegionalReporting };
  /** REDIS_URL, REDIS_TIMEOUT_MS (common/write-invalidation.ts loadCacheInvalidation): every write invalidates the gateways' shared response cache. */
  cacheInvalidation?: CacheInvalidationSettings | null;
}

export interface LaunchedSubgraph {
  name: string;
  server: RunningServer;
  mongo: MongoClient;
  close(): Promise<void>;
}

export function defaultPortOf(name: string): number {
  if (name === GROUP_SUBGRAPH.key) return GROUP_SUBGRAPH.defaultPort;
  const region = REGIONS.find((candidate) => candidate.subsidiary.key === name);
  if (!region) throw new Error(`Unknown subgraph "${name}"; known: ${SUBGRAPH_NAMES.join(', ')}`);
  return region.subsidiary.defaultPort;
}

/** Builds one subgraph by name over its own MongoDB client and database. */
export async function buildSubgraph(launch: SubgraphLaunch, mongo: MongoClient): Promise<Subgraph> {
  const database = databaseName(launch.databasePrefix, launch.name);
  if (launch.name === GROUP_SUBGRAPH.key) {
    return createGroupSubgraph({ mongo, database, production: launch.production, auth: launch.auth, cacheInvalidation: launch.cacheInvalidation, ...(launch.reporting?.group ? { reporting: launch.reporting.group } : {}) });
  }
  const region = REGIONS.find((candidate) => candidate.subsidiary.key === launch.name);
  if (!region) throw new Error(`Unknown subgraph "${launch.name}"; known: ${SUBGRAPH_NAMES.join(', ')}`);
  return createRegionalSubgraph(region, {
    mongo,
    database,
    production: launch.production,
    auth: launch.auth,
    ...(launch.journal ? { journal: launch.journal } : {}),
    cacheInvalidation: launch.cacheInvalidation,
    ...(launch.reporting?.regional ? { reporting: launch.reporting.regional } : {}),
  });
}

/** Builds a subgraph and starts listening; closing stops the server and its MongoDB client. */
export async function launchSubgraph(launch: SubgraphLaunch, port: number, host: string): Promise<LaunchedSubgraph> {
  const mongo = createMongoClient(launch.mongoUri, { ...mongoClientOptions(launch.mongo ?? DEFAULT_MONGO_TUNING), monitorCommands: launch.monitorCommands ?? true });
  try {
    await mongo.connect();
    const server = await (await buildSubgraph(launch, mongo)).listen(port, host, launch.edge);
    return {
      name: launch.name,
      server,
      mongo,
      // drains in-flight requests first (platform/http.ts), then closes the MongoDB client; safe to call twice
      close: async () => {
        await server.close();
        await mongo.close();
      },
    };
  } catch (error) {
    await mongo.close();
    throw error;
  }
}
