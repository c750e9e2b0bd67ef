import { AsyncLocalStorage } from 'node:async_hooks';
import { randomUUID } from 'node:crypto';
import { pino, type DestinationStream, type Logger } from 'pino';

export type { Logger };

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

/**
 * LOG_LEVEL, checked; `info` by default, `silent` under vitest unless LOG_LEVEL is set, so test
 * output stays readable. Read once, here, for every server of the process.
 */
export function logLevelFromEnv(env: NodeJS.ProcessEnv = process.env): LogLevel {
  const raw = env.LOG_LEVEL?.trim().toLowerCase();
  if (!raw) return env.VITEST ? 'silent' : 'info';
  if (!(LOG_LEVELS as readonly string[]).includes(raw)) throw new Error(`LOG_LEVEL must be one of ${LOG_LEVELS.join(', ')}, got "${env.LOG_LEVEL}"`);
  return raw as LogLevel;
}

/**
 * One JSON line per event on stdout (or `destination`), with the service name on every line and,
 * inside a request, that request's id (see `requestScope`).
 */
export function createLogger(service: string, options: { level?: LogLevel; destination?: DestinationStream } = {}): Logger {
  return pino(
    {
      level: options.level ?? logLevelFromEnv(),
      base: { service },
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
      mixin: () => {
        const scope = requestScope.getStore();
        return scope ? { requestId: scope.requestId } : {};
      },
    },
    options.destination,
  );
}

/** What one HTTP request accumulates while it is served; the HTTP layer logs and counts it at the end. */
export interface RequestScope {
  requestId: string;
  operationName?: string | null;
  operationType?: string;
  /** Codes of the errors in the GraphQL response. */
  errorCodes: string[];
  /** True when the response carries data and errors (a partial result). */
  hasData?: boolean;
  /** Answered with the answer of an identical request in flight (the gateway's inbound deduplication). */
  shared?: boolean;
  /** Fills errorCodes and hasData from the response as finally sent (set by observabilityPlugin). */
  settle?: () => void;
}

export const requestScope = new AsyncLocalStorage<RequestScope>();

const SAFE_REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/** The caller's x-request-id when it is a sane token; a new UUID otherwise. */
export function requestIdFrom(header: string | string[] | undefined): string {
  const value = Array.isArray(header) ? header[0] : header;
  return value && SAFE_REQUEST_ID.test(value) ? value : randomUUID();
}
