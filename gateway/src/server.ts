import { ApolloGateway } from '@apollo/gateway';
import { ApolloServer } from '@apollo/server';
import { ApolloServerPluginLandingPageDisabled } from '@apollo/server/plugin/disabled';
import { createGraphQLHttpServer, healthRoute, listen, type RunningServer } from '../../platform/http';
import type { GatewayConfig } from './config';
import { SubgraphDataSource, forwardedHeaders, type GatewayContext } from './datasource';
import { formatGatewayError } from './errors';
import { supergraphFromFile } from './supergraph-file';

export interface Gateway {
  listen(port?: number, host?: string): Promise<RunningServer>;
}

/** Builds the federation gateway over any supergraph file; `listen` opens the port. */
export function createGateway(config: GatewayConfig): Gateway {
  const gateway = new ApolloGateway({
    supergraphSdl: supergraphFromFile(config.supergraphPath, config.watchSupergraph),
    buildService: ({ name, url }) => new SubgraphDataSource(config.subgraphUrls[name] ?? url ?? '', config.subgraphTimeoutMs),
  });
  const apollo = new ApolloServer<GatewayContext>({
    gateway,
    introspection: config.introspection,
    includeStacktraceInErrorResponses: !config.production,
    formatError: formatGatewayError(config.production),
    csrfPrevention: true,
    // main.ts closes the HTTP server, then Apollo, on SIGINT/SIGTERM; Apollo's own handler would stop
    // Apollo first and re-raise the signal, killing the process (exit 143) mid-shutdown.
    stopOnTerminationSignals: false,
    plugins: config.production ? [ApolloServerPluginLandingPageDisabled()] : [],
  });

  return {
    async listen(port = config.port, host = config.host) {
      await apollo.start();
      const server = createGraphQLHttpServer<GatewayContext>({
        apollo,
        maxBodyBytes: config.maxBodyBytes,
        context: async (request) => ({ forwardedHeaders: forwardedHeaders(request.headers) }),
        routes: [healthRoute('/health', async () => ({ ok: true }))],
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
