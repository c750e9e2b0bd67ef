import type { MongoClient } from 'mongodb';
import { todayIn } from '../common/fiscal-year';
import { createSubgraphServer, type Subgraph } from '../common/subgraph-server';
import type { RegionalContext } from './context';
import type { RegionalDefinition } from './definition';
import { createRegionalLoaders } from './loaders';
import { regionalResolvers } from './resolvers';
import { regionalSdl } from './schema';
import { createRegionalStore } from './store';
import { REGIONAL_INDEXES, ensureIndexes } from './store/indexes';

export interface RegionalSubgraphOptions {
  mongo: MongoClient;
  database: string;
  production: boolean;
}

/** One regional subgraph over its own database: the shared template plus the subsidiary's extension. */
export async function createRegionalSubgraph(definition: RegionalDefinition, options: RegionalSubgraphOptions): Promise<Subgraph> {
  const { subsidiary, extension } = definition;
  const db = options.mongo.db(options.database);
  await ensureIndexes(db, REGIONAL_INDEXES);
  await extension?.ensureIndexes?.(db);
  const store = createRegionalStore(db, subsidiary);
  const resolvers = regionalResolvers(subsidiary);
  for (const [typeName, fields] of Object.entries(extension?.resolvers ?? {})) {
    resolvers[typeName] = { ...(resolvers[typeName] as object), ...(fields as object) } as (typeof resolvers)[string];
  }
  return createSubgraphServer<RegionalContext>({
    name: subsidiary.key,
    typeDefs: regionalSdl(subsidiary, extension?.typeDefs),
    resolvers,
    mongo: options.mongo,
    production: options.production,
    context: async () => ({
      subsidiary,
      store,
      loaders: createRegionalLoaders(store),
      actor: 'anonymous',
      today: todayIn(subsidiary.timeZone),
    }),
  });
}
