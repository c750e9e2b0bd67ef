import type { ApolloServerPlugin, BaseContext } from '@apollo/server';
import { GraphQLError } from 'graphql';
import type { GraphQLAnswer } from '../../../platform/http';
import { requestScope } from '../../../platform/logger';
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
  /** When the request runs out of time, epoch ms, if it began before Apollo saw it (a caller that waited for another's answer); else `requestTimeoutMs` from now. */
  deadlineAt?: number;
}

/** The error a request out of time leads its answer with. */
export function timedOutError(requestTimeoutMs: number) {
  return {
    message: `The request did not complete within ${requestTimeoutMs} ms: the answer has what had arrived by then, and an error at each field that had not.`,
    extensions: { code: LIMIT_ERROR_CODES.timeout, limit: requestTimeoutMs },
  };
}

/** The HTTP answer of a request that ran out of time before it executed (it waited for another's answer): no data, 504. */
export function timedOutAnswer(requestTimeoutMs: number): GraphQLAnswer {
  const error = timedOutError(requestTimeoutMs);
  const scope = requestScope.getStore();
  if (scope) {
    scope.errorCodes = [error.extensions.code];
    scope.hasData = false;
  }
  return { status: 504, headers: [['content-type', 'application/json; charset=utf-8']], body: JSON.stringify({ errors: [error] }) };
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
      const left = contextValue.deadlineAt === undefined ? limits.requestTimeoutMs : Math.max(0, contextValue.deadlineAt - Date.now());
      const timer = setTimeout(() => deadline.abort(new RequestDeadlineExceeded(limits.requestTimeoutMs)), left);
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
          const timedOut = timedOutError(limits.requestTimeoutMs);
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
