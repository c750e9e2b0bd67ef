import { Counter, type Registry } from 'prom-client';
import type { Logger } from '../../../platform/logger';
import { RedisConnection, luaScript } from '../../../platform/redis';
import { CacheInvalidator } from '../../../platform/response-cache-invalidation';
import { RESPONSE_CACHE_PREFIX } from '../../../shared/response-cache-keys';
import { sha256, type CacheScope, type CacheStore, type StoreLookup, type StoreMark, type StoredResponse } from './response-cache';

/**
 * The first of ARGV[2…] held under the current epoch (created when Redis has none: a fresh or
 * restarted Redis), with its remaining TTL; always the epoch and the invalidation counter.
 */
const LOOKUP = luaScript(`
local p = ARGV[1]
local epoch = redis.call('GET', p .. 'epoch')
if not epoch then
  local now = redis.call('TIME')
  epoch = now[1] .. '.' .. now[2]
  redis.call('SET', p .. 'epoch', epoch)
end
local out = { epoch, tonumber(redis.call('GET', p .. 'seq') or '0') }
for i = 2, #ARGV do
  local key = p .. 'entry:' .. epoch .. ':' .. ARGV[i]
  local value = redis.call('GET', key)
  if value then
    out[3] = value
    out[4] = redis.call('PTTL', key)
    return out
  end
end
return out
`);

/**
 * Stores ARGV[5] under key ARGV[6] for ARGV[4] ms, tagged ARGV[9…] (none: unknown origin), unless
 * the epoch changed or a tag (for an untagged answer: anything) was invalidated after generation
 * ARGV[3]; then owner ARGV[7] keeps at most ARGV[8] answers, its oldest going first.
 */
const STORE = luaScript(`
local p = ARGV[1]
local epoch = ARGV[2]
if redis.call('GET', p .. 'epoch') ~= epoch then return 0 end
local mark = tonumber(ARGV[3])
local ttl = tonumber(ARGV[4])
local sets = {}
if #ARGV == 8 then
  if tonumber(redis.call('GET', p .. 'seq') or '0') > mark then return 0 end
  sets[1] = p .. 'untagged'
else
  for i = 9, #ARGV do
    if tonumber(redis.call('GET', p .. 'inv:' .. ARGV[i]) or '0') > mark then return 0 end
    sets[#sets + 1] = p .. 'tag:' .. ARGV[i]
  end
end
local key = p .. 'entry:' .. epoch .. ':' .. ARGV[6]
redis.call('SET', key, ARGV[5], 'PX', ttl)
local now = redis.call('TIME')
local nowMs = tonumber(now[1]) * 1000 + math.floor(tonumber(now[2]) / 1000)
for _, set in ipairs(sets) do
  redis.call('ZREMRANGEBYSCORE', set, '-inf', nowMs)
  redis.call('ZADD', set, nowMs + ttl, key)
  if redis.call('PTTL', set) < ttl then redis.call('PEXPIRE', set, ttl) end
end
local owner = p .. 'owner:' .. ARGV[7]
redis.call('ZADD', owner, nowMs, key)
if redis.call('PTTL', owner) < ttl then redis.call('PEXPIRE', owner, ttl) end
local budget = tonumber(ARGV[8])
while redis.call('ZCARD', owner) > budget do
  local oldest = redis.call('ZPOPMIN', owner)[1]
  redis.call('DEL', oldest)
end
return 1
`);

/** What a lookup returns when Redis is not asked: no answer, and a mark no store accepts. */
const UNUSABLE: StoreLookup = { mark: { generation: -1 } };

/** An entry as kept in Redis: scope, max-age, when stored, then the serialized result (which holds no newline). */
function encode(entry: StoredResponse): string {
  return `${entry.scope}\n${entry.maxAge}\n${entry.storedAt}\n${entry.body}`;
}

function decode(value: string): StoredResponse {
  const [scope, maxAge, storedAt] = value.split('\n', 3) as [CacheScope, string, string];
  const body = value.slice(scope.length + maxAge.length + storedAt.length + 3);
  return { scope, maxAge: Number(maxAge), storedAt: Number(storedAt), body };
}

/**
 * The response cache shared by every gateway replica, in Redis (REDIS_URL): keys and tags as the
 * in-process store's (shared/response-cache-keys.ts), entries with a TTL of their max-age.
 * Invalidations go to Redis (and its pub/sub channel) before the mutation's answer is sent, so no
 * replica serves the old answer afterwards; an answer computed across an invalidation of what it read
 * is refused by Redis itself (STORE_SCRIPT). Redis down, slow or hung: lookups miss, stores are
 * skipped, invalidations are retried until Redis takes them (and until then this replica skips the
 * cache) — never an error, never an answer past its max-age (Redis's TTL is the only clock).
 * Budgets: each caller keeps at most `maxEntriesPerOwner` answers (its oldest stored go first);
 * the whole is bounded by Redis's `maxmemory` with a volatile-* eviction policy.
 */
export class RedisResponseStore implements CacheStore {
  /** Entries of another supergraph are never looked up: the key space is the supergraph's. */
  private namespace = '';

  constructor(
    private readonly connection: RedisConnection,
    private readonly invalidator: CacheInvalidator,
    /** Answers one owner (CallerIdentity.owner) keeps in Redis at most. */
    private readonly maxEntriesPerOwner: number,
  ) {}

  private get usable(): boolean {
    return this.connection.available && !this.invalidator.pending;
  }

  async lookup(keys: readonly string[]): Promise<StoreLookup> {
    if (!this.usable) return UNUSABLE;
    try {
      const reply = (await this.connection.script('lookup', LOOKUP, [RESPONSE_CACHE_PREFIX, ...keys.map((key) => `${this.namespace}:${key}`)])) as [string, number, string?, number?];
      const [epoch, generation, value, remainingMs] = reply;
      const mark: StoreMark = { generation, epoch };
      if (value === undefined || remainingMs === undefined || remainingMs <= 0) return { mark };
      const entry = decode(value);
      return { mark, found: { entry, ageSeconds: Math.max(0, Math.floor((entry.maxAge * 1000 - remainingMs) / 1000)) } };
    } catch {
      return UNUSABLE;
    }
  }

  async store(key: string, entry: StoredResponse, mark: StoreMark): Promise<boolean> {
    if (mark.epoch === undefined || !this.usable) return false;
    const tags = entry.tags ? [...entry.tags] : [];
    const owner = sha256(entry.owner ?? '');
    const args = [RESPONSE_CACHE_PREFIX, mark.epoch, String(mark.generation), String(entry.maxAge * 1000), encode(entry), `${this.namespace}:${key}`, owner, String(this.maxEntriesPerOwner), ...tags];
    try {
      return (await this.connection.script('store', STORE, args)) === 1;
    } catch {
      return false;
    }
  }

  async invalidate(tags?: Iterable<string>): Promise<void> {
    await this.invalidator.invalidate(tags);
  }

  schemaChanged(supergraphSdl: string): void {
    this.namespace = sha256(supergraphSdl).slice(0, 16);
  }
}

export interface RedisCacheOptions {
  url: string;
  /** REDIS_TIMEOUT_MS: the longest any request waits for Redis. */
  timeoutMs: number;
  logger: Logger;
  /** Where `gateway_response_cache_redis_errors_total` is registered. */
  registry: Registry;
  /** Answers one caller keeps in Redis at most (its oldest go first). */
  maxEntriesPerCaller: number;
}

/** The shared store, its Redis connection and metrics; `close` disconnects. */
export function redisResponseCache(options: RedisCacheOptions): { store: RedisResponseStore; close(): Promise<void> } {
  const errors = new Counter({
    name: 'gateway_response_cache_redis_errors_total',
    help: 'Redis commands of the shared response cache that failed or timed out (and connection errors), by operation; the cache is skipped meanwhile.',
    labelNames: ['operation'],
    registers: [options.registry],
  });
  const connection = new RedisConnection({ url: options.url, timeoutMs: options.timeoutMs, logger: options.logger, onError: (operation) => errors.inc({ operation }) });
  const invalidator = new CacheInvalidator(connection);
  return {
    store: new RedisResponseStore(connection, invalidator, options.maxEntriesPerCaller),
    close: async () => {
      invalidator.close();
      await connection.close();
    },
  };
}
