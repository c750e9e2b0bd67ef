import { ApolloGateway } from '@apollo/gateway';
import { ApolloServer } from '@apollo/server';
import { ApolloServerPluginLandingPageDisabled } from '@apollo/server/plugin/disabled';
import { corsRoute } from '../../platform/cors';
import { createGraphQLHttpServer, healthRoute, listen, type RunningServer } from '../../platform/http';
import { createLogger } from '../../platform/logger';
import { createGatewayCacheMetrics, createServerMetrics, createSubgraphFetchMetrics, metricsRoute } from '../../platform/metrics';
import { observabilityPlugin } from '../../platform/observability';
import type { GatewayConfig } from './config';
import { SubgraphDataSource, forwardedHeaders, type GatewayContext } from './datasource';
import { formatGatewayError } from './errors';
import { gatewayAuth, type AuthContext } from './plugins/auth';
import { deduplicateSubgraphRequests } from './plugins/deduplicate';
import { limitsPlugin } from './plugins/limits';
import { observedQueryPlanCache } from './plugins/query-plan-cache';
import { privateWhenAuthenticated, responseCache } from './plugins/response-cache';
import { checkSubgraphs, subgraphEndpoints, type SubgraphEndpoint } from './readiness';
import { observedCalls } from './subgraph-fetch';
import { supergraphFromFile } from './supergraph-file';
import { ServiceLabels } from './unavailable';

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

/** Builds the federation gateway over any supergraph file; `listen` opens the port. */
export function createGateway(config: GatewayConfig): Gateway {
  disableApolloTelemetryByDefault();
  const logger = createLogger('gateway');
  const metrics = createServerMetrics('gateway');
  const calls = observedCalls(createSubgraphFetchMetrics(metrics.registry), logger);
  const cacheMetrics = createGatewayCacheMetrics(metrics.registry);
  const labels = new ServiceLabels();
  const auth = gatewayAuth(config.auth);
  const deduplication = config.deduplicateSubgraphRequests ? deduplicateSubgraphRequests<GatewayContext & AuthContext>({ onShared: (subgraph) => cacheMetrics.sharedFetches.inc({ subgraph }) }) : null;
  const cache = config.responseCache.enabled
    ? responseCache<GatewayContext & AuthContext>({ maxEntries: config.responseCache.maxEntries, observe: (event) => cacheMetrics.responseCache.inc({ event }) })
    : null;
  const gateway = new ApolloGateway({
    supergraphSdl: auth.supergraph(supergraphFromFile(config.supergraphPath, config.watchSupergraph)),
    queryPlannerConfig: { cache: observedQueryPlanCache((hit) => cacheMetrics.queryPlans.inc({ result: hit ? 'hit' : 'miss' })) },
    buildService: ({ name, url }) =>
      new SubgraphDataSource(config.subgraphUrls[name] ?? url ?? '', config.subgraphTimeoutMs, {
        service: name,
        retries: config.subgraphRetries,
        backoffMs: config.subgraphRetryBackoffMs,
        subsidiaryOf: (service) => labels.subsidiaryOf(service),
        layers: deduplication ? [deduplication.layer] : [],
        ...calls,
      }),
  });
  // readiness asks the subgraphs of the supergraph in force; failures name subsidiaries only in ours
  let endpoints: SubgraphEndpoint[] | undefined;
  gateway.onSchemaLoadOrUpdate(({ apiSchema, coreSupergraphSdl }) => {
    labels.update(apiSchema);
    endpoints = subgraphEndpoints(coreSupergraphSdl, config.subgraphUrls);
  });
  const ready = async () => {
    if (!endpoints) return { ok: false, details: { supergraph: 'not loaded' } };
    const { ok, subgraphs } = await checkSubgraphs(endpoints, config.readyTimeoutMs);
    return { ok, details: { supergraph: 'loaded', subgraphs } };
  };
  const apollo = new ApolloServer<GatewayContext & AuthContext>({
    gateway,
    introspection: config.introspection,
    includeStacktraceInErrorResponses: !config.production,
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
      limitsPlugin<GatewayContext>(config.limits),
      ...(deduplication ? [deduplication.plugin] : []),
      ...(cache ? [cache.plugin] : []),
      privateWhenAuthenticated(),
      ...(config.landingPage ? [] : [ApolloServerPluginLandingPageDisabled()]),
    ],
  });

  return {
    async listen(port = config.port, host = config.host) {
      await apollo.start();
      const server = createGraphQLHttpServer<GatewayContext & AuthContext>({
        apollo,
        maxBodyBytes: config.maxBodyBytes,
        context: async (request) => ({ forwardedHeaders: forwardedHeaders(request.headers), ...(await auth.context(request)) }),
        routes: [...(config.corsOrigins.length > 0 ? [corsRoute(config.corsOrigins)] : []), healthRoute('/health', async () => ({ ok: true })), healthRoute('/ready', ready, config.readyTimeoutMs + 500), metricsRoute(metrics.registry)],
        observability: { logger, metrics },
      });
      const running = await listen(server, port, host, '/graphql', config.shutdownTimeoutMs);
      return {
        ...running,
        close: async () => {
          await running.close();
          await apollo.stop();
        },
      };
    },
  };
}
