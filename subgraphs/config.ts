import { DEFAULT_MONGO_TUNING, type MongoTuning } from './common/mongo';
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
