import { HttpConfigError, loadHttpLimits } from '../platform/http-limits';
import { OpsConfigError, loadOpsAccess } from '../platform/ops-access';
import { DEFAULT_SIGNATURE_CLOCK_SKEW_S, DEFAULT_SIGNATURE_MAX_AGE_S } from '../platform/request-signing';
import { SigningKeyError, parseVerificationKeys, type VerificationKey } from '../platform/signing-keys';
import type { DirectAccess, GatewayCallPolicy } from './common/auth';
import { DEFAULT_MONGO_TUNING, type MongoTuning } from './common/mongo';
import type { SubgraphEdge } from './common/subgraph-server';
import { DEFAULT_JOURNAL_SETTINGS, type JournalSettings } from './kit/store/journal';

/** A bad subgraph setting; the message names the variable. */
export class SubgraphConfigError extends Error {}

function integer(env: NodeJS.ProcessEnv, name: string, fallback: number, min: number, max: number): number {
  const value = env[name];
  if (value === undefined || value.trim() === '') return fallback;
  const parsed = Number(value);
  if (!Number.isInteger(parsed) || parsed < min || parsed > max) throw new SubgraphConfigError(`${name} must be a whole number from ${min} to ${max}, got "${value}"`);
  return parsed;
}

function writeConcern(env: NodeJS.ProcessEnv): MongoTuning['writeConcern'] {
  const value = env.MONGODB_WRITE_CONCERN?.trim();
  if (!value) return DEFAULT_MONGO_TUNING.writeConcern;
  if (value === 'majority') return 'majority';
  const members = Number(value);
  if (Number.isInteger(members) && members >= 0 && members <= 50) return members;
  throw new SubgraphConfigError(`MONGODB_WRITE_CONCERN must be "majority" or a number of members (0–50), got "${value}"`);
}

/**
 * The MongoDB settings of a subgraph, from MONGODB_SERVER_SELECTION_TIMEOUT_MS,
 * MONGODB_CONNECT_TIMEOUT_MS, MONGODB_SOCKET_TIMEOUT_MS, MONGODB_MAX_POOL_SIZE,
 * MONGODB_HEARTBEAT_FREQUENCY_MS, MONGODB_WRITE_CONCERN and MONGODB_WRITE_CONCERN_TIMEOUT_MS.
 */
export function loadMongoTuning(env: NodeJS.ProcessEnv = process.env): MongoTuning {
  const d = DEFAULT_MONGO_TUNING;
  return {
    serverSelectionTimeoutMS: integer(env, 'MONGODB_SERVER_SELECTION_TIMEOUT_MS', d.serverSelectionTimeoutMS, 100, 120_000),
    connectTimeoutMS: integer(env, 'MONGODB_CONNECT_TIMEOUT_MS', d.connectTimeoutMS, 100, 120_000),
    socketTimeoutMS: integer(env, 'MONGODB_SOCKET_TIMEOUT_MS', d.socketTimeoutMS, 0, 600_000),
    maxPoolSize: integer(env, 'MONGODB_MAX_POOL_SIZE', d.maxPoolSize, 1, 1_000),
    heartbeatFrequencyMS: integer(env, 'MONGODB_HEARTBEAT_FREQUENCY_MS', d.heartbeatFrequencyMS, 500, 600_000),
    writeConcern: writeConcern(env),
    writeConcernTimeoutMS: integer(env, 'MONGODB_WRITE_CONCERN_TIMEOUT_MS', d.writeConcernTimeoutMS, 0, 600_000),
  };
}

/**
 * The write journal's settings (kit/store/journal.ts), from WRITE_LEASE_MS (how long a writer is
 * presumed alive before another process finishes or abandons its write) and WRITE_LOCK_WAIT_MS
 * (how long a write waits for a record another write holds before answering RECORD_BUSY).
 */
export function loadJournalSettings(env: NodeJS.ProcessEnv = process.env): JournalSettings {
  const d = DEFAULT_JOURNAL_SETTINGS;
  return {
    leaseMs: integer(env, 'WRITE_LEASE_MS', d.leaseMs, 200, 600_000),
    lockWaitMs: integer(env, 'WRITE_LOCK_WAIT_MS', d.lockWaitMs, 0, 60_000),
  };
}

function oneOf<T extends string>(env: NodeJS.ProcessEnv, name: string, values: readonly T[], fallback: T): T {
  const value = env[name]?.trim();
  if (!value) return fallback;
  if (!(values as readonly string[]).includes(value)) throw new SubgraphConfigError(`${name} must be one of ${values.join(', ')}, got "${value}"`);
  return value as T;
}

/**
 * How the subgraph tells the gateway's calls from others (subgraphs/common/auth.ts), from
 * GATEWAY_PUBLIC_KEYS (the gateway's Ed25519 public keys, a JWKS: required in production),
 * GATEWAY_SIGNATURE_MAX_AGE_S (the replay window, default 30), GATEWAY_SIGNATURE_CLOCK_SKEW_S
 * (default 5) and SUBGRAPH_DIRECT_ACCESS (none, read or all: what requests the gateway did not sign
 * may do with a user token; production none, or read for the team's own tools; development all).
 */
export function loadGatewayCallPolicy(env: NodeJS.ProcessEnv, production: boolean): GatewayCallPolicy {
  if (production && env.GATEWAY_SIGNING_KEY?.trim()) {
    throw new SubgraphConfigError('GATEWAY_SIGNING_KEY is set: a subgraph must not hold the key that signs as the gateway; give it GATEWAY_PUBLIC_KEYS (the public keys) only');
  }
  const text = env.GATEWAY_PUBLIC_KEYS?.trim();
  if (production && !text) {
    throw new SubgraphConfigError("GATEWAY_PUBLIC_KEYS must be set in production: the gateway's Ed25519 public keys as a JWKS (npm run -s keys prints them); without them the subgraph cannot tell the gateway's calls from anyone's");
  }
  let keys: VerificationKey[] = [];
  try {
    if (text) keys = parseVerificationKeys(text);
  } catch (error) {
    if (error instanceof SigningKeyError) throw new SubgraphConfigError(error.message);
    throw error;
  }
  const directAccess = oneOf<DirectAccess>(env, 'SUBGRAPH_DIRECT_ACCESS', ['none', 'read', 'all'], production ? 'none' : 'all');
  if (production && directAccess === 'all') {
    throw new SubgraphConfigError('SUBGRAPH_DIRECT_ACCESS=all is for development: in production a subgraph lets its own tools read (read) at most; writes go through the gateway');
  }
  return {
    keys,
    maxAgeSeconds: integer(env, 'GATEWAY_SIGNATURE_MAX_AGE_S', DEFAULT_SIGNATURE_MAX_AGE_S, 1, 600),
    clockSkewSeconds: integer(env, 'GATEWAY_SIGNATURE_CLOCK_SKEW_S', DEFAULT_SIGNATURE_CLOCK_SKEW_S, 0, 300),
    directAccess,
  };
}

/** Everything the subgraph's HTTP edge enforces: gateway calls, HTTP_* limits, METRICS_* access. */
export function loadSubgraphEdge(env: NodeJS.ProcessEnv, production: boolean): SubgraphEdge {
  try {
    return {
      gatewayCalls: loadGatewayCallPolicy(env, production),
      http: loadHttpLimits(env),
      ops: loadOpsAccess(env, production),
      // as the gateway's: a bulk import's file travels in the request body (kit/import, docs/import.md)
      ...(env.MAX_BODY_BYTES?.trim() ? { maxBodyBytes: integer(env, 'MAX_BODY_BYTES', 0, 1_024, 104_857_600) } : {}),
    };
  } catch (error) {
    if (error instanceof HttpConfigError || error instanceof OpsConfigError) throw new SubgraphConfigError(error.message);
    throw error;
  }
}
