/**
 * The shared response store (gateway/src/plugins/response-store-redis.ts) over a real redis-server,
 * as two gateway replicas use it (two stores, two connections): what one stores the other finds;
 * an invalidation reaches both at once and is published; a read that began before an invalidation
 * of what it read cannot store its answer after it (the race), nor one begun before Redis lost its
 * data; a down or hung Redis costs a bounded wait and no error, and caching resumes on its own.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClient } from 'redis';
import { Registry } from 'prom-client';
import { redisResponseCache, type RedisResponseStore } from '../../gateway/src/plugins/response-store-redis';
import type { StoredResponse } from '../../gateway/src/plugins/response-cache';
import { createLogger } from '../../platform/logger';
import { RESPONSE_CACHE_CHANNEL, subgraphTag } from '../../shared/response-cache-keys';
import { startRedis, type RedisServer } from '../harness/redis';

const INDIA = subgraphTag('india');
const JAPAN = subgraphTag('japan');
const TIMEOUT_MS = 150;

let redis: RedisServer;
const caches: ReturnType<typeof redisResponseCache>[] = [];
const registries: Registry[] = [];

function replica(url = redis.url): RedisResponseStore {
  const registry = new Registry();
  registries.push(registry);
  const cache = redisResponseCache({ url, timeoutMs: TIMEOUT_MS, logger: createLogger('test', { level: 'silent' }), registry, maxEntriesPerCaller: 3 });
  cache.store.schemaChanged('type Query { a: Int }');
  caches.push(cache);
  return cache.store;
}

let a: RedisResponseStore;
let b: RedisResponseStore;

function answer(body: string, tags: readonly string[] | null, maxAge = 60, owner = 'subject:alice'): StoredResponse {
  return { body, maxAge, scope: 'PUBLIC', storedAt: Date.now(), owner, tags: tags === null ? null : new Set(tags) };
}

/** Waits until `check` holds (the connection's first connect, or a reconnect), at most `ms`. */
async function until(check: () => Promise<boolean>, ms = 5_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

const usable = (store: RedisResponseStore) => async () => (await store.lookup([])).mark.epoch !== undefined;

beforeAll(async () => {
  redis = await startRedis();
  a = replica();
  b = replica();
  await until(usable(a));
  await until(usable(b));
});

afterAll(async () => {
  for (const cache of caches) await cache.close();
  await redis?.stop();
});

describe('two replicas over one Redis', () => {
  it('an answer stored by one is found by the other, with its age from Redis’s TTL', async () => {
    const { mark } = await a.lookup(['k-shared']);
    expect(await a.store('k-shared', answer('{"data":{"n":1}}', [INDIA]), mark)).toBe(true);
    const found = (await b.lookup(['k-missing', 'k-shared'])).found;
    expect(found?.entry).toMatchObject({ body: '{"data":{"n":1}}', maxAge: 60, scope: 'PUBLIC' });
    expect(found?.ageSeconds).toBe(0);
  });

  it('an invalidation through one drops the answers of that tag for both, keeps the others, and is published', async () => {
    const subscriber = createClient({ url: redis.url });
    await subscriber.connect();
    const messages: unknown[] = [];
    await subscriber.subscribe(RESPONSE_CACHE_CHANNEL, (message) => messages.push(JSON.parse(message)));
    try {
      const { mark } = await a.lookup([]);
      await a.store('k-india', answer('{"data":{"in":1}}', [INDIA, subgraphTag('group')]), mark);
      await a.store('k-japan', answer('{"data":{"jp":1}}', [JAPAN]), mark);
      await a.store('k-unknown', answer('{"data":{"x":1}}', null), mark);
      expect((await b.lookup(['k-india'])).found).toBeDefined();
      await b.invalidate([INDIA]);
      expect((await a.lookup(['k-india'])).found).toBeUndefined();
      expect((await a.lookup(['k-unknown'])).found).toBeUndefined(); // origin unknown: dropped by any invalidation
      expect((await a.lookup(['k-japan'])).found).toBeDefined();
      await until(async () => messages.length > 0, 2_000);
      expect(messages).toEqual([{ tags: [INDIA] }]);
    } finally {
      await subscriber.close();
    }
  });

  it('the race: a read begun before an invalidation of what it read does not store its answer after it', async () => {
    // B looks up (miss) and starts computing; meanwhile a write through A invalidates India
    const { mark } = await b.lookup(['k-race']);
    await a.invalidate([INDIA]);
    // B's answer, read before the write, arrives after the invalidation: refused
    expect(await b.store('k-race', answer('{"data":{"old":true}}', [INDIA]), mark)).toBe(false);
    expect((await a.lookup(['k-race'])).found).toBeUndefined();
    // an answer of what was not invalidated is kept; one of unknown origin is not
    expect(await b.store('k-race-japan', answer('{"data":{"jp":1}}', [JAPAN]), mark)).toBe(true);
    expect(await b.store('k-race-unknown', answer('{"data":{"x":1}}', null), mark)).toBe(false);
    // a read begun after the invalidation stores as usual
    const later = await b.lookup(['k-race']);
    expect(await b.store('k-race', answer('{"data":{"new":true}}', [INDIA]), later.mark)).toBe(true);
    expect((await a.lookup(['k-race'])).found?.entry.body).toBe('{"data":{"new":true}}');
  });

  it('invalidating everything drops every answer and refuses stores begun before it', async () => {
    const { mark } = await a.lookup([]);
    await a.store('k-all', answer('{"data":{"all":1}}', [JAPAN]), mark);
    await b.invalidate();
    expect((await a.lookup(['k-all'])).found).toBeUndefined();
    expect(await a.store('k-all', answer('{"data":{"all":1}}', [JAPAN]), mark)).toBe(false);
  });

  it('entries expire with their max-age in Redis', async () => {
    const { mark } = await a.lookup([]);
    await a.store('k-short', answer('{"data":{"s":1}}', [JAPAN], 1), mark);
    expect((await b.lookup(['k-short'])).found).toBeDefined();
    await new Promise((resolve) => setTimeout(resolve, 1_100));
    expect((await b.lookup(['k-short'])).found).toBeUndefined();
  });

  it('one caller storing ever new answers evicts its own oldest, not the others’', async () => {
    const { mark } = await a.lookup([]);
    await b.store('k-bob', answer('{"data":{"bob":1}}', [JAPAN], 60, 'subject:bob'), mark);
    for (let index = 0; index < 6; index += 1) expect(await a.store(`k-flood-${index}`, answer(`{"data":{"n":${index}}}`, [JAPAN], 60, 'subject:mallory'), mark)).toBe(true);
    const kept = [];
    for (let index = 0; index < 6; index += 1) if ((await b.lookup([`k-flood-${index}`])).found) kept.push(index);
    expect(kept).toEqual([3, 4, 5]); // a budget of 3
    expect((await b.lookup(['k-bob'])).found).toBeDefined();
  });

  it('another supergraph has answers of its own', async () => {
    const { mark } = await a.lookup([]);
    await a.store('k-schema', answer('{"data":{"v":1}}', [JAPAN]), mark);
    b.schemaChanged('type Query { a: Int b: Int }');
    expect((await b.lookup(['k-schema'])).found).toBeUndefined();
    b.schemaChanged('type Query { a: Int }');
    expect((await b.lookup(['k-schema'])).found).toBeDefined();
  });
});

describe('Redis down, hung, restarted', () => {
  it('a Redis that never answers (nothing listens): every lookup misses at once, nothing is stored, no error', async () => {
    const nowhere = await startRedis();
    const url = nowhere.url;
    await nowhere.stop();
    const store = replica(url);
    const started = performance.now();
    for (let i = 0; i < 20; i += 1) {
      const { mark, found } = await store.lookup(['k-nowhere']);
      expect(found).toBeUndefined();
      expect(await store.store('k-nowhere', answer('{}', [JAPAN]), mark)).toBe(false);
    }
    await store.invalidate([JAPAN]);
    expect((performance.now() - started) / 20).toBeLessThan(5);
  });

  it('a hung Redis costs one bounded wait, then none; no error; caching resumes when it answers', async () => {
    const { mark } = await a.lookup([]);
    await a.store('k-hang', answer('{"data":{"h":1}}', [JAPAN]), mark);
    redis.pause();
    try {
      const started = performance.now();
      const first = await a.lookup(['k-hang']);
      const firstMs = performance.now() - started;
      expect(first.found).toBeUndefined();
      expect(firstMs).toBeGreaterThanOrEqual(TIMEOUT_MS - 5);
      expect(firstMs).toBeLessThan(TIMEOUT_MS + 250);
      // after the failure, lookups do not wait for Redis at all
      const next = performance.now();
      for (let i = 0; i < 20; i += 1) expect((await a.lookup(['k-hang'])).found).toBeUndefined();
      expect((performance.now() - next) / 20).toBeLessThan(5);
      expect(await a.store('k-hang-2', answer('{}', [JAPAN]), first.mark)).toBe(false);
    } finally {
      redis.resume();
    }
    await until(async () => (await a.lookup(['k-hang'])).found !== undefined);
    const errors = (await registries[0]!.getSingleMetric('gateway_response_cache_redis_errors_total')!.get()).values;
    expect(errors.find((value) => value.labels.operation === 'lookup')?.value).toBeGreaterThanOrEqual(1);
  });

  it('an invalidation is sent while lookups back off after a failure', async () => {
    const { mark } = await a.lookup([]);
    await a.store('k-backoff', answer('{"data":{"p":1}}', [JAPAN]), mark);
    redis.pause();
    expect((await a.lookup(['k-backoff'])).found).toBeUndefined(); // times out: A backs off
    redis.resume();
    await a.invalidate([JAPAN]);
    expect((await b.lookup(['k-backoff'])).found).toBeUndefined();
  });

  it('an invalidation Redis did not take is kept and sent once Redis is back', async () => {
    const subscriber = createClient({ url: redis.url, socket: { reconnectStrategy: () => 50 } });
    subscriber.on('error', () => {});
    await subscriber.connect();
    const messages: unknown[] = [];
    await subscriber.subscribe(RESPONSE_CACHE_CHANNEL, (message) => messages.push(JSON.parse(message)));
    try {
      await redis.kill();
      await a.invalidate([JAPAN, INDIA]); // not sent: kept
      await redis.restart();
      // the subscriber resubscribes on its own; the kept invalidation is sent once A is connected again
      await until(async () => messages.some((message) => JSON.stringify(message) === JSON.stringify({ tags: [JAPAN, INDIA] })), 10_000);
      await until(usable(a), 10_000);
    } finally {
      await subscriber.close();
    }
  });

  it('a restart loses Redis’s data: stores begun before it are refused, and caching resumes after it', async () => {
    const before = await a.lookup([]);
    await redis.restart();
    // reconnects by itself
    await until(usable(a), 10_000);
    expect(await a.store('k-restart', answer('{"data":{"r":1}}', [JAPAN]), before.mark)).toBe(false);
    const after = await a.lookup([]);
    expect(after.mark.epoch).not.toBe(before.mark.epoch);
    expect(await a.store('k-restart', answer('{"data":{"r":2}}', [JAPAN]), after.mark)).toBe(true);
    await until(usable(b), 10_000);
    expect((await b.lookup(['k-restart'])).found?.entry.body).toBe('{"data":{"r":2}}');
  });
});
