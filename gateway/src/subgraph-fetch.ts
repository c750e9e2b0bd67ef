import type { Fetcher, FetcherRequestInit, FetcherResponse } from '@apollo/utils.fetcher';
import { GraphQLError, type OperationTypeNode } from 'graphql';
import type { Logger } from '../../platform/logger';
import type { SubgraphFetchMetrics } from '../../platform/metrics';
import type { SubsidiaryLabel } from './unavailable';

/** Why a subgraph call failed for good: no answer in time, no connection, or an HTTP 5xx. */
export type UnavailableReason = 'timeout' | 'connection' | 'status';

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
  ) {
    super(`The ${service} subgraph did not answer: ${detail}`, { extensions: { code: 'SUBGRAPH_UNAVAILABLE', reason } });
  }
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
  /** The subsidiary a subgraph serves, when the loaded supergraph is ours (unavailable.ts). */
  subsidiaryOf?: (service: string) => SubsidiaryLabel | undefined;
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

function connectionDetail(error: unknown): string {
  const cause = (error as { cause?: { code?: unknown; message?: unknown } }).cause;
  return typeof cause?.code === 'string' ? cause.code : 'connection failed';
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    signal?.addEventListener('abort', () => {
      clearTimeout(timer);
      resolve();
    }, { once: true });
  });
}

/**
 * The fetcher of a subgraph data source: Node's fetch (undici, which keeps connections to each
 * subgraph alive and reuses them), bounded by the subgraph's time budget and by the signal in
 * `init.signal` (the incoming request's, or a shared call's: plugins/deduplicate.ts). Queries are retried on connection errors, timeouts and 5xx with exponential
 * backoff and full jitter, as long as another attempt still fits in the budget; mutations never are.
 * A failure that remains becomes a SubgraphUnavailableError; a 5xx is returned as is on the last attempt.
 */
export function subgraphFetcher(options: SubgraphFetchOptions): Fetcher {
  const { service, timeoutMs, retries, backoffMs, observe } = options;
  const random = options.random ?? Math.random;
  const fetcher = async (url: string, init?: RequestInit): Promise<Response> => {
    const deadline = Date.now() + timeoutMs;
    const retriesAllowed = isQueryRequest(init?.body) ? retries : 0;
    const caller = (init?.signal ?? undefined) as AbortSignal | undefined;
    for (let attempt = 0; ; attempt += 1) {
      const started = process.hrtime.bigint();
      const seconds = () => Number(process.hrtime.bigint() - started) / 1e9;
      const budget = Math.max(1, deadline - Date.now());
      const timeout = AbortSignal.timeout(budget);
      let response: Response | undefined;
      let failure: { outcome: string; reason: UnavailableReason; detail: string; error?: unknown } | undefined;
      try {
        response = await fetch(url, { ...init, signal: caller ? AbortSignal.any([timeout, caller]) : timeout });
        if (retryableStatus(response.status)) failure = { outcome: `http_${response.status}`, reason: 'status', detail: `HTTP ${response.status}` };
      } catch (error) {
        if (caller?.aborted) {
          observe?.({ service, attempt, outcome: 'aborted', seconds: seconds(), error });
          throw error;
        }
        failure = timeout.aborted
          ? { outcome: 'timeout', reason: 'timeout', detail: `no answer within ${timeoutMs} ms`, error }
          : { outcome: 'connection', reason: 'connection', detail: connectionDetail(error), error };
      }
      if (!failure) {
        observe?.({ service, attempt, outcome: 'ok', seconds: seconds() });
        return response!;
      }
      const delay = Math.round(backoffMs * 2 ** attempt * random());
      // another attempt only if it can start now-ish and still have a fair share of the budget left
      const retry = attempt < retriesAllowed && Date.now() + delay + Math.min(timeoutMs / 4, 250) < deadline;
      observe?.({ service, attempt, outcome: failure.outcome, seconds: seconds(), ...(retry ? { retryInMs: delay } : {}), error: failure.error });
      if (!retry) {
        if (response) return response; // errorFromResponse turns a 5xx into SubgraphUnavailableError, with the status
        throw new SubgraphUnavailableError(service, failure.reason, failure.detail);
      }
      await response?.body?.cancel().catch(() => undefined);
      await sleep(delay, caller);
      if (caller?.aborted) throw caller.reason instanceof Error ? caller.reason : new Error('request aborted');
    }
  };
  return fetcher as unknown as Fetcher;
}
