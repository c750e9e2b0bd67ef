import type { GraphQLFormattedError } from 'graphql';

/** Codes the gateway passes through untouched: raised on purpose by a subgraph or by GraphQL validation. */
const PASS_THROUGH = new Set([
  'BAD_USER_INPUT',
  'NOT_FOUND',
  'WRONG_SUBSIDIARY',
  'VERSION_CONFLICT',
  'IDEMPOTENCY_KEY_REUSED',
  'INVALID_STATE',
  'EXCHANGE_RATE_MISSING',
  'CONSOLIDATION_INCOMPLETE',
  'SUBSIDIARY_UNAVAILABLE',
  'SUBGRAPH_UNAVAILABLE',
  'GRAPHQL_PARSE_FAILED',
  'GRAPHQL_VALIDATION_FAILED',
  'BAD_REQUEST',
  'PERSISTED_QUERY_NOT_FOUND',
  'PERSISTED_QUERY_NOT_SUPPORTED',
  'OPERATION_RESOLUTION_FAILURE',
  'UNAUTHENTICATED',
  'FORBIDDEN',
  // plugins/limits.ts
  'QUERY_TOO_DEEP',
  'TOO_MANY_ALIASES',
  'QUERY_TOO_COSTLY',
  'PAGE_SIZE_TOO_LARGE',
  'REQUEST_TIMEOUT',
]);

/**
 * In production, an error nobody raised on purpose loses its message and details; the path and a
 * stable code stay, and a failed subgraph call keeps the subgraph's name so callers see which
 * branch is missing.
 */
export function formatGatewayError(production: boolean) {
  return (formatted: GraphQLFormattedError): GraphQLFormattedError => {
    const extensions = formatted.extensions ?? {};
    const code = typeof extensions.code === 'string' ? extensions.code : 'INTERNAL_SERVER_ERROR';
    if (!production) return formatted;
    if (PASS_THROUGH.has(code)) {
      // a subgraph running in development mode sends its stack trace in extensions: drop it
      if (!('stacktrace' in extensions)) return formatted;
      const { stacktrace: _stacktrace, ...rest } = extensions;
      return { ...formatted, extensions: rest };
    }
    const serviceName = typeof extensions.serviceName === 'string' ? extensions.serviceName : undefined;
    return {
      message: serviceName ? `Subgraph ${serviceName} failed` : 'Internal server error',
      ...(formatted.path ? { path: formatted.path } : {}),
      extensions: { code: serviceName ? 'SUBGRAPH_FAILED' : code, ...(serviceName ? { serviceName } : {}) },
    };
  };
}
