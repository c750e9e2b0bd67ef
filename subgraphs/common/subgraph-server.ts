import type { IncomingMessage } from 'node:http';
import { ApolloServer, type BaseContext } from '@apollo/server';
import { ApolloServerPluginInlineTraceDisabled } from '@apollo/server/plugin/disabled';
import { buildSubgraphSchema } from '@apollo/subgraph';
import type { GraphQLResolverMap } from '@apollo/subgraph/dist/schema-helper';
import { parse, type GraphQLFormattedError } from 'graphql';
import type { MongoClient } from 'mongodb';
import { createGraphQLHttpServer, healthRoute, listen, type RunningServer } from '../../platform/http';
import { ERRORS } from './errors';

export interface SubgraphOptions<TContext extends BaseContext> {
  name: string;
  typeDefs: string;
  resolvers: GraphQLResolverMap<TContext>;
  context: (request: IncomingMessage) => Promise<TContext>;
  mongo: MongoClient;
  /** Production mode hides stack traces and unexpected error messages. */
  production: boolean;
}

export interface Subgraph {
  name: string;
  listen(port: number, host: string): Promise<RunningServer>;
}

const CLIENT_CODES = new Set<string>([
  ...Object.keys(ERRORS),
  'GRAPHQL_PARSE_FAILED',
  'GRAPHQL_VALIDATION_FAILED',
  'BAD_REQUEST',
  'PERSISTED_QUERY_NOT_FOUND',
  'PERSISTED_QUERY_NOT_SUPPORTED',
  'OPERATION_RESOLUTION_FAILURE',
]);

/** Errors raised on purpose pass through; anything else is logged and masked. */
export function maskUnexpectedErrors(name: string, production: boolean) {
  return (formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError => {
    const code = formatted.extensions?.code;
    if (typeof code === 'string' && CLIENT_CODES.has(code) && code !== 'INTERNAL_SERVER_ERROR') return formatted;
    console.error(`[${name}] unexpected error`, error);
    if (!production) return formatted;
    return { message: 'Internal server error', ...(formatted.path ? { path: formatted.path } : {}), extensions: { code: 'INTERNAL_SERVER_ERROR' } };
  };
}

/** Builds a subgraph server; `listen` is the only place it opens a port. */
export function createSubgraphServer<TContext extends BaseContext>(options: SubgraphOptions<TContext>): Subgraph {
  const apollo = new ApolloServer<TContext>({
    schema: buildSubgraphSchema({ typeDefs: parse(options.typeDefs), resolvers: options.resolvers as GraphQLResolverMap<unknown> }),
    includeStacktraceInErrorResponses: !options.production,
    formatError: maskUnexpectedErrors(options.name, options.production),
    csrfPrevention: true,
    plugins: [ApolloServerPluginInlineTraceDisabled()],
  });
  const ready = async () => {
    try {
      await options.mongo.db('admin').command({ ping: 1 });
      return { ok: true, details: { mongodb: 'up' } };
    } catch {
      return { ok: false, details: { mongodb: 'down' } };
    }
  };
  return {
    name: options.name,
    async listen(port, host) {
      await apollo.start();
      const server = createGraphQLHttpServer({
        apollo,
        context: options.context,
        routes: [healthRoute('/health', async () => ({ ok: true })), healthRoute('/ready', ready)],
      });
      const running = await listen(server, port, host);
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
