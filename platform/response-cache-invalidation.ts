import { INVALIDATE_SCRIPT, invalidationArguments } from '../shared/response-cache-keys';
import { luaScript, type RedisConnection } from './redis';

/** Tags to invalidate; `all`: everything. */
interface Batch {
  all: boolean;
  tags: Set<string>;
}

const RETRY_EVERY_MS = 500;
const INVALIDATE = luaScript(INVALIDATE_SCRIPT);

/**
 * Invalidates tags of the shared response cache in Redis (shared/response-cache-keys.ts), for the
 * gateway and for subgraphs alike. An invalidation Redis did not take (down, too slow) is kept and
 * sent again (every half second, and when Redis answers again), merged with later ones, until Redis takes it; meanwhile `pending` is true, and the
 * gateway neither reads nor stores shared answers (they may be stale).
 */
export class CacheInvalidator {
  private pendingBatch: Batch = { all: false, tags: new Set() };
  private readonly retry: NodeJS.Timeout;

  constructor(private readonly connection: RedisConnection) {
    this.retry = setInterval(() => void this.flush(), RETRY_EVERY_MS);
    this.retry.unref();
    connection.onRecovered(() => void this.flush());
  }

  get pending(): boolean {
    return this.pendingBatch.all || this.pendingBatch.tags.size > 0;
  }

  /** Invalidates `tags` (undefined: everything); true once Redis took it, false if it is left for a retry. */
  async invalidate(tags?: Iterable<string>): Promise<boolean> {
    const batch = this.takePending();
    if (tags === undefined) batch.all = true;
    else for (const tag of tags) batch.tags.add(tag);
    return this.send(batch);
  }

  close(): void {
    clearInterval(this.retry);
  }

  private async flush(): Promise<void> {
    if (this.pending) await this.send(this.takePending());
  }

  private async send(batch: Batch): Promise<boolean> {
    if (!batch.all && batch.tags.size === 0) return true;
    const args = invalidationArguments(batch.all ? undefined : [...batch.tags]);
    try {
      await this.connection.script('invalidate', INVALIDATE, args, true);
      return true;
    } catch {
      this.pendingBatch.all ||= batch.all;
      for (const tag of batch.tags) this.pendingBatch.tags.add(tag);
      return false;
    }
  }

  private takePending(): Batch {
    const batch = this.pendingBatch;
    this.pendingBatch = { all: false, tags: new Set() };
    return batch;
  }
}
