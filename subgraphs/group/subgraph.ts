import type { MongoClient } from 'mongodb';
import type { AuthConfig } from '../../platform/auth';
import { createSubgraphServer, type Subgraph } from '../common/subgraph-server';
import { GROUP_SUBGRAPH } from '../common/registry';
import { ensureIndexes } from '../kit/store/indexes';
import { groupResolvers, type GroupContext } from './resolvers';
import { groupSdl } from './schema';
import { GROUP_INDEXES, GroupStore } from './store';

export interface GroupSubgraphOptions {
  mongo: MongoClient;
  database: string;
  production: boolean;
  auth: AuthConfig;
}

/** The headquarters subgraph: registry, reference data and every consolidated figure. */
export async function createGroupSubgraph(options: GroupSubgraphOptions): Promise<Subgraph> {
  const db = options.mongo.db(options.database);
  await ensureIndexes(db, GROUP_INDEXES);
  const store = new GroupStore(db);
  return createSubgraphServer<GroupContext>({
    name: GROUP_SUBGRAPH.key,
    typeDefs: groupSdl(),
    resolvers: groupResolvers(),
    mongo: options.mongo,
    production: options.production,
    auth: options.auth,
    context: async (_request, principal) => ({ store, principal }),
  });
}
