import { Supergraph } from '@apollo/federation-internals';
import type { GraphQLSchema } from 'graphql';
import { enforcedSupergraph } from './plugins/auth';

/**
 * The API schema of a supergraph file, as the gateway serves it to clients (join and link
 * directives removed, @inaccessible elements hidden), for checking operations offline: the
 * manifest script and its tests. The running gateway gets the same schema from Apollo Gateway.
 */
export function apiSchemaOf(supergraphSdl: string): GraphQLSchema {
  return Supergraph.build(enforcedSupergraph(supergraphSdl, true)).apiSchema().toGraphQLJSSchema();
}
