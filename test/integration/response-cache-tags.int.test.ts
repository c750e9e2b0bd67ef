/**
 * The response cache with its fetch layer in the data sources (gateway/src/plugins/response-cache.ts
 * `layer`, outside the deduplication layer, as server.ts wires it), over a graph unrelated to CSR:
 * a catalog and its reviews, two subgraphs with cache hints, over real HTTP. Each cached answer is
 * tagged with the subgraphs its plan called, and a mutation drops only the answers read from the
 * subgraph it wrote to; a mutation that writes nothing (selects only `__typename`, is refused with
 * a refusal's code, was never sent) drops nothing; one caller flooding the cache evicts its own
 * answers, not the others'.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApolloGateway } from '@apollo/gateway';
import { ApolloServer } from '@apollo/server';
import { startStandaloneServer } from '@apollo/server/standalone';
import { composeServices } from '@apollo/composition';
import { buildSubgraphSchema } from '@apollo/subgraph';
import { GraphQLError, parse } from 'graphql';
import { SubgraphDataSource, type GatewayContext } from '../../gateway/src/datasource';
import { deduplicateSubgraphRequests } from '../../gateway/src/plugins/deduplicate';
import { responseCache, type ResponseCacheContext, type ResponseCacheEvent } from '../../gateway/src/plugins/response-cache';
import type { Principal } from '../../platform/auth';

const HINTS = `enum CacheControlScope { PUBLIC PRIVATE }
  directive @cacheControl(maxAge: Int, scope: CacheControlScope, inheritMaxAge: Boolean) on FIELD_DEFINITION | OBJECT | INTERFACE | UNION`;

const catalogTypeDefs = parse(/* GraphQL */ `
  extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", import: ["@key"])
  ${HINTS}
  type Product @key(fields: "upc") @cacheControl(maxAge: 60) {
    upc: ID!
    name: String!
  }
  type Query {
    products: [Product!]! @cacheControl(maxAge: 60)
  }
  type Mutation {
    rename(upc: ID!, name: String!): Product
  }
`);

const reviewsTypeDefs = parse(/* GraphQL */ `
  extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", import: ["@key"])
  ${HINTS}
  type Product @key(fields: "upc") @cacheControl(maxAge: 60) {
    upc: ID!
    reviews: [Review!]!
  }
  type Review @cacheControl(maxAge: 60) {
    body: String!
  }
  type Mutation {
    addReview(upc: ID!, body: String!): Review
  }
`);

const products = new Map([
  ['1', { upc: '1', name: 'Anvil' }],
  ['2', { upc: '2', name: 'Bellows' }],
]);
const reviews = new Map<string, { body: string }[]>([['1', [{ body: 'Heavy' }]]]);
/** Requests each subgraph received. */
const received = { catalog: 0, reviews: 0 };

const catalogResolvers = {
  Query: { products: () => [...products.values()] },
  Product: { __resolveReference: ({ upc }: { upc: string }) => products.get(upc) ?? null },
  Mutation: {
    rename: (_: unknown, { upc, name }: { upc: string; name: string }) => {
      const product = products.get(upc);
      if (!product) throw new GraphQLError(`no product ${upc}`, { extensions: { code: 'NOT_FOUND' } });
      product.name = name;
      return product;
    },
  },
};

const reviewsResolvers = {
  Product: { reviews: ({ upc }: { upc: string }) => reviews.get(upc) ?? [] },
  Mutation: {
    addReview: (_: unknown, { upc, body }: { upc: string; body: string }) => {
      if (body.length === 0) throw new GraphQLError('body must not be empty', { extensions: { code: 'BAD_USER_INPUT' } });
      const review = { body };
      reviews.set(upc, [...(reviews.get(upc) ?? []), review]);
      return review;
    },
  },
};

type Context = GatewayContext & ResponseCacheContext;

const events: ResponseCacheEvent[] = [];
const cache = responseCache<Context>({ maxEntries: 50, observe: (event) => events.push(event) });
const stops: (() => Promise<void>)[] = [];
let apollo: ApolloServer<Context>;

async function startSubgraph(name: keyof typeof received, typeDefs: ReturnType<typeof parse>, resolvers: unknown) {
  const server = new ApolloServer({
    schema: buildSubgraphSchema([{ typeDefs, resolvers: resolvers as never }]),
    plugins: [{ requestDidStart: async () => void received[name]++ }],
  });
  const { url } = await startStandaloneServer(server, { listen: { port: 0, host: '127.0.0.1' } });
  stops.push(() => server.stop());
  return url;
}

beforeAll(async () => {
  const urls = { catalog: await startSubgraph('catalog', catalogTypeDefs, catalogResolvers), reviews: await startSubgraph('reviews', reviewsTypeDefs, reviewsResolvers) };
  const composed = composeServices([
    { name: 'catalog', typeDefs: catalogTypeDefs, url: urls.catalog },
    { name: 'reviews', typeDefs: reviewsTypeDefs, url: urls.reviews },
  ]);
  if (composed.errors) throw new Error(`composition failed: ${composed.errors.map((error) => error.message).join('; ')}`);
  const deduplication = deduplicateSubgraphRequests<Context>();
  const gateway = new ApolloGateway({
    supergraphSdl: composed.supergraphSdl,
    buildService: ({ name, url }) => new SubgraphDataSource(url!, 10_000, { service: name, layers: [cache.layer, deduplication.layer] }),
  });
  apollo = new ApolloServer<Context>({ gateway, plugins: [deduplication.plugin, cache.plugin] });
  await apollo.start();
  stops.push(() => apollo.stop());
});

afterAll(async () => {
  for (const stop of stops.reverse()) await stop();
});

const caller = (subject: string): Principal => ({ subject, scopes: new Set(['read']), anonymous: false });

/** Runs an operation as `subject`; with whether the cache answered it and the subgraph requests it made. */
async function run(query: string, subject = 'alice') {
  const before = received.catalog + received.reviews;
  const response = await apollo.executeOperation({ query }, { contextValue: { forwardedHeaders: {}, principal: caller(subject) } });
  const body = response.body.kind === 'single' ? response.body.singleResult : undefined;
  return { body, cached: response.http.headers.has('age'), requests: received.catalog + received.reviews - before };
}

const NAMES = '{ products { upc name } }'; // the catalog alone
const WITH_REVIEWS = '{ products { upc name reviews { body } } }'; // the catalog, then the reviews

async function warm() {
  for (const query of [NAMES, WITH_REVIEWS]) {
    await run(query);
    expect((await run(query)).cached, query).toBe(true);
  }
}

describe('invalidation by the subgraphs a mutation wrote to', () => {
  it('a review drops the answers that read reviews, and keeps those that read the catalog only', async () => {
    await warm();
    const added = await run('mutation { addReview(upc: "2", body: "Loud") { body } }');
    expect(added.body?.errors).toBeUndefined();
    expect((await run(NAMES)).cached).toBe(true);
    const after = await run(WITH_REVIEWS);
    expect(after.cached).toBe(false);
    expect(after.requests).toBe(2);
    expect((after.body?.data as any).products[1].reviews).toEqual([{ body: 'Loud' }]);
  });

  it('a rename in the catalog drops both: every answer read the catalog', async () => {
    await warm();
    expect((await run('mutation { rename(upc: "1", name: "Big anvil") { name } }')).body?.errors).toBeUndefined();
    expect((await run(NAMES)).cached).toBe(false);
    expect((await run(WITH_REVIEWS)).cached).toBe(false);
  });

  it('a mutation that writes nothing drops nothing: `__typename` only, or refused with a refusal’s code', async () => {
    await warm();
    const invalidations = events.filter((event) => event === 'invalidate').length;
    expect((await run('mutation { __typename }')).body).toEqual({ data: { __typename: 'Mutation' } });
    expect((await run('mutation { addReview(upc: "1", body: "") { body } }')).body?.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect((await run('mutation { rename(upc: "9", name: "Nothing") { name } }')).body?.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
    expect(events.filter((event) => event === 'invalidate').length).toBe(invalidations);
    expect((await run(NAMES)).cached).toBe(true);
    expect((await run(WITH_REVIEWS)).cached).toBe(true);
  });
});

describe('budgets', () => {
  it('one caller storing ever new answers evicts its own, not the others’', async () => {
    await warm();
    for (let index = 0; index < 80; index += 1) await run(`query Flood${index} { products { upc } }`, 'mallory');
    expect(cache.store.sizeOf('subject:mallory')).toBeLessThanOrEqual(5); // a tenth of 50
    expect((await run(NAMES)).cached).toBe(true);
    expect((await run(WITH_REVIEWS)).cached).toBe(true);
  });
});
