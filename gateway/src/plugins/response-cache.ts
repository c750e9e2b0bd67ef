import { createHash } from 'node:crypto';
import { HeaderMap, type ApolloServerPlugin, type BaseContext, type GraphQLRequestContext } from '@apollo/server';
import type { Principal } from '../../../platform/auth';

/**
 * A whole-response cache for read-only operations, opt-in by cache hints, for any supergraph.
 *
 * Subgraphs declare how long their answers stay good with `@cacheControl` (or dynamic hints);
 * Apollo Server computes each subgraph response's policy and sends it as `Cache-Control`;
 * Apollo Gateway restricts the operation's overall policy by every subgraph response it fetched
 * (`honorSubgraphCacheControlHeader`, on by default), a response without `max-age` making the whole
 * operation uncacheable. This plugin then keeps the serialized response of a query whose overall
 * policy has a max-age, for that long, and answers identical queries from it without planning or
 * calling any subgraph. A supergraph whose subgraphs give no hints is never cached.
 *
 * - Key: the operation (hash of its text, which is also its APQ hash), the operation name, the
 *   variables, and who asks: a PUBLIC answer is shared by callers with the same scopes (the
 *   gateway authorizes by scopes; see callerIdentity), a PRIVATE one belongs to the token's subject.
 * - Never cached: responses with errors, mutations, anything read after a mutation started.
 * - Invalidation: every mutation the gateway executes empties the cache (it may have written
 *   anything, even when it failed). Writes made elsewhere (straight to a subgraph or its database,
 *   or through another gateway instance) show after at most the hint's max-age.
 * - A client may send `Cache-Control: no-cache` to skip the cached answer (the fresh one is kept).
 * - Authorization is checked before the cache is read: a caller refused by the auth or limits
 *   plugins is refused, never answered from the cache.
 */
export interface ResponseCacheOptions {
  /** Most responses kept; the least recently used goes first. */
  maxEntries: number;
  /** Largest serialized response kept, in characters (default 1 MiB). */
  maxEntryChars?: number;
  /** Lookups, stores and invalidations, for metrics. */
  observe?: (event: ResponseCacheEvent) => void;
  /** Milliseconds now (tests). */
  now?: () => number;
}

export type ResponseCacheEvent = 'hit' | 'miss' | 'store' | 'invalidate';

export type CacheScope = 'PUBLIC' | 'PRIVATE';

/** Who is asking, as far as sharing answers goes. */
export interface CallerIdentity {
  /** Callers with the same value may share PUBLIC answers. */
  shared: string;
  /** The caller's own PRIVATE answers; null when the caller cannot be told apart (none are cached). */
  own: string | null;
}

/** What the plugin needs from the request context: the verified caller (plugins/auth.ts), if any. */
export interface ResponseCacheContext extends BaseContext {
  principal?: Principal;
}

const DEFAULT_MAX_ENTRY_CHARS = 1_048_576;

function sha256(text: string): string {
  return createHash('sha256').update(text).digest('base64url');
}

/**
 * The caller's identity for the cache. When the gateway verifies tokens, PUBLIC answers are shared
 * per set of scopes (what authorization decides by) and PRIVATE ones are the subject's own. When it
 * does not (the subgraphs check the forwarded token themselves), only the very same credentials share
 * anything, and a PRIVATE answer to a caller without credentials is not kept.
 */
export function callerIdentity(principal: Principal | undefined, authorization: string | undefined): CallerIdentity {
  if (principal) {
    const scopes = [...principal.scopes].sort().join(' ');
    return { shared: `scopes:${scopes}`, own: principal.anonymous ? null : `subject:${principal.subject}\n${scopes}` };
  }
  if (!authorization) return { shared: 'credentials:none', own: null };
  const credentials = `credentials:${sha256(authorization)}`;
  return { shared: credentials, own: credentials };
}

/** JSON with object keys sorted: the same variables give the same key whatever their order. */
export function stableJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map((item) => stableJson(item ?? null)).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>).filter(([, item]) => item !== undefined);
    return `{${entries
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([key, item]) => `${JSON.stringify(key)}:${stableJson(item)}`)
      .join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

export interface CacheKeyParts {
  /** SHA-256 of the operation text (Apollo Server's queryHash; an APQ hash is the same). */
  queryHash: string;
  operationName: string | null | undefined;
  variables: Record<string, unknown> | null | undefined;
  scope: CacheScope;
  /** CallerIdentity.shared for PUBLIC, CallerIdentity.own for PRIVATE. */
  identity: string;
}

export function responseCacheKey(parts: CacheKeyParts): string {
  return sha256(stableJson([parts.scope, parts.identity, parts.queryHash, parts.operationName ?? null, parts.variables ?? {}]));
}

export interface StoredResponse {
  /** The serialized result ({ data, extensions }). */
  body: string;
  maxAge: number;
  scope: CacheScope;
  storedAt: number;
}

/** Responses by key, least recently used first, each until its max-age runs out. */
export class ResponseStore {
  private readonly entries = new Map<string, StoredResponse>();
  /** Bumped by every invalidation: a response computed before it is not stored. */
  generation = 0;

  constructor(
    readonly maxEntries: number,
    private readonly now: () => number = Date.now,
  ) {}

  get size(): number {
    return this.entries.size;
  }

  get(key: string): StoredResponse | undefined {
    const entry = this.entries.get(key);
    if (!entry) return undefined;
    this.entries.delete(key);
    if (this.now() >= entry.storedAt + entry.maxAge * 1000) return undefined;
    this.entries.set(key, entry);
    return entry;
  }

  set(key: string, entry: StoredResponse): void {
    this.entries.delete(key);
    this.entries.set(key, entry);
    for (const oldest of this.entries.keys()) {
      if (this.entries.size <= this.maxEntries) break;
      this.entries.delete(oldest);
    }
  }

  invalidate(): void {
    this.entries.clear();
    this.generation += 1;
  }
}

export interface ResponseCache<TContext extends ResponseCacheContext> {
  plugin: ApolloServerPlugin<TContext>;
  store: ResponseStore;
}

/** Request directives of the client's own Cache-Control that ask for a fresh answer. */
function wantsFresh(requestContext: GraphQLRequestContext<BaseContext>): boolean {
  const header = requestContext.request.http?.headers.get('cache-control') ?? '';
  return /(^|,)\s*(no-cache|no-store|max-age=0)\s*(,|$)/i.test(header);
}

export function responseCache<TContext extends ResponseCacheContext>(options: ResponseCacheOptions): ResponseCache<TContext> {
  const now = options.now ?? Date.now;
  const store = new ResponseStore(options.maxEntries, now);
  const maxEntryChars = options.maxEntryChars ?? DEFAULT_MAX_ENTRY_CHARS;
  const observe = options.observe ?? (() => {});

  const plugin: ApolloServerPlugin<TContext> = {
    async serverWillStart() {
      return {
        // answers of another supergraph say nothing about this one
        schemaDidLoadOrUpdate: () => store.invalidate(),
      };
    },
    async requestDidStart() {
      let lookup: { keys: Record<CacheScope, string | null>; generation: number } | undefined;
      let answeredFromCache = false;
      let mutation = false;
      return {
        async responseForOperation(requestContext) {
          if (requestContext.operation?.operation !== 'query' || !requestContext.queryHash) return null;
          const identity = callerIdentity(requestContext.contextValue.principal, requestContext.request.http?.headers.get('authorization'));
          const parts = { queryHash: requestContext.queryHash, operationName: requestContext.request.operationName, variables: requestContext.request.variables };
          const keys = {
            PUBLIC: responseCacheKey({ ...parts, scope: 'PUBLIC', identity: identity.shared }),
            PRIVATE: identity.own === null ? null : responseCacheKey({ ...parts, scope: 'PRIVATE', identity: identity.own }),
          };
          lookup = { keys, generation: store.generation };
          if (wantsFresh(requestContext)) return null;
          const entry = (keys.PRIVATE !== null ? store.get(keys.PRIVATE) : undefined) ?? store.get(keys.PUBLIC);
          observe(entry ? 'hit' : 'miss');
          if (!entry) return null;
          answeredFromCache = true;
          requestContext.metrics.responseCacheHit = true;
          // the Cache-Control header tells the client what the stored answer was given, its Age how old it is
          requestContext.overallCachePolicy.replace({ maxAge: entry.maxAge, scope: entry.scope });
          const age = Math.max(0, Math.floor((now() - entry.storedAt) / 1000));
          return { http: { headers: new HeaderMap([['age', String(age)]]) }, body: { kind: 'single', singleResult: JSON.parse(entry.body) } };
        },
        async executionDidStart({ operation }) {
          mutation = operation.operation === 'mutation';
        },
        async willSendResponse({ response, overallCachePolicy }) {
          if (mutation) {
            store.invalidate();
            observe('invalidate');
            return;
          }
          if (!lookup || answeredFromCache || lookup.generation !== store.generation) return;
          const policy = overallCachePolicy.policyIfCacheable();
          if (!policy || response.body.kind !== 'single') return;
          const result = response.body.singleResult;
          if (result.errors?.length || result.data === undefined || result.data === null) return;
          const key = lookup.keys[policy.scope];
          if (key === null) return;
          const body = JSON.stringify(result);
          if (body.length > maxEntryChars) return;
          store.set(key, { body, maxAge: policy.maxAge, scope: policy.scope, storedAt: now() });
          observe('store');
        },
      };
    },
  };
  return { plugin, store };
}

/**
 * Cache-Control on the gateway's own responses, for any supergraph: Apollo Server writes the
 * operation's overall policy (`max-age=N, public`); a response to a request that carried
 * credentials is marked `private` instead, so that no shared cache (CDN, proxy) hands it to
 * another caller. Must come before Apollo's cache control plugin (installed last by default).
 */
export function privateWhenAuthenticated<TContext extends ResponseCacheContext>(): ApolloServerPlugin<TContext> {
  return {
    async requestDidStart() {
      return {
        async willSendResponse({ request, response, overallCachePolicy, contextValue }) {
          const credentials = !!request.http?.headers.get('authorization') || (contextValue.principal !== undefined && !contextValue.principal.anonymous);
          const policy = overallCachePolicy.policyIfCacheable();
          if (!credentials || !policy || policy.scope === 'PRIVATE') return;
          // Apollo's plugin reads this header and restricts the policy it writes by it
          if (!response.http.headers.has('cache-control')) response.http.headers.set('cache-control', `max-age=${policy.maxAge}, private`);
        },
      };
    },
  };
}
