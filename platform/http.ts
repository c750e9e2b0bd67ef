import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { HeaderMap, type ApolloServer, type BaseContext, type HTTPGraphQLRequest } from '@apollo/server';
import { GraphQLError } from 'graphql';
import { DEFAULT_HTTP_LIMITS, type HttpLimits } from './http-limits';
import { requestScope } from './logger';
import { observeRequest, type Observability } from './observability';
import type { Route } from './route';

export type { Route } from './route';

/**
 * Who a GraphQL request comes from, established in two steps: `admit` before its body is read (the
 * bearer token, say: a refused caller sends no megabyte first), `verifyBody` once the raw body is
 * in and before it is parsed (a signature over its digest, say). Both refuse by throwing a
 * GraphQLError with `extensions.code` and `extensions.http` (status, headers).
 */
export interface RequestGate<TAdmitted> {
  admit(request: IncomingMessage): Promise<TAdmitted>;
  verifyBody?(request: IncomingMessage, body: Buffer, admitted: TAdmitted): Promise<TAdmitted>;
}

export interface GraphQLHttpOptions<TContext extends BaseContext, TAdmitted> {
  apollo: ApolloServer<TContext>;
  /** Who may send a request (default: anyone; `admitted` is then undefined). */
  gate?: RequestGate<TAdmitted>;
  context: (request: IncomingMessage, admitted: TAdmitted) => Promise<TContext>;
  routes?: Route[];
  /** Requests with a larger body are refused with 413 before any parsing. */
  maxBodyBytes?: number;
  /** Header and body timeouts, connection cap (platform/http-limits.ts). */
  limits?: HttpLimits;
  path?: string;
  /** JSON request logs with a request id, and Prometheus metrics (platform/observability.ts). */
  observability?: Observability;
  /**
   * Rewrites a GraphQL request once its body is parsed and before Apollo Server reads it (the
   * gateway: an operation sent by its trusted document id becomes its text); refuses it by
   * throwing a GraphQLError with `extensions.code` and `extensions.http`, as a gate does.
   */
  prepare?: (request: HTTPGraphQLRequest) => HTTPGraphQLRequest;
  /**
   * Runs around the execution of every POST once its caller is admitted and its body read, before
   * the body is parsed: it may answer without executing (the gateway hands identical requests in
   * flight one answer, plugins/shared-answers.ts), or execute with more in the context.
   */
  around?: (call: GraphQLCall<TAdmitted>, execute: GraphQLExecution<TContext>) => Promise<GraphQLAnswer>;
}

/** A GraphQL POST whose caller is admitted and whose body is read. */
export interface GraphQLCall<TAdmitted> {
  request: IncomingMessage;
  admitted: TAdmitted;
  body: Buffer;
}

/** An HTTP answer to a GraphQL request, before it is written. */
export interface GraphQLAnswer {
  status: number;
  headers: [string, string][];
  body: string | Buffer | AsyncIterable<string>;
}

/** Parses the body and runs Apollo Server on it, with `extra` added to the request's context. */
export type GraphQLExecution<TContext> = (extra?: Partial<TContext>) => Promise<GraphQLAnswer>;

export interface RunningServer {
  url: string;
  port: number;
  /** The operational port's base URL (METRICS_PORT, platform/ops-access.ts), when there is one. */
  opsUrl?: string;
  close(): Promise<void>;
}

class BodyTooLargeError extends Error {}
class BodyTimeoutError extends Error {}

/** Reads the body, at most `limit` bytes and within `timeoutMs` of the headers having arrived. */
async function readBody(request: IncomingMessage, limit: number, timeoutMs: number): Promise<Buffer> {
  const declared = Number(request.headers['content-length'] ?? 0);
  if (declared > limit) throw new BodyTooLargeError();
  return new Promise<Buffer>((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const timer = setTimeout(() => finish(new BodyTimeoutError()), timeoutMs);
    const finish = (error?: Error) => {
      clearTimeout(timer);
      request.off('data', onData).off('end', onEnd).off('error', finish).off('close', onClose);
      if (error) reject(error);
      else resolve(Buffer.concat(chunks));
    };
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) return finish(new BodyTooLargeError());
      chunks.push(chunk);
    };
    const onEnd = () => finish();
    // the client went away before the body ended
    const onClose = () => finish(new Error('request aborted'));
    request.on('data', onData).once('end', onEnd).once('error', finish).once('close', onClose);
  });
}

export function sendJson(response: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  response.writeHead(status, { ...headers, 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(text) });
  response.end(text);
}

function errorBody(code: string, message: string) {
  return { errors: [{ message, extensions: { code } }] };
}

/** A GraphQL error answer with its code, as Apollo would write it. */
function errorAnswer(status: number, code: string, message: string): GraphQLAnswer {
  return { status, headers: [['content-type', 'application/json; charset=utf-8']], body: JSON.stringify(errorBody(code, message)) };
}

async function writeAnswer(response: ServerResponse, answer: GraphQLAnswer): Promise<void> {
  for (const [name, value] of answer.headers) response.setHeader(name, value);
  response.statusCode = answer.status;
  if (typeof answer.body === 'string' || Buffer.isBuffer(answer.body)) {
    response.end(answer.body);
    return;
  }
  for await (const chunk of answer.body) response.write(chunk);
  response.end();
}

function graphQLError(response: ServerResponse, status: number, code: string, message: string, headers: Record<string, string> = {}): void {
  sendJson(response, status, errorBody(code, message), headers);
}

/** Answers a gate's refusal as Apollo would have: its message and extensions (without `http`), its status and headers. */
function sendRefusal(response: ServerResponse, error: GraphQLError): void {
  const { http, ...extensions } = error.extensions as { http?: { status?: number; headers?: Map<string, string> }; code?: unknown };
  const scope = requestScope.getStore();
  if (scope) {
    scope.errorCodes = [String(extensions.code ?? 'UNKNOWN')];
    scope.hasData = false;
  }
  const headers = Object.fromEntries(http?.headers ?? []);
  sendJson(response, http?.status ?? 400, { errors: [{ message: error.message, extensions }] }, headers);
}

/** The request has not been read to its end: answer, then close the connection rather than drain what may never come. */
function closeAfter(response: ServerResponse, send: () => void): void {
  response.shouldKeepAlive = false;
  send();
}

/** Servers closing gracefully: they answer /ready with 503 and ask clients to drop keep-alive connections. */
const draining = new WeakSet<Server>();

/** How often Node checks header and request timeouts: often enough for short timeouts to bite on time. */
function checkingInterval(limits: HttpLimits): number {
  return Math.max(100, Math.min(1_000, Math.floor(Math.min(limits.headersTimeoutMs, limits.bodyTimeoutMs) / 4)));
}

/** A node:http server with the limits applied: header timeout, whole-request backstop, connection cap. */
export function createLimitedServer(limits: HttpLimits, listener: (request: IncomingMessage, response: ServerResponse) => void): Server {
  const server = createServer(
    {
      headersTimeout: limits.headersTimeoutMs,
      // the body has its own timer (readBody); this is the backstop for what reads no body
      requestTimeout: limits.headersTimeoutMs + limits.bodyTimeoutMs + 1_000,
      connectionsCheckingInterval: checkingInterval(limits),
    },
    listener,
  );
  server.maxConnections = limits.maxConnections;
  return server;
}

/** Serves an Apollo Server over node:http, with extra routes before GraphQL. */
export function createGraphQLHttpServer<TContext extends BaseContext, TAdmitted>(options: GraphQLHttpOptions<TContext, TAdmitted>): Server {
  const { apollo, gate = { admit: async () => undefined as TAdmitted }, context, routes = [], maxBodyBytes = 1_048_576, limits = DEFAULT_HTTP_LIMITS, path = '/graphql', observability = {}, prepare, around } = options;
  const server: Server = createLimitedServer(limits, (request, response) => observeRequest(request, response, path, observability, () => handle(request, response)));
  const runGraphQL = async (request: IncomingMessage, search: string, body: unknown, admitted: () => Promise<TAdmitted>, extra?: Partial<TContext>): Promise<GraphQLAnswer> => {
    const headers = new HeaderMap();
    for (const [name, value] of Object.entries(request.headers)) {
      if (value !== undefined) headers.set(name, Array.isArray(value) ? value.join(', ') : value);
    }
    const httpGraphQLRequest: HTTPGraphQLRequest = { method: request.method ?? 'GET', headers, search, body };
    const result = await apollo.executeHTTPGraphQLRequest({
      httpGraphQLRequest: prepare ? prepare(httpGraphQLRequest) : httpGraphQLRequest,
      context: async () => ({ ...(await context(request, await admitted())), ...extra }),
    });
    return { status: result.status ?? 200, headers: [...result.headers], body: result.body.kind === 'complete' ? result.body.string : result.body.asyncIterator };
  };
  const handle = async (request: IncomingMessage, response: ServerResponse): Promise<void> => {
    let bodyRead = request.method === 'GET' || request.method === 'HEAD';
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

      if (request.method !== 'POST') {
        // GET and the rest carry no body: checked when Apollo asks for the context, so that a
        // landing page (development) is served without a token
        const admitted = async () => {
          const admission = await gate.admit(request);
          return gate.verifyBody ? gate.verifyBody(request, Buffer.alloc(0), admission) : admission;
        };
        return await writeAnswer(response, await runGraphQL(request, url.search, undefined, admitted));
      }
      // the caller first, the body only for a caller that may send one
      const admission = await gate.admit(request);
      const raw = await readBody(request, maxBodyBytes, limits.bodyTimeoutMs);
      bodyRead = true;
      const verified = gate.verifyBody ? await gate.verifyBody(request, raw, admission) : admission;
      const execute: GraphQLExecution<TContext> = async (extra) => {
        const text = raw.toString('utf8');
        let body: unknown = text;
        if (text.length > 0 && (request.headers['content-type'] ?? '').includes('json')) {
          try {
            body = JSON.parse(text);
          } catch {
            return errorAnswer(400, 'BAD_REQUEST', 'The request body is not valid JSON.');
          }
        }
        return runGraphQL(request, url.search, body, async () => verified, extra);
      };
      await writeAnswer(response, around ? await around({ request, admitted: verified, body: raw }, execute) : await execute());
    } catch (error) {
      if (error instanceof BodyTooLargeError) {
        return closeAfter(response, () => graphQLError(response, 413, 'PAYLOAD_TOO_LARGE', `The request body exceeds ${maxBodyBytes} bytes.`));
      }
      if (error instanceof BodyTimeoutError) {
        return closeAfter(response, () => graphQLError(response, 408, 'REQUEST_BODY_TIMEOUT', `The request body did not arrive within ${limits.bodyTimeoutMs / 1000} s.`));
      }
      if (error instanceof GraphQLError && !response.headersSent) {
        return bodyRead ? sendRefusal(response, error) : closeAfter(response, () => sendRefusal(response, error));
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
 * With `drainDelayMs`, it first keeps serving that long with /ready at 503, so that a load balancer
 * probing /ready takes it out before it stops accepting (docs/scaling.md).
 */
export async function closeGracefully(server: Server, drainTimeoutMs = DEFAULT_DRAIN_TIMEOUT_MS, drainDelayMs = 0): Promise<void> {
  if (!server.listening || draining.has(server)) return;
  draining.add(server);
  if (drainDelayMs > 0) await new Promise((resolve) => setTimeout(resolve, drainDelayMs));
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
export async function listen(server: Server, port: number, host: string, path = '/graphql', drainTimeoutMs = DEFAULT_DRAIN_TIMEOUT_MS, drainDelayMs = 0): Promise<RunningServer> {
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
    close: () => closeGracefully(server, drainTimeoutMs, drainDelayMs),
  };
}

export type HealthCheck = () => Promise<{ ok: boolean; details?: unknown }>;

/**
 * A health or readiness route: 200 when the check passes, 503 when it fails, throws or takes longer
 * than `timeoutMs`. The check's details (which dependency is down) only for callers `showDetails`
 * admits (operators, in production); everyone else gets the status alone.
 */
export function healthRoute(path: string, check: HealthCheck, timeoutMs = 2_000, showDetails: (request: IncomingMessage) => boolean = () => true): Route {
  return async (request, response) => {
    if (request.method !== 'GET' || new URL(request.url ?? '/', 'http://localhost').pathname !== path) return false;
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<{ ok: boolean; details?: unknown }>((resolve) => {
      timer = setTimeout(() => resolve({ ok: false, details: { error: `check timed out after ${timeoutMs} ms` } }), timeoutMs);
    });
    const { ok, details } = await Promise.race([check().catch(() => ({ ok: false, details: { error: 'check failed' } })), timedOut]).finally(() => clearTimeout(timer));
    sendJson(response, ok ? 200 : 503, { status: ok ? 'ok' : 'unavailable', ...(details && showDetails(request) ? { details } : {}) });
    return true;
  };
}
