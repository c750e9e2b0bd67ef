import type { ApolloServerPlugin, BaseContext } from '@apollo/server';
import type { FetcherHeaders, FetcherRequestInit, FetcherResponse } from '@apollo/utils.fetcher';
import { SubgraphUnavailableError, isQueryRequest, type SubgraphCall, type SubgraphFetchLayer } from '../subgraph-fetch';

/**
 * In-flight deduplication of subgraph reads, for any supergraph (what graphql-hive's
 * `useDeduplicateRequest` and Apollo Router's `deduplicate_query` do): while a subgraph query is
 * in flight, an identical one — same URL, same body (operation text and variables, entity
 * representations included), same headers apart from per-request ids (so the same forwarded
 * Authorization) — waits for it instead of being sent again, and each caller gets a response of its
 * own built from the one answer. Nothing is kept once the call settles: this is not a cache.
 *
 * Only calls that serve an incoming *query* are shared: never a mutation's own subgraph requests
 * (nor the queries of its plan, which must see its writes), nor the gateway's health checks.
 * After a mutation executed through the gateway, later calls no longer join calls that started
 * before it finished, so a client reads its own writes.
 *
 * Each caller keeps its own error handling (the data source turns the shared HTTP answer into its
 * own errors, with its own paths) and its own cancellation: a caller whose request is cancelled or
 * times out stops waiting at once, and the shared call is aborted only when nobody waits for it.
 * A caller that joins late waits at most for the rest of the first caller's time budget.
 */
export interface SubgraphDeduplication<TContext extends BaseContext> {
  /** The layer around every subgraph call (datasource.ts). */
  layer: SubgraphFetchLayer;
  /** Notices executed mutations (see above). */
  plugin: ApolloServerPlugin<TContext>;
  /** Calls in flight now. */
  readonly inFlight: number;
}

export interface DeduplicationOptions {
  /** Called each time a call joins one already in flight (metrics). */
  onShared?: (service: string) => void;
}

/** Headers that tell requests apart without changing the answer: left out of the key. */
const PER_REQUEST_HEADERS = new Set(['x-request-id', 'traceparent', 'tracestate']);

/**
 * What makes two subgraph calls the same: the epoch (see above), method, URL, every header but
 * per-request ids, and the body.
 */
export function deduplicationKey(url: string, init: FetcherRequestInit, epoch = 0): string {
  const headers = Object.entries(init.headers ?? {})
    .map(([name, value]) => [name.toLowerCase(), value] as const)
    .filter(([name]) => !PER_REQUEST_HEADERS.has(name))
    .map(([name, value]) => `${name}: ${value}`)
    .sort()
    .join('\n');
  return `${epoch}\n${init.method ?? 'POST'} ${url}\n${headers}\n\n${String(init.body ?? '')}`;
}

/** May this call wait for an identical one? Reads serving an incoming query only. */
export function isShareable(init: FetcherRequestInit, call: SubgraphCall): boolean {
  return call.operation === 'query' && typeof init.body === 'string' && isQueryRequest(init.body);
}

/** The one answer of a shared call, read to the end. */
interface SharedAnswer {
  url: string;
  status: number;
  statusText: string;
  headers: [string, string][];
  text: string;
}

interface Flight {
  answer: Promise<SharedAnswer>;
  controller: AbortController;
  waiting: number;
  settled: boolean;
}

async function readAnswer(response: FetcherResponse): Promise<SharedAnswer> {
  return { url: response.url, status: response.status, statusText: response.statusText, headers: [...response.headers], text: await response.text() };
}

/**
 * A response of the caller's own over the shared answer: its body can be read once, as a fetch
 * Response's, and is parsed anew for each caller (the gateway writes into what it parsed). No
 * stream is built again: the text was read once.
 */
export class SharedResponse implements FetcherResponse {
  readonly redirected = false;
  readonly headers: FetcherHeaders;
  private used = false;

  constructor(private readonly answer: SharedAnswer) {
    this.headers = new Headers(answer.headers);
  }

  get bodyUsed(): boolean {
    return this.used;
  }
  get url(): string {
    return this.answer.url;
  }
  get status(): number {
    return this.answer.status;
  }
  get ok(): boolean {
    return this.answer.status >= 200 && this.answer.status < 300;
  }
  get statusText(): string {
    return this.answer.statusText;
  }

  async text(): Promise<string> {
    if (this.used) throw new TypeError('Body is unusable: Body has already been read');
    this.used = true;
    return this.answer.text;
  }
  async json(): Promise<unknown> {
    return JSON.parse(await this.text());
  }
  async arrayBuffer(): Promise<ArrayBuffer> {
    const bytes = new TextEncoder().encode(await this.text());
    return bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
  }
  clone(): FetcherResponse {
    if (this.used) throw new TypeError('Response.clone: Body has already been consumed.');
    return new SharedResponse(this.answer);
  }
}

function abortReason(signal: AbortSignal): unknown {
  return signal.reason ?? new DOMException('This operation was aborted', 'AbortError');
}

/** The error of a shared call, as the caller's own. */
function ownError(error: unknown): unknown {
  return error instanceof SubgraphUnavailableError ? new SubgraphUnavailableError(error.service, error.reason, error.detail, error.status, error.delivery) : error;
}

export function deduplicateSubgraphRequests<TContext extends BaseContext>(options: DeduplicationOptions = {}): SubgraphDeduplication<TContext> {
  const flights = new Map<string, Flight>();
  let epoch = 0;

  async function wait(key: string, flight: Flight, signal: AbortSignal | undefined): Promise<FetcherResponse> {
    flight.waiting += 1;
    let stop: (() => void) | undefined;
    const stopped = signal
      ? new Promise<never>((_, reject) => {
          stop = () => reject(abortReason(signal));
          signal.addEventListener('abort', stop, { once: true });
        })
      : undefined;
    try {
      return new SharedResponse(await (stopped ? Promise.race([flight.answer, stopped]) : flight.answer));
    } catch (error) {
      throw signal?.aborted ? error : ownError(error);
    } finally {
      flight.waiting -= 1;
      if (stop) signal!.removeEventListener('abort', stop);
      if (flight.waiting === 0 && !flight.settled) {
        // everybody gave up: nobody may join a call that is being aborted
        if (flights.get(key) === flight) flights.delete(key);
        flight.controller.abort(signal ? abortReason(signal) : undefined);
      }
    }
  }

  const layer: SubgraphFetchLayer = (next) => async (url, init, call) => {
    if (!isShareable(init, call) || call.signal?.aborted) return next(url, init, call);
    const key = deduplicationKey(url, init, epoch);
    let flight = flights.get(key);
    if (flight) {
      options.onShared?.(call.service);
    } else {
      const controller = new AbortController();
      const answer = next(url, init, { ...call, signal: controller.signal }).then(readAnswer);
      const started: Flight = { answer, controller, waiting: 0, settled: false };
      const settle = () => {
        started.settled = true;
        if (flights.get(key) === started) flights.delete(key);
      };
      answer.then(settle, settle);
      flights.set(key, started);
      flight = started;
    }
    return wait(key, flight, call.signal);
  };

  return {
    layer,
    get inFlight() {
      return flights.size;
    },
    plugin: {
      async requestDidStart() {
        let mutation = false;
        return {
          async executionDidStart({ operation }) {
            mutation = operation.operation === 'mutation';
          },
          async willSendResponse() {
            if (mutation) epoch += 1;
          },
        };
      },
    },
  };
}
