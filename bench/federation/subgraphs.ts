/**
 * The four subgraphs of the federation scenario (Federation 2): accounts owns users, products owns
 * products, inventory adds stock and a shipping estimate that @requires price and weight, reviews
 * adds reviews to users and products and @provides the author's username. Resolvers read the
 * in-memory rows of data.ts: the subgraphs cost little, so that the gateway is what is measured.
 */
import { parse, type DocumentNode } from 'graphql';
import {
  PRODUCTS,
  PRODUCT_BY_UPC,
  REVIEWS_BY_AUTHOR,
  REVIEWS_BY_PRODUCT,
  REVIEW_BY_ID,
  USERS,
  USER_BY_ID,
  inStock,
  page,
  type ProductRow,
  type ReviewRow,
} from './data';

export interface SubgraphDefinition {
  name: string;
  typeDefs: DocumentNode;
  resolvers: Record<string, Record<string, unknown>>;
}

const link = (imports: string[]) => `extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", import: [${imports.map((name) => `"${name}"`).join(', ')}])`;

const accounts: SubgraphDefinition = {
  name: 'accounts',
  typeDefs: parse(`
    ${link(['@key', '@shareable'])}
    type Query {
      me: User
      users(first: Int = 5, offset: Int = 0): [User!]!
    }
    type User @key(fields: "id") {
      id: ID!
      name: String
      username: String @shareable
      birthday: Int
    }
  `),
  resolvers: {
    Query: {
      me: () => USERS[0],
      users: (_: unknown, args: { first: number; offset: number }) => page(USERS, args.first, args.offset),
    },
    User: {
      __resolveReference: (reference: { id: string }) => USER_BY_ID.get(reference.id) ?? null,
    },
  },
};

const products: SubgraphDefinition = {
  name: 'products',
  typeDefs: parse(`
    ${link(['@key'])}
    type Query {
      topProducts(first: Int = 5, offset: Int = 0): [Product!]!
    }
    type Product @key(fields: "upc") {
      upc: String!
      name: String
      price: Int
      weight: Int
    }
  `),
  resolvers: {
    Query: {
      topProducts: (_: unknown, args: { first: number; offset: number }) => page(PRODUCTS, args.first, args.offset),
    },
    Product: {
      __resolveReference: (reference: { upc: string }) => PRODUCT_BY_UPC.get(reference.upc) ?? null,
    },
  },
};

const inventory: SubgraphDefinition = {
  name: 'inventory',
  typeDefs: parse(`
    ${link(['@key', '@external', '@requires'])}
    type Product @key(fields: "upc") {
      upc: String!
      weight: Int @external
      price: Int @external
      inStock: Boolean
      shippingEstimate: Int @requires(fields: "price weight")
    }
  `),
  resolvers: {
    Product: {
      __resolveReference: (reference: { upc: string; price?: number; weight?: number }) => reference,
      inStock: (product: { upc: string }) => inStock(product.upc),
      // free above 1000, otherwise half the weight
      shippingEstimate: (product: Pick<ProductRow, 'price' | 'weight'>) => (product.price > 1_000 ? 0 : Math.round(product.weight / 2)),
    },
  },
};

const reviews: SubgraphDefinition = {
  name: 'reviews',
  typeDefs: parse(`
    ${link(['@key', '@external', '@provides'])}
    type Review @key(fields: "id") {
      id: ID!
      body: String
      author: User @provides(fields: "username")
      product: Product
    }
    type User @key(fields: "id") {
      id: ID!
      username: String @external
      reviews: [Review]
    }
    type Product @key(fields: "upc") {
      upc: String!
      reviews: [Review]
    }
  `),
  resolvers: {
    Review: {
      __resolveReference: (reference: { id: string }) => REVIEW_BY_ID.get(reference.id) ?? null,
      author: (review: ReviewRow) => ({ __typename: 'User', id: review.authorId, username: USER_BY_ID.get(review.authorId)?.username ?? null }),
      product: (review: ReviewRow) => ({ __typename: 'Product', upc: review.upc }),
    },
    User: {
      reviews: (user: { id: string }) => REVIEWS_BY_AUTHOR.get(user.id) ?? [],
    },
    Product: {
      reviews: (product: { upc: string }) => REVIEWS_BY_PRODUCT.get(product.upc) ?? [],
    },
  },
};

export const FEDERATION_SUBGRAPHS: readonly SubgraphDefinition[] = [accounts, products, inventory, reviews];

export function subgraphNamed(name: string): SubgraphDefinition {
  const found = FEDERATION_SUBGRAPHS.find((subgraph) => subgraph.name === name);
  if (!found) throw new Error(`no federation benchmark subgraph "${name}" (have ${FEDERATION_SUBGRAPHS.map((subgraph) => subgraph.name).join(', ')})`);
  return found;
}
