import type { ApolloGateway } from '@apollo/gateway';
import { InMemoryLRUCache } from '@apollo/utils.keyvaluecache';

type GatewayOptions = NonNullable<ConstructorParameters<typeof ApolloGateway>[0]>;
/** The store Apollo Gateway keeps query plans in (`queryPlannerConfig.cache`). */
export type QueryPlanCache = NonNullable<NonNullable<GatewayOptions['queryPlannerConfig']>['cache']>;
type QueryPlan = NonNullable<Awaited<ReturnType<QueryPlanCache['get']>>>;

/** Apollo Gateway's default size of the store. */
export const DEFAULT_QUERY_PLAN_CACHE_MIB = 30;

/**
 * Apollo Gateway plans each operation once and keeps the plan, keyed by the hash of the operation
 * text (and its operation name), until the supergraph changes; Apollo Server likewise keeps each
 * parsed and validated document. This is that same store (an LRU of ~30 MiB, sizes estimated from
 * the plans' JSON, as Apollo's default), made observable: every lookup is reported as a hit or a
 * miss (metrics: `gateway_query_plan_cache_total`).
 */
export function observedQueryPlanCache(onLookup: (hit: boolean) => void, maxMiB = DEFAULT_QUERY_PLAN_CACHE_MIB): QueryPlanCache {
  const store = new InMemoryLRUCache<QueryPlan>({
    maxSize: maxMiB * 2 ** 20,
    sizeCalculation: (plan) => Math.max(1, JSON.stringify(plan)?.length ?? 1),
  });
  return {
    async get(key) {
      const plan = await store.get(key);
      onLookup(plan !== undefined);
      return plan;
    },
    set: (key, plan, options) => store.set(key, plan, options),
    delete: (key) => store.delete(key),
    clear: () => store.clear(),
  };
}
