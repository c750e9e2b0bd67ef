/**
 * The reference point: a stock Apollo set-up as its documentation shows it, over the same
 * committed supergraph and the same running subgraphs. `new ApolloGateway({ supergraphSdl })`
 * with subgraph URLs replaced through `buildService`, `new ApolloServer({ gateway })` and
 * `startStandaloneServer`; nothing from the project (no limits, no custom fetcher, no error
 * formatting). Only the Authorization header is passed on, so that it does the same work as the
 * project gateway when auth is on.
 *
 * The subgraphs answer calls signed by a gateway only (platform/request-signing.ts): the stock data
 * source's own fetcher is wrapped to add the signature, as any gateway in front of them must.
 *
 * One change to the supergraph is unavoidable: composition links @requiresScopes `for: SECURITY`,
 * and Apollo Gateway refuses to serve a security feature it cannot enforce. The subgraphs check
 * tokens and scopes themselves, so the stock set-up serves the supergraph with that purpose
 * dropped from the link (as the project gateway does before it enforces the scopes itself).
 */
import { readFileSync } from 'node:fs';
import { ApolloGateway, RemoteGraphQLDataSource, type GraphQLDataSourceProcessOptions } from '@apollo/gateway';
import { ApolloServer } from '@apollo/server';
import { startStandaloneServer } from '@apollo/server/standalone';
import type { Fetcher } from '@apollo/utils.fetcher';
import { RequestSigner } from '../platform/request-signing';
import type { SigningKey } from '../platform/signing-keys';

export interface StockContext {
  authorization?: string;
}

/** Wraps a data source's fetcher so that every call carries the gateway's signature. */
export function signCalls<T extends RemoteGraphQLDataSource<never>>(dataSource: T, service: string, key: SigningKey | undefined): T {
  if (!key) return dataSource;
  const signer = new RequestSigner(key);
  const fetcher = dataSource.fetcher;
  const signed = (url: string, init: Parameters<Fetcher>[1] = {}) =>
    fetcher(url, { ...init, headers: { ...init.headers, ...signer.sign({ method: init.method ?? 'POST', url, headers: { ...init.headers }, body: init.body as string | undefined, target: service }) } });
  dataSource.fetcher = signed as Fetcher;
  return dataSource;
}

/** The stock data source (make-fetch-happen, its defaults), forwarding the caller's Authorization header. */
export class ForwardingDataSource extends RemoteGraphQLDataSource<StockContext> {
  override willSendRequest({ request, context }: GraphQLDataSourceProcessOptions<StockContext>): void {
    const authorization = (context as Partial<StockContext> | undefined)?.authorization;
    if (authorization) request.http?.headers.set('authorization', authorization);
  }
}

export interface StockGatewayOptions {
  supergraphPath: string;
  /** Running subgraph URLs by subgraph name; they replace the URLs written in the supergraph. */
  subgraphUrls: Record<string, string>;
  /** The key subgraph calls are signed with (GATEWAY_SIGNING_KEY). */
  signingKey?: SigningKey;
  host?: string;
  port?: number;
}

export interface StockGateway {
  url: string;
  close(): Promise<void>;
}

/** The supergraph file as stock Apollo Gateway can load it (see above). */
export function stockSupergraphSdl(supergraphPath: string): string {
  return readFileSync(supergraphPath, 'utf8').replace(/(@link\(url: "https:\/\/specs\.apollo\.dev\/requiresScopes\/[^"]+")\s*,\s*for:\s*SECURITY\s*\)/g, '$1)');
}

export function createStockApolloServer(options: Pick<StockGatewayOptions, 'supergraphPath' | 'subgraphUrls' | 'signingKey'>): ApolloServer<StockContext> {
  const gateway = new ApolloGateway({
    supergraphSdl: stockSupergraphSdl(options.supergraphPath),
    buildService: ({ name, url }) => signCalls(new ForwardingDataSource({ url: options.subgraphUrls[name] ?? url }), name, options.signingKey),
  });
  return new ApolloServer<StockContext>({ gateway });
}

export async function startStockGateway(options: StockGatewayOptions): Promise<StockGateway> {
  const server = createStockApolloServer(options);
  const { url } = await startStandaloneServer(server, {
    listen: { host: options.host ?? '127.0.0.1', port: options.port ?? 0 },
    context: async ({ req }) => ({ authorization: req.headers.authorization }),
  });
  return { url, close: () => server.stop() };
}
