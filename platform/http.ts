import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { HeaderMap, type ApolloServer, type BaseContext } from '@apollo/server';
import { observeRequest, type Observability } from './observability';

/** Answers a request outside GraphQL (health, readiness, metrics); returns false to pass it on. */
export type Route = (request: IncomingMessage, response: ServerResponse) => boolean | Promise<boolean>;

export interface GraphQLHttpOptions<TContext extends BaseContext> {
  apollo: ApolloServer<TContext>;
  context: (request: IncomingMessage) => Promise<TContext>;
  routes?: Route[];
  /** Requests with a larger body are refused with 413 before any parsing. */
  maxBodyBytes?: number;
  path?: string;
  /** JSON request logs with a request id, and Prometheus metrics (platform/observability.ts). */
  observability?: Observability;
}

export interface RunningServer {
  url: string;
  port: number;
  close(): Promise<void>;
}

class BodyTooLargeError extends Error {}

async function readBody(request: IncomingMessage, limit: number): Promise<string> {
  const declared = Number(request.headers['content-length'] ?? 0);
  if (declared > limit) throw new BodyTooLargeError();
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request) {
    size += (chunk as Buffer).length;
    if (size > limit) throw new BodyTooLargeError();
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

export function sendJson(response: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  response.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(text) });
  response.end(text);
}

function graphQLError(response: ServerResponse, status: number, code: string, message: string): void {
  sendJson(response, status, { errors: [{ message, extensions: { code } }] });
}

/** Servers closing gracefully: they answer /ready with 503 and ask clients to drop keep-alive connections. */
const draining = new WeakSet<Server>();

/** Serves an Apollo Server over node:http, with extra routes before GraphQL. */
export function createGraphQLHttpServer<TContext extends BaseContext>(options: GraphQLHttpOptions<TContext>): Server {
  const { apollo, context, routes = [], maxBodyBytes = 1_048_576, path = '/graphql', observability = {} } = options;
  const server: Server = createServer((request, response) => observeRequest(request, response, path, observability, () => handle(request, response)));
  const handle = async (request: IncomingMessage, response: ServerResponse): Promise<void> => {
    try {
      if (draining.has(server)) {
        response.setHeader('connection', 'close');
        if (request.method === 'GET' && new URL(request.url ?? '/', 'http://localhost').pathname === '/ready') {
          return sendJson(response, 503, { status: 'draining' });
        }
      }
      for (const route of routes) if (await route(request, response)) return;
      const url = new URL(request.url ?? '/', 'http://localhost');
      if (url.pathname !== path) return sendJson(response, 404, { error: 'not found' });

      const headers = new HeaderMap();
      for (const [name, value] of Object.entries(request.headers)) {
        if (value !== undefined) headers.set(name, Array.isArray(value) ? value.join(', ') : value);
      }
      let body: unknown = undefined;
      if (request.method === 'POST') {
        const text = await readBody(request, maxBodyBytes);
        if (text.length > 0 && (headers.get('content-type') ?? '').includes('json')) {
          try {
            body = JSON.parse(text);
          } catch {
            return graphQLError(response, 400, 'BAD_REQUEST', 'The request body is not valid JSON.');
          }
        } else {
          body = text;
        }
      }

      const result = await apollo.executeHTTPGraphQLRequest({
        httpGraphQLRequest: { method: request.method ?? 'GET', headers, search: url.search, body },
        context: () => context(request),
      });
      for (const [name, value] of result.headers) response.setHeader(name, value);
      response.statusCode = result.status ?? 200;
      if (result.body.kind === 'complete') {
        response.end(result.body.string);
      } else {
        for await (const chunk of result.body.asyncIterator) response.write(chunk);
        response.end();
      }
    } catch (error) {
      if (error instanceof BodyTooLargeError) {
        return graphQLError(response, 413, 'PAYLOAD_TOO_LARGE', `The request body exceeds ${maxBodyBytes} bytes.`);
      }
      if (!response.headersSent) graphQLError(response, 500, 'INTERNAL_SERVER_ERROR', 'Internal server error.');
      else response.destroy();
      if (observability.logger) observability.logger.error({ err: error }, 'unhandled HTTP error');
      else console.error('Unhandled HTTP error', error);
    }
  };
  return server;
}

/** How long `close()` lets in-flight requests finish before cutting their connections. */
export const DEFAULT_DRAIN_TIMEOUT_MS = 10_000;

/**
 * Stops accepting connections, lets in-flight requests finish (their responses ask the client to
 * close the connection), closes idle keep-alive connections as they appear, and after
 * `drainTimeoutMs` cuts whatever is left. Resolves once every connection is gone; a second call is a no-op.
 */
export async function closeGracefully(server: Server, drainTimeoutMs = DEFAULT_DRAIN_TIMEOUT_MS): Promise<void> {
  if (!server.listening) return;
  draining.add(server);
  const closed = new Promise<void>((resolve, reject) => server.close((error) => (error ? reject(error) : resolve())));
  server.closeIdleConnections();
  const sweeper = setInterval(() => server.closeIdleConnections(), 25);
  const deadline = setTimeout(() => server.closeAllConnections(), drainTimeoutMs);
  try {
    await closed;
  } finally {
    clearInterval(sweeper);
    clearTimeout(deadline);
  }
}

/** Starts listening; port 0 picks a free port. `close()` drains in-flight requests (closeGracefully). */
export async function listen(server: Server, port: number, host: string, path = '/graphql', drainTimeoutMs = DEFAULT_DRAIN_TIMEOUT_MS): Promise<RunningServer> {
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address() as AddressInfo;
  const shownHost = host.includes(':') ? `[${host}]` : host;
  return {
    url: `http://${shownHost}:${address.port}${path}`,
    port: address.port,
    close: () => closeGracefully(server, drainTimeoutMs),
  };
}

export type HealthCheck = () => Promise<{ ok: boolean; details?: unknown }>;

/** A health or readiness route: 200 when the check passes, 503 when it fails, throws or takes longer than `timeoutMs`. */
export function healthRoute(path: string, check: HealthCheck, timeoutMs = 2_000): Route {
  return async (request, response) => {
    if (request.method !== 'GET' || new URL(request.url ?? '/', 'http://localhost').pathname !== path) return false;
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<{ ok: boolean; details?: unknown }>((resolve) => {
      timer = setTimeout(() => resolve({ ok: false, details: { error: `check timed out after ${timeoutMs} ms` } }), timeoutMs);
    });
    const { ok, details } = await Promise.race([check().catch(() => ({ ok: false, details: { error: 'check failed' } })), timedOut]).finally(() => clearTimeout(timer));
    sendJson(response, ok ? 200 : 503, { status: ok ? 'ok' : 'unavailable', ...(details ? { details } : {}) });
    return true;
  };
}
