import type { GraphQLFormattedError } from 'graphql';

/** Codes that mean "nobody raised this on purpose": their message and details may reveal internals. */
const UNEXPECTED = new Set(['INTERNAL_SERVER_ERROR', 'DOWNSTREAM_SERVICE_ERROR']);

/**
 * Production error masking that works for any supergraph: an error carrying a code of its own was
 * raised on purpose (by a subgraph, GraphQL validation or a gateway plugin) and keeps its message
 * and code, without a stack trace; anything else loses its message and details, keeping the path,
 * a stable code, and the subgraph's name when a subgraph call failed.
 */
export function formatGatewayError(production: boolean) {
  return (formatted: GraphQLFormattedError): GraphQLFormattedError => {
    if (!production) return formatted;
    const { stacktrace: _stacktrace, ...extensions } = formatted.extensions ?? {};
    const code = typeof extensions.code === 'string' ? extensions.code : 'INTERNAL_SERVER_ERROR';
    if (!UNEXPECTED.has(code)) return { ...formatted, extensions };
    const serviceName = typeof extensions.serviceName === 'string' ? extensions.serviceName : undefined;
    return {
      message: serviceName ? `Subgraph ${serviceName} failed` : 'Internal server error',
      ...(formatted.path ? { path: formatted.path } : {}),
      extensions: { code: serviceName ? 'SUBGRAPH_FAILED' : code, ...(serviceName ? { serviceName } : {}) },
    };
  };
}
