import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ApolloServerPlugin, BaseContext } from '@apollo/server';
import { requestIdFrom, requestScope, type Logger, type RequestScope } from './logger';
import type { ServerMetrics } from './metrics';

/** What the HTTP layer logs and counts; both optional (a bare server stays silent). */
export interface Observability {
  logger?: Logger;
  metrics?: ServerMetrics;
}

/**
 * Fills the request's scope (platform/logger.ts) with what only Apollo knows: the operation's name
 * and type, and the error codes of the answer as sent. Servers built with createGraphQLHttpServer add it.
 */
export function observabilityPlugin<TContext extends BaseContext>(): ApolloServerPlugin<TContext> {
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ operationName, operation }) {
          const scope = requestScope.getStore();
          if (!scope) return;
          scope.operationName = operationName ?? null;
          scope.operationType = operation?.operation;
        },
        async willSendResponse({ response }) {
          const scope = requestScope.getStore();
          if (!scope) return;
          // read once the response is written: plugins after this one may still change it (the gateway's limits)
          scope.settle = () => {
            if (response.body.kind !== 'single') return;
            const { data, errors } = response.body.singleResult;
            scope.errorCodes = (errors ?? []).map((error) => String(error.extensions?.code ?? 'UNKNOWN'));
            scope.hasData = data !== null && data !== undefined;
          };
        },
      };
    },
  };
}

function routeOf(pathname: string, graphqlPath: string): string {
  if (pathname === graphqlPath) return 'graphql';
  if (pathname === '/health' || pathname === '/ready' || pathname === '/metrics') return pathname.slice(1);
  return 'other';
}

function outcomeOf(scope: RequestScope, status: number): 'success' | 'partial' | 'error' {
  if (scope.errorCodes.length === 0 && status < 400) return 'success';
  return scope.hasData ? 'partial' : 'error';
}

/**
 * Runs `handle` inside a request scope: the caller's x-request-id (or a new one) is put on the
 * request (so it is forwarded) and on the response; when the response ends, one log line and the
 * request's metrics are written.
 */
export function observeRequest(
  request: IncomingMessage,
  response: ServerResponse,
  graphqlPath: string,
  { logger, metrics }: Observability,
  handle: () => Promise<void>,
): Promise<void> {
  const scope: RequestScope = { requestId: requestIdFrom(request.headers['x-request-id']), errorCodes: [] };
  request.headers['x-request-id'] = scope.requestId;
  response.setHeader('x-request-id', scope.requestId);
  const started = process.hrtime.bigint();
  const pathname = new URL(request.url ?? '/', 'http://localhost').pathname;
  const route = routeOf(pathname, graphqlPath);

  response.once('close', () => {
    scope.settle?.();
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    const status = response.statusCode;
    const finished = response.writableFinished;
    metrics?.httpRequests.inc({ route, method: request.method ?? 'GET', status: String(status) });
    if (route === 'graphql') {
      const operationType = scope.operationType ?? 'unknown';
      const outcome = outcomeOf(scope, status);
      metrics?.graphqlRequests.inc({ operation_type: operationType, outcome });
      metrics?.graphqlDuration.observe({ operation_type: operationType, outcome }, seconds);
      for (const code of scope.errorCodes) metrics?.graphqlErrors.inc({ code });
    }
    if (!logger) return;
    const line = {
      requestId: scope.requestId,
      method: request.method,
      path: pathname,
      status,
      durationMs: Math.round(seconds * 1000 * 10) / 10,
      ...(route === 'graphql' ? { operationName: scope.operationName ?? null, operationType: scope.operationType ?? null } : {}),
      ...(scope.errorCodes.length > 0 ? { errors: scope.errorCodes } : {}),
      ...(scope.shared ? { shared: true } : {}),
      ...(finished ? {} : { aborted: true }),
    };
    if (status >= 500) logger.warn(line, 'request failed');
    else if (route === 'graphql') logger.info(line, 'graphql request');
    else logger.debug(line, 'request');
  });

  return requestScope.run(scope, handle);
}
