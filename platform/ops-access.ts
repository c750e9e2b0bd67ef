/**
 * Who may read a server's operational routes: `/metrics` (Prometheus), the gateway's `/subgraphs`
 * (subgraph URLs and circuit states) and the details of `/ready` (which dependency is down).
 * `/health` and `/ready`'s status stay public: load balancers, Docker and Kubernetes probe them.
 *
 *   METRICS_PORT   serve the operational routes on a port of their own (bind it to an internal
 *                  interface: METRICS_HOST, default HOST), without a token unless METRICS_TOKEN is set
 *   METRICS_TOKEN  a bearer token (at least 32 characters) the operational routes require, on the
 *                  service port and on METRICS_PORT; Prometheus sends it with `authorization: { credentials: … }`
 *
 * Without either, development serves them to anyone on the service port (as before), production
 * serves them nowhere on it (404): set METRICS_PORT or METRICS_TOKEN to scrape.
 */
import { timingSafeEqual, createHash } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { HttpLimits } from './http-limits';
import { createLimitedServer, listen, sendJson, type Route, type RunningServer } from './http';

export interface OpsAccess {
  /** METRICS_TOKEN; null: no token asked. */
  token: string | null;
  /** METRICS_PORT; null: no port of their own. */
  port: number | null;
  /** METRICS_HOST; null: the service's own host. */
  host: string | null;
  /** Whether the service port serves them (with the token when one is set). */
  onServicePort: boolean;
}

export class OpsConfigError extends RangeError {}

export const MIN_METRICS_TOKEN_LENGTH = 32;

export function loadOpsAccess(env: NodeJS.ProcessEnv, production: boolean): OpsAccess {
  const token = env.METRICS_TOKEN?.trim() || null;
  if (token !== null && (token.length < MIN_METRICS_TOKEN_LENGTH || !/^[\x21-\x7e]+$/.test(token))) {
    throw new OpsConfigError(`METRICS_TOKEN must be at least ${MIN_METRICS_TOKEN_LENGTH} printable characters without spaces (e.g. openssl rand -hex 32)`);
  }
  const portText = env.METRICS_PORT?.trim();
  const port = portText ? Number(portText) : null;
  if (port !== null && (!Number.isInteger(port) || port < 0 || port > 65535)) throw new OpsConfigError(`METRICS_PORT must be a port number from 0 to 65535, got "${portText}"`);
  return { token, port, host: env.METRICS_HOST?.trim() || null, onServicePort: token !== null || (!production && port === null) };
}

/** Open access, as a development server without settings has it (tests, in-process stacks). */
export const OPEN_OPS_ACCESS: OpsAccess = { token: null, port: null, host: null, onServicePort: true };

function sameToken(given: string, expected: string): boolean {
  const digest = (text: string) => createHash('sha256').update(text).digest();
  return timingSafeEqual(digest(given), digest(expected));
}

/** Does this request carry the operational token (or is none asked)? */
export function opsAuthorized(access: OpsAccess, request: IncomingMessage): boolean {
  if (access.token === null) return true;
  const match = /^Bearer[ ]+(\S+)[ ]*$/i.exec(request.headers.authorization ?? '');
  return match !== null && sameToken(match[1]!, access.token);
}

/**
 * The operational routes, guarded: on the service port (`where: 'service'`) a request for one of
 * `paths` is answered 404 when they are not served there and 401 without the token; on the
 * operational port only the token is checked.
 */
export function opsRoutes(access: OpsAccess, where: 'service' | 'ops', paths: readonly string[], routes: readonly Route[]): Route {
  const guarded = new Set(paths);
  return async (request, response) => {
    if (!guarded.has(new URL(request.url ?? '/', 'http://localhost').pathname)) return false;
    if (where === 'service' && !access.onServicePort) {
      sendJson(response, 404, { error: 'not found' });
      return true;
    }
    if (!opsAuthorized(access, request)) {
      sendJson(response, 401, { error: 'this route needs the operational token: Authorization: Bearer <METRICS_TOKEN>' }, { 'www-authenticate': 'Bearer realm="metrics"' });
      return true;
    }
    for (const route of routes) if (await route(request, response)) return true;
    return false;
  };
}

/** May this request see /ready's details? Operators only where the routes are guarded (production, or a token set). */
export function readyDetailsFor(access: OpsAccess, production: boolean): (request: IncomingMessage) => boolean {
  return (request) => (access.token !== null ? opsAuthorized(access, request) : !production);
}

/**
 * The operational port (METRICS_PORT), when one is configured: `routes` there (metrics, readiness
 * with details, the gateway's /subgraphs), behind METRICS_TOKEN when it is set; null otherwise.
 */
export async function listenOps(access: OpsAccess, serviceHost: string, limits: HttpLimits, paths: readonly string[], routes: readonly Route[]): Promise<RunningServer | null> {
  if (access.port === null) return null;
  const guarded = opsRoutes(access, 'ops', paths, routes);
  const server = createLimitedServer(limits, (request, response) => {
    void (async () => {
      if (!(await guarded(request, response))) sendJson(response, 404, { error: 'not found' });
    })().catch(() => {
      if (!response.headersSent) sendJson(response, 500, { error: 'internal error' });
      else response.destroy();
    });
  });
  return listen(server, access.port, access.host ?? serviceHost, '/metrics', 1_000);
}
