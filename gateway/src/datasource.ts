import { RemoteGraphQLDataSource, type GraphQLDataSourceProcessOptions } from '@apollo/gateway';
import type { Fetcher, FetcherResponse } from '@apollo/utils.fetcher';
import { GraphQLError } from 'graphql';
import type { IncomingHttpHeaders } from 'node:http';

export interface GatewayContext {
  /** Incoming headers worth passing on to subgraphs. */
  forwardedHeaders: Record<string, string>;
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

/** Node's fetch keeps connections alive per origin; each call is bounded by the timeout. */
function timedFetcher(timeoutMs: number): Fetcher {
  return ((url: string, init?: RequestInit) => fetch(url, { ...init, signal: AbortSignal.timeout(timeoutMs) })) as unknown as Fetcher;
}

/** Calls one subgraph over HTTP: forwards the caller's identity headers and bounds the wait. */
export class SubgraphDataSource extends RemoteGraphQLDataSource<GatewayContext> {
  constructor(url: string, timeoutMs: number) {
    super({ url, fetcher: timedFetcher(timeoutMs) });
  }

  /**
   * A subgraph answers 400 when it refuses the request itself (e.g. a variable its scalar rejects).
   * Its first error then reaches the client with its own message and code instead of "400: Bad Request".
   */
  override async errorFromResponse(response: FetcherResponse): Promise<GraphQLError> {
    const error = await super.errorFromResponse(response);
    const body = (error.extensions.response as { body?: unknown } | undefined)?.body;
    const first = (body as { errors?: { message?: unknown; extensions?: { code?: unknown } }[] } | undefined)?.errors?.[0];
    if (response.status !== 400 || typeof first?.message !== 'string' || typeof first.extensions?.code !== 'string') return error;
    return new GraphQLError(first.message, { extensions: { code: first.extensions.code } });
  }

  override willSendRequest({ request, context }: GraphQLDataSourceProcessOptions<GatewayContext>): void {
    const headers: Record<string, string> = (context as Partial<GatewayContext> | undefined)?.forwardedHeaders ?? {};
    for (const [name, value] of Object.entries(headers)) request.http?.headers.set(name, value);
  }
}
