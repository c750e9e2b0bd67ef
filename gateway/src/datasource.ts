import { RemoteGraphQLDataSource, type GraphQLDataSourceProcessOptions } from '@apollo/gateway';
import type { Fetcher, FetcherRequestInit, FetcherResponse } from '@apollo/utils.fetcher';
import { GraphQLError, parse } from 'graphql';
import { AsyncLocalStorage } from 'node:async_hooks';
import type { IncomingHttpHeaders } from 'node:http';
import type { RequestSigner } from '../../platform/request-signing';
import { deadlineOf } from './deadline';
import type { AnswerFlightContext } from './plugins/shared-answers';
import { SubgraphUnavailableError, requestTimeoutError, subgraphFetcher, type SubgraphCall, type SubgraphCalls, type SubgraphFetch, type SubgraphFetchLayer } from './subgraph-fetch';
import { unavailableResponse } from './unavailable';

export interface GatewayContext extends AnswerFlightContext {
  /** Incoming headers worth passing on to subgraphs. */
  forwardedHeaders: Record<string, string>;
  /** Aborts when the whole request runs out of time (plugins/limits.ts, with a RequestDeadlineExceeded reason): its subgraph calls stop. */
  signal?: AbortSignal;
}

const FORWARDED_HEADERS = ['authorization', 'x-request-id'] as const;

export function forwardedHeaders(headers: IncomingHttpHeaders): Record<string, string> {
  const forwarded: Record<string, string> = {};
  for (const name of FORWARDED_HEADERS) {
    const value = headers[name];
    if (typeof value === 'string') forwarded[name] = value;
  }
  return forwarded;
}

/** What the call serves (its request's signal and operation type): the fetcher only sees the URL and the init. */
const currentCall = new AsyncLocalStorage<Omit<SubgraphCall, 'service'>>();

export interface SubgraphDataSourceOptions extends Partial<SubgraphCalls> {
  /** Layers around every call, outermost first (server.ts: deduplication). */
  layers?: readonly SubgraphFetchLayer[];
  /**
   * Signs every attempt (platform/request-signing.ts) once its body and headers are final: after
   * deduplication has keyed the call (the signature is not part of its key) and afresh for each
   * retry. A subgraph that does not verify signatures ignores the headers.
   */
  signer?: RequestSigner;
}

/**
 * Calls one subgraph over HTTP: forwards the caller's identity headers, bounds the wait, retries
 * reads (subgraph-fetch.ts), and answers for a subgraph that stays unavailable with errors on the
 * fields it would have filled, so that the rest of the answer survives (unavailable.ts).
 */
export class SubgraphDataSource extends RemoteGraphQLDataSource<GatewayContext> {
  private readonly calls: SubgraphCalls;

  constructor(url: string, timeoutMs: number, options: SubgraphDataSourceOptions = {}) {
    const { layers = [], signer, ...calls } = options;
    const settings: SubgraphCalls = { service: url, retries: 0, backoffMs: 50, ...calls };
    const attemptHeaders = signer
      ? (target: string, init: FetcherRequestInit) => signer.sign({ method: init.method ?? 'POST', url: target, headers: init.headers ?? {}, body: init.body, target: settings.service })
      : undefined;
    const retrying = subgraphFetcher({ ...settings, timeoutMs, ...(attemptHeaders ? { attemptHeaders } : {}) });
    const base: SubgraphFetch = (target, init, call) => retrying(target, call.signal ? { ...init, signal: call.signal } : init);
    const layered = layers.reduceRight<SubgraphFetch>((next, layer) => layer(next), base);
    const fetcher = (target: string, init: Parameters<Fetcher>[1] = {}) => layered(target, init, { service: settings.service, ...currentCall.getStore() });
    super({ url, fetcher: fetcher as Fetcher });
    this.calls = settings;
  }

  /**
   * A subgraph answers 400 when it refuses the request itself (e.g. a variable its scalar rejects).
   * Its first error then reaches the client with its own message and code instead of "400: Bad Request".
   */
  override async errorFromResponse(response: FetcherResponse): Promise<GraphQLError> {
    if (response.status >= 500) return new SubgraphUnavailableError(this.calls.service, 'status', `HTTP ${response.status}`, response.status);
    const error = await super.errorFromResponse(response);
    const body = (error.extensions.response as { body?: unknown } | undefined)?.body;
    const first = (body as { errors?: { message?: unknown; extensions?: { code?: unknown; reason?: unknown } }[] } | undefined)?.errors?.[0];
    if (![400, 401, 403].includes(response.status) || typeof first?.message !== 'string' || typeof first.extensions?.code !== 'string') return error;
    if (response.status === 400) return new GraphQLError(first.message, { extensions: { code: first.extensions.code } });
    // the subgraph refused the call itself (the gateway's signature, or the token it forwarded): say which subgraph, and why
    const reason = typeof first.extensions.reason === 'string' ? { reason: first.extensions.reason } : {};
    return new GraphQLError(`The ${this.calls.service} subgraph refused the gateway's call: ${first.message}`, { extensions: { code: first.extensions.code, serviceName: this.calls.service, ...reason } });
  }

  override process(options: GraphQLDataSourceProcessOptions<GatewayContext>): ReturnType<RemoteGraphQLDataSource<GatewayContext>['process']> {
    const signal = (options.context as Partial<GatewayContext> | undefined)?.signal;
    const operation = 'incomingRequestContext' in options ? options.incomingRequestContext.operation?.operation : undefined;
    return currentCall.run({ signal, operation }, () => this.processOrAnswerUnavailable(options));
  }

  private async processOrAnswerUnavailable(options: GraphQLDataSourceProcessOptions<GatewayContext>): ReturnType<RemoteGraphQLDataSource<GatewayContext>['process']> {
    try {
      return await super.process(options);
    } catch (error) {
      // health checks and schema loading keep failing loudly; only a client's operation degrades
      if (!('incomingRequestContext' in options)) throw error;
      const failure = this.unavailable(error, (options.context as Partial<GatewayContext> | undefined)?.signal);
      if (!failure) throw error;
      this.calls.onUnavailable?.(failure);
      const document = options.document ?? (options.request.query ? parse(options.request.query) : undefined);
      return unavailableResponse(failure, this.calls.labelOf?.(this.calls.service), document, options.request.variables);
    }
  }

  /**
   * The failure as an unavailable call, when it is one: the fetcher's own, or anything that
   * surfaced because the request's deadline passed (e.g. a shared call given up: plugins/deduplicate.ts).
   */
  private unavailable(error: unknown, signal: AbortSignal | undefined): SubgraphUnavailableError | undefined {
    if (error instanceof SubgraphUnavailableError) return error;
    const deadline = deadlineOf(signal);
    return deadline ? requestTimeoutError(this.calls.service, deadline.limitMs, 'unknown') : undefined;
  }

  override willSendRequest({ request, context }: GraphQLDataSourceProcessOptions<GatewayContext>): void {
    const headers: Record<string, string> = (context as Partial<GatewayContext> | undefined)?.forwardedHeaders ?? {};
    for (const [name, value] of Object.entries(headers)) request.http?.headers.set(name, value);
  }
}
