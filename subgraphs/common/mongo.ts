import { Decimal128, MongoClient, type MongoClientOptions } from 'mongodb';
import { Decimal } from './decimal';

export interface MongoSettings {
  uri: string;
  /** Prefix of every database name: "csr_" gives csr_group, csr_japan, … */
  databasePrefix: string;
}

export const DEFAULT_DATABASE_PREFIX = 'csr_';

export function databaseName(prefix: string, subgraph: string): string {
  return `${prefix}${subgraph}`;
}

/**
 * How a subgraph talks to MongoDB: bounded waits, so an outage surfaces as an error (and a
 * SUBSIDIARY_UNAVAILABLE answer) rather than a hang, and the write concern. Set from the
 * environment by subgraphs/config.ts (MONGODB_* variables).
 */
export interface MongoTuning {
  /** How long an operation waits for a usable server before failing (also bounds reconnection waits). */
  serverSelectionTimeoutMS: number;
  connectTimeoutMS: number;
  /** A socket silent this long is closed and the operation fails. */
  socketTimeoutMS: number;
  maxPoolSize: number;
  /** How often the driver checks the servers; after an outage it also checks on demand (every 500 ms). */
  heartbeatFrequencyMS: number;
  /** `majority` (default), or a number of members (1 = the primary alone). */
  writeConcern: 'majority' | number;
  /** How long a write waits for its write concern before failing. */
  writeConcernTimeoutMS: number;
}

export const DEFAULT_MONGO_TUNING: MongoTuning = {
  serverSelectionTimeoutMS: 5_000,
  connectTimeoutMS: 5_000,
  socketTimeoutMS: 30_000,
  maxPoolSize: 20,
  heartbeatFrequencyMS: 10_000,
  writeConcern: 'majority',
  writeConcernTimeoutMS: 10_000,
};

export function mongoClientOptions(tuning: MongoTuning): MongoClientOptions {
  return {
    serverSelectionTimeoutMS: tuning.serverSelectionTimeoutMS,
    connectTimeoutMS: tuning.connectTimeoutMS,
    socketTimeoutMS: tuning.socketTimeoutMS,
    maxPoolSize: tuning.maxPoolSize,
    heartbeatFrequencyMS: tuning.heartbeatFrequencyMS,
    writeConcern: { w: tuning.writeConcern, wtimeoutMS: tuning.writeConcernTimeoutMS },
  };
}

/** A client with bounded waits, so a database outage surfaces as an error rather than a hang. */
export function createMongoClient(uri: string, options: MongoClientOptions = {}): MongoClient {
  return new MongoClient(uri, { ...mongoClientOptions(DEFAULT_MONGO_TUNING), ...options });
}

export function toDecimal128(value: Decimal): Decimal128 {
  return Decimal128.fromString(value.toString());
}

export function fromDecimal128(value: Decimal128 | { toString(): string }): Decimal {
  return Decimal.parse(value.toString());
}

/** Escapes text for use as a literal inside a regular expression. */
export function escapeRegex(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
