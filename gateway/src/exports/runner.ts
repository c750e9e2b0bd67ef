import type { IncomingMessage } from 'node:http';
import { HeaderMap, type ApolloServer } from '@apollo/server';
import type { GraphQLFormattedError } from 'graphql';
import type { Principal } from '../../../platform/auth';
import { forwardedHeaders, type GatewayContext } from '../datasource';
import type { AuthContext } from '../plugins/auth';

/** The codes the export routes answer with before streaming (kept in production by errors.ts). */
export const EXPORT_ERROR_CODES = {
  badRequest: 'BAD_USER_INPUT',
  /** A subsidiary's figures are unavailable before anything was written: the export would be incomplete. */
  incomplete: 'EXPORT_INCOMPLETE',
  /** An operation the export runs failed (its errors are attached). */
  failed: 'EXPORT_FAILED',
  /** The supergraph in force lacks what the export reads (another graph than this product's). */
  unavailable: 'EXPORT_UNAVAILABLE',
  /** As many exports are streaming as the gateway allows at once (EXPORTS_MAX_CONCURRENT). */
  busy: 'EXPORT_BUSY',
} as const;

/** An export refused or failed before its first byte: answered with a status and GraphQL-style errors. */
export class ExportError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details: Record<string, unknown> = {},
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }

  get body() {
    return { errors: [{ message: this.message, extensions: { code: this.code, ...this.details } }] };
  }
}

export interface OperationResult<T> {
  data: T | null;
  errors: readonly GraphQLFormattedError[];
  status: number;
}

/** HTTP statuses of refusals, by code, when Apollo Server's response carries none of its own. */
const STATUS_OF_CODE: Record<string, number> = {
  UNAUTHENTICATED: 401,
  FORBIDDEN: 403,
  OPERATION_NOT_TRUSTED: 403,
  QUERY_TOO_DEEP: 400,
  TOO_MANY_ALIASES: 400,
  QUERY_TOO_COSTLY: 400,
  PAGE_SIZE_TOO_LARGE: 400,
  BAD_USER_INPUT: 400,
  GRAPHQL_VALIDATION_FAILED: 400,
  REQUEST_TIMEOUT: 504,
};

/**
 * Runs operations for one caller through the gateway's own Apollo Server (executeOperation), with
 * the caller's verified principal and forwarded headers (its token and request id) as the
 * context: every plugin applies as to a request of the caller's — scopes, trusted documents,
 * query limits and the request deadline, the response cache — and every subgraph call is the
 * gateway's usual one, signed, retried, behind the circuit breaker, checked again by the subgraph.
 */
export class OperationRunner {
  private readonly headers: Record<string, string>;

  constructor(
    private readonly apollo: ApolloServer<GatewayContext & AuthContext>,
    request: IncomingMessage,
    private readonly principal: Principal | undefined,
    /** Aborts when the client goes away: the subgraph calls in flight stop. */
    private readonly signal: AbortSignal,
  ) {
    this.headers = forwardedHeaders(request.headers);
  }

  async run<T>(operationName: string, query: string, variables: Record<string, unknown>): Promise<OperationResult<T>> {
    const http = { method: 'POST', headers: new HeaderMap(Object.entries(this.headers)), search: '', body: {} };
    const contextValue: GatewayContext & AuthContext = { forwardedHeaders: this.headers, signal: this.signal, ...(this.principal ? { principal: this.principal } : {}) };
    const response = await this.apollo.executeOperation<T & Record<string, unknown>>({ query, operationName, variables, http }, { contextValue });
    if (response.body.kind !== 'single') throw new Error(`${operationName} answered incrementally`);
    const { data, errors = [] } = response.body.singleResult;
    const code = String(errors[0]?.extensions?.code ?? '');
    return { data: (data ?? null) as T | null, errors, status: response.http.status ?? (data ? 200 : (STATUS_OF_CODE[code] ?? 502)) };
  }
}

/** Errors as an export reports them: message, code, path and subgraph, nothing internal. */
export function errorSummaries(errors: readonly GraphQLFormattedError[]): Record<string, unknown>[] {
  return errors.slice(0, 10).map((error) => ({
    message: error.message,
    ...(error.path ? { path: error.path } : {}),
    code: error.extensions?.code ?? 'INTERNAL_SERVER_ERROR',
    ...(typeof error.extensions?.serviceName === 'string' ? { serviceName: error.extensions.serviceName } : {}),
  }));
}

/** A refusal or failure of an operation the export needed before its first byte, as the caller's answer. */
export function operationFailed(operationName: string, result: OperationResult<unknown>): ExportError {
  const first = result.errors[0];
  const code = String(first?.extensions?.code ?? EXPORT_ERROR_CODES.failed);
  const status = result.status >= 400 ? result.status : (STATUS_OF_CODE[code] ?? 502);
  const refusal = status === 401 || status === 403 || status === 400;
  return new ExportError(
    status,
    refusal ? code : EXPORT_ERROR_CODES.failed,
    `The export could not run ${operationName}: ${first?.message ?? 'no data'}`,
    { operation: operationName, causes: errorSummaries(result.errors) },
    status === 401 ? { 'www-authenticate': 'Bearer realm="csr", error="invalid_token"' } : {},
  );
}
