/**
 * The scenario's operation: one deep query across all four subgraphs (users → reviews → product →
 * reviews → author → reviews → product, and top products the same way down), with @requires and
 * @provides on the way. `$offset` picks which users and products: clients with distinct offsets
 * send requests that no gateway can share, nor their subgraph calls.
 */
import type { GraphQLRequest } from '../load';

export const PAGE = 10;

const PRODUCT_FIELDS = 'upc name price weight inStock shippingEstimate';

export const DEEP_QUERY = `query Deep($first: Int!, $offset: Int!) {
  users(first: $first, offset: $offset) {
    id username name
    reviews {
      id body
      product {
        ${PRODUCT_FIELDS}
        reviews { id body author { id username name reviews { id body product { ${PRODUCT_FIELDS} } } } }
      }
    }
  }
  topProducts(first: $first, offset: $offset) {
    ${PRODUCT_FIELDS}
    reviews { id body author { id username name reviews { id body product { ${PRODUCT_FIELDS} } } } }
  }
}`;

export function deepRequest(offset = 0): GraphQLRequest {
  return { query: DEEP_QUERY, variables: { first: PAGE, offset } };
}
