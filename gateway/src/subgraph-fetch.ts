import type { Fetcher, FetcherRequestInit, FetcherResponse } from '@apollo/utils.fetcher';
import { GraphQLError, type OperationTypeNode } from 'graphql';
import type { Logger } from '../../platform/logger';
import type { SubgraphFetchMetrics } from '../../platform/metrics';
import type { CircuitBreaker, CircuitRefusal } from './circuit-breaker';
import { deadlineOf } from './deadline';
import { AttemptStop, poolRequest, type BufferedResponse, type PooledRequest } from './subgraph-pool';
import type { ServiceLabel } from './service-labels';

/**
 * Why a subgraph call failed for good: no answer within its budget, no connection, an HTTP 5xx,
 * its circuit open (not called at all), or the whole request's deadline (plugins/limits.ts).
 */
export type UnavailableReason = 'timeout' | 'connection' | 'status' | 'circuit_open' | 'request_timeout';

/**
 * Whether the request may have reached the subgraph: `not_sent` only when the gateway knows it did
 * not (connection refused, circuit open, deadline passed before sending). A write whose request may
 * have arrived may have been applied (OUTCOME_UNKNOWN in unavailable.ts).
 */
export type Delivery = 'not_sent' | 'unknown';

/**
 * A subgraph that did not answer (after any retries). The data source turns it into an error per
 * affected field (unavailable.ts) instead of failing the whole operation.
 */
export class SubgraphUnavailableError extends GraphQLError {
  constructor(
    readonly service: string,
    readonly reason: UnavailableReason,
    readonly detail: string,
    readonly status?: number,
    readonly delivery: Delivery = 'unknown',
  ) {
    super(summary(service, reason, detail), { extensions: { code: 'SUBGRAPH_UNAVAILABLE', reason } });
  }
}

function summary(service: string, reason: UnavailableReason, detail: string): string {
  if (reason === 'circuit_open') return `The ${service} subgraph is unavailable ${detail}`;
  if (reason === 'request_timeout') return `The ${service} subgraph did not answer within the request's deadline: ${detail}`;
  return `The ${service} subgraph did not answer: ${detail}`;
}

/** A call refused by an open circuit: never sent. */
export function circuitOpenError(refusal: CircuitRefusal): SubgraphUnavailableError {
  const detail = `since ${refusal.since.toISOString()}: ${refusal.failures} calls to it in a row failed, so the gateway stops calling it and checks every ${refusal.openMs} ms whether it answers again`;
  return new SubgraphUnavailableError(refusal.service, 'circuit_open', detail, undefined, 'not_sent');
}

/** A call stopped by the request's deadline: before it was sent, or while it was waiting for the answer. */
export function requestTimeoutError(service: string, limitMs: number, delivery: Delivery): SubgraphUnavailableError {
  const detail = delivery === 'not_sent' ? `not called, REQUEST_TIMEOUT_MS (${limitMs} ms) had passed` : `cut off after REQUEST_TIMEOUT_MS (${limitMs} ms)`;
  return new SubgraphUnavailableError(service, 'request_timeout', detail, undefined, delivery);
}

/** One HTTP attempt, for metrics and logs. */
export interface FetchAttempt {
  service: string;
  attempt: number;
  /** ok, http_<status>, timeout, connection or aborted (the caller's request was cancelled). */
  outcome: string;
  seconds: number;
  /** Set when another attempt follows after this delay. */
  retryInMs?: number;
  error?: unknown;
}

/** How the gateway calls one subgraph, besides its URL and time budget. */
export interface SubgraphCalls {
  /** The subgraph's name in the supergraph. */
  service: string;
  /** Extra attempts for idempotent reads (queries); mutations are sent once. */
  retries: number;
  /** First backoff; doubled per attempt, with full jitter. */
  backoffMs: number;
  observe?: (attempt: FetchAttempt) => void;
  /** Called once per call that failed for good. */
  onUnavailable?: (error: SubgraphUnavailableError) => void;
  /** Who a subgraph's failure names (a subsidiary, headquarters), as the loaded supergraph declares them (service-labels.ts). */
  labelOf?: (service: string) => ServiceLabel | undefined;
  /** Headers of each attempt's own, made just before it is sent (a fresh gateway signature: platform/request-signing.ts). */
  attemptHeaders?: (url: string, init: FetcherRequestInit) => Record<string, string>;
  /** The subgraph's circuit breaker (circuit-breaker.ts): counts failed attempts, refuses calls while open. */
  breaker?: CircuitBreaker;
  /** For tests: the jitter source (0 ≤ x < 1). */
  random?: () => number;
}

export interface SubgraphFetchOptions extends SubgraphCalls {
  /** The whole budget of one subgraph call, retries included. */
  timeoutMs: number;
}

/** What a subgraph call serves, besides its URL and HTTP request (known to the data source, not to fetch). */
export interface SubgraphCall {
  /** The subgraph's name in the supergraph. */
  service: string;
  /** The signal of the incoming request the call belongs to: a cancelled or timed-out request stops it. */
  signal?: AbortSignal;
  /** The type of the incoming operation the call serves; undefined for the gateway's own calls (health checks). */
  operation?: `${OperationTypeNode}`;
}

/** One call to a subgraph over HTTP. */
export type SubgraphFetch = (url: string, init: FetcherRequestInit, call: SubgraphCall) => Promise<FetcherResponse>;

/** A layer around the subgraph calls of every data source (e.g. plugins/deduplicate.ts); layers are wired in server.ts. */
export type SubgraphFetchLayer = (next: SubgraphFetch) => SubgraphFetch;

/** Metrics and log lines for every attempt and every call that failed for good. */
export function observedCalls(metrics: SubgraphFetchMetrics | undefined, logger: Logger | undefined): Pick<SubgraphCalls, 'observe' | 'onUnavailable'> {
  return {
    observe: (attempt) => {
      metrics?.duration.observe({ subgraph: attempt.service, outcome: attempt.outcome }, attempt.seconds);
      if (attempt.retryInMs !== undefined) {
        metrics?.retries.inc({ subgraph: attempt.service });
        logger?.info({ subgraph: attempt.service, attempt: attempt.attempt, outcome: attempt.outcome, retryInMs: attempt.retryInMs }, 'retrying subgraph read');
      }
    },
    onUnavailable: (error) => {
      metrics?.failures.inc({ subgraph: error.service, reason: error.reason });
      logger?.warn({ subgraph: error.service, reason: error.reason, detail: error.detail }, 'subgraph unavailable');
    },
  };
}

/** Does this request body carry a query (retryable) rather than a mutation or subscription? */
export function isQueryRequest(body: unknown): boolean {
  if (typeof body !== 'string') return false;
  // the data source writes the operation text first: decide from the prefix, without parsing the
  // (possibly large) representations; anything unusual falls back to a full parse
  const prefix = /^\{"query":"(query\b|\{|mutation\b|subscription\b)/.exec(body);
  if (prefix) return prefix[1] === 'query' || prefix[1] === '{';
  let query: unknown;
  try {
    query = (JSON.parse(body) as { query?: unknown }).query;
  } catch {
    return false;
  }
  if (typeof query !== 'string') return false;
  // the gateway's subgraph operations have a single operation; "{ … }" is a query too
  const head = query.replace(/^(\s|#[^\n]*\n)+/, '');
  return head.startsWith('{') || /^query\b/.test(head);
}

/** Retry after a failure of this kind? Timeouts and connection failures, and 502/503/504/500. */
function retryableStatus(status: number): boolean {
  return status >= 500 && status !== 501 && status !== 505;
}

/** The error's code: undici's request API gives the socket's error itself, fetch wrapped it in `cause`. */
function connectionCode(error: unknown): string | undefined {
  const own = (error as { code?: unknown } | null)?.code;
  if (typeof own === 'string') return own;
  const cause = (error as { cause?: { code?: unknown } } | null)?.cause;
  return typeof cause?.code === 'string' ? cause.code : undefined;
}

/** Connection errors that happen before a byte of the request is sent. */
const BEFORE_SENDING = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH', 'EADDRNOTAVAIL', 'UND_ERR_CONNECT_TIMEOUT']);

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    signal?.addEventListener('abort', () => {
      clearTimeout(timer);
      resolve();
    }, { once: true });
  });
}

interface Failure {
  outcome: string;
  reason: UnavailableReason;
  detail: string;
  delivery: Delivery;
  error?: unknown;
}

/** The reason an attempt stops with when its share of the budget is used up. */
class AttemptTimedOut extends Error {}

/**
 * The fetcher of a subgraph data source: undici's request API over one keep-alive pool per
 * subgraph origin (subgraph-pool.ts), each attempt bounded by one timer for what is left of the
 * subgraph's time budget and by the signal in `init.signal` (the incoming request's, or a shared
 * call's: plugins/deduplicate.ts); the answer's whole body is read within the attempt. Queries are
 * retried on connection errors, timeouts and 5xx with exponential backoff and full jitter, as long
 * as another attempt still fits in the budget and the circuit stays closed; mutations never are.
 * Every attempt is counted by the circuit breaker, which refuses calls while open. A failure that
 * remains becomes a SubgraphUnavailableError; a 5xx is returned as is on the last attempt. A call
 * stopped by the request's deadline is a SubgraphUnavailableError too (request_timeout).
 */
export function subgraphFetcher(options: SubgraphFetchOptions): Fetcher {
  const { service, timeoutMs, retries, backoffMs, observe, breaker, attemptHeaders } = options;
  const random = options.random ?? Math.random;
  /** The caller's signal aborted: the deadline's doing becomes an unavailable call, anything else stays the caller's error. */
  const stopped = (caller: AbortSignal, delivery: Delivery, error?: unknown): unknown => {
    const deadline = deadlineOf(caller);
    if (deadline) return requestTimeoutError(service, deadline.limitMs, delivery);
    return error ?? (caller.reason instanceof Error ? caller.reason : new Error('request aborted'));
  };
  /** One attempt within `budgetMs`, stopped early when the caller's signal aborts. */
  const attemptOnce = async (url: string, request: PooledRequest, budgetMs: number, caller: AbortSignal | undefined): Promise<BufferedResponse> => {
    const stop = new AttemptStop();
    const timer = setTimeout(() => stop.abort(new AttemptTimedOut(`no answer within ${budgetMs} ms`)), budgetMs);
    const onAbort = caller ? () => stop.abort(caller.reason) : undefined;
    if (onAbort) caller!.addEventListener('abort', onAbort, { once: true });
    try {
      return await poolRequest(url, request, stop);
    } finally {
      clearTimeout(timer);
      if (onAbort) caller!.removeEventListener('abort', onAbort);
    }
  };
  const fetcher = async (url: string, init: FetcherRequestInit = {}): Promise<FetcherResponse> => {
    const deadline = Date.now() + timeoutMs;
    const retriesAllowed = isQueryRequest(init.body) ? retries : 0;
    const caller = (init.signal ?? undefined) as AbortSignal | undefined;
    const method = init.method ?? 'GET';
    for (let attempt = 0; ; attempt += 1) {
      if (caller?.aborted) throw stopped(caller, 'not_sent');
      const refusal = breaker?.refusal();
      if (refusal) throw circuitOpenError(refusal);
      const started = process.hrtime.bigint();
      const seconds = () => Number(process.hrtime.bigint() - started) / 1e9;
      const budget = Math.max(1, deadline - Date.now());
      const headers = attemptHeaders ? { ...init.headers, ...attemptHeaders(url, init) } : (init.headers ?? {});
      let response: BufferedResponse | undefined;
      let failure: Failure | undefined;
      try {
        response = await attemptOnce(url, { method, headers, body: init.body }, budget, caller);
        if (retryableStatus(response.status)) failure = { outcome: `http_${response.status}`, reason: 'status', detail: `HTTP ${response.status}`, delivery: 'unknown' };
      } catch (error) {
        if (caller?.aborted) {
          observe?.({ service, attempt, outcome: 'aborted', seconds: seconds(), error });
          throw stopped(caller, 'unknown', error);
        }
        const code = connectionCode(error);
        failure = error instanceof AttemptTimedOut
          ? { outcome: 'timeout', reason: 'timeout', detail: `no answer within ${timeoutMs} ms`, delivery: 'unknown', error }
          : { outcome: 'connection', reason: 'connection', detail: code ?? 'connection failed', delivery: code && BEFORE_SENDING.has(code) ? 'not_sent' : 'unknown', error };
      }
      if (!failure) {
        breaker?.succeeded();
        observe?.({ service, attempt, outcome: 'ok', seconds: seconds() });
        return response!;
      }
      breaker?.failed();
      const delay = Math.round(backoffMs * 2 ** attempt * random());
      // another attempt only if the circuit is still closed, and it can start now-ish with a fair share of the budget left
      const retry = attempt < retriesAllowed && breaker?.state !== 'open' && Date.now() + delay + Math.min(timeoutMs / 4, 250) < deadline;
      observe?.({ service, attempt, outcome: failure.outcome, seconds: seconds(), ...(retry ? { retryInMs: delay } : {}), error: failure.error });
      if (!retry) {
        if (response) return response; // errorFromResponse turns a 5xx into SubgraphUnavailableError, with the status
        throw new SubgraphUnavailableError(service, failure.reason, failure.detail, undefined, failure.delivery);
      }
      await sleep(delay, caller);
    }
  };
  return fetcher as Fetcher;
}
