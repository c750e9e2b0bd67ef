import { createMongoClient, databaseName } from './common/mongo';
import { GROUP_SUBGRAPH } from './common/registry';
import type { Subgraph } from './common/subgraph-server';
import { createGroupSubgraph } from './group/subgraph';
import { createRegionalSubgraph } from './kit/subgraph';
import { REGIONS } from './regions';
import type { RunningServer } from '../platform/http';
import type { MongoClient } from 'mongodb';

export const SUBGRAPH_NAMES = [GROUP_SUBGRAPH.key, ...REGIONS.map((region) => region.subsidiary.key)] as const;

export interface SubgraphLaunch {
  name: string;
  mongoUri: string;
  databasePrefix: string;
  production: boolean;
  /** Emit the driver's command events (tests count database round trips with them). */
  monitorCommands?: boolean;
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
  if (launch.name === GROUP_SUBGRAPH.key) return createGroupSubgraph({ mongo, database, production: launch.production });
  const region = REGIONS.find((candidate) => candidate.subsidiary.key === launch.name);
  if (!region) throw new Error(`Unknown subgraph "${launch.name}"; known: ${SUBGRAPH_NAMES.join(', ')}`);
  return createRegionalSubgraph(region, { mongo, database, production: launch.production });
}

/** Builds a subgraph and starts listening; closing stops the server and its MongoDB client. */
export async function launchSubgraph(launch: SubgraphLaunch, port: number, host: string): Promise<LaunchedSubgraph> {
  const mongo = createMongoClient(launch.mongoUri, { monitorCommands: launch.monitorCommands ?? false });
  try {
    await mongo.connect();
    const server = await (await buildSubgraph(launch, mongo)).listen(port, host);
    return {
      name: launch.name,
      server,
      mongo,
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
