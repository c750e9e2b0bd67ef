import { RemoteGraphQLDataSource, type GraphQLDataSourceProcessOptions } from '@apollo/gateway';
import type { Fetcher } from '@apollo/utils.fetcher';
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

  override willSendRequest({ request, context }: GraphQLDataSourceProcessOptions<GatewayContext>): void {
    const headers: Record<string, string> = (context as Partial<GatewayContext> | undefined)?.forwardedHeaders ?? {};
    for (const [name, value] of Object.entries(headers)) request.http?.headers.set(name, value);
  }
}
