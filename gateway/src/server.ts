import { ApolloGateway } from '@apollo/gateway';
import { ApolloServer, type HTTPGraphQLRequest } from '@apollo/server';
import { ApolloServerPluginLandingPageDisabled } from '@apollo/server/plugin/disabled';
import { corsRoute } from '../../platform/cors';
import { createGraphQLHttpServer, healthRoute, listen, type GraphQLCall, type GraphQLExecution, type RunningServer } from '../../platform/http';
import { listenOps, opsRoutes, readyDetailsFor } from '../../platform/ops-access';
import { RequestSigner } from '../../platform/request-signing';
import { createLogger, type Logger } from '../../platform/logger';
import { createGatewayCacheMetrics, createServerMetrics, observeExecutionAdmission, createSubgraphFetchMetrics, createSubgraphHealthMetrics, metricsRoute } from '../../platform/metrics';
import { observabilityPlugin } from '../../platform/observability';
import { CircuitBreaker, CircuitBreakers, observedCircuits } from './circuit-breaker';
import type { GatewayConfig } from './config';
import { SubgraphDataSource, forwardedHeaders, type GatewayContext } from './datasource';
import { formatGatewayError } from './errors';
import { ExecutionAdmission } from './execution-admission';
import { gatewayAuth, type AuthContext } from './plugins/auth';
import { deduplicateSubgraphRequests } from './plugins/deduplicate';
import { deduplicateInboundRequests } from './plugins/inbound-deduplication';
import { exportRoutes } from './exports/routes';
import { loadManifestFile } from './operation-manifest';
import { trustedDocuments } from './plugins/trusted-documents';
import { limitsPlugin, timedOutAnswer } from './plugins/limits';
import { observedQueryPlanCache } from './plugins/query-plan-cache';
import { defaultEntriesPerCaller, privateWhenAuthenticated, responseCache, type CacheStore } from './plugins/response-cache';
import { redisResponseCache } from './plugins/response-store-redis';
import { answersHealth, subgraphEndpoints, type SubgraphEndpoint } from './readiness';
import { observedCalls } from './subgraph-fetch';
import { subgraphStatus } from './subgraph-status';
import { supergraphFromFile } from './supergraph-file';
import { ServiceLabels } from './service-labels';
import { webAppRoute } from './web-app';

/** The routes only operators read (platform/ops-access.ts). */
const OPS_PATHS = ['/subgraphs', '/metrics'];

export interface Gateway {
  listen(port?: number, host?: string): Promise<RunningServer>;
}

/**
 * @apollo/gateway otherwise reports usage to Apollo and probes cloud metadata endpoints
 * (169.254.169.254 and the like) at construction; nothing leaves the machine unless asked for.
 */
export function disableApolloTelemetryByDefault(env: NodeJS.ProcessEnv = process.env): void {
  env.APOLLO_TELEMETRY_DISABLED ??= 'true';
}

export interface GatewayOptions {
  /** Where the gateway's JSON log lines go (default: stdout at LOG_LEVEL). */
  logger?: Logger;
}

/**
 * The logger Apollo's gateway and server write to: ours, with their info messages (multi-line
 * "Gateway successfully loaded schema", "Updated Supergraph SDL was found …") at debug, since the
 * gateway's own lines say the same once (supergraph-file.ts); their warnings and errors stay.
 */
function apolloLogger(logger: Logger) {
  return {
    debug: (message: unknown) => logger.debug(message),
    info: (message: unknown) => logger.debug(message),
    warn: (message: unknown) => logger.warn(message),
    error: (message: unknown) => logger.error(message),
  };
}

/** Builds the federation gateway over any supergraph file; `listen` opens the port. */
export function createGateway(config: GatewayConfig, options: GatewayOptions = {}): Gateway {
  disableApolloTelemetryByDefault();
  const logger = options.logger ?? createLogger('gateway');
  const metrics = createServerMetrics('gateway');
  const calls = observedCalls(createSubgraphFetchMetrics(metrics.registry), logger);
  // the subgraphs of the supergraph in force, for GET /subgraphs and gateway_subgraph_up
  let endpoints: SubgraphEndpoint[] | undefined;
  const health = createSubgraphHealthMetrics(metrics.registry, async () => void (await status.check()));
  const { circuitBreaker } = config;
  const circuits = circuitBreaker.enabled
    ? new CircuitBreakers((service, url) => new CircuitBreaker(service, {
        failureThreshold: circuitBreaker.failureThreshold,
        openMs: circuitBreaker.openMs,
        probe: () => answersHealth(url(), Math.min(config.readyTimeoutMs, config.subgraphTimeoutMs)),
        ...observedCircuits(health, logger),
      }))
    : undefined;
  const status = subgraphStatus({ endpoints: () => endpoints, timeoutMs: config.readyTimeoutMs, circuits, up: health.up });
  const cacheMetrics = createGatewayCacheMetrics(metrics.registry);
  const labels = new ServiceLabels();
  const auth = gatewayAuth(config.auth);
  const trusted = trustedDocuments(config.trustedDocuments, logger);
  const signer = config.signing.key ? new RequestSigner(config.signing.key, config.signing.lifetimeSeconds) : undefined;
  if (!signer) logger.warn('GATEWAY_SIGNING_KEY is not set: subgraph calls go unsigned, and subgraphs that verify signatures refuse their entities (docs/security.md)');
  const deduplication = config.deduplicateSubgraphRequests ? deduplicateSubgraphRequests<GatewayContext & AuthContext>({ onShared: (subgraph) => cacheMetrics.sharedFetches.inc({ subgraph }) }) : null;
  const { requestTimeoutMs } = config.limits;
  const timedOut = () => timedOutAnswer(requestTimeoutMs);
  const inbound = config.deduplicateInboundRequests
    ? deduplicateInboundRequests<GatewayContext & AuthContext, AuthContext>({
        onShared: () => cacheMetrics.sharedRequests.inc(),
        principalOf: (admitted) => admitted.principal,
        deadlineMs: requestTimeoutMs,
        timedOut,
      })
    : null;
  const admission = config.executions ? new ExecutionAdmission(config.executions) : null;
  if (admission) observeExecutionAdmission(metrics.registry, admission);
  // an execution waits for its turn within its request's deadline
  const inTurn = (execute: GraphQLExecution<GatewayContext & AuthContext>): GraphQLExecution<GatewayContext & AuthContext> => {
    if (!admission) return execute;
    return (extra) => {
      const deadlineAt = extra?.deadlineAt ?? Date.now() + requestTimeoutMs;
      return admission.run(deadlineAt, () => execute({ ...extra, deadlineAt }), timedOut);
    };
  };
  // identical requests in flight get one answer, serialized once; the others wait for their turn
  const around = inbound
    ? (call: GraphQLCall<AuthContext>, execute: GraphQLExecution<GatewayContext & AuthContext>) => inbound.answers.around(call, inTurn(execute))
    : admission
      ? (_call: GraphQLCall<AuthContext>, execute: GraphQLExecution<GatewayContext & AuthContext>) => inTurn(execute)()
      : undefined;
  // REDIS_URL: the answers live in Redis, shared by every replica; otherwise in this process
  const { redisUrl, redisTimeoutMs, maxEntries } = config.responseCache;
  const shared =
    config.responseCache.enabled && redisUrl
      ? redisResponseCache({ url: redisUrl, timeoutMs: redisTimeoutMs, logger, registry: metrics.registry, maxEntriesPerCaller: defaultEntriesPerCaller(maxEntries) })
      : null;
  const cache = config.responseCache.enabled
    ? responseCache<GatewayContext & AuthContext, CacheStore>({ maxEntries: config.responseCache.maxEntries, observe: (event) => cacheMetrics.responseCache.inc({ event }), ...(shared ? { store: shared.store } : {}) })
    : null;
  const gateway = new ApolloGateway({
    logger: apolloLogger(logger),
    supergraphSdl: auth.supergraph(supergraphFromFile(config.supergraphPath, config.watchSupergraph, logger)),
    queryPlannerConfig: { cache: observedQueryPlanCache((hit) => cacheMetrics.queryPlans.inc({ result: hit ? 'hit' : 'miss' })) },
    buildService: ({ name, url }) => {
      const target = config.subgraphUrls[name] ?? url ?? '';
      return new SubgraphDataSource(target, config.subgraphTimeoutMs, {
        service: name,
        retries: config.subgraphRetries,
        backoffMs: config.subgraphRetryBackoffMs,
        labelOf: (service) => labels.labelOf(service),
        ...(circuits ? { breaker: circuits.of(name, target) } : {}),
        // the response cache's layer first: it sees every call of a request, shared or not
        layers: [...(cache ? [cache.layer] : []), ...(deduplication ? [deduplication.layer] : [])],
        ...(signer ? { signer } : {}),
        ...calls,
      });
    },
  });
  // failures name subsidiaries and headquarters only when the supergraph declares them
  gateway.onSchemaLoadOrUpdate(({ coreSupergraphSdl }) => {
    labels.update(coreSupergraphSdl);
    endpoints = subgraphEndpoints(coreSupergraphSdl, config.subgraphUrls);
  });
  // ready = this gateway can serve (draining is answered by platform/http.ts); a subgraph being
  // down is a partial answer, not a reason for a load balancer to drop the gateway: see /subgraphs
  const ready = async () => (endpoints ? { ok: true, details: { supergraph: 'loaded' } } : { ok: false, details: { supergraph: 'not loaded' } });
  const apollo = new ApolloServer<GatewayContext & AuthContext>({
    gateway,
    logger: apolloLogger(logger),
    introspection: config.introspection,
    includeStacktraceInErrorResponses: !config.production,
    // no "Did you mean …?" naming fields of the schema in production
    hideSchemaDetailsFromClientErrors: config.production,
    formatError: formatGatewayError(config.production),
    csrfPrevention: true,
    // main.ts closes the HTTP server, then Apollo, on SIGINT/SIGTERM; Apollo's own handler would stop
    // Apollo first and re-raise the signal, killing the process (exit 143) mid-shutdown.
    stopOnTerminationSignals: false,
    // auth and limits refuse in didResolveOperation, which Apollo runs before any plugin may answer
    // (the response cache, in responseForOperation). Order matters at willSendResponse: limits puts
    // its timeout answer in place before the cache decides whether to keep a response, and
    // privateWhenAuthenticated writes before Apollo's cache control plugin (added last)
    plugins: [
      observabilityPlugin(),
      auth.plugin,
      ...(trusted ? [trusted.plugin] : []),
      limitsPlugin<GatewayContext>(config.limits),
      // ahead of the response cache: callers who join an execution neither look it up nor store
      ...(inbound ? [inbound.plugin] : []),
      ...(deduplication ? [deduplication.plugin] : []),
      ...(cache ? [cache.plugin] : []),
      privateWhenAuthenticated(),
      ...(config.landingPage ? [] : [ApolloServerPluginLandingPageDisabled()]),
    ],
  });

  // the exports run the manifest's operations, also when the gateway does not enforce it
  const exportDocuments = () => {
    if (trusted) return trusted.documents;
    const documents = loadManifestFile(config.trustedDocuments.path);
    return () => documents;
  };

  return {
    async listen(port = config.port, host = config.host) {
      await apollo.start();
      const opsOnly = [status.route('/subgraphs'), metricsRoute(metrics.registry)];
      const server = createGraphQLHttpServer<GatewayContext & AuthContext, AuthContext>({
        apollo,
        maxBodyBytes: config.maxBodyBytes,
        limits: config.http,
        // the token is checked before the body is read: a refused caller uploads nothing
        gate: { admit: (request) => auth.context(request) },
        context: async (request, admitted) => ({ forwardedHeaders: forwardedHeaders(request.headers), ...admitted }),
        routes: [
          ...(config.corsOrigins.length > 0 ? [corsRoute(config.corsOrigins)] : []),
          healthRoute('/health', async () => ({ ok: true })),
          healthRoute('/ready', ready, undefined, readyDetailsFor(config.ops, config.production)),
          opsRoutes(config.ops, 'service', OPS_PATHS, opsOnly),
          ...(trusted ? [trusted.route((request) => auth.context(request))] : []),
          ...(config.webApp.enabled ? [webAppRoute({ dir: config.webApp.dir, signIn: { issuer: config.auth.issuer, audience: config.auth.audience, devSignIn: !config.production } })] : []),
          ...(config.exports.enabled ? [exportRoutes({ apollo, admit: (request) => auth.context(request), documents: exportDocuments(), maxPageSize: config.limits.maxPageSize, maxConcurrent: config.exports.maxConcurrent, groupFiscalCalendar: () => labels.groupFiscalCalendar(), logger })] : []),
        ],
        ...(trusted ? { prepare: (request: HTTPGraphQLRequest) => trusted.prepare(request) } : {}),
        ...(around ? { around } : {}),
        observability: { logger, metrics },
      });
      const running = await listen(server, port, host, '/graphql', config.shutdownTimeoutMs, config.drainDelayMs);
      const ops = await listenOps(config.ops, host, config.http, [...OPS_PATHS, '/ready'], [healthRoute('/ready', ready), ...opsOnly]).catch(async (error: unknown) => {
        await running.close();
        throw error;
      });
      return {
        ...running,
        ...(ops ? { opsUrl: new URL(ops.url).origin } : {}),
        close: async () => {
          await ops?.close();
          await running.close();
          await apollo.stop();
          circuits?.dispose();
          admission?.close();
          trusted?.close();
          await shared?.close();
        },
      };
    },
  };
}
