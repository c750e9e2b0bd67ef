import type { MongoClient } from 'mongodb';
import type { AuthConfig } from '../../platform/auth';
import { createSubgraphServer, type Subgraph } from '../common/subgraph-server';
import { GROUP_SUBGRAPH } from '../common/registry';
import { AuditTrail, auditedMutations, requestIdOf } from '../kit/audit';
import { AuditStore } from '../kit/store/audit';
import { ensureIndexes } from '../kit/store/indexes';
import { createGroupLoaders } from './loaders';
import { groupResolvers, type GroupContext } from './resolvers';
import { groupSdl } from './schema';
import { GROUP_INDEXES, GroupStore } from './store';
import { FigureVerifier } from './figure-signatures';
import { FISCAL_YEAR_INDEXES, FiscalYearRegister, fiscalYearOrdersRoute } from './fiscal-years';
import { NO_GROUP_REPORTING, type GroupReporting } from '../reporting-config';
import { invalidatingMutations, writeInvalidation, type CacheInvalidationSettings } from '../common/write-invalidation';
import { createLogger } from '../../platform/logger';

export interface GroupSubgraphOptions {
  mongo: MongoClient;
  database: string;
  production: boolean;
  auth: AuthConfig;
  /** The subsidiaries' public keys (REGIONAL_PUBLIC_KEYS) and headquarters' signing key (subgraphs/reporting-config.ts); none: every subsidiary's figures are refused. */
  reporting?: GroupReporting;
  /** REDIS_URL: the gateways' shared response cache, which every write invalidates (common/write-invalidation.ts). */
  cacheInvalidation?: CacheInvalidationSettings | null;
}

const GROUP_AUDIT_PREFIX = 'HQ';

/** The headquarters subgraph: registry, reference data and every consolidated figure. */
export async function createGroupSubgraph(options: GroupSubgraphOptions): Promise<Subgraph> {
  const db = options.mongo.db(options.database);
  await ensureIndexes(db, GROUP_INDEXES);
  const store = new GroupStore(db);
  const audit = new AuditStore(db, GROUP_AUDIT_PREFIX);
  const reporting = options.reporting ?? NO_GROUP_REPORTING;
  const figures = new FigureVerifier(reporting.regionalKeys, reporting.figuresMaxAgeSeconds);
  await ensureIndexes(db, FISCAL_YEAR_INDEXES);
  const fiscalYears = new FiscalYearRegister(db);
  const headquartersKey = reporting.signingKey;
  const resolvers = groupResolvers();
  // headquarters' writes (rates, goals) land in an audit trail of the group's own database
  resolvers.Mutation = auditedMutations(resolvers.Mutation as Parameters<typeof auditedMutations<GroupContext>>[0]) as (typeof resolvers)[string];
  const invalidation = options.cacheInvalidation ? writeInvalidation(GROUP_SUBGRAPH.key, options.cacheInvalidation, createLogger(GROUP_SUBGRAPH.key)) : null;
  resolvers.Mutation = invalidatingMutations(resolvers.Mutation as Parameters<typeof invalidatingMutations<GroupContext>>[0], invalidation) as (typeof resolvers)[string];
  return createSubgraphServer<GroupContext>({
    name: GROUP_SUBGRAPH.key,
    typeDefs: groupSdl(),
    resolvers,
    routes: [fiscalYearOrdersRoute(fiscalYears)],
    mongo: options.mongo,
    production: options.production,
    auth: options.auth,
    ...(invalidation ? { onClose: () => invalidation.close() } : {}),
    context: async (request, principal) => ({ store, loaders: createGroupLoaders(store), principal, audit: new AuditTrail(audit, principal.subject, requestIdOf(request)), figures, fiscalYears, headquartersKey, regionalKeys: reporting.regionalKeys }),
  });
}
