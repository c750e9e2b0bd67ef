import type { ServerResponse } from 'node:http';
import type { MongoClient } from 'mongodb';
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { Route } from './route';

/**
 * Prometheus metrics of one server (the gateway or one subgraph). Each server has its own registry,
 * so several servers in one process (tests, `npm start`) never clash; every series carries the
 * `service` label.
 */
export interface ServerMetrics {
  registry: Registry;
  httpRequests: Counter<'route' | 'method' | 'status'>;
  graphqlRequests: Counter<'operation_type' | 'outcome'>;
  graphqlDuration: Histogram<'operation_type' | 'outcome'>;
  /** Error codes in GraphQL responses, one count per error. */
  graphqlErrors: Counter<'code'>;
}

const LATENCY_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];

export function createServerMetrics(service: string, options: { processMetrics?: boolean } = {}): ServerMetrics {
  const registry = new Registry();
  registry.setDefaultLabels({ service });
  if (options.processMetrics) collectDefaultMetrics({ register: registry });
  return {
    registry,
    httpRequests: new Counter({
      name: 'http_requests_total',
      help: 'HTTP requests served, by route (graphql, health, ready, metrics, other), method and status code.',
      labelNames: ['route', 'method', 'status'],
      registers: [registry],
    }),
    graphqlRequests: new Counter({
      name: 'graphql_requests_total',
      help: 'GraphQL operations answered, by operation type and outcome (success, partial: data with errors, error: no data).',
      labelNames: ['operation_type', 'outcome'],
      registers: [registry],
    }),
    graphqlDuration: new Histogram({
      name: 'graphql_request_duration_seconds',
      help: 'Time from receiving a GraphQL request to the end of its response.',
      labelNames: ['operation_type', 'outcome'],
      buckets: LATENCY_BUCKETS,
      registers: [registry],
    }),
    graphqlErrors: new Counter({
      name: 'graphql_errors_total',
      help: 'Errors in GraphQL responses, by extensions.code.',
      labelNames: ['code'],
      registers: [registry],
    }),
  };
}

/** The gateway's view of its subgraphs: one observation per HTTP attempt. */
export interface SubgraphFetchMetrics {
  duration: Histogram<'subgraph' | 'outcome'>;
  retries: Counter<'subgraph'>;
  failures: Counter<'subgraph' | 'reason'>;
}

export function createSubgraphFetchMetrics(registry: Registry): SubgraphFetchMetrics {
  return {
    duration: new Histogram({
      name: 'gateway_subgraph_fetch_duration_seconds',
      help: 'Duration of each HTTP attempt to a subgraph, by subgraph and outcome (ok, http_<status>, timeout, connection, aborted).',
      labelNames: ['subgraph', 'outcome'],
      buckets: LATENCY_BUCKETS,
      registers: [registry],
    }),
    retries: new Counter({
      name: 'gateway_subgraph_fetch_retries_total',
      help: 'Retries of idempotent subgraph reads after a connection error, timeout or 5xx.',
      labelNames: ['subgraph'],
      registers: [registry],
    }),
    failures: new Counter({
      name: 'gateway_subgraph_unavailable_total',
      help: 'Subgraph calls that failed for good (after retries), by reason; each leaves that branch of the answer null.',
      labelNames: ['subgraph', 'reason'],
      registers: [registry],
    }),
  };
}

/** The gateway's circuit breakers (gateway/src/circuit-breaker.ts) and its view of each subgraph's health. */
export interface SubgraphHealthMetrics {
  circuitState: Gauge<'subgraph'>;
  circuitTransitions: Counter<'subgraph' | 'from' | 'to'>;
  circuitRefused: Counter<'subgraph'>;
  up: Gauge<'subgraph'>;
}

/** `collectUp` runs on each scrape, before gateway_subgraph_up is read (it probes the subgraphs). */
export function createSubgraphHealthMetrics(registry: Registry, collectUp?: (up: Gauge<'subgraph'>) => Promise<void>): SubgraphHealthMetrics {
  return {
    circuitState: new Gauge({
      name: 'gateway_subgraph_circuit_state',
      help: "State of each subgraph's circuit breaker: 0 closed (calls go through), 1 half-open (probing), 2 open (calls refused at once).",
      labelNames: ['subgraph'],
      registers: [registry],
    }),
    circuitTransitions: new Counter({
      name: 'gateway_subgraph_circuit_transitions_total',
      help: 'Circuit breaker state changes, by subgraph and states (closed, half_open, open).',
      labelNames: ['subgraph', 'from', 'to'],
      registers: [registry],
    }),
    circuitRefused: new Counter({
      name: 'gateway_subgraph_circuit_refused_total',
      help: 'Subgraph calls refused without being sent because the circuit was open.',
      labelNames: ['subgraph'],
      registers: [registry],
    }),
    up: new Gauge({
      name: 'gateway_subgraph_up',
      help: "1 when the subgraph answered its readiness probe (its /ready, or a { __typename } query) within READY_TIMEOUT_MS at this scrape, 0 otherwise.",
      labelNames: ['subgraph'],
      registers: [registry],
      ...(collectUp ? { async collect(this: Gauge<'subgraph'>) { await collectUp(this); } } : {}),
    }),
  };
}

/** The gateway's caches and shared calls (plugins/response-cache.ts, deduplicate.ts, query-plan-cache.ts). */
export interface GatewayCacheMetrics {
  responseCache: Counter<'event'>;
  sharedFetches: Counter<'subgraph'>;
  /** Requests answered by an identical execution already in flight (gateway/src/plugins/inbound-deduplication.ts). */
  sharedRequests: Counter;
  queryPlans: Counter<'result'>;
}

export function createGatewayCacheMetrics(registry: Registry): GatewayCacheMetrics {
  return {
    responseCache: new Counter({
      name: 'gateway_response_cache_total',
      help: 'Response cache events: hit, miss (a cacheable operation looked up), store, invalidate (a mutation emptied the cache).',
      labelNames: ['event'],
      registers: [registry],
    }),
    sharedFetches: new Counter({
      name: 'gateway_subgraph_fetch_shared_total',
      help: 'Subgraph queries not sent because an identical one was in flight: they shared its answer.',
      labelNames: ['subgraph'],
      registers: [registry],
    }),
    sharedRequests: new Counter({
      name: 'gateway_inbound_requests_shared_total',
      help: 'GraphQL queries not executed because an identical one from the same caller identity was in flight: they got its answer.',
      registers: [registry],
    }),
    queryPlans: new Counter({
      name: 'gateway_query_plan_cache_total',
      help: 'Query plan lookups, by result: hit (planned before) or miss (planned now).',
      labelNames: ['result'],
      registers: [registry],
    }),
  };
}

/** What the gateway's execution admission holds (gateway/src/execution-admission.ts), read at each scrape. */
export function observeExecutionAdmission(registry: Registry, admission: { limit: number; active: number; queued: number }): void {
  const gauges = [
    ['gateway_executions_limit', 'Executions the gateway runs at once now (MAX_CONCURRENT_EXECUTIONS: adapted to the CPU, or fixed).', () => admission.limit],
    ['gateway_executions_active', 'Executions running.', () => admission.active],
    ['gateway_executions_queued', 'Requests waiting for an execution to finish before theirs starts.', () => admission.queued],
  ] as const;
  for (const [name, help, read] of gauges) {
    new Gauge({ name, help, registers: [registry], collect() { this.set(read()); } });
  }
}

/** MongoDB command durations from the driver's command monitoring (needs `monitorCommands: true`). */
export function instrumentMongoCommands(client: MongoClient, registry: Registry): () => void {
  const duration = new Histogram({
    name: 'mongodb_command_duration_seconds',
    help: 'Duration of MongoDB commands sent by this server, by command name and outcome.',
    labelNames: ['command', 'outcome'],
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 5],
    registers: [registry],
  });
  const succeeded = (event: { commandName: string; duration: number }) => duration.observe({ command: event.commandName, outcome: 'ok' }, event.duration / 1000);
  const failed = (event: { commandName: string; duration: number }) => duration.observe({ command: event.commandName, outcome: 'error' }, event.duration / 1000);
  client.on('commandSucceeded', succeeded);
  client.on('commandFailed', failed);
  return () => {
    client.off('commandSucceeded', succeeded);
    client.off('commandFailed', failed);
  };
}

/** Writes the registry in Prometheus' text format. */
export async function sendMetrics(registry: Registry, response: ServerResponse): Promise<void> {
  const text = await registry.metrics();
  response.writeHead(200, { 'content-type': registry.contentType, 'content-length': Buffer.byteLength(text) });
  response.end(text);
}

/** GET /metrics: the registry in Prometheus' text format. */
export function metricsRoute(registry: Registry, path = '/metrics'): Route {
  return async (request, response) => {
    if (request.method !== 'GET' || new URL(request.url ?? '/', 'http://localhost').pathname !== path) return false;
    await sendMetrics(registry, response);
    return true;
  };
}
