import type { MongoClient } from 'mongodb';
import type { AuthConfig } from '../../platform/auth';
import { todayIn } from '../common/fiscal-year';
import { writeScope } from '../common/scopes';
import { createSubgraphServer, type Subgraph } from '../common/subgraph-server';
import { AuditTrail, auditedMutations, requestIdOf } from './audit';
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
  auth: AuthConfig;
}

/** One regional subgraph over its own database: the shared template plus the subsidiary's extension. */
export async function createRegionalSubgraph(definition: RegionalDefinition, options: RegionalSubgraphOptions): Promise<Subgraph> {
  const { subsidiary, extension } = definition;
  const db = options.mongo.db(options.database);
  await ensureIndexes(db, REGIONAL_INDEXES);
  await extension?.ensureIndexes?.(db);
  const store = createRegionalStore(db, subsidiary);
  // a first start over existing expenses (a bulk load, a restore): derive the report cells once
  if (await store.rollups.isEmpty()) await store.rollups.rebuild();
  const resolvers = regionalResolvers(subsidiary);
  for (const [typeName, fields] of Object.entries(extension?.resolvers ?? {})) {
    resolvers[typeName] = { ...(resolvers[typeName] as object), ...(fields as object) } as (typeof resolvers)[string];
  }
  // every write, the extension's included, lands in the audit trail
  resolvers.Mutation = auditedMutations(resolvers.Mutation as Parameters<typeof auditedMutations<RegionalContext>>[0]) as (typeof resolvers)[string];
  return createSubgraphServer<RegionalContext>({
    name: subsidiary.key,
    typeDefs: regionalSdl(subsidiary, extension?.typeDefs),
    resolvers,
    mongo: options.mongo,
    production: options.production,
    auth: options.auth,
    // a mutation of a local extension that declares no scope still needs the subsidiary's write scope
    unannotatedMutationScopes: [[writeScope(subsidiary.code)]],
    context: async (request, principal) => {
      const requestId = requestIdOf(request);
      return {
        subsidiary,
        store,
        loaders: createRegionalLoaders(store),
        principal,
        actor: principal.subject,
        requestId,
        audit: new AuditTrail(store.audit, principal.subject, requestId),
        today: todayIn(subsidiary.timeZone),
      };
    },
  });
}
