/**
 * How long and how many connections a client may hold, for the gateway and every subgraph
 * (platform/http.ts applies them):
 *
 *   HTTP_HEADERS_TIMEOUT_S  the request line and headers must arrive within this (default 10 s)
 *   HTTP_BODY_TIMEOUT_S     the body must arrive within this once the headers are in (default 30 s):
 *                           1 MiB at 35 KB/s, slower than any client that is not stalling on purpose
 *   HTTP_MAX_CONNECTIONS    open connections at once; more are refused at connect (default 1000)
 *
 * Node's own defaults let a client hold a connection ~80 s with slow headers and ~320 s with a
 * body trickling in (60 s and 300 s, checked every 30 s).
 */
export interface HttpLimits {
  headersTimeoutMs: number;
  bodyTimeoutMs: number;
  maxConnections: number;
}

export const DEFAULT_HTTP_LIMITS: HttpLimits = { headersTimeoutMs: 10_000, bodyTimeoutMs: 30_000, maxConnections: 1_000 };

/** A bad HTTP_* setting; the message names the variable. */
export class HttpConfigError extends RangeError {}

function seconds(env: NodeJS.ProcessEnv, name: string, fallbackMs: number, max: number): number {
  const value = env[name]?.trim();
  if (!value) return fallbackMs;
  const parsed = Number(value);
  if (!/^\d+(\.\d{1,3})?$/.test(value) || parsed < 0.1 || parsed > max) throw new HttpConfigError(`${name} must be a number of seconds from 0.1 to ${max}, got "${value}"`);
  return Math.round(parsed * 1000);
}

export function loadHttpLimits(env: NodeJS.ProcessEnv = process.env): HttpLimits {
  const connections = env.HTTP_MAX_CONNECTIONS?.trim();
  const maxConnections = connections ? Number(connections) : DEFAULT_HTTP_LIMITS.maxConnections;
  if (!Number.isInteger(maxConnections) || maxConnections < 1 || maxConnections > 1_000_000) {
    throw new HttpConfigError(`HTTP_MAX_CONNECTIONS must be a whole number from 1 to 1000000, got "${connections}"`);
  }
  return {
    headersTimeoutMs: seconds(env, 'HTTP_HEADERS_TIMEOUT_S', DEFAULT_HTTP_LIMITS.headersTimeoutMs, 300),
    bodyTimeoutMs: seconds(env, 'HTTP_BODY_TIMEOUT_S', DEFAULT_HTTP_LIMITS.bodyTimeoutMs, 600),
    maxConnections,
  };
}
