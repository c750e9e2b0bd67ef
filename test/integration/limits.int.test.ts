/**
 * Query limits (gateway/src/plugins/limits.ts) over real HTTP on 127.0.0.1.
 *
 * 1. Over a small catalog/reviews graph that has nothing to do with CSR, composed at test time, with
 *    every request arriving at a subgraph counted: each refusal has its code, its HTTP status and a
 *    message with the limit and the measured value, and no subgraph was called; normal queries and
 *    introspection pass; production mode keeps the codes; the request timeout answers 504 and really
 *    stops the subgraph call.
 * 2. Over the product stack (seeded MongoDB): the same refusals send no database command, and the
 *    product's own BI queries pass under the defaults.
 */
import type { IncomingMessage } from 'node:http';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApolloServer } from '@apollo/server';
import { startStandaloneServer } from '@apollo/server/standalone';
import { buildSubgraphSchema } from '@apollo/subgraph';
import { composeServices } from '@apollo/composition';
import { getIntrospectionQuery, parse } from 'graphql';
import { loadGatewayConfig } from '../../gateway/src/config';
import { createGateway } from '../../gateway/src/server';
import type { RunningServer } from '../../platform/http';
import { errorCodes } from '../harness/graphql';
import { useSeededStack } from '../harness/stack';
import { requestCommands } from '../harness/upkeep';

const HOST = '127.0.0.1';

// ---------------------------------------------------------------------------------------------
// A graph unrelated to CSR: a catalog and its reviews, each subgraph counting the requests it gets.
// ---------------------------------------------------------------------------------------------

const catalogTypeDefs = parse(/* GraphQL */ `
  extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", import: ["@key"])

  type Product @key(fields: "upc") {
    upc: ID!
    name: String!
    related(first: Int): [Product!]!
  }

  type Query {
    products(first: Int): [Product!]!
    product(upc: ID!): Product
    "Answers after ms milliseconds."
    slow(ms: Int!): String
  }
`);

const reviewsTypeDefs = parse(/* GraphQL */ `
  extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", import: ["@key"])

  type Product @key(fields: "upc") {
    upc: ID!
    reviews(first: Int): [Review!]!
  }

  type Review {
    id: ID!
    body: String!
    product: Product!
  }
`);

const PRODUCTS = ['1', '2', '3'].map((upc) => ({ upc, name: `Product ${upc}` }));
const byUpc = (upc: string) => PRODUCTS.find((product) => product.upc === upc) ?? null;
const sleep = (ms: number) => new Promise((done) => setTimeout(done, ms));

/** Requests each subgraph received. */
const calls = { catalog: 0, reviews: 0 };
const totalCalls = () => calls.catalog + calls.reviews;

/** What the slow resolver saw when it finished: had the gateway hung up? */
const slowAnswers: { clientGone: boolean }[] = [];
let slowFinished: Promise<void> = Promise.resolve();

const catalogResolvers = {
  Query: {
    products: (_: unknown, { first }: { first?: number | null }) => PRODUCTS.slice(0, first ?? PRODUCTS.length),
    product: (_: unknown, { upc }: { upc: string }) => byUpc(upc),
    slow: (_: unknown, { ms }: { ms: number }, { req }: { req: IncomingMessage }) => {
      const answer = sleep(ms).then(() => {
        slowAnswers.push({ clientGone: req.socket.destroyed });
        return 'done';
      });
      slowFinished = answer.then(() => undefined);
      return answer;
    },
  },
  Product: {
    __resolveReference: ({ upc }: { upc: string }) => byUpc(upc),
    related: ({ upc }: { upc: string }, { first }: { first?: number | null }) => PRODUCTS.filter((product) => product.upc !== upc).slice(0, first ?? 10),
  },
};

const reviewsResolvers = {
  Product: {
    reviews: ({ upc }: { upc: string }, { first }: { first?: number | null }) =>
      [1, 2].map((n) => ({ id: `${upc}-r${n}`, body: `Review ${n} of ${upc}`, product: { upc } })).slice(0, first ?? 10),
  },
};

async function startSubgraph(name: keyof typeof calls, typeDefs: typeof catalogTypeDefs, resolvers: unknown) {
  const server = new ApolloServer<{ req: IncomingMessage }>({
    schema: buildSubgraphSchema([{ typeDefs, resolvers: resolvers as never }]),
    plugins: [{ requestDidStart: async () => void calls[name]++ }],
  });
  const { url } = await startStandaloneServer(server, { listen: { port: 0, host: HOST }, context: async ({ req }) => ({ req }) });
  return { url, stop: () => server.stop() };
}

// ---------------------------------------------------------------------------------------------
// HTTP
// ---------------------------------------------------------------------------------------------

interface Response {
  status: number;
  json: { data?: Record<string, any> | null; errors?: { message: string; extensions?: Record<string, any> }[] };
}

async function post(url: string, query: string, variables?: Record<string, unknown>): Promise<Response> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ query, variables }),
    signal: AbortSignal.timeout(10_000),
  });
  return { status: response.status, json: (await response.json()) as Response['json'] };
}

/** Sends the operation and checks it was refused with `code` and HTTP 400, without calling any subgraph. */
async function expectRefused(url: string, code: string, query: string, variables?: Record<string, unknown>): Promise<{ message: string; extensions?: Record<string, any> }> {
  const before = totalCalls();
  const { status, json } = await post(url, query, variables);
  expect(json.errors?.map((error) => error.extensions?.code)).toEqual([code]);
  expect(status).toBe(400);
  expect(json.data).toBeUndefined();
  expect(totalCalls(), 'a refused operation reached a subgraph').toBe(before);
  return json.errors![0]!;
}

/** `{ product(upc: "1") { related(first: 1) { … name } } }` with `depth` fields on its longest path (and a small cost). */
function deepQuery(depth: number): string {
  let selection = 'name';
  for (let level = 2; level < depth; level++) selection = `related(first: 1) { ${selection} }`;
  return `{ product(upc: "1") { ${selection} } }`;
}

// ---------------------------------------------------------------------------------------------

const tempDir = mkdtempSync(join(tmpdir(), 'limits-'));
const cleanups: (() => Promise<void>)[] = [];
let supergraphPath: string;
let subgraphUrls: NodeJS.ProcessEnv;

beforeAll(async () => {
  const catalog = await startSubgraph('catalog', catalogTypeDefs, catalogResolvers);
  cleanups.push(catalog.stop);
  const reviews = await startSubgraph('reviews', reviewsTypeDefs, reviewsResolvers);
  cleanups.push(reviews.stop);
  const composed = composeServices([
    { name: 'catalog', typeDefs: catalogTypeDefs, url: catalog.url },
    { name: 'reviews', typeDefs: reviewsTypeDefs, url: reviews.url },
  ]);
  if (composed.errors) throw new Error(`composition failed: ${composed.errors.map((error) => error.message).join('; ')}`);
  supergraphPath = join(tempDir, 'supergraph.graphql');
  writeFileSync(supergraphPath, composed.supergraphSdl);
  subgraphUrls = { SUBGRAPH_URL_CATALOG: catalog.url, SUBGRAPH_URL_REVIEWS: reviews.url };
});

afterAll(async () => {
  await slowFinished;
  for (const cleanup of cleanups.reverse()) await cleanup().catch((error: unknown) => console.error('cleanup failed', error));
  rmSync(tempDir, { recursive: true, force: true });
});

async function startGateway(env: NodeJS.ProcessEnv = {}): Promise<RunningServer> {
  const config = loadGatewayConfig({ WATCH_SUPERGRAPH: 'false', SUPERGRAPH_PATH: supergraphPath, ...subgraphUrls, ...env }, []);
  const running = await createGateway(config).listen(0, HOST);
  cleanups.push(() => running.close());
  return running;
}

describe('limits over a foreign supergraph, default limits', () => {
  let url: string;

  beforeAll(async () => {
    url = (await startGateway()).url;
  });

  it('a normal federated query passes, and reaches both subgraphs', async () => {
    const before = { ...calls };
    const { status, json } = await post(url, `{ products(first: 2) { upc name reviews(first: 1) { body } related(first: 1) { name } } }`);
    expect(json.errors).toBeUndefined();
    expect(status).toBe(200);
    expect(json.data).toEqual({
      products: [
        { upc: '1', name: 'Product 1', reviews: [{ body: 'Review 1 of 1' }], related: [{ name: 'Product 2' }] },
        { upc: '2', name: 'Product 2', reviews: [{ body: 'Review 1 of 2' }], related: [{ name: 'Product 1' }] },
      ],
    });
    expect(calls.catalog).toBeGreaterThan(before.catalog);
    expect(calls.reviews).toBeGreaterThan(before.reviews);
  });

  it('a query 12 fields deep passes; 13 is refused with QUERY_TOO_DEEP', async () => {
    const { status, json } = await post(url, deepQuery(12));
    expect(json.errors).toBeUndefined();
    expect(status).toBe(200);
    const error = await expectRefused(url, 'QUERY_TOO_DEEP', deepQuery(13));
    expect(error.message).toBe('The operation is 13 fields deep; the limit is 12.');
    expect(error.extensions).toMatchObject({ limit: 12, measured: 13 });
  });

  it('depth counts through named and inline fragments', async () => {
    const query = `
      { product(upc: "1") { ...A } }
      fragment A on Product { related { ... on Product { related { ...B } } } }
      fragment B on Product { related { related { related { related { related { related { related { related { related { name } } } } } } } } } }
    `;
    const error = await expectRefused(url, 'QUERY_TOO_DEEP', query);
    expect(error.extensions?.measured).toBe(13);
  });

  it('an alias bomb (200 aliases) is refused with TOO_MANY_ALIASES', async () => {
    const bomb = `{ ${Array.from({ length: 200 }, (_, index) => `p${index}: products(first: 1) { upc }`).join(' ')} }`;
    const error = await expectRefused(url, 'TOO_MANY_ALIASES', bomb);
    expect(error.message).toBe('The operation has 200 aliased fields; the limit is 30.');
    // 30 aliases are fine
    const thirty = `{ ${Array.from({ length: 30 }, (_, index) => `p${index}: products(first: 1) { upc }`).join(' ')} }`;
    const { status, json } = await post(url, thirty);
    expect(json.errors).toBeUndefined();
    expect(status).toBe(200);
  });

  it('nested lists with first: 100 at several levels are refused with QUERY_TOO_COSTLY', async () => {
    const query = `{ products(first: 100) { name related(first: 100) { name reviews(first: 100) { body } } } }`;
    const error = await expectRefused(url, 'QUERY_TOO_COSTLY', query);
    // 1 + 100 × (1 + 1 + 100 × (1 + 1 + 100 × 1))
    expect(error.extensions).toMatchObject({ limit: 500_000, measured: 1_020_201 });
    expect(error.message).toContain('estimated cost is 1,020,201; the limit is 500,000');
  });

  it('the cost of lists without first uses the default list size, and variables', async () => {
    const query = `query ($n: Int) { products(first: $n) { related { related { related { reviews { body } } } } } }`;
    // 1 + n × (1 + 10 × (1 + 10 × (1 + 10 × (1 + 10))))
    const error = await expectRefused(url, 'QUERY_TOO_COSTLY', query, { n: 100 });
    expect(error.extensions?.measured).toBe(1 + 100 * 11_111);
    const { status, json } = await post(url, query, { n: 2 });
    expect(json.errors).toBeUndefined();
    expect(status).toBe(200);
  });

  it('first above the largest page (literal) is refused with PAGE_SIZE_TOO_LARGE', async () => {
    const error = await expectRefused(url, 'PAGE_SIZE_TOO_LARGE', `{ products(first: 101) { upc } }`);
    expect(error.message).toBe('first: 101 on Query.products is larger than the largest page allowed, 100.');
    expect(error.extensions).toMatchObject({ limit: 100, measured: 101 });
  });

  it('first above the largest page (variable, deep in a fragment) is refused with PAGE_SIZE_TOO_LARGE', async () => {
    const query = `query ($n: Int) { products(first: 1) { ...R } } fragment R on Product { reviews(first: $n) { body } }`;
    const error = await expectRefused(url, 'PAGE_SIZE_TOO_LARGE', query, { n: 500 });
    expect(error.message).toBe('first: 500 on Product.reviews is larger than the largest page allowed, 100.');
    const { status } = await post(url, query, { n: 100 });
    expect(status).toBe(200);
  });

  it('the full introspection query passes under the default limits', async () => {
    const { status, json } = await post(url, getIntrospectionQuery());
    expect(json.errors).toBeUndefined();
    expect(status).toBe(200);
    expect(json.data?.__schema?.queryType?.name).toBe('Query');
  });
});

describe('limits over a foreign supergraph, configured', () => {
  it('reads the limits from the environment', async () => {
    const { url } = await startGateway({ MAX_DEPTH: '3', MAX_ALIASES: '1', MAX_COST: '20', MAX_PAGE_SIZE: '2' });
    await expectRefused(url, 'QUERY_TOO_DEEP', deepQuery(4));
    await expectRefused(url, 'TOO_MANY_ALIASES', `{ a: products(first: 1) { upc } b: products(first: 1) { upc } }`);
    // 1 + 2 × (upc + name + (1 + 2 × 2) + (1 + 2 × 2)) = 25
    await expectRefused(url, 'QUERY_TOO_COSTLY', `{ products(first: 2) { upc name related(first: 2) { upc name } reviews(first: 2) { id body } } }`);
    await expectRefused(url, 'PAGE_SIZE_TOO_LARGE', `{ products(first: 3) { upc } }`);
    const { status, json } = await post(url, `{ a: products(first: 2) { upc name } }`);
    expect(json.errors).toBeUndefined();
    expect(status).toBe(200);
  });

  it('production mode keeps the codes, messages and values, without a stack trace', async () => {
    const { url } = await startGateway({ NODE_ENV: 'production' });
    for (const [code, query] of [
      ['QUERY_TOO_DEEP', deepQuery(20)],
      ['PAGE_SIZE_TOO_LARGE', `{ products(first: 1000) { upc } }`],
    ] as const) {
      const error = await expectRefused(url, code, query);
      expect(error.message).toMatch(/limit is 12|largest page allowed, 100/);
      expect(error.extensions?.stacktrace).toBeUndefined();
      expect(error.extensions?.limit).toBeTypeOf('number');
    }
  });
});

describe('the request timeout', () => {
  it('answers 504 REQUEST_TIMEOUT on time when nothing arrived, aborts the subgraph call, and leaves nothing behind', { timeout: 20_000 }, async () => {
    const { url } = await startGateway({ REQUEST_TIMEOUT_MS: '300' });
    const started = performance.now();
    const { status, json } = await post(url, `{ products(first: 1) { upc } slow(ms: 1500) }`);
    const elapsed = performance.now() - started;
    // one catalog call filled both fields; products is non-null, so there is no data at all
    expect(status).toBe(504);
    expect(json.data).toBeNull();
    expect(json.errors?.[0]).toEqual({
      message: 'The request did not complete within 300 ms: the answer has what had arrived by then, and an error at each field that had not.',
      extensions: { code: 'REQUEST_TIMEOUT', limit: 300 },
    });
    expect(json.errors?.slice(1).map((error) => [(error as { path?: unknown }).path, error.extensions?.code, error.extensions?.serviceName, error.extensions?.reason])).toEqual([
      [['products'], 'SUBGRAPH_UNAVAILABLE', 'catalog', 'request_timeout'],
      [['slow'], 'SUBGRAPH_UNAVAILABLE', 'catalog', 'request_timeout'],
    ]);
    // the gateway answered at the deadline, not when the subgraph did (1.5 s) or at SUBGRAPH_TIMEOUT_MS (10 s)
    expect(elapsed).toBeLessThan(1_200);

    // the subgraph's resolver finishes later and finds that the gateway hung up
    await slowFinished;
    expect(slowAnswers.at(-1)).toEqual({ clientGone: true });

    // the same gateway keeps serving, fast requests within the deadline are untouched
    const next = await post(url, `{ products(first: 1) { upc } }`);
    expect(next).toEqual({ status: 200, json: { data: { products: [{ upc: '1' }] } } });
  });

  it('a request that ends in time is not affected by its deadline later', async () => {
    const { url } = await startGateway({ REQUEST_TIMEOUT_MS: '300' });
    const { status, json } = await post(url, `{ slow(ms: 50) }`);
    expect(status).toBe(200);
    expect(json).toEqual({ data: { slow: 'done' } });
    await sleep(400);
    // the timer was cleared: a later request on the same connection pool is fine
    expect((await post(url, `{ slow(ms: 10) }`)).status).toBe(200);
  });
});

// ---------------------------------------------------------------------------------------------
// The product stack
// ---------------------------------------------------------------------------------------------

describe('limits over the product stack', () => {
  const stack = useSeededStack('limits');

  /** Runs the query and returns its error codes and the database commands every subgraph sent. */
  async function run(query: string, variables?: Record<string, unknown>) {
    let codes: string[] = [];
    const commands = await stack.countCommands(async () => {
      codes = errorCodes(await stack.query(query, variables));
    });
    return { codes, total: requestCommands(commands) };
  }

  const page = `subsidiaries { code initiatives(first: 1) { totalCount } }`;

  it('an alias bomb of subsidiaries is refused before any database command; two aliases run', async () => {
    const bomb = await run(`{ ${Array.from({ length: 200 }, (_, index) => `s${index}: ${page}`).join(' ')} }`);
    expect(bomb).toEqual({ codes: ['TOO_MANY_ALIASES'], total: 0 });
    const two = await run(`{ a: ${page} b: ${page} }`);
    expect(two.codes).toEqual([]);
    expect(two.total).toBeGreaterThan(0);
  });

  it('a costly BI query (every expense of every initiative, 100 at each level) is refused before any database command', async () => {
    const query = `{ subsidiaries { code initiatives(first: 100) { nodes { id expenses(first: 100) { id date amount { amount currency } } } } } }`;
    expect(await run(query)).toEqual({ codes: ['QUERY_TOO_COSTLY'], total: 0 });
  });

  it('a page over the largest allowed, as a variable, is refused before any database command', async () => {
    const query = `query ($first: Int) { subsidiaries { code initiatives(first: $first) { nodes { id } } } }`;
    expect(await run(query, { first: 101 })).toEqual({ codes: ['PAGE_SIZE_TOO_LARGE'], total: 0 });
    const ok = await run(query, { first: 100 });
    expect(ok.codes).toEqual([]);
    expect(ok.total).toBeGreaterThan(0);
  });

  it('the product’s own queries pass under the defaults', async () => {
    const list = await stack.query(`query ($first: Int) { subsidiaries { code initiatives(first: $first) {
      totalCount pageInfo { endCursor hasNextPage } nodes { id subsidiaryCode title causeArea status startDate endDate } } } }`, { first: 100 });
    expect(list.errors).toBeUndefined();
    const nested = await stack.query(`{ subsidiaries { code initiatives { nodes { id expenses { id amount { amount } } totals { amount { amount currency } expenseCount } } } } }`);
    expect(nested.errors).toBeUndefined();
    const onePage = await stack.query(`query ($code: ID!) { subsidiary(code: $code) { initiatives(first: 100) {
      nodes { id title expenses { id date contributionType groupFiscalYear amount { amount currency } } } } } }`, { code: 'JP' });
    expect(onePage.errors).toBeUndefined();
  });
});
