import type { IncomingMessage } from 'node:http';
import { ApolloServer } from '@apollo/server';
import { ApolloServerPluginInlineTraceDisabled, ApolloServerPluginLandingPageDisabled } from '@apollo/server/plugin/disabled';
import { buildSubgraphSchema } from '@apollo/subgraph';
import type { GraphQLResolverMap } from '@apollo/subgraph/dist/schema-helper';
import { parse, type GraphQLFormattedError } from 'graphql';
import type { MongoClient } from 'mongodb';
import type { AuthConfig, Principal } from '../../platform/auth';
import { ScopePolicy, type ScopeRequirement } from '../../platform/authorization';
import { createGraphQLHttpServer, healthRoute, listen, type Route, type RunningServer } from '../../platform/http';
import { DEFAULT_HTTP_LIMITS, type HttpLimits } from '../../platform/http-limits';
import { createLogger, type Logger } from '../../platform/logger';
import { createServerMetrics, instrumentMongoCommands, metricsRoute } from '../../platform/metrics';
import { observabilityPlugin } from '../../platform/observability';
import { OPEN_OPS_ACCESS, listenOps, loadOpsAccess, opsRoutes, readyDetailsFor, type OpsAccess } from '../../platform/ops-access';
import { accessPlugin, defaultGatewayCallPolicy, subgraphGate, type AuthenticatedContext, type GatewayCallPolicy } from './auth';
import { ERRORS } from './errors';
import { subgraphLimitsPlugin } from './limits';
import { databaseUnavailableError, isDatabaseUnavailable } from './unavailable';

export interface SubgraphOptions<TContext extends AuthenticatedContext> {
  name: string;
  typeDefs: string;
  resolvers: GraphQLResolverMap<TContext>;
  /** Called once the request's token is verified; the principal goes into the context. */
  context: (request: IncomingMessage, principal: Principal) => Promise<TContext>;
  /** Token verification; every request without a valid token is refused (subgraphs/common/auth.ts). */
  auth: AuthConfig;
  /** What a mutation without its own @requiresScopes needs; by default nothing allows it (fail closed). */
  unannotatedMutationScopes?: ScopeRequirement;
  mongo: MongoClient;
  /** Production mode hides stack traces and unexpected error messages. */
  production: boolean;
  /** Stops the subgraph's background work, once the server no longer serves. */
  onClose?: () => Promise<void>;
  /** More HTTP routes before GraphQL (the group subgraph's /fiscal-year-orders). */
  routes?: Route[];
}

/** How long /ready waits for MongoDB's ping before reporting it down. */
const READY_PING_TIMEOUT_MS = 1_000;

/**
 * What the subgraph's HTTP edge enforces, set when it starts listening (subgraphs/config.ts reads
 * it from the environment): the gateway's keys and what unsigned calls may do, the HTTP limits,
 * and who reads /metrics.
 */
export interface SubgraphEdge {
  gatewayCalls: GatewayCallPolicy;
  http: HttpLimits;
  ops: OpsAccess;
  /** MAX_BODY_BYTES: the largest request body (1 MiB unless set). */
  maxBodyBytes?: number;
}

export const DEFAULT_MAX_BODY_BYTES = 1_048_576;

/** Without settings: no gateway key (fail closed), default limits, operational routes as the mode's default. */
export function defaultSubgraphEdge(production: boolean): SubgraphEdge {
  return { gatewayCalls: defaultGatewayCallPolicy(production), http: DEFAULT_HTTP_LIMITS, ops: production ? loadOpsAccess({}, true) : OPEN_OPS_ACCESS };
}

export interface Subgraph {
  name: string;
  listen(port: number, host: string, edge?: SubgraphEdge): Promise<RunningServer>;
}

/** The routes only operators read (platform/ops-access.ts). */
const OPS_PATHS = ['/metrics'];

const CLIENT_CODES = new Set<string>([
  ...Object.keys(ERRORS),
  'GRAPHQL_PARSE_FAILED',
  'GRAPHQL_VALIDATION_FAILED',
  'BAD_REQUEST',
  'PERSISTED_QUERY_NOT_FOUND',
  'PERSISTED_QUERY_NOT_SUPPORTED',
  'OPERATION_RESOLUTION_FAILURE',
]);

/** Errors raised on purpose pass through; a database outage names the subsidiary; anything else is logged and masked. */
export function maskUnexpectedErrors(name: string, production: boolean, logger?: Logger) {
  return (formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError => {
    const code = formatted.extensions?.code;
    if (typeof code === 'string' && CLIENT_CODES.has(code) && code !== 'INTERNAL_SERVER_ERROR') return formatted;
    if (isDatabaseUnavailable(error)) {
      logger?.warn({ err: error, path: formatted.path }, 'database unavailable');
      return databaseUnavailableError(name, formatted);
    }
    if (logger) logger.error({ err: error, path: formatted.path }, 'unexpected error');
    else console.error(`[${name}] unexpected error`, error);
    if (!production) return formatted;
    return { message: 'Internal server error', ...(formatted.path ? { path: formatted.path } : {}), extensions: { code: 'INTERNAL_SERVER_ERROR' } };
  };
}

/** Builds a subgraph server; `listen` is the only place it opens a port. */
export function createSubgraphServer<TContext extends AuthenticatedContext>(options: SubgraphOptions<TContext>): Subgraph {
  const typeDefs = parse(options.typeDefs);
  const schema = buildSubgraphSchema({ typeDefs, resolvers: options.resolvers as GraphQLResolverMap<unknown> });
  const logger = createLogger(options.name);
  const metrics = createServerMetrics(options.name);
  instrumentMongoCommands(options.mongo, metrics.registry);
  const apollo = new ApolloServer<TContext>({
    schema,
    includeStacktraceInErrorResponses: !options.production,
    formatError: maskUnexpectedErrors(options.name, options.production, logger),
    csrfPrevention: true,
    introspection: !options.production,
    // no "Did you mean …?" naming fields of the schema in production
    hideSchemaDetailsFromClientErrors: options.production,
    // subgraphs/main.ts drains and closes on SIGINT/SIGTERM; Apollo's own handler would stop Apollo
    // first and re-raise the signal, ending the process (exit 143) before the drain finishes
    stopOnTerminationSignals: false,
    plugins: [
      ApolloServerPluginInlineTraceDisabled(),
      observabilityPlugin<TContext>(),
      // what needs the gateway's signature, then @requiresScopes in the SDL, enforced before execution
      accessPlugin<TContext>(options.name, ScopePolicy.fromSdl(schema, typeDefs, options.unannotatedMutationScopes ?? [])),
      // the gateway's depth, alias and cost limits, and bounds on entity representations, for whoever calls
      subgraphLimitsPlugin<TContext>(),
      ...(options.production ? [ApolloServerPluginLandingPageDisabled()] : []),
    ],
  });
  // a ping bounded well below the driver's server selection timeout: readiness answers fast when MongoDB is gone
  const ready = async () => {
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error('ping timed out')), READY_PING_TIMEOUT_MS);
    });
    try {
      await Promise.race([options.mongo.db('admin').command({ ping: 1 }), deadline]);
      return { ok: true, details: { mongodb: 'up' } };
    } catch {
      return { ok: false, details: { mongodb: 'down' } };
    } finally {
      clearTimeout(timer);
    }
  };
  return {
    name: options.name,
    async listen(port, host, edge = defaultSubgraphEdge(options.production)) {
      // fails before anything listens when no token can be verified
      const gate = subgraphGate(options.name, options.auth, edge.gatewayCalls);
      await apollo.start();
      const readyDetails = readyDetailsFor(edge.ops, options.production);
      const metricsRoutes = [metricsRoute(metrics.registry)];
      const server = createGraphQLHttpServer({
        apollo,
        gate,
        limits: edge.http,
        maxBodyBytes: edge.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES,
        context: async (request, caller) => Object.assign(await options.context(request, caller.principal), { gatewayCall: caller.gateway, directAccess: edge.gatewayCalls.directAccess }),
        routes: [healthRoute('/health', async () => ({ ok: true })), healthRoute('/ready', ready, undefined, readyDetails), opsRoutes(edge.ops, 'service', OPS_PATHS, metricsRoutes), ...(options.routes ?? [])],
        observability: { logger, metrics },
      });
      const running = await listen(server, port, host);
      const ops = await listenOps(edge.ops, host, edge.http, [...OPS_PATHS, '/ready'], [healthRoute('/ready', ready), ...metricsRoutes]).catch(async (error: unknown) => {
        await running.close();
        throw error;
      });
      return {
        ...running,
        ...(ops ? { opsUrl: new URL(ops.url).origin } : {}),
        close: async () => {
          await ops?.close();
          await running.close();
          await options.onClose?.();
          await apollo.stop();
        },
      };
    },
  };
}
