import { resolve } from 'node:path';
import { AuthConfigError, loadAuthConfig, type AuthConfig } from '../../platform/auth';
import { parseCorsOrigins } from '../../platform/cors';
import { loadHttpLimits, type HttpLimits } from '../../platform/http-limits';
import { loadOpsAccess, type OpsAccess } from '../../platform/ops-access';
import { DEFAULT_SIGNATURE_LIFETIME_S } from '../../platform/request-signing';
import { SigningKeyError, parseSigningKey, type SigningKey } from '../../platform/signing-keys';
import type { QueryLimits } from './plugins/limits';
import type { TrustedDocumentsConfig, TrustedDocumentsMode } from './plugins/trusted-documents';

/** Everything the gateway reads from its environment and command line, parsed and checked once. */
export interface GatewayConfig {
  supergraphPath: string;
  port: number;
  host: string;
  /** Replaces the URL the supergraph gives a subgraph, by subgraph name. */
  subgraphUrls: Record<string, string>;
  production: boolean;
  introspection: boolean;
  /** Reload the supergraph file when it changes. */
  watchSupergraph: boolean;
  subgraphTimeoutMs: number;
  /** SUBGRAPH_RETRIES: extra attempts of a subgraph query (never a mutation) within subgraphTimeoutMs. */
  subgraphRetries: number;
  /** SUBGRAPH_RETRY_BACKOFF_MS: first backoff before a retry; doubled per attempt, with full jitter. */
  subgraphRetryBackoffMs: number;
  /** READY_TIMEOUT_MS: how long a probe of a subgraph waits (GET /subgraphs, gateway_subgraph_up, the circuit breaker's probe). */
  readyTimeoutMs: number;
  /** CIRCUIT_BREAKER, CIRCUIT_FAILURE_THRESHOLD, CIRCUIT_OPEN_MS (circuit-breaker.ts). */
  circuitBreaker: CircuitBreakerConfig;
  /** SHUTDOWN_TIMEOUT_MS: how long closing lets in-flight requests finish. */
  shutdownTimeoutMs: number;
  /** DRAIN_DELAY_MS: how long closing first keeps serving with /ready at 503, for a load balancer to take this replica out (docs/scaling.md). */
  drainDelayMs: number;
  maxBodyBytes: number;
  /** MAX_DEPTH, MAX_ALIASES, MAX_COST, MAX_PAGE_SIZE, REQUEST_TIMEOUT_MS (plugins/limits.ts). */
  limits: QueryLimits;
  /** AUTH_* (platform/auth.ts): bearer tokens are checked when a secret or JWKS URL is set. */
  auth: AuthConfig;
  /** CORS_ORIGINS: browser origins allowed to call the gateway; empty (the default) turns CORS off. */
  corsOrigins: string[];
  /** LANDING_PAGE: Apollo's landing page on GET; on in development, off in production unless set. */
  landingPage: boolean;
  /** DEDUPLICATE_SUBGRAPH_REQUESTS: identical subgraph queries in flight share one call (plugins/deduplicate.ts). */
  deduplicateSubgraphRequests: boolean;
  /** DEDUPLICATE_INBOUND_REQUESTS: identical queries in flight from the same caller identity execute once (plugins/inbound-deduplication.ts). */
  deduplicateInboundRequests: boolean;
  /**
   * MAX_CONCURRENT_EXECUTIONS: `auto` (the default) adapts how many executions run at once to the
   * CPU (execution-admission.ts), a number fixes it, `off` admits every one at once.
   */
  executions: ExecutionLimit;
  /**
   * RESPONSE_CACHE, RESPONSE_CACHE_MAX_ENTRIES: whole responses of queries with cache hints (plugins/response-cache.ts);
   * REDIS_URL: kept in Redis, shared by every gateway replica (plugins/response-store-redis.ts), REDIS_TIMEOUT_MS the longest wait for it.
   */
  responseCache: { enabled: boolean; maxEntries: number; redisUrl: string | null; redisTimeoutMs: number };
  /** GATEWAY_SIGNING_KEY, GATEWAY_SIGNATURE_LIFETIME_S: how the gateway signs its subgraph calls (platform/request-signing.ts). */
  signing: SubgraphSigning;
  /** HTTP_HEADERS_TIMEOUT_S, HTTP_BODY_TIMEOUT_S, HTTP_MAX_CONNECTIONS (platform/http-limits.ts). */
  http: HttpLimits;
  /** METRICS_PORT, METRICS_HOST, METRICS_TOKEN: who reads /metrics and /subgraphs (platform/ops-access.ts). */
  ops: OpsAccess;
  /** TRUSTED_DOCUMENTS, TRUSTED_DOCUMENTS_PATH, TRUSTED_DOCUMENTS_ONLY_FOR, WATCH_TRUSTED_DOCUMENTS (plugins/trusted-documents.ts). */
  trustedDocuments: TrustedDocumentsConfig;
  /** EXPORTS, EXPORTS_MAX_CONCURRENT: the CSV and XLSX downloads under /exports (exports/), this product's API on top of the gateway; how many may stream at once. */
  exports: { enabled: boolean; maxConcurrent: number };
  /** WEB_APP, WEB_APP_DIR: the web app under /app (web-app.ts), built into web/dist by `npm run build:web`. */
  webApp: { enabled: boolean; dir: string };
}

export interface SubgraphSigning {
  /** The Ed25519 key every subgraph call is signed with; null: calls go unsigned. */
  key: SigningKey | null;
  /** How long a signature stays valid (its `expires`); subgraphs also bound its age themselves. */
  lifetimeSeconds: number;
}

export interface CircuitBreakerConfig {
  enabled: boolean;
  /** Failed attempts in a row that open a subgraph's circuit. */
  failureThreshold: number;
  /** How long an open circuit refuses calls before probing the subgraph. */
  openMs: number;
}

export class ConfigError extends Error {}

/** Executions at once: at least `min`, at most `max` (equal: a fixed limit); null: no limit. */
export type ExecutionLimit = { min: number; max: number } | null;

/** `auto`: from a few, what a saturated core runs well, up to many, for slow subgraphs. */
const AUTO_EXECUTIONS = { min: 4, max: 256 };

function executionLimit(value: string | undefined): ExecutionLimit {
  const text = value?.trim().toLowerCase() ?? '';
  if (text === '' || text === 'auto') return AUTO_EXECUTIONS;
  if (text === 'off') return null;
  const fixed = Number(text);
  if (!Number.isInteger(fixed) || fixed < 1 || fixed > 100_000) throw new ConfigError(`MAX_CONCURRENT_EXECUTIONS must be auto, off or a whole number from 1 to 100000, got "${value}"`);
  return { min: fixed, max: fixed };
}

function flag(argv: readonly string[], name: string): string | undefined {
  const index = argv.findIndex((arg) => arg === `--${name}` || arg.startsWith(`--${name}=`));
  if (index === -1) return undefined;
  const arg = argv[index]!;
  return arg.includes('=') ? arg.slice(arg.indexOf('=') + 1) : argv[index + 1];
}

function integer(value: string | undefined, name: string, fallback: number, min: number, max: number): number {
  if (value === undefined || value === '') return fallback;
  const parsed = Number(value);
  if (!Number.isInteger(parsed) || parsed < min || parsed > max) throw new ConfigError(`${name} must be a whole number from ${min} to ${max}, got "${value}"`);
  return parsed;
}

function boolean(value: string | undefined, name: string, fallback: boolean): boolean {
  if (value === undefined || value === '') return fallback;
  if (['1', 'true', 'yes'].includes(value.toLowerCase())) return true;
  if (['0', 'false', 'no'].includes(value.toLowerCase())) return false;
  throw new ConfigError(`${name} must be true or false, got "${value}"`);
}

/** SUBGRAPH_URL_INDIA=http://… overrides the URL of subgraph "india". */
function subgraphUrls(env: NodeJS.ProcessEnv): Record<string, string> {
  const urls: Record<string, string> = {};
  for (const [name, value] of Object.entries(env)) {
    if (!name.startsWith('SUBGRAPH_URL_') || !value) continue;
    try {
      new URL(value);
    } catch {
      throw new ConfigError(`${name} is not a URL: "${value}"`);
    }
    urls[name.slice('SUBGRAPH_URL_'.length).toLowerCase()] = value;
  }
  return urls;
}

/** REDIS_URL: redis:// or rediss:// (TLS); empty: no shared cache. */
function redisUrl(value: string | undefined): string | null {
  const text = value?.trim();
  if (!text) return null;
  let protocol: string;
  try {
    protocol = new URL(text).protocol;
  } catch {
    throw new ConfigError('REDIS_URL is not a URL (e.g. redis://127.0.0.1:6379)');
  }
  // the URL may hold a password: it is not repeated
  if (protocol !== 'redis:' && protocol !== 'rediss:') throw new ConfigError(`REDIS_URL must start with redis:// or rediss://, not ${protocol}//`);
  return text;
}

const TRUSTED_DOCUMENTS_MODES: readonly TrustedDocumentsMode[] = ['off', 'allowed', 'required'];

/** RFC 6749 scope tokens, as tokens carry them (platform/auth.ts). */
const SCOPE_TOKEN = /^[\x21\x23-\x5b\x5d-\x7e]+$/;

function trustedDocuments(env: NodeJS.ProcessEnv, watchSupergraph: boolean): TrustedDocumentsConfig {
  const mode = (env.TRUSTED_DOCUMENTS?.trim().toLowerCase() || 'allowed') as TrustedDocumentsMode;
  if (!TRUSTED_DOCUMENTS_MODES.includes(mode)) throw new ConfigError(`TRUSTED_DOCUMENTS must be ${TRUSTED_DOCUMENTS_MODES.join(', ')}, got "${env.TRUSTED_DOCUMENTS}"`);
  const onlyFor = (env.TRUSTED_DOCUMENTS_ONLY_FOR ?? 'bi:read').split(/[\s,]+/).filter(Boolean);
  const malformed = onlyFor.find((scope) => !SCOPE_TOKEN.test(scope));
  if (malformed !== undefined) throw new ConfigError(`TRUSTED_DOCUMENTS_ONLY_FOR must list scopes separated by commas or spaces, got "${malformed}"`);
  return {
    mode,
    path: resolve(env.TRUSTED_DOCUMENTS_PATH?.trim() || 'operations/manifest.json'),
    onlyFor,
    watch: boolean(env.WATCH_TRUSTED_DOCUMENTS, 'WATCH_TRUSTED_DOCUMENTS', watchSupergraph),
  };
}

function checked<T>(parse: () => T): T {
  try {
    return parse();
  } catch (error) {
    if (error instanceof AuthConfigError || error instanceof RangeError || error instanceof SigningKeyError) throw new ConfigError(error.message);
    throw error;
  }
}

/**
 * GATEWAY_SIGNING_KEY: the gateway's private Ed25519 JWK, with which it signs every subgraph call.
 * Without it calls go unsigned (a graph whose subgraphs verify no signature); this project's
 * subgraphs then refuse their entities and schema, and in production everything.
 */
function subgraphSigning(env: NodeJS.ProcessEnv): SubgraphSigning {
  const text = env.GATEWAY_SIGNING_KEY?.trim();
  return {
    key: text ? checked(() => parseSigningKey(text)) : null,
    lifetimeSeconds: integer(env.GATEWAY_SIGNATURE_LIFETIME_S, 'GATEWAY_SIGNATURE_LIFETIME_S', DEFAULT_SIGNATURE_LIFETIME_S, 1, 600),
  };
}

export function loadGatewayConfig(env: NodeJS.ProcessEnv = process.env, argv: readonly string[] = process.argv.slice(2)): GatewayConfig {
  const production = env.NODE_ENV === 'production';
  const watchSupergraph = boolean(env.WATCH_SUPERGRAPH, 'WATCH_SUPERGRAPH', true);
  return {
    trustedDocuments: trustedDocuments(env, watchSupergraph),
    webApp: { enabled: boolean(env.WEB_APP, 'WEB_APP', true), dir: resolve(env.WEB_APP_DIR?.trim() || 'web/dist') },
    exports: { enabled: boolean(env.EXPORTS, 'EXPORTS', true), maxConcurrent: integer(env.EXPORTS_MAX_CONCURRENT, 'EXPORTS_MAX_CONCURRENT', 4, 1, 1_000) },
    auth: checked(() => loadAuthConfig(env)),
    corsOrigins: checked(() => parseCorsOrigins(env.CORS_ORIGINS)),
    landingPage: boolean(env.LANDING_PAGE, 'LANDING_PAGE', !production),
    deduplicateSubgraphRequests: boolean(env.DEDUPLICATE_SUBGRAPH_REQUESTS, 'DEDUPLICATE_SUBGRAPH_REQUESTS', true),
    deduplicateInboundRequests: boolean(env.DEDUPLICATE_INBOUND_REQUESTS, 'DEDUPLICATE_INBOUND_REQUESTS', true),
    executions: checked(() => executionLimit(env.MAX_CONCURRENT_EXECUTIONS)),
    responseCache: {
      enabled: boolean(env.RESPONSE_CACHE, 'RESPONSE_CACHE', true),
      maxEntries: integer(env.RESPONSE_CACHE_MAX_ENTRIES, 'RESPONSE_CACHE_MAX_ENTRIES', 1_000, 1, 1_000_000),
      redisUrl: redisUrl(env.REDIS_URL),
      redisTimeoutMs: integer(env.REDIS_TIMEOUT_MS, 'REDIS_TIMEOUT_MS', 200, 1, 60_000),
    },
    signing: subgraphSigning(env),
    http: checked(() => loadHttpLimits(env)),
    ops: checked(() => loadOpsAccess(env, production)),
    supergraphPath: resolve(flag(argv, 'supergraph') ?? env.SUPERGRAPH_PATH ?? 'schema/supergraph.graphql'),
    port: integer(flag(argv, 'port') ?? env.PORT ?? env.GATEWAY_PORT, 'PORT', 4000, 0, 65535),
    host: flag(argv, 'host') ?? env.HOST ?? '127.0.0.1',
    subgraphUrls: subgraphUrls(env),
    production,
    introspection: boolean(env.INTROSPECTION, 'INTROSPECTION', !production),
    watchSupergraph,
    subgraphTimeoutMs: integer(env.SUBGRAPH_TIMEOUT_MS, 'SUBGRAPH_TIMEOUT_MS', 10_000, 100, 600_000),
    subgraphRetries: integer(env.SUBGRAPH_RETRIES, 'SUBGRAPH_RETRIES', 2, 0, 10),
    subgraphRetryBackoffMs: integer(env.SUBGRAPH_RETRY_BACKOFF_MS, 'SUBGRAPH_RETRY_BACKOFF_MS', 50, 1, 10_000),
    readyTimeoutMs: integer(env.READY_TIMEOUT_MS, 'READY_TIMEOUT_MS', 1_000, 50, 60_000),
    circuitBreaker: {
      enabled: boolean(env.CIRCUIT_BREAKER, 'CIRCUIT_BREAKER', true),
      failureThreshold: integer(env.CIRCUIT_FAILURE_THRESHOLD, 'CIRCUIT_FAILURE_THRESHOLD', 5, 1, 1_000),
      openMs: integer(env.CIRCUIT_OPEN_MS, 'CIRCUIT_OPEN_MS', 2_000, 100, 600_000),
    },
    shutdownTimeoutMs: integer(env.SHUTDOWN_TIMEOUT_MS, 'SHUTDOWN_TIMEOUT_MS', 10_000, 0, 600_000),
    drainDelayMs: integer(env.DRAIN_DELAY_MS, 'DRAIN_DELAY_MS', 0, 0, 120_000),
    maxBodyBytes: integer(env.MAX_BODY_BYTES, 'MAX_BODY_BYTES', 1_048_576, 1_024, 104_857_600),
    limits: {
      maxDepth: integer(env.MAX_DEPTH, 'MAX_DEPTH', 12, 1, 1_000),
      maxAliases: integer(env.MAX_ALIASES, 'MAX_ALIASES', 30, 0, 100_000),
      maxCost: integer(env.MAX_COST, 'MAX_COST', 500_000, 1, 1_000_000_000_000),
      maxPageSize: integer(env.MAX_PAGE_SIZE, 'MAX_PAGE_SIZE', 100, 1, 1_000_000),
      requestTimeoutMs: integer(env.REQUEST_TIMEOUT_MS, 'REQUEST_TIMEOUT_MS', 30_000, 100, 600_000),
    },
  };
}
