import { GraphQLError, type GraphQLFieldResolver } from 'graphql';
import type { Logger } from '../../platform/logger';
import { RedisConnection } from '../../platform/redis';
import { CacheInvalidator } from '../../platform/response-cache-invalidation';
import { subgraphTag } from '../../shared/response-cache-keys';
import { ERRORS, type ErrorCode } from './errors';

/** REDIS_URL (the gateways' shared response cache) and REDIS_TIMEOUT_MS, as the gateway reads them. */
export interface CacheInvalidationSettings {
  redisUrl: string;
  timeoutMs: number;
}

const DEFAULT_TIMEOUT_MS = 200;

/** The settings from the environment; null without REDIS_URL (no shared cache to keep fresh). */
export function loadCacheInvalidation(env: NodeJS.ProcessEnv = process.env): CacheInvalidationSettings | null {
  const redisUrl = env.REDIS_URL?.trim();
  if (!redisUrl) return null;
  const timeoutMs = Number(env.REDIS_TIMEOUT_MS?.trim() || DEFAULT_TIMEOUT_MS);
  return { redisUrl, timeoutMs: Number.isInteger(timeoutMs) && timeoutMs > 0 ? timeoutMs : DEFAULT_TIMEOUT_MS };
}

/** Invalidates, in the gateways' shared response cache, the answers read from one subgraph. */
export interface WriteInvalidation {
  afterWrite(): Promise<void>;
  close(): Promise<void>;
}

/**
 * A subgraph's writes made without a gateway (a regional team's own tool calling the subgraph)
 * must not leave gateways serving the old answers: after each write, the subgraph invalidates its
 * own tag (subgraphTag of its name in the supergraph) in Redis and publishes it, as a gateway does
 * after a mutation it forwarded (a write through a gateway is invalidated twice, harmlessly).
 * Redis down: the write is answered all the same, and the invalidation is retried until Redis takes it.
 */
export function writeInvalidation(subgraph: string, settings: CacheInvalidationSettings, logger: Logger): WriteInvalidation {
  const connection = new RedisConnection({ url: settings.redisUrl, timeoutMs: settings.timeoutMs, logger });
  const invalidator = new CacheInvalidator(connection);
  const tags = [subgraphTag(subgraph)];
  return {
    afterWrite: async () => void (await invalidator.invalidate(tags)),
    close: async () => {
      invalidator.close();
      await connection.close();
    },
  };
}

/** An error that says the mutation was refused before it wrote anything (a client error of errors.ts). */
function refused(error: unknown): boolean {
  const code = error instanceof GraphQLError ? error.extensions.code : undefined;
  return typeof code === 'string' && code in ERRORS && ERRORS[code as ErrorCode].status < 500;
}

/** Wraps every Mutation resolver: once it has written (returned, or failed other than by a refusal), `invalidation` runs before the answer. */
export function invalidatingMutations<TContext>(
  resolvers: Record<string, GraphQLFieldResolver<unknown, TContext>>,
  invalidation: WriteInvalidation | null,
): Record<string, GraphQLFieldResolver<unknown, TContext>> {
  if (!invalidation) return resolvers;
  return Object.fromEntries(
    Object.entries(resolvers).map(([name, resolve]) => [
      name,
      (async (root, args, context, info) => {
        try {
          const result: unknown = await resolve(root, args, context, info);
          await invalidation.afterWrite();
          return result;
        } catch (error) {
          if (!refused(error)) await invalidation.afterWrite();
          throw error;
        }
      }) satisfies GraphQLFieldResolver<unknown, TContext>,
    ]),
  );
}
