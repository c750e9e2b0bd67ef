import { describe, expect, it } from 'vitest';
import { ApolloServer } from '@apollo/server';
import { GraphQLError } from 'graphql';
import { ConfigError, loadGatewayConfig } from '../../gateway/src/config';
import { ResponseStore, callerIdentity, responseCache, responseCacheKey, stableJson, type ResponseCacheContext, type ResponseCacheEvent } from '../../gateway/src/plugins/response-cache';
import type { Principal } from '../../platform/auth';

const principal = (subject: string, scopes: string[], anonymous = false): Principal => ({ subject, scopes: new Set(scopes), anonymous });

describe('caller identity', () => {
  it('shares PUBLIC answers per set of scopes, whatever their order, and keeps PRIVATE ones per subject', () => {
    const alice = callerIdentity(principal('alice', ['group:read', 'group:audit']), 'Bearer a');
    const bob = callerIdentity(principal('bob', ['group:audit', 'group:read']), 'Bearer b');
    const bi = callerIdentity(principal('bi-tool', ['bi:read']), 'Bearer c');
    expect(alice.shared).toBe(bob.shared);
    expect(alice.own).not.toBe(bob.own);
    expect(bi.shared).not.toBe(alice.shared);
  });

  it('keeps no PRIVATE answer of an anonymous caller', () => {
    expect(callerIdentity(principal('anonymous', ['group:read'], true), undefined).own).toBeNull();
  });

  it('shares only between the same credentials when the gateway does not verify tokens', () => {
    const a = callerIdentity(undefined, 'Bearer a');
    expect(a.shared).toBe(a.own);
    expect(a.shared).not.toContain('Bearer');
    expect(callerIdentity(undefined, 'Bearer b').shared).not.toBe(a.shared);
    expect(callerIdentity(undefined, undefined)).toEqual({ shared: 'credentials:none', own: null, owner: 'credentials:none' });
  });
});

describe('response cache key', () => {
  const parts = { queryHash: 'abc', operationName: 'Dashboard', variables: { year: 2025, currency: 'JPY' }, scope: 'PUBLIC' as const, identity: 'scopes:group:read' };

  it('does not depend on the order of the variables', () => {
    expect(stableJson({ b: [1, { d: 2, c: 3 }], a: null })).toBe('{"a":null,"b":[1,{"c":3,"d":2}]}');
    expect(responseCacheKey({ ...parts, variables: { currency: 'JPY', year: 2025 } })).toBe(responseCacheKey(parts));
  });

  it('differs by operation, name, variables, scope and identity', () => {
    const key = responseCacheKey(parts);
    for (const changed of [
      { queryHash: 'abd' },
      { operationName: 'Other' },
      { operationName: null },
      { variables: { year: 2024, currency: 'JPY' } },
      { variables: { year: '2025', currency: 'JPY' } },
      { scope: 'PRIVATE' as const },
      { identity: 'scopes:bi:read' },
    ]) {
      expect(responseCacheKey({ ...parts, ...changed }), JSON.stringify(changed)).not.toBe(key);
    }
  });
});

describe('response store', () => {
  const entry = (storedAt: number, maxAge = 60) => ({ body: '{}', maxAge, scope: 'PUBLIC' as const, storedAt });

  it('drops the least recently used entry past its size', () => {
    const store = new ResponseStore(2, () => 0);
    store.set('a', entry(0));
    store.set('b', entry(0));
    store.get('a');
    store.set('c', entry(0));
    expect(store.get('b')).toBeUndefined();
    expect(store.get('a')).toBeDefined();
    expect(store.get('c')).toBeDefined();
    expect(store.size).toBe(2);
  });

  it('forgets an entry once its max-age has run out, and everything on invalidation', () => {
    let now = 1_000;
    const store = new ResponseStore(10, () => now);
    store.set('a', entry(now, 60));
    store.set('b', entry(now, 600));
    now += 60_000;
    expect(store.get('a')).toBeUndefined();
    expect(store.get('b')).toBeDefined();
    const generation = store.generation;
    store.invalidate();
    expect(store.get('b')).toBeUndefined();
    expect(store.generation).toBe(generation + 1);
  });
});

describe('response store budgets and tags', () => {
  const entry = (owner: string, tags: string[] | null, body = '{}') => ({ body, maxAge: 60, scope: 'PUBLIC' as const, storedAt: 0, owner, tags: tags && new Set(tags) });

  it('drops on invalidation only the answers read from the subgraphs written to, and those of unknown origin', () => {
    const store = new ResponseStore(10, () => 0);
    store.set('dashboard', entry('a', ['group', 'india', 'japan']));
    store.set('rates', entry('a', ['group']));
    store.set('japan', entry('a', ['japan']));
    store.set('unknown', entry('a', null));
    const generation = store.generation;
    store.invalidate(['india']);
    expect(store.get('dashboard')).toBeUndefined();
    expect(store.get('unknown')).toBeUndefined();
    expect(store.get('rates')).toBeDefined();
    expect(store.get('japan')).toBeDefined();
    // an answer being computed from india (or from anything unknown) while india was written is not kept; one from japan is
    expect(store.changedSince(generation, new Set(['group', 'india']))).toBe(true);
    expect(store.changedSince(generation, null)).toBe(true);
    expect(store.changedSince(generation, new Set(['japan']))).toBe(false);
    store.invalidate();
    expect(store.size).toBe(0);
    expect(store.changedSince(generation + 1, new Set(['japan']))).toBe(true);
  });

  it('bounds characters in all and per owner; a full store takes from the owner holding the most', () => {
    const store = new ResponseStore(100, () => 0, { maxTotalChars: 100, maxCharsPerOwner: 40, maxEntriesPerOwner: 100 });
    store.set('a1', entry('a', null, 'x'.repeat(30)));
    store.set('b1', entry('b', null, 'x'.repeat(30)));
    store.set('c1', entry('c', null, 'x'.repeat(30)));
    // b over its own 40 characters loses its oldest
    store.set('b2', entry('b', null, 'x'.repeat(30)));
    expect(store.get('b1')).toBeUndefined();
    expect(store.sizeOf('b')).toBe(1);
    expect(store.chars).toBe(90);
    // 120 characters would be too many: the heaviest owner (here d, with its one large answer) gives way, not a or c
    store.set('d1', entry('d', null, 'x'.repeat(35)));
    expect(store.chars).toBeLessThanOrEqual(100);
    expect(store.get('a1')).toBeDefined();
    expect(store.get('c1')).toBeDefined();
  });
});

/** An Apollo Server over a small schema with hints, the plugin installed: no HTTP, no gateway. */
function server(options: { maxEntries?: number; maxEntriesPerCaller?: number } = {}) {
  const calls = { rates: 0, slow: 0, broken: 0 };
  let gate: Promise<void> | null = null;
  const events: ResponseCacheEvent[] = [];
  const cache = responseCache<ResponseCacheContext>({ maxEntries: options.maxEntries ?? 100, maxEntriesPerCaller: options.maxEntriesPerCaller, observe: (event) => events.push(event) });
  const apollo = new ApolloServer<ResponseCacheContext>({
    typeDefs: /* GraphQL */ `
      enum CacheControlScope { PUBLIC PRIVATE }
      directive @cacheControl(maxAge: Int, scope: CacheControlScope, inheritMaxAge: Boolean) on FIELD_DEFINITION | OBJECT | INTERFACE | UNION
      type Rate @cacheControl(maxAge: 60) { currency: String! value: Float! }
      type Query {
        rates: [Rate!]!
        rateOf(currency: String!): Rate
        mine: String @cacheControl(maxAge: 30, scope: PRIVATE)
        slow: Int @cacheControl(maxAge: 60)
        broken: Int @cacheControl(maxAge: 60)
        uncached: Int
      }
      type Mutation {
        setRate(value: Float!): Float
        "Refused before it writes anything."
        refuse(value: Float!): Float
        "Fails in a way that does not say whether it wrote."
        crash: Float
      }
    `,
    resolvers: {
      Query: {
        rates: () => {
          calls.rates += 1;
          return [{ currency: 'USD', value: 150 }];
        },
        rateOf: (_: unknown, { currency }: { currency: string }) => {
          calls.rates += 1;
          return { currency, value: 150 };
        },
        mine: (_: unknown, __: unknown, context: ResponseCacheContext) => context.principal?.subject ?? null,
        slow: async () => {
          calls.slow += 1;
          await gate;
          return calls.slow;
        },
        broken: () => {
          calls.broken += 1;
          throw new Error('broken');
        },
        uncached: () => 1,
      },
      Mutation: {
        setRate: (_: unknown, { value }: { value: number }) => value,
        refuse: () => {
          throw new GraphQLError('value is out of range', { extensions: { code: 'BAD_USER_INPUT' } });
        },
        crash: () => {
          throw new Error('the database went away mid-write');
        },
      },
    },
    plugins: [cache.plugin],
  });
  const run = async (query: string, context: ResponseCacheContext = {}, variables?: Record<string, unknown>) => {
    const response = await apollo.executeOperation({ query, variables }, { contextValue: context });
    return response.body.kind === 'single' ? response.body.singleResult : undefined;
  };
  return {
    apollo,
    calls,
    events,
    store: cache.store,
    run,
    hold: () => {
      let release!: () => void;
      gate = new Promise((resolve) => (release = resolve));
      return () => {
        gate = null;
        release();
      };
    },
  };
}

describe('response cache plugin', () => {
  const hq = principal('alice', ['group:read']);

  it('answers a repeated query from the cache and keeps results with errors out', async () => {
    const { apollo, calls, events, run } = server();
    await apollo.start();
    expect(await run('{ rates { currency value } }', { principal: hq })).toEqual({ data: { rates: [{ currency: 'USD', value: 150 }] } });
    expect(await run('{ rates { currency value } }', { principal: hq })).toEqual({ data: { rates: [{ currency: 'USD', value: 150 }] } });
    expect(calls.rates).toBe(1);
    await run('{ broken }', { principal: hq });
    await run('{ broken }', { principal: hq });
    expect(calls.broken).toBe(2);
    expect(events).toEqual(['miss', 'store', 'hit', 'miss', 'miss']);
    await apollo.stop();
  });

  it('does not cache what has no hint', async () => {
    const { apollo, store, run } = server();
    await apollo.start();
    await run('{ uncached }');
    expect(store.size).toBe(0);
    await apollo.stop();
  });

  it('keeps a PRIVATE answer for its subject only, and none for a caller nobody can tell apart', async () => {
    const { apollo, store, run } = server();
    await apollo.start();
    expect(await run('{ mine }', { principal: hq })).toEqual({ data: { mine: 'alice' } });
    expect(await run('{ mine }', { principal: principal('bob', ['group:read']) })).toEqual({ data: { mine: 'bob' } });
    expect(await run('{ mine }', { principal: hq })).toEqual({ data: { mine: 'alice' } });
    expect(store.size).toBe(2);
    await run('{ mine }', { principal: principal('anonymous', ['group:read'], true) });
    expect(store.size).toBe(2);
    await apollo.stop();
  });

  it('empties the cache on a mutation, and does not keep an answer computed while one ran', async () => {
    const { apollo, calls, store, run, hold } = server();
    await apollo.start();
    await run('{ rates { value } }');
    expect(store.size).toBe(1);
    await run('mutation { setRate(value: 151) }');
    expect(store.size).toBe(0);
    await run('{ rates { value } }');
    expect(calls.rates).toBe(2);

    const release = hold();
    const inFlight = run('{ slow }');
    await new Promise((resolve) => setImmediate(resolve));
    await run('mutation { setRate(value: 152) }');
    release();
    expect(await inFlight).toEqual({ data: { slow: 1 } });
    expect(store.size).toBe(0);
    await apollo.stop();
  });

  it('keeps every answer on a mutation that writes nothing: one selecting only __typename, or one refused', async () => {
    const { apollo, calls, store, events, run } = server();
    await apollo.start();
    await run('{ rates { value } }');
    expect(await run('mutation { __typename }')).toEqual({ data: { __typename: 'Mutation' } });
    expect((await run('mutation { refuse(value: 1) }'))?.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect((await run('mutation { __typename refused: refuse(value: 2) }'))?.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    await run('{ rates { value } }');
    expect(calls.rates).toBe(1);
    expect(store.size).toBe(1);
    expect(events).not.toContain('invalidate');
    // a failure that does not say it was refused may have written: the answers go
    await run('mutation { crash }');
    expect(store.size).toBe(0);
    expect(events).toContain('invalidate');
    await apollo.stop();
  });

  it('keys an answer by the variables its operation declares: others sent along make no new entries', async () => {
    const { apollo, calls, store, run } = server();
    await apollo.start();
    const query = 'query Rate($currency: String!) { rateOf(currency: $currency) { value } }';
    await run(query, {}, { currency: 'USD' });
    for (let junk = 0; junk < 20; junk += 1) await run(query, {}, { currency: 'USD', junk });
    expect(calls.rates).toBe(1);
    expect(store.size).toBe(1);
    await run(query, {}, { currency: 'EUR', junk: 1 });
    expect(calls.rates).toBe(2);
    expect(store.size).toBe(2);
    await apollo.stop();
  });

  it('holds each caller to its own budget: one token flooding the cache evicts its own answers, not the others', async () => {
    const { apollo, calls, store, run } = server({ maxEntries: 20 });
    await apollo.start();
    const alice = principal('alice', ['group:read']);
    const mallory = principal('mallory', ['group:read']);
    await run('query Alice { rates { value } }', { principal: alice });
    for (let index = 0; index < 200; index += 1) await run(`query Flood${index} { rates { value } }`, { principal: mallory });
    expect(store.sizeOf('subject:mallory')).toBeLessThanOrEqual(2); // a tenth of 20
    const before = calls.rates;
    await run('query Alice { rates { value } }', { principal: alice });
    expect(calls.rates).toBe(before); // still cached
    await apollo.stop();
  });

  it('holds at most maxEntries answers', async () => {
    const { apollo, store, run } = server({ maxEntries: 2, maxEntriesPerCaller: 2 });
    await apollo.start();
    for (const name of ['A', 'B', 'C']) await run(`query ${name} { rates { value } }`);
    expect(store.size).toBe(2);
    await apollo.stop();
  });
});

describe('RESPONSE_CACHE settings', () => {
  it('are on with 1,000 entries by default, and read from the environment', () => {
    expect(loadGatewayConfig({}, []).responseCache).toEqual({ enabled: true, maxEntries: 1_000, redisUrl: null, redisTimeoutMs: 200 });
    expect(loadGatewayConfig({ RESPONSE_CACHE: 'false', RESPONSE_CACHE_MAX_ENTRIES: '50' }, []).responseCache).toEqual({ enabled: false, maxEntries: 50, redisUrl: null, redisTimeoutMs: 200 });
    expect(loadGatewayConfig({ REDIS_URL: 'redis://cache:6379', REDIS_TIMEOUT_MS: '50' }, []).responseCache).toMatchObject({ redisUrl: 'redis://cache:6379', redisTimeoutMs: 50 });
    // a malformed URL is refused without repeating it (it may hold a password)
    expect(() => loadGatewayConfig({ REDIS_URL: 'http://user:secret@cache' }, [])).toThrow(/^REDIS_URL must start with redis:\/\/ or rediss:\/\/, not http:\/\/$/);
    expect(() => loadGatewayConfig({ REDIS_URL: 'not a url secret' }, [])).toThrow(/^REDIS_URL is not a URL/);
    expect(() => loadGatewayConfig({ RESPONSE_CACHE_MAX_ENTRIES: '0' }, [])).toThrow(ConfigError);
    expect(() => loadGatewayConfig({ RESPONSE_CACHE: 'maybe' }, [])).toThrow(/RESPONSE_CACHE must be true or false/);
  });
});
