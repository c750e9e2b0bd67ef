import { createHash } from 'node:crypto';
import { HeaderMap, type ApolloServerPlugin, type BaseContext, type GraphQLRequestContext } from '@apollo/server';
import type { FetcherResponse } from '@apollo/utils.fetcher';
import { Kind, getOperationAST, parse, printSchema, type DocumentNode, type OperationDefinitionNode, type SelectionSetNode } from 'graphql';
import type { Principal } from '../../../platform/auth';
import { subgraphTag } from '../../../shared/response-cache-keys';
import { SubgraphUnavailableError, isQueryRequest, type SubgraphFetchLayer } from '../subgraph-fetch';

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
 *   values of the variables the operation declares (others are ignored by execution, and by the
 *   key), and who asks: a PUBLIC answer is shared by callers with the same scopes (the gateway
 *   authorizes by scopes; see callerIdentity), a PRIVATE one belongs to the token's subject.
 * - Never cached: responses with errors, mutations, anything read while a write it may depend on ran.
 * - Invalidation: only by a mutation that may have written something, and only the answers it may
 *   have changed. With the plugin's fetch layer in the data sources (`layer`, wired in
 *   server.ts), every cached answer is tagged with the subgraphs its plan called, and a mutation's
 *   call to a subgraph that answers with data (or fails so that it may have been applied: 5xx, no
 *   answer, an error without a code saying it was refused) drops the answers tagged with that
 *   subgraph — in this project, one subsidiary's writes drop the answers that read that
 *   subsidiary. A mutation that fails with a refusal (BAD_USER_INPUT, FORBIDDEN, … see
 *   UNWRITTEN_ERROR_CODES), that is refused before execution (auth, limits), or that selects only
 *   `__typename` invalidates nothing. Without the layer, the same judgement is made on the
 *   mutation's whole response and a mutation that may have written drops every answer. Writes
 *   made elsewhere (straight to a subgraph or its database, or through another gateway
 *   instance) show after at most the hint's max-age — unless the store is shared in Redis
 *   (response-store-redis.ts), where every gateway's and every subgraph's writes invalidate.
 * - Where: `store`, a CacheStore (default: ResponseStore, in this process).
 * - Budgets: at most `maxEntries` answers and `maxTotalChars` characters in all; each caller (the
 *   token's subject, or its credentials when the gateway does not check tokens) stores at most
 *   `maxEntriesPerCaller` answers and `maxCharsPerCaller` characters, its own least recently used
 *   going first; when the whole cache is full, the caller holding the most gives way. One token
 *   sending ever new operations or variables evicts its own answers, not everybody's.
 * - A client may send `Cache-Control: no-cache` to skip the cached answer (the fresh one is kept).
 * - Authorization is checked before the cache is read: a caller refused by the auth or limits
 *   plugins is refused, never answered from the cache.
 */
export interface ResponseCacheOptions {
  /** Most responses kept; the least recently used goes first. */
  maxEntries: number;
  /** Largest serialized response kept, in characters (default 1 MiB). */
  maxEntryChars?: number;
  /** Characters of all responses kept together (default 64 Mi). */
  maxTotalChars?: number;
  /** Responses one caller stores at most (default a tenth of maxEntries, at least 1). */
  maxEntriesPerCaller?: number;
  /** Characters one caller stores at most (default an eighth of maxTotalChars). */
  maxCharsPerCaller?: number;
  /** Error codes that say a mutation was refused and wrote nothing (default UNWRITTEN_ERROR_CODES). */
  unwrittenErrorCodes?: readonly string[];
  /** Lookups, stores and invalidations, for metrics. */
  observe?: (event: ResponseCacheEvent) => void;
  /** Where answers are kept (default: a ResponseStore in this process, within the budgets above). */
  store?: CacheStore;
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
  /** Whose budget an answer stored for this caller counts against: the token's subject, or its credentials. */
  owner: string;
}

/**
 * What the plugin needs from the request context: the verified caller (plugins/auth.ts), if any,
 * and the request's signal (plugins/limits.ts gives every request one; the plugin gives one to a
 * request that has none), by which the fetch layer knows which request a subgraph call serves.
 */
export interface ResponseCacheContext extends BaseContext {
  principal?: Principal;
  signal?: AbortSignal;
}

/**
 * Error codes that mean a mutation was refused before it wrote anything: GraphQL's and Apollo
 * Server's request errors, authorization, query limits, and this project's refusals (subgraphs/common/errors.ts).
 */
export const UNWRITTEN_ERROR_CODES: readonly string[] = [
  'GRAPHQL_PARSE_FAILED',
  'GRAPHQL_VALIDATION_FAILED',
  'BAD_REQUEST',
  'BAD_USER_INPUT',
  'OPERATION_RESOLUTION_FAILURE',
  'PERSISTED_QUERY_NOT_FOUND',
  'PERSISTED_QUERY_NOT_SUPPORTED',
  'UNAUTHENTICATED',
  'FORBIDDEN',
  'QUERY_TOO_DEEP',
  'TOO_MANY_ALIASES',
  'QUERY_TOO_COSTLY',
  'PAGE_SIZE_TOO_LARGE',
  'TOO_MANY_REPRESENTATIONS',
  'REPRESENTATION_TOO_LARGE',
  'NOT_FOUND',
  'WRONG_SUBSIDIARY',
  'VERSION_CONFLICT',
  'IDEMPOTENCY_KEY_REUSED',
  'INVALID_STATE',
  'RECORD_BUSY',
  'WRITE_INTERRUPTED',
  'DATASET_MISSING',
];

/** Answers one caller stores at most by default: a tenth of the whole, at least 1. */
export function defaultEntriesPerCaller(maxEntries: number): number {
  return Math.max(1, Math.ceil(maxEntries / 10));
}

const DEFAULT_MAX_ENTRY_CHARS = 1_048_576;
const DEFAULT_MAX_TOTAL_CHARS = 64 * 1_048_576;

/** A key's digest (base64url SHA-256): fixed-size keys whatever the text. */
export function sha256(text: string): string {
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
    return { shared: `scopes:${scopes}`, own: principal.anonymous ? null : `subject:${principal.subject}\n${scopes}`, owner: principal.anonymous ? 'anonymous' : `subject:${principal.subject}` };
  }
  if (!authorization) return { shared: 'credentials:none', own: null, owner: 'credentials:none' };
  const credentials = `credentials:${sha256(authorization)}`;
  return { shared: credentials, own: credentials, owner: credentials };
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

/** The variables an operation declares, with the values sent: the only ones that can change its answer. */
export function declaredVariables(operation: OperationDefinitionNode | undefined, variables: Record<string, unknown> | null | undefined): Record<string, unknown> {
  const declared: Record<string, unknown> = {};
  for (const definition of operation?.variableDefinitions ?? []) {
    const name = definition.variable.name.value;
    if (variables && Object.prototype.hasOwnProperty.call(variables, name)) declared[name] = variables[name];
  }
  return declared;
}

export interface CacheKeyParts {
  /** SHA-256 of the operation text (Apollo Server's queryHash; an APQ hash is the same). */
  queryHash: string;
  operationName: string | null | undefined;
  /** The operation's declared variables (declaredVariables). */
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
  /** Whose budget it counts against (CallerIdentity.owner); one shared budget when absent. */
  owner?: string;
  /** The subgraphs the answer was read from; null or absent: unknown, dropped by any invalidation. */
  tags?: ReadonlySet<string> | null;
}

/** What `CacheStore.store` compares against: the invalidations made before the answer was computed. */
export interface StoreMark {
  generation: number;
  /** A shared store's: which incarnation of its data the generation counts in. */
  epoch?: string;
}

export interface StoreLookup {
  mark: StoreMark;
  /** The first of the keys looked up that holds an answer, and how old it is. */
  found?: { entry: StoredResponse; ageSeconds: number };
}

/**
 * Where the plugin keeps answers: in this process (ResponseStore, the default) or shared by every
 * gateway replica in Redis (response-store-redis.ts). Tags are shared/response-cache-keys.ts's subgraphTag.
 */
export interface CacheStore {
  /** The mark of the invalidations so far, and the first of `keys` that holds an answer (none: the mark only). */
  lookup(keys: readonly string[]): StoreLookup | Promise<StoreLookup>;
  /** Keeps `entry` unless an invalidation since `mark` may have changed what it was read from; whether it was kept. */
  store(key: string, entry: StoredResponse, mark: StoreMark): boolean | Promise<boolean>;
  /** Drops every answer (no tags), or those read from any of `tags` and those whose origin is unknown. */
  invalidate(tags?: Iterable<string>): void | Promise<void>;
  /** The supergraph changed: the answers of another one say nothing about it. */
  schemaChanged(supergraphSdl: string): void;
}

/** How much the store holds at most, in all and per owner. */
export interface StoreBudget {
  maxTotalChars?: number;
  maxEntriesPerOwner?: number;
  maxCharsPerOwner?: number;
}

interface OwnerShare {
  /** The owner's keys, least recently used first. */
  keys: Set<string>;
  chars: number;
}

/**
 * Responses by key, each until its max-age runs out, within budgets: `maxEntries` and
 * `maxTotalChars` in all, and per owner. An owner over its own budget loses its least recently
 * used answers; a full store takes the least recently used answer of the owner holding the most.
 */
export class ResponseStore implements CacheStore {
  private readonly entries = new Map<string, StoredResponse>();
  private readonly owners = new Map<string, OwnerShare>();
  private readonly tagged = new Map<string, Set<string>>();
  private readonly untagged = new Set<string>();
  private totalChars = 0;
  /** Bumped by every invalidation. */
  generation = 0;
  /** The generation of the last invalidation of each tag, and of the last one of everything. */
  private readonly invalidatedAt = new Map<string, number>();
  private everythingInvalidatedAt = 0;
  private readonly maxTotalChars: number;
  private readonly maxEntriesPerOwner: number;
  private readonly maxCharsPerOwner: number;

  constructor(
    readonly maxEntries: number,
    private readonly now: () => number = Date.now,
    budget: StoreBudget = {},
  ) {
    this.maxTotalChars = budget.maxTotalChars ?? DEFAULT_MAX_TOTAL_CHARS;
    this.maxEntriesPerOwner = budget.maxEntriesPerOwner ?? maxEntries;
    this.maxCharsPerOwner = budget.maxCharsPerOwner ?? this.maxTotalChars;
  }

  get size(): number {
    return this.entries.size;
  }

  /** Characters held in all. */
  get chars(): number {
    return this.totalChars;
  }

  /** Answers one owner holds. */
  sizeOf(owner: string): number {
    return this.owners.get(owner)?.keys.size ?? 0;
  }

  get(key: string): StoredResponse | undefined {
    const entry = this.entries.get(key);
    if (!entry) return undefined;
    if (this.now() >= entry.storedAt + entry.maxAge * 1000) {
      this.delete(key);
      return undefined;
    }
    // most recently used, in all and for its owner
    this.entries.delete(key);
    this.entries.set(key, entry);
    const share = this.owners.get(entry.owner ?? '');
    share?.keys.delete(key);
    share?.keys.add(key);
    return entry;
  }

  lookup(keys: readonly string[]): StoreLookup {
    const mark = { generation: this.generation };
    for (const key of keys) {
      const entry = this.get(key);
      if (entry) return { mark, found: { entry, ageSeconds: Math.max(0, Math.floor((this.now() - entry.storedAt) / 1000)) } };
    }
    return { mark };
  }

  store(key: string, entry: StoredResponse, mark: StoreMark): boolean {
    if (this.changedSince(mark.generation, entry.tags ?? null)) return false;
    this.set(key, entry);
    return true;
  }

  schemaChanged(): void {
    this.invalidate();
  }

  set(key: string, entry: StoredResponse): void {
    this.delete(key);
    const owner = entry.owner ?? '';
    this.entries.set(key, entry);
    this.totalChars += entry.body.length;
    let share = this.owners.get(owner);
    if (!share) this.owners.set(owner, (share = { keys: new Set(), chars: 0 }));
    share.keys.add(key);
    share.chars += entry.body.length;
    if (entry.tags) for (const tag of entry.tags) this.tagSet(tag).add(key);
    else this.untagged.add(key);
    while (share.keys.size > this.maxEntriesPerOwner || share.chars > this.maxCharsPerOwner) this.delete(share.keys.values().next().value!);
    while (this.entries.size > this.maxEntries || this.totalChars > this.maxTotalChars) {
      const heaviest = this.heaviestOwner();
      if (!heaviest) break;
      this.delete(heaviest.keys.values().next().value!);
    }
  }

  /**
   * Drops every answer (no tags), or the answers read from any of `tags` and those whose
   * subgraphs are unknown; answers being computed meanwhile are not stored (changedSince).
   */
  invalidate(tags?: Iterable<string>): void {
    this.generation += 1;
    if (tags === undefined) {
      this.everythingInvalidatedAt = this.generation;
      for (const key of [...this.entries.keys()]) this.delete(key);
      return;
    }
    for (const tag of tags) {
      this.invalidatedAt.set(tag, this.generation);
      for (const key of [...(this.tagged.get(tag) ?? [])]) this.delete(key);
    }
    for (const key of [...this.untagged]) this.delete(key);
  }

  /** Was an answer read from `tags` (null: from unknown subgraphs) possibly changed since `generation`? */
  changedSince(generation: number, tags: ReadonlySet<string> | null): boolean {
    if (this.everythingInvalidatedAt > generation) return true;
    if (tags === null) return this.generation > generation;
    for (const tag of tags) if ((this.invalidatedAt.get(tag) ?? 0) > generation) return true;
    return false;
  }

  private tagSet(tag: string): Set<string> {
    let keys = this.tagged.get(tag);
    if (!keys) this.tagged.set(tag, (keys = new Set()));
    return keys;
  }

  private heaviestOwner(): OwnerShare | undefined {
    let heaviest: OwnerShare | undefined;
    for (const share of this.owners.values()) {
      if (share.keys.size === 0) continue;
      const weight = Math.max(share.keys.size / this.maxEntriesPerOwner, share.chars / this.maxCharsPerOwner);
      const best = heaviest ? Math.max(heaviest.keys.size / this.maxEntriesPerOwner, heaviest.chars / this.maxCharsPerOwner) : -1;
      if (weight > best) heaviest = share;
    }
    return heaviest;
  }

  private delete(key: string): void {
    const entry = this.entries.get(key);
    if (!entry) return;
    this.entries.delete(key);
    this.totalChars -= entry.body.length;
    const owner = entry.owner ?? '';
    const share = this.owners.get(owner);
    if (share) {
      share.keys.delete(key);
      share.chars -= entry.body.length;
      if (share.keys.size === 0) this.owners.delete(owner);
    }
    if (entry.tags) {
      for (const tag of entry.tags) {
        const keys = this.tagged.get(tag);
        keys?.delete(key);
        if (keys?.size === 0) this.tagged.delete(tag);
      }
    } else this.untagged.delete(key);
  }
}

export interface ResponseCache<TContext extends ResponseCacheContext, TStore extends CacheStore = ResponseStore> {
  plugin: ApolloServerPlugin<TContext>;
  store: TStore;
  /**
   * Goes around every subgraph call of the data sources, outside any other layer (server.ts:
   * `layers: [cache.layer, …]`): tells the plugin which subgraphs each request called and which
   * of them a mutation may have written to.
   */
  layer: SubgraphFetchLayer;
}

/** Request directives of the client's own Cache-Control that ask for a fresh answer. */
function wantsFresh(requestContext: GraphQLRequestContext<BaseContext>): boolean {
  const header = requestContext.request.http?.headers.get('cache-control') ?? '';
  return /(^|,)\s*(no-cache|no-store|max-age=0)\s*(,|$)/i.test(header);
}

/** The response keys of a mutation's root fields other than `__typename` (fragments on the root followed). */
export function writingFields(document: DocumentNode, operation: OperationDefinitionNode): string[] {
  const keys: string[] = [];
  const seen = new Set<string>();
  const walk = (set: SelectionSetNode) => {
    for (const selection of set.selections) {
      if (selection.kind === Kind.FIELD) {
        if (selection.name.value !== '__typename') keys.push(selection.alias?.value ?? selection.name.value);
      } else if (selection.kind === Kind.INLINE_FRAGMENT) {
        walk(selection.selectionSet);
      } else if (!seen.has(selection.name.value)) {
        seen.add(selection.name.value);
        const fragment = document.definitions.find((definition) => definition.kind === Kind.FRAGMENT_DEFINITION && definition.name.value === selection.name.value);
        if (fragment?.kind === Kind.FRAGMENT_DEFINITION) walk(fragment.selectionSet);
      }
    }
  };
  walk(operation.selectionSet);
  return [...new Set(keys)];
}

interface ResultLike {
  data?: unknown;
  errors?: readonly { extensions?: { code?: unknown } | Record<string, unknown> }[];
}

/**
 * May a mutation whose root fields answer at `fields` have written anything, judging from its
 * result? Not when it selects nothing but `__typename`, nor when every such field is null and every
 * error carries a code saying the write was refused; otherwise (some field answered, or an error
 * that does not say so) it may have.
 */
export function mayHaveWritten(result: ResultLike, fields: readonly string[], unwritten: ReadonlySet<string>): boolean {
  if (fields.length === 0) return false;
  const data = result.data && typeof result.data === 'object' ? (result.data as Record<string, unknown>) : {};
  if (fields.some((field) => data[field] !== null && data[field] !== undefined)) return true;
  const errors = result.errors ?? [];
  if (errors.length === 0) return true; // nulls without a reason: cannot tell
  return !errors.every((error) => {
    const code = (error.extensions as { code?: unknown } | undefined)?.code;
    return typeof code === 'string' && unwritten.has(code);
  });
}

/** What the plugin learns of one request: the subgraphs it called, and its mutation calls. */
interface RequestRecord {
  services: Set<string>;
  mutationCalls: number;
}

export function responseCache<TContext extends ResponseCacheContext, TStore extends CacheStore = ResponseStore>(options: ResponseCacheOptions & { store?: TStore }): ResponseCache<TContext, TStore> {
  const now = options.now ?? Date.now;
  const maxTotalChars = options.maxTotalChars ?? DEFAULT_MAX_TOTAL_CHARS;
  const store = (options.store ??
    new ResponseStore(options.maxEntries, now, {
      maxTotalChars,
      maxEntriesPerOwner: options.maxEntriesPerCaller ?? defaultEntriesPerCaller(options.maxEntries),
      maxCharsPerOwner: options.maxCharsPerCaller ?? Math.floor(maxTotalChars / 8),
    })) as TStore;
  const maxEntryChars = options.maxEntryChars ?? DEFAULT_MAX_ENTRY_CHARS;
  const unwritten = new Set(options.unwrittenErrorCodes ?? UNWRITTEN_ERROR_CODES);
  const observe = options.observe ?? (() => {});
  /** The requests being executed, by their signal (what the layer sees of a call). */
  const requests = new WeakMap<AbortSignal, RequestRecord>();
  /** Whether the data sources call through `layer`; without it, mutations are judged by their whole response. */
  let layerInstalled = false;

  const invalidate = async (tags?: Iterable<string>) => {
    await store.invalidate(tags);
    observe('invalidate');
  };

  /** Did this answer of a mutation's own subgraph call say it wrote (or may have written) something? */
  async function callMayHaveWritten(body: unknown, response: FetcherResponse): Promise<boolean> {
    if (response.status >= 500) return true;
    if (response.status >= 400) return false; // refused as a whole by the subgraph, before execution
    try {
      const { query, operationName } = JSON.parse(String(body)) as { query: string; operationName?: string };
      const document = parse(query);
      const operation = getOperationAST(document, operationName);
      if (!operation) return true;
      return mayHaveWritten(JSON.parse(await response.clone().text()) as ResultLike, writingFields(document, operation), unwritten);
    } catch {
      return true;
    }
  }

  const layer: SubgraphFetchLayer = (next) => {
    layerInstalled = true;
    return async (url, init, call) => {
      const record = call.signal ? requests.get(call.signal) : undefined;
      if (!record) return next(url, init, call);
      record.services.add(call.service);
      // the mutation's own call (its plan's later fetches are queries)
      if (call.operation !== 'mutation' || isQueryRequest(init.body)) return next(url, init, call);
      record.mutationCalls += 1;
      let response: FetcherResponse;
      try {
        response = await next(url, init, call);
      } catch (error) {
        // a call known not to have been sent wrote nothing; any other failure may have been applied
        if (!(error instanceof SubgraphUnavailableError && error.delivery === 'not_sent')) await invalidate([subgraphTag(call.service)]);
        throw error;
      }
      if (await callMayHaveWritten(init.body, response)) await invalidate([subgraphTag(call.service)]);
      return response;
    };
  };

  const plugin: ApolloServerPlugin<TContext> = {
    async serverWillStart() {
      return {
        // answers of another supergraph say nothing about this one
        schemaDidLoadOrUpdate: ({ apiSchema, coreSupergraphSdl }) => store.schemaChanged(coreSupergraphSdl ?? printSchema(apiSchema)),
      };
    },
    async requestDidStart() {
      let lookup: { keys: Record<CacheScope, string | null>; owner: string; mark: StoreMark } | undefined;
      let answeredFromCache = false;
      let mutation = false;
      const record: RequestRecord = { services: new Set(), mutationCalls: 0 };
      return {
        async responseForOperation(requestContext) {
          if (requestContext.operation?.operation !== 'query' || !requestContext.queryHash) return null;
          const identity = callerIdentity(requestContext.contextValue.principal, requestContext.request.http?.headers.get('authorization'));
          const parts = {
            queryHash: requestContext.queryHash,
            operationName: requestContext.request.operationName,
            variables: declaredVariables(requestContext.operation, requestContext.request.variables),
          };
          const keys = {
            PUBLIC: responseCacheKey({ ...parts, scope: 'PUBLIC', identity: identity.shared }),
            PRIVATE: identity.own === null ? null : responseCacheKey({ ...parts, scope: 'PRIVATE', identity: identity.own }),
          };
          const fresh = wantsFresh(requestContext);
          const { mark, found } = await store.lookup(fresh ? [] : [...(keys.PRIVATE !== null ? [keys.PRIVATE] : []), keys.PUBLIC]);
          lookup = { keys, owner: identity.owner, mark };
          if (fresh) return null;
          observe(found ? 'hit' : 'miss');
          if (!found) return null;
          const { entry, ageSeconds } = found;
          answeredFromCache = true;
          requestContext.metrics.responseCacheHit = true;
          // the Cache-Control header tells the client what the stored answer was given, its Age how old it is
          requestContext.overallCachePolicy.replace({ maxAge: entry.maxAge, scope: entry.scope });
          return { http: { headers: new HeaderMap([['age', String(ageSeconds)]]) }, body: { kind: 'single', singleResult: JSON.parse(entry.body) } };
        },
        async executionDidStart({ operation, contextValue }) {
          mutation = operation.operation === 'mutation';
          // the layer knows the request's subgraph calls by the signal the data source passes on
          contextValue.signal ??= new AbortController().signal;
          requests.set(contextValue.signal, record);
        },
        async willSendResponse({ response, overallCachePolicy, document, operation }) {
          if (mutation) {
            // without the layer (or if it missed the calls), judge by the mutation's whole answer
            const result = response.body.kind === 'single' ? response.body.singleResult : { data: undefined, errors: [{}] };
            if ((!layerInstalled || record.mutationCalls === 0) && document && operation && mayHaveWritten(result, writingFields(document, operation), unwritten)) await invalidate();
            return;
          }
          if (!lookup || answeredFromCache) return;
          const policy = overallCachePolicy.policyIfCacheable();
          if (!policy || response.body.kind !== 'single') return;
          const result = response.body.singleResult;
          if (result.errors?.length || result.data === undefined || result.data === null) return;
          // tagged with the subgraphs called, when the layer saw them; else dropped by any invalidation
          const tags = layerInstalled && record.services.size > 0 ? new Set([...record.services].map(subgraphTag)) : null;
          const key = lookup.keys[policy.scope];
          if (key === null) return;
          const body = JSON.stringify(result);
          if (body.length > maxEntryChars) return;
          // refused when an invalidation since the lookup may have changed what the answer read
          const kept = store.store(key, { body, maxAge: policy.maxAge, scope: policy.scope, storedAt: now(), owner: lookup.owner, tags }, lookup.mark);
          // a shared store's write does not hold up the answer
          if (typeof kept === 'boolean') {
            if (kept) observe('store');
          } else void kept.then((stored) => stored && observe('store'));
        },
      };
    },
  };
  return { plugin, store, layer };
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
