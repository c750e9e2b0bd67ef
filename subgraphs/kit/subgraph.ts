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
import { createLogger } from '../../platform/logger';
import { createRegionalStore } from './store';
import { DEFAULT_JOURNAL_SETTINGS, type JournalSettings, type Recovery } from './store/journal';
import { REGIONAL_INDEXES, ensureIndexes } from './store/indexes';
import { NO_REPORTING, type RegionalReporting } from './closes';
import { FiscalYearSync } from './fiscal-year-sync';
import { invalidatingMutations, writeInvalidation, type CacheInvalidationSettings } from '../common/write-invalidation';

export interface RegionalSubgraphOptions {
  mongo: MongoClient;
  database: string;
  production: boolean;
  auth: AuthConfig;
  /** Leases and waits of the write journal (store/journal.ts); defaults otherwise. */
  journal?: JournalSettings;
  /** Its signing key and headquarters' keys and address (kit/closes.ts); none: unsigned figures, no fiscal-year orders. */
  reporting?: RegionalReporting;
  /** REDIS_URL: the gateways' shared response cache, which every write invalidates (common/write-invalidation.ts). */
  cacheInvalidation?: CacheInvalidationSettings | null;
}

/** Sweeps between two checks of the indexes. */
const INDEX_CHECK_EVERY = 60;

/** How often the journal is swept: finishing writes of processes that died, forgetting finished ones. */
function sweepInterval(settings: JournalSettings): number {
  return Math.max(100, Math.min(1_000, Math.round(settings.leaseMs / 4)));
}

/** One regional subgraph over its own database: the shared template plus the subsidiary's extension. */
export async function createRegionalSubgraph(definition: RegionalDefinition, options: RegionalSubgraphOptions): Promise<Subgraph> {
  const { subsidiary, extension } = definition;
  const db = options.mongo.db(options.database);
  await ensureIndexes(db, REGIONAL_INDEXES);
  await extension?.ensureIndexes?.(db);
  const journalSettings = options.journal ?? DEFAULT_JOURNAL_SETTINGS;
  const store = createRegionalStore(db, subsidiary, journalSettings);
  // a first start over existing expenses (a bulk load, a restore), or cells of an older layout: derive them once
  if ((await store.rollups.isEmpty()) || !(await store.rollups.isCurrentFormat())) await store.rollups.rebuild();
  // writes a crash interrupted: finished (or abandoned, if undecided) once their writer's lease ran out
  const logger = createLogger(subsidiary.key);
  const logRecovery = ({ handled, failed }: Recovery) => {
    if (handled > 0) logger.info({ event: 'journal_recovered', writes: handled }, 'finished or abandoned writes left by a stopped process');
    for (const { id, error } of failed) logger.error({ event: 'journal_recovery_failed', operation: id, err: error }, 'could not finish a journalled write; retrying at the next sweep');
  };
  logRecovery(await store.journal.recover());
  let sweeping: Promise<void> | undefined;
  let sweeps = 0;
  const sweeper = setInterval(() => {
    if (sweeping) return;
    // indexes again now and then: a database restored under a running subgraph has lost them, and the
    // journal's unique key index is what stops two writes with one idempotency key
    const checkIndexes = sweeps++ % INDEX_CHECK_EVERY === INDEX_CHECK_EVERY - 1;
    sweeping = (checkIndexes ? ensureIndexes(db, REGIONAL_INDEXES) : Promise.resolve())
      .then(() => store.journal.sweep())
      .then(logRecovery)
      .catch((error: unknown) => logger.warn({ err: error }, 'write journal sweep failed; retrying'))
      .finally(() => (sweeping = undefined));
  }, sweepInterval(journalSettings));
  sweeper.unref();
  const reporting = options.reporting ?? NO_REPORTING;
  if (!reporting.signingKey) logger.warn({ event: 'figures_unsigned' }, `no REGIONAL_SIGNING_KEY: ${subsidiary.name}'s figures go unsigned, and headquarters refuses every group report while they are (FIGURES_NOT_SIGNED); npm run -s keys prints REGIONAL_SIGNING_KEY_${subsidiary.code}`);
  const fiscalYearSync = new FiscalYearSync(store, subsidiary, reporting, logger);
  const resolvers = regionalResolvers(subsidiary);
  for (const [typeName, fields] of Object.entries(extension?.resolvers ?? {})) {
    resolvers[typeName] = { ...(resolvers[typeName] as object), ...(fields as object) } as (typeof resolvers)[string];
  }
  // every write, the extension's included, lands in the audit trail
  resolvers.Mutation = auditedMutations(resolvers.Mutation as Parameters<typeof auditedMutations<RegionalContext>>[0]) as (typeof resolvers)[string];
  const invalidation = options.cacheInvalidation ? writeInvalidation(subsidiary.key, options.cacheInvalidation, logger) : null;
  resolvers.Mutation = invalidatingMutations(resolvers.Mutation as Parameters<typeof invalidatingMutations<RegionalContext>>[0], invalidation) as (typeof resolvers)[string];
  return createSubgraphServer<RegionalContext>({
    name: subsidiary.key,
    typeDefs: regionalSdl(subsidiary, extension?.typeDefs),
    resolvers,
    mongo: options.mongo,
    production: options.production,
    auth: options.auth,
    // a mutation of a local extension that declares no scope still needs the subsidiary's write scope
    unannotatedMutationScopes: [[writeScope(subsidiary.code)]],
    onClose: async () => {
      clearInterval(sweeper);
      await Promise.all([sweeping, fiscalYearSync.stop(), invalidation?.close()]);
    },
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
        reporting,
        fiscalYearSync,
      };
    },
  });
}
