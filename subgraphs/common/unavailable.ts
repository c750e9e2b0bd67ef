import type { GraphQLFormattedError } from 'graphql';
import {
  MongoClientClosedError,
  MongoNetworkError,
  MongoNotConnectedError,
  MongoOperationTimeoutError,
  MongoServerClosedError,
  MongoServerSelectionError,
  MongoTopologyClosedError,
  MongoWriteConcernError,
} from 'mongodb';
import { subsidiaryByKey } from './registry';

/** Driver errors that mean "the database did not answer", as opposed to a refused or wrong request. */
const UNAVAILABLE = [
  MongoServerSelectionError,
  MongoNetworkError, // includes MongoNetworkTimeoutError (socketTimeoutMS)
  MongoNotConnectedError,
  MongoTopologyClosedError,
  MongoClientClosedError,
  MongoServerClosedError,
  MongoOperationTimeoutError,
] as const;

/** True when `error`, or an error it wraps (GraphQLError.originalError, Error.cause), is a database outage. */
export function isDatabaseUnavailable(error: unknown): boolean {
  for (let current = error, depth = 0; current && depth < 5; depth += 1) {
    if (UNAVAILABLE.some((type) => current instanceof type)) return true;
    // a write concern that timed out waiting for the majority: the write may or may not stay
    if (current instanceof MongoWriteConcernError && current.code === 64) return true;
    const next: unknown = (current as { originalError?: unknown }).originalError ?? (current as { cause?: unknown }).cause;
    current = next;
  }
  return false;
}

/**
 * The error a subgraph answers with when its database is down or too slow: SUBSIDIARY_UNAVAILABLE
 * naming the subsidiary for a regional subgraph, SUBGRAPH_UNAVAILABLE naming the subgraph otherwise.
 * The driver's message (hosts, ports) is not passed on; the path is kept so the gateway can place it.
 */
export function databaseUnavailableError(subgraph: string, formatted: GraphQLFormattedError): GraphQLFormattedError {
  const subsidiary = subsidiaryByKey(subgraph);
  const path = formatted.path ? { path: formatted.path } : {};
  if (subsidiary) {
    return {
      message: `${subsidiary.name} (${subsidiary.code}) is unavailable: its database did not answer`,
      ...path,
      extensions: { code: 'SUBSIDIARY_UNAVAILABLE', subsidiary: subsidiary.code, reason: 'database' },
    };
  }
  return {
    message: `The ${subgraph} subgraph is unavailable: its database did not answer`,
    ...path,
    extensions: { code: 'SUBGRAPH_UNAVAILABLE', serviceName: subgraph, reason: 'database' },
  };
}
