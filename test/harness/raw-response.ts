import type { GraphQLResponse } from './graphql';

/** A raw answer: status and headers as well as the body. */
export interface RawResponse {
  status: number;
  headers: Headers;
  body: GraphQLResponse;
}
