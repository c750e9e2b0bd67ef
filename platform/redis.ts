import { createHash } from 'node:crypto';
import type * as Redis from 'redis';
import { lazyModule } from './lazy-module';
import type { Logger } from './logger';

export type RedisClient = ReturnType<typeof Redis.createClient>;

const redis = lazyModule<typeof Redis>('redis');

export interface RedisConnectionOptions {
  url: string;
  /** Longest wait for one command: a slower (or hung) Redis counts as a failure. */
  timeoutMs: number;
  logger: Logger;
  /** Each failed command or connection error, by operation (metrics). */
  onError?: (operation: string) => void;
  /** While Redis is taken for down, how often a PING checks whether it answers again (ms). */
  probeEveryMs?: number;
}

export class RedisUnavailableError extends Error {}

/** A Lua script and its SHA-1, by which Redis keeps it. */
export interface LuaScript {
  text: string;
  sha1: string;
}

export function luaScript(text: string): LuaScript {
  return { text, sha1: createHash('sha1').update(text).digest('hex') };
}

const DEFAULT_PROBE_EVERY_MS = 500;
const MAX_RECONNECT_DELAY_MS = 2_000;

/** `promise`, or a RedisUnavailableError after `ms`. */
async function within<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new RedisUnavailableError(`Redis did not answer ${what} within ${ms} ms`)), ms);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * One Redis client for a cache, which must never be why a request fails or waits long: every
 * command bounded by `timeoutMs`, none queued while disconnected. After a failure Redis is taken
 * for down: requests stop asking it, and a PING in the background (off every request's path)
 * finds when it answers again. It reconnects on its own, and says once when Redis goes away and
 * once when it is back.
 */
export class RedisConnection {
  private readonly client: RedisClient;
  private down = false;
  private closed = false;
  private probe: NodeJS.Timeout | undefined;
  private probing = false;
  private readonly recoveryListeners: (() => void)[] = [];

  constructor(private readonly options: RedisConnectionOptions) {
    this.client = redis().createClient({
      url: options.url,
      disableOfflineQueue: true,
      socket: {
        connectTimeout: Math.max(options.timeoutMs, 1_000),
        reconnectStrategy: (retries) => Math.min(50 * 2 ** retries, MAX_RECONNECT_DELAY_MS),
      },
    });
    this.client.on('error', (error: unknown) => this.failed('connection', error));
    this.client.on('ready', () => this.recovered());
    this.client.connect().catch((error: unknown) => this.failed('connect', error));
  }

  /** Connected, and not taken for down after a failure. */
  get available(): boolean {
    return !this.closed && this.client.isReady && !this.down;
  }

  /** Calls `listener` each time Redis answers again (connected anew, or a hang over). */
  onRecovered(listener: () => void): void {
    this.recoveryListeners.push(listener);
  }

  /**
   * Runs `command` if Redis is available, within the timeout; a failure is counted and thrown.
   * `urgent` (invalidations): sent whenever connected, also while Redis is taken for down.
   */
  async run<T>(operation: string, command: (client: RedisClient) => Promise<T>, urgent = false): Promise<T> {
    if (!(urgent ? !this.closed && this.client.isReady : this.available)) throw new RedisUnavailableError('Redis is not available');
    try {
      const result = await within(command(this.client), this.options.timeoutMs, operation);
      if (this.down) this.recovered();
      return result;
    } catch (error) {
      this.failed(operation, error);
      throw error;
    }
  }

  /** Runs a Lua script by its SHA-1 (EVALSHA), sending its text only when Redis does not hold it yet. */
  async script(operation: string, script: LuaScript, args: readonly string[], urgent = false): Promise<unknown> {
    return this.run(
      operation,
      async (client) => {
        try {
          return await client.evalSha(script.sha1, { keys: [], arguments: [...args] });
        } catch (error) {
          if (!(error instanceof Error && error.message.startsWith('NOSCRIPT'))) throw error;
          return client.eval(script.text, { keys: [], arguments: [...args] });
        }
      },
      urgent,
    );
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    clearInterval(this.probe);
    // commands still waiting for a hung Redis are rejected, not waited for
    try {
      this.client.destroy();
    } catch {
      // never connected: nothing to close
    }
  }

  private failed(operation: string, error: unknown): void {
    if (this.closed) return;
    this.options.onError?.(operation);
    if (this.down) return;
    this.down = true;
    this.options.logger.warn({ event: 'redis_unavailable', operation, err: error }, 'Redis failed or did not answer: the shared response cache is skipped until it answers again');
    this.probe = setInterval(() => void this.ping(), this.options.probeEveryMs ?? DEFAULT_PROBE_EVERY_MS);
    this.probe.unref();
  }

  /** One PING at a time while down; disconnected, the client's reconnection says when it is back ('ready'). */
  private async ping(): Promise<void> {
    if (this.probing || !this.client.isReady) return;
    this.probing = true;
    try {
      await within(this.client.ping(), this.options.timeoutMs, 'PING');
      this.recovered();
    } catch {
      // still down
    } finally {
      this.probing = false;
    }
  }

  private recovered(): void {
    if (!this.down || this.closed) return;
    this.down = false;
    clearInterval(this.probe);
    this.probe = undefined;
    this.options.logger.info({ event: 'redis_available' }, 'Redis answers again: the shared response cache is back');
    for (const listener of this.recoveryListeners) listener();
  }
}
