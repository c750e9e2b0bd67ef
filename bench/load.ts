/**
 * One measured load run with autocannon (programmatic API). Latencies are taken from its
 * `response` events in fractional milliseconds (its own histogram keeps whole milliseconds,
 * too coarse for a 1.5 ms budget). A 200 whose body carries GraphQL `errors` counts as failed.
 */
import autocannon from 'autocannon';

export interface LoadResult {
  label: string;
  connections: number;
  seconds: number;
  requests: number;
  requestsPerSecond: number;
  /** Sorted latencies of completed requests, ms. */
  latencies: Float64Array;
  /** Connection errors and timeouts. */
  errors: number;
  non2xx: number;
  /** 2xx responses with GraphQL errors in the body. */
  graphqlErrors: number;
  /** The first failure seen, for the report. */
  firstFailure?: string;
}

export function percentile(sorted: Float64Array, q: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))]!;
}

export function failures(result: LoadResult): number {
  return result.errors + result.non2xx + result.graphqlErrors;
}

export interface GraphQLRequest {
  query: string;
  variables?: Record<string, unknown>;
}

export interface LoadSpec {
  label: string;
  url: string;
  connections: number;
  /**
   * How long: a number of requests (`amount`; every request is waited for), or `seconds` (the
   * requests still in flight when the time is up are dropped, so keep it long next to a request).
   */
  budget: { amount: number } | { seconds: number };
  headers?: Record<string, string>;
  /** Sent in turn on every connection; `fresh`, if given, makes each request's body anew (e.g. a new idempotency key). */
  requests: { body: string; fresh?: () => string }[];
}

export function graphqlBody(request: GraphQLRequest): string {
  return JSON.stringify({ query: request.query, variables: request.variables ?? {} });
}

/** Runs autocannon with `connections` keep-alive connections for the budget. */
export function runLoad(spec: LoadSpec): Promise<LoadResult> {
  const latencies: number[] = [];
  let graphqlErrors = 0;
  let firstFailure: string | undefined;
  const headers = { 'content-type': 'application/json', ...spec.headers };
  const requests: autocannon.Request[] = spec.requests.map(({ body, fresh }) => ({
    method: 'POST',
    headers,
    body,
    ...(fresh ? { setupRequest: (request: autocannon.Request) => ({ ...request, body: fresh() }) } : {}),
    onResponse: (status: number, responseBody: string) => {
      if (status === 200 && !responseBody.includes('"errors":')) return;
      if (status === 200) graphqlErrors += 1;
      firstFailure ??= `${status} ${responseBody.slice(0, 300)}`;
    },
  }));
  // autocannon notices the end of a run only at its next one-second tick: time the run from here to the last response
  const started = performance.now();
  let lastResponse = started;
  return new Promise((resolve, reject) => {
    const instance = autocannon(
      { url: spec.url, connections: spec.connections, ...('amount' in spec.budget ? { amount: spec.budget.amount } : { duration: spec.budget.seconds }), requests, timeout: 30 },
      (error: unknown, result: autocannon.Result) => {
        if (error) return reject(error instanceof Error ? error : new Error(String(error)));
        const sorted = Float64Array.from(latencies).sort();
        const seconds = sorted.length > 0 ? (lastResponse - started) / 1000 : result.duration;
        resolve({
          label: spec.label,
          connections: spec.connections,
          seconds,
          requests: sorted.length,
          requestsPerSecond: sorted.length / seconds,
          latencies: sorted,
          errors: result.errors + result.timeouts,
          non2xx: result.non2xx,
          graphqlErrors,
          ...(firstFailure ? { firstFailure } : {}),
        });
      },
    );
    instance.on('response', (_client, _status, _bytes, responseTime) => {
      lastResponse = performance.now();
      latencies.push(responseTime);
    });
    instance.on('reqError', (error: unknown) => {
      firstFailure ??= `request error: ${error instanceof Error ? error.message : String(error)}`;
    });
  });
}
