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

/** A client with bounded waits, so a database outage surfaces as an error rather than a hang. */
export function createMongoClient(uri: string, options: MongoClientOptions = {}): MongoClient {
  return new MongoClient(uri, {
    serverSelectionTimeoutMS: 5_000,
    connectTimeoutMS: 5_000,
    socketTimeoutMS: 30_000,
    maxPoolSize: 20,
    ...options,
  });
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
