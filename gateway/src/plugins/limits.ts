import type { ApolloServerPlugin, BaseContext } from '@apollo/server';
import { GraphQLError } from 'graphql';
import { RequestDeadlineExceeded } from '../deadline';
import { DEFAULT_LIST_SIZE, OPERATION_LIMIT_CODES, limitBreach, measureOperation, type OperationLimits } from '../../../platform/measure-operation';

/** Bounds on one operation; see config.ts for the environment variables and defaults. */
export interface QueryLimits extends OperationLimits {
  /** Largest `first`/`last` a caller may pass. */
  maxPageSize: number;
  /** The whole request, from parsing to the last subgraph answer. */
  requestTimeoutMs: number;
  /** Items a list field without `first`/`last` is assumed to return in the cost estimate. */
  defaultListSize?: number;
}

/** The codes this plugin answers with (passed through in production by errors.ts). */
export const LIMIT_ERROR_CODES = {
  ...OPERATION_LIMIT_CODES,
  timeout: 'REQUEST_TIMEOUT',
} as const;

/** The plugin gives each request's context a signal that aborts (with RequestDeadlineExceeded) when the request runs out of time. */
export interface OperationSignalContext extends BaseContext {
  signal?: AbortSignal;
}

/**
 * Query limits for any supergraph (measured by platform/measure-operation.ts, which every subgraph's
 * limits share): refuses, before any subgraph is called, an operation too deep,
 * with too many aliases, too costly by estimate, or asking for too large a page (HTTP 400); and bounds
 * the whole request in time: the context's `signal` aborts the subgraph calls still running, and
 * those that would start later fail at once; each becomes errors at the fields it would have filled
 * (datasource.ts). The answer keeps every field that had arrived and leads its errors with
 * REQUEST_TIMEOUT: HTTP 200 when there is data, 504 when there is none.
 */
export function limitsPlugin<TContext extends OperationSignalContext>(limits: QueryLimits): ApolloServerPlugin<TContext> {
  const defaultListSize = limits.defaultListSize ?? DEFAULT_LIST_SIZE;
  return {
    async requestDidStart({ contextValue }) {
      const deadline = new AbortController();
      const timer = setTimeout(() => deadline.abort(new RequestDeadlineExceeded(limits.requestTimeoutMs)), limits.requestTimeoutMs);
      timer.unref();
      contextValue.signal = contextValue.signal ? AbortSignal.any([contextValue.signal, deadline.signal]) : deadline.signal;

      return {
        async didResolveOperation({ schema, document, request }) {
          const measures = measureOperation(schema, document, { operationName: request.operationName, variables: request.variables, defaultListSize });
          if (!measures) return;
          const breach = limitBreach(measures, limits, defaultListSize);
          if (breach) throw new GraphQLError(breach.message, { extensions: { code: breach.code, limit: breach.limit, measured: breach.measured, http: { status: 400 } } });
        },

        async willSendResponse({ response }) {
          clearTimeout(timer);
          if (!deadline.signal.aborted) return;
          const timedOut = {
            message: `The request did not complete within ${limits.requestTimeoutMs} ms: the answer has what had arrived by then, and an error at each field that had not.`,
            extensions: { code: LIMIT_ERROR_CODES.timeout, limit: limits.requestTimeoutMs },
          };
          if (response.body.kind !== 'single') {
            response.http.status = 504;
            response.body = { kind: 'single', singleResult: { errors: [timedOut] } };
            return;
          }
          const result = response.body.singleResult;
          result.errors = [timedOut, ...(result.errors ?? [])];
          response.http.status = result.data === null || result.data === undefined ? 504 : 200;
        },
      };
    },
  };
}
