/**
 * The gateway is a general federation gateway (like Apollo Router's `--supergraph`): here it serves
 * a small products/reviews graph that has nothing to do with CSR, composed at test time, over real
 * HTTP on 127.0.0.1. The checks show that its own features (subgraph URL overrides, body limit,
 * production error masking, /health, supergraph hot reload, the CLI) keep federation semantics:
 * merged entities, @requires, interfaces, partial data with error paths, null entities.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApolloServer } from '@apollo/server';
import { startStandaloneServer } from '@apollo/server/standalone';
import { buildSubgraphSchema } from '@apollo/subgraph';
import { composeServices } from '@apollo/composition';
import { GraphQLError, parse, type DocumentNode } from 'graphql';
import { loadGatewayConfig } from '../../gateway/src/config';
import { createGateway, type GatewayOptions } from '../../gateway/src/server';
import type { RunningServer } from '../../platform/http';
import { capturedLogger } from '../harness/gateway';

const ROOT = resolve(fileURLToPath(new URL('.', import.meta.url)), '..', '..');
const HOST = '127.0.0.1';

// ---------------------------------------------------------------------------------------------
// A graph unrelated to CSR: products and reviews.
// ---------------------------------------------------------------------------------------------

interface ProductRow {
  upc: string;
  name: string;
  price: number | null;
  weight: number | null;
  category: string;
}

const PRODUCTS: ProductRow[] = [
  { upc: '1', name: 'Table', price: 899, weight: 100, category: 'furniture' },
  { upc: '2', name: 'Couch', price: 1299, weight: 1000, category: 'furniture' },
  { upc: '3', name: 'Chair', price: 54, weight: 50, category: 'furniture' },
];

interface ReviewRow {
  id: string;
  body: string;
  rating: number;
  upc: string;
}

const REVIEWS: ReviewRow[] = [
  { id: 'r1', body: 'Love it!', rating: 5, upc: '1' },
  { id: 'r2', body: 'Too expensive.', rating: 2, upc: '2' },
  { id: 'r3', body: 'Could be better.', rating: 3, upc: '1' },
  // reviews a product the products subgraph no longer knows: its entity resolves to null
  { id: 'r4', body: 'Discontinued?', rating: 1, upc: 'gone' },
];

/** `category` only exists in the third version of the products subgraph (the reload test). */
function productsTypeDefs(withCategory: boolean): DocumentNode {
  return parse(/* GraphQL */ `
    extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", import: ["@key"])

    type Product @key(fields: "upc") {
      upc: ID!
      name: String!
      price: Int
      weight: Int
      ${withCategory ? 'category: String' : ''}
    }

    type Query {
      topProducts(first: Int = 5): [Product!]!
      product(upc: ID!): Product
      "Fails the way a bug would: a plain Error with an internal message."
      explode: String
      "Fails on purpose, with a code meant for the caller."
      refuse: String
    }
  `);
}

function productsResolvers() {
  return {
    Query: {
      topProducts: (_: unknown, { first }: { first: number }) => PRODUCTS.slice(0, first),
      product: (_: unknown, { upc }: { upc: string }) => PRODUCTS.find((p) => p.upc === upc) ?? null,
      explode: () => {
        throw new Error('connection to db-internal-7.corp:5432 refused');
      },
      refuse: () => {
        throw new GraphQLError('first must be positive', { extensions: { code: 'BAD_USER_INPUT' } });
      },
    },
    Product: {
      __resolveReference: (reference: { upc: string }) => PRODUCTS.find((p) => p.upc === reference.upc) ?? null,
    },
  };
}

const reviewsTypeDefs = parse(/* GraphQL */ `
  extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", import: ["@key", "@external", "@requires"])

  interface Post {
    id: ID!
    body: String!
  }

  type Review implements Post @key(fields: "id") {
    id: ID!
    body: String!
    rating: Int!
    product: Product
  }

  type Product @key(fields: "upc") {
    upc: ID!
    price: Int @external
    weight: Int @external
    reviews: [Review!]!
    "Needs price and weight from the products subgraph."
    shippingEstimate: Int @requires(fields: "price weight")
    "Throws for the couch."
    reviewSummary: String
  }

  type Query {
    latestPosts: [Post!]!
    review(id: ID!): Review
  }
`);

const reviewsResolvers = {
  Query: {
    latestPosts: () => REVIEWS.map((review) => ({ ...review, __typename: 'Review' })),
    review: (_: unknown, { id }: { id: string }) => REVIEWS.find((review) => review.id === id) ?? null,
  },
  Post: {
    __resolveType: () => 'Review',
  },
  Review: {
    __resolveReference: (reference: { id: string }) => REVIEWS.find((review) => review.id === reference.id) ?? null,
    product: (review: ReviewRow) => ({ __typename: 'Product', upc: review.upc }),
  },
  Product: {
    reviews: (product: { upc: string }) => REVIEWS.filter((review) => review.upc === product.upc),
    shippingEstimate: (product: { price: number | null; weight: number | null }) => {
      if (product.price === null || product.weight === null) return null;
      return product.price > 1000 ? 0 : Math.round(product.weight / 2);
    },
    reviewSummary: (product: { upc: string }) => {
      if (product.upc === '2') throw new Error('summary service timed out');
      const ratings = REVIEWS.filter((review) => review.upc === product.upc).map((review) => review.rating);
      return `${ratings.length} reviews`;
    },
  },
};

interface Subgraph {
  url: string;
  stop(): Promise<void>;
}

/** A subgraph in its own Apollo Server, in development mode (stack traces on), like a foreign team's. */
async function startSubgraph(typeDefs: DocumentNode, resolvers: unknown): Promise<Subgraph> {
  const server = new ApolloServer({
    schema: buildSubgraphSchema([{ typeDefs, resolvers: resolvers as never }]),
    includeStacktraceInErrorResponses: true,
  });
  const { url } = await startStandaloneServer(server, { listen: { port: 0, host: HOST } });
  return { url, stop: () => server.stop() };
}

function compose(products: { typeDefs: DocumentNode; url: string }, reviews: { url: string }): string {
  const result = composeServices([
    { name: 'products', typeDefs: products.typeDefs, url: products.url },
    { name: 'reviews', typeDefs: reviewsTypeDefs, url: reviews.url },
  ]);
  if (result.errors) throw new Error(`composition failed: ${result.errors.map((error) => error.message).join('; ')}`);
  return result.supergraphSdl;
}

// ---------------------------------------------------------------------------------------------
// HTTP helpers
// ---------------------------------------------------------------------------------------------

interface GraphQLResponse {
  data?: Record<string, unknown> | null;
  errors?: { message: string; path?: (string | number)[]; extensions?: Record<string, unknown> }[];
}

async function post(url: string, body: string, headers: Record<string, string> = {}): Promise<{ status: number; json: GraphQLResponse }> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body,
    signal: AbortSignal.timeout(10_000),
  });
  const text = await response.text();
  let json: GraphQLResponse;
  try {
    json = JSON.parse(text) as GraphQLResponse;
  } catch {
    throw new Error(`HTTP ${response.status}, not JSON: ${text.slice(0, 500)}`);
  }
  return { status: response.status, json };
}

async function query(url: string, document: string, variables?: Record<string, unknown>): Promise<GraphQLResponse> {
  return (await post(url, JSON.stringify({ query: document, variables }))).json;
}

function sleep(ms: number): Promise<void> {
  return new Promise((done) => setTimeout(done, ms));
}

/** Polls `check` until it returns true or `timeoutMs` passes; returns whether it succeeded. */
async function eventually(check: () => Promise<boolean>, timeoutMs = 10_000, intervalMs = 100): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check().catch(() => false)) return true;
    await sleep(intervalMs);
  }
  return false;
}

// ---------------------------------------------------------------------------------------------
// Shared fixtures: two subgraphs and a supergraph file whose URLs the gateway must override.
// ---------------------------------------------------------------------------------------------

const tempDir = mkdtempSync(join(tmpdir(), 'gateway-any-supergraph-'));
const cleanups: (() => Promise<void>)[] = [];
let products: Subgraph;
let reviews: Subgraph;
/** Composed with unreachable URLs: only SUBGRAPH_URL_* overrides make it work. */
let overriddenSupergraphPath: string;

beforeAll(async () => {
  products = await startSubgraph(productsTypeDefs(false), productsResolvers());
  cleanups.push(() => products.stop());
  reviews = await startSubgraph(reviewsTypeDefs, reviewsResolvers);
  cleanups.push(() => reviews.stop());
  overriddenSupergraphPath = join(tempDir, 'overridden.graphql');
  writeFileSync(
    overriddenSupergraphPath,
    compose({ typeDefs: productsTypeDefs(false), url: 'http://products.invalid/graphql' }, { url: 'http://reviews.invalid/graphql' }),
  );
});

afterAll(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup().catch((error: unknown) => console.error('cleanup failed', error));
  rmSync(tempDir, { recursive: true, force: true });
});

async function startGateway(env: NodeJS.ProcessEnv, options: GatewayOptions = {}): Promise<RunningServer> {
  const config = loadGatewayConfig({ WATCH_SUPERGRAPH: 'false', ...env }, []);
  const running = await createGateway(config, options).listen(0, HOST);
  cleanups.push(() => running.close());
  return running;
}

function overrides(): NodeJS.ProcessEnv {
  return { SUPERGRAPH_PATH: overriddenSupergraphPath, SUBGRAPH_URL_PRODUCTS: products.url, SUBGRAPH_URL_REVIEWS: reviews.url };
}

// ---------------------------------------------------------------------------------------------

describe('gateway over a foreign supergraph (development mode)', () => {
  let gateway: RunningServer;

  beforeAll(async () => {
    gateway = await startGateway({ ...overrides(), MAX_BODY_BYTES: '2048' });
  });

  it('merges one query across both subgraphs, with @requires', async () => {
    const result = await query(
      gateway.url,
      `{ topProducts(first: 2) { upc name price shippingEstimate reviews { id body rating } } }`,
    );
    expect(result.errors).toBeUndefined();
    expect(result.data).toEqual({
      topProducts: [
        {
          upc: '1',
          name: 'Table',
          price: 899,
          shippingEstimate: 50,
          reviews: [
            { id: 'r1', body: 'Love it!', rating: 5 },
            { id: 'r3', body: 'Could be better.', rating: 3 },
          ],
        },
        { upc: '2', name: 'Couch', price: 1299, shippingEstimate: 0, reviews: [{ id: 'r2', body: 'Too expensive.', rating: 2 }] },
      ],
    });
  });

  it('plans through an interface and back into the other subgraph', async () => {
    const result = await query(gateway.url, `{ latestPosts { __typename id body ... on Review { rating product { upc name } } } }`);
    expect(result.errors).toBeUndefined();
    const posts = result.data?.latestPosts as { __typename: string; id: string; product: { upc: string; name: string } | null }[];
    expect(posts.map((post) => post.__typename)).toEqual(['Review', 'Review', 'Review', 'Review']);
    expect(posts[0]).toEqual({ __typename: 'Review', id: 'r1', body: 'Love it!', rating: 5, product: { upc: '1', name: 'Table' } });
    expect(posts[1]?.product).toEqual({ upc: '2', name: 'Couch' });
  });

  it('an entity the owning subgraph resolves to null nulls the nullable field, without failing the query', async () => {
    const result = await query(gateway.url, `{ review(id: "r4") { id body product { upc name } } }`);
    // products answers _entities with [null]: `name` (String!) cannot be filled, so `product` is null
    expect(result.data).toEqual({ review: { id: 'r4', body: 'Discontinued?', product: null } });
    // Apollo Gateway reports why in extensions.valueCompletion, not in errors
    expect(result.errors).toBeUndefined();
    const completion = (result as { extensions?: { valueCompletion?: { path?: unknown[] }[] } }).extensions?.valueCompletion;
    expect(completion?.[0]?.path).toEqual(['review', 'product', 'name']);

    const direct = await query(gateway.url, `{ product(upc: "nope") { name } review(id: "none") { id } }`);
    expect(direct).toEqual({ data: { product: null, review: null } });
  });

  it('a subgraph error keeps its path, and the rest of the data stays', async () => {
    const result = await query(gateway.url, `{ topProducts(first: 3) { upc name reviewSummary } }`);
    expect(result.data).toEqual({
      topProducts: [
        { upc: '1', name: 'Table', reviewSummary: '2 reviews' },
        { upc: '2', name: 'Couch', reviewSummary: null },
        { upc: '3', name: 'Chair', reviewSummary: '0 reviews' },
      ],
    });
    expect(result.errors).toHaveLength(1);
    expect(result.errors?.[0]).toMatchObject({
      message: 'summary service timed out',
      path: ['topProducts', 1, 'reviewSummary'],
      extensions: { serviceName: 'reviews' },
    });
  });

  it('development mode keeps the subgraph message (a stack trace is allowed)', async () => {
    const result = await query(gateway.url, `{ explode topProducts(first: 1) { upc } }`);
    expect(result.data).toEqual({ explode: null, topProducts: [{ upc: '1' }] });
    expect(result.errors?.[0]).toMatchObject({ message: 'connection to db-internal-7.corp:5432 refused', path: ['explode'] });
  });

  it('GET /health answers 200', async () => {
    const response = await fetch(new URL('/health', gateway.url), { signal: AbortSignal.timeout(5_000) });
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ status: 'ok' });
  });

  it('a body over MAX_BODY_BYTES gets 413 with a GraphQL error code (declared length)', async () => {
    const big = JSON.stringify({ query: `{ topProducts { upc } }`, variables: { padding: 'x'.repeat(4_000) } });
    const { status, json } = await post(gateway.url, big);
    expect(status).toBe(413);
    expect(json.errors?.[0]?.extensions?.code).toBe('PAYLOAD_TOO_LARGE');
    expect(json.data).toBeUndefined();
  });

  it('a body over MAX_BODY_BYTES gets 413 when streamed without a content-length', async () => {
    const chunk = new TextEncoder().encode(`{"query":"{ topProducts { upc } }","variables":{"padding":"${'x'.repeat(1_000)}`);
    let sent = 0;
    const body = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (sent++ < 5) controller.enqueue(chunk);
        else controller.close();
      },
    });
    const response = await fetch(gateway.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body,
      duplex: 'half',
      signal: AbortSignal.timeout(10_000),
    } as RequestInit);
    expect(response.status).toBe(413);
    const json = (await response.json()) as GraphQLResponse;
    expect(json.errors?.[0]?.extensions?.code).toBe('PAYLOAD_TOO_LARGE');
  });

  it('malformed JSON gets 400 with a GraphQL error', async () => {
    const { status, json } = await post(gateway.url, '{"query": "{ topProducts { upc } }"');
    expect(status).toBe(400);
    expect(json.errors?.[0]?.extensions?.code).toBe('BAD_REQUEST');
  });

  it('a request just under the limit still works', async () => {
    const body = JSON.stringify({ query: `{ topProducts(first: 1) { upc } }`, variables: { padding: 'x'.repeat(1_500) } });
    expect(Buffer.byteLength(body)).toBeLessThan(2048);
    const { status, json } = await post(gateway.url, body);
    expect(status).toBe(200);
    expect(json).toEqual({ data: { topProducts: [{ upc: '1' }] } });
  });
});

describe('gateway over a foreign supergraph (production mode)', () => {
  let gateway: RunningServer;

  beforeAll(async () => {
    gateway = await startGateway({ ...overrides(), NODE_ENV: 'production' });
  });

  it('an unexpected subgraph error carries no stack trace and no internal message, but keeps its path and the data', async () => {
    const result = await query(gateway.url, `{ explode topProducts(first: 1) { upc name } }`);
    expect(result.data).toEqual({ explode: null, topProducts: [{ upc: '1', name: 'Table' }] });
    expect(result.errors).toHaveLength(1);
    const [error] = result.errors!;
    expect(error?.path).toEqual(['explode']);
    expect(error?.extensions?.stacktrace).toBeUndefined();
    expect(error?.extensions?.serviceName).toBe('products');
    expect(JSON.stringify(error)).not.toContain('db-internal-7');
  });

  it('an entity field error keeps its path, without a stack trace', async () => {
    const result = await query(gateway.url, `{ topProducts(first: 2) { upc reviewSummary } }`);
    expect(result.data).toEqual({ topProducts: [{ upc: '1', reviewSummary: '2 reviews' }, { upc: '2', reviewSummary: null }] });
    expect(result.errors?.[0]?.path).toEqual(['topProducts', 1, 'reviewSummary']);
    expect(result.errors?.[0]?.extensions?.stacktrace).toBeUndefined();
  });

  it('an error a subgraph raises on purpose keeps its message and code, but not the subgraph’s stack trace', async () => {
    const result = await query(gateway.url, `{ refuse }`);
    expect(result.data).toEqual({ refuse: null });
    expect(result.errors?.[0]).toMatchObject({ message: 'first must be positive', path: ['refuse'], extensions: { code: 'BAD_USER_INPUT' } });
    expect(result.errors?.[0]?.extensions?.stacktrace).toBeUndefined();
  });

  it('introspection is off by default', async () => {
    const result = await query(gateway.url, `{ __schema { queryType { name } } }`);
    expect(result.data ?? null).toBeNull();
    expect(result.errors?.[0]?.extensions?.code).toBe('GRAPHQL_VALIDATION_FAILED');
  });
});

describe('supergraph hot reload', () => {
  it('serves a field added by a new composition once the file changes, also after an atomic replace', { timeout: 40_000 }, async () => {
    // This gateway uses the URLs inside the supergraph (no overrides): an override would pin the
    // products subgraph to its old server across reloads.
    const v3 = await startSubgraph(productsTypeDefs(true), productsResolvers());
    cleanups.push(() => v3.stop());
    // its own directory: the gateway watches the file's directory
    const dir = join(tempDir, 'reloading');
    mkdirSync(dir);
    const path = join(dir, 'supergraph.graphql');
    writeFileSync(path, compose({ typeDefs: productsTypeDefs(false), url: products.url }, reviews));
    const { logger, lines } = capturedLogger();
    const gateway = await startGateway({ SUPERGRAPH_PATH: path, WATCH_SUPERGRAPH: 'true' }, { logger });

    const categoryQuery = `{ topProducts(first: 1) { upc category reviews { id } } }`;
    const before = await query(gateway.url, categoryQuery);
    expect(before.errors?.[0]?.extensions?.code).toBe('GRAPHQL_VALIDATION_FAILED');

    // 1. rewritten in place (same inode), as `rover supergraph compose > file` does
    writeFileSync(path, compose({ typeDefs: productsTypeDefs(true), url: v3.url }, reviews));
    const served = await eventually(async () => {
      const result = await query(gateway.url, categoryQuery);
      return result.errors === undefined && JSON.stringify(result.data) === JSON.stringify({ topProducts: [{ upc: '1', category: 'furniture', reviews: [{ id: 'r1' }, { id: 'r3' }] }] });
    });
    expect(served, 'the gateway did not serve Product.category within 10 s of the supergraph change').toBe(true);

    // 2. replaced atomically (write elsewhere, rename over it), as editors, CI deploys and
    //    Kubernetes config maps do; twice, so a watcher bound to the first file's inode is caught
    for (const withCategory of [false, true]) {
      const next = join(dir, 'supergraph.graphql.tmp');
      writeFileSync(next, compose({ typeDefs: productsTypeDefs(withCategory), url: withCategory ? v3.url : products.url }, reviews));
      renameSync(next, path);
      const switched = await eventually(async () => {
        const result = await query(gateway.url, categoryQuery);
        return withCategory ? result.errors === undefined : result.errors?.[0]?.extensions?.code === 'GRAPHQL_VALIDATION_FAILED';
      });
      expect(switched, `the gateway did not ${withCategory ? 'add' : 'drop'} Product.category within 10 s of an atomic replace`).toBe(true);
    }

    // 3. a file that is not a supergraph keeps the previous one (once the gateway has read it)
    writeFileSync(path, 'this is not a supergraph');
    const rejected = await eventually(async () => lines.some((line) => line.event === 'supergraph_reload_failed' && line.path === path));
    expect(rejected, 'the gateway did not report the broken supergraph within 10 s').toBe(true);
    const kept = await query(gateway.url, categoryQuery);
    expect(kept.errors).toBeUndefined();
  });
});

// ---------------------------------------------------------------------------------------------
// The CLI: `tsx gateway/src/main.ts --supergraph <file> --port 0`
// ---------------------------------------------------------------------------------------------

interface Spawned {
  child: ChildProcess;
  stdout: () => string;
  stderr: () => string;
  exited: Promise<number | null>;
}

const TSX = join(ROOT, 'node_modules', '.bin', 'tsx');
const MAIN = join(ROOT, 'gateway', 'src', 'main.ts');

function spawnGateway(args: string[], env: NodeJS.ProcessEnv): Spawned {
  const { NODE_ENV: _nodeEnv, PORT: _port, SUPERGRAPH_PATH: _path, ...inherited } = process.env;
  const child = spawn(TSX, [MAIN, ...args], {
    cwd: ROOT,
    env: { ...inherited, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
    // its own process group, so that stopping it also stops the node process tsx starts
    detached: true,
  });
  let out = '';
  let err = '';
  child.stdout?.on('data', (chunk: Buffer) => (out += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (err += chunk.toString()));
  const exited = new Promise<number | null>((done) => child.once('exit', (code) => done(code)));
  return { child, stdout: () => out, stderr: () => err, exited };
}

/**
 * SIGTERM goes to tsx alone, which relays it to the gateway's node process (as `docker stop`
 * would); SIGKILL goes to the whole process group, so nothing outlives the test.
 */
function stop(spawned: Spawned, signal: NodeJS.Signals = 'SIGTERM'): void {
  if (spawned.child.exitCode !== null || spawned.child.signalCode !== null || spawned.child.pid === undefined) return;
  try {
    process.kill(signal === 'SIGKILL' ? -spawned.child.pid : spawned.child.pid, signal);
  } catch {
    // already gone
  }
}

async function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([promise, new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms: ${what}`)), ms)))]);
  } finally {
    clearTimeout(timer);
  }
}

describe('the gateway CLI', () => {
  const started: Spawned[] = [];

  afterAll(async () => {
    for (const spawned of started) {
      stop(spawned, 'SIGKILL');
      await withTimeout(spawned.exited, 5_000, 'CLI process exit').catch(() => undefined);
    }
  });

  it('--supergraph <file> --port 0 prints the chosen URL, serves it, and stops on SIGTERM', { timeout: 40_000 }, async () => {
    const spawned = spawnGateway(['--supergraph', overriddenSupergraphPath, '--port', '0'], {
      HOST,
      SUBGRAPH_URL_PRODUCTS: products.url,
      SUBGRAPH_URL_REVIEWS: reviews.url,
      WATCH_SUPERGRAPH: 'false',
    });
    started.push(spawned);
    const ready = await eventually(async () => /Gateway ready at (\S+)/.test(spawned.stdout()) || spawned.child.exitCode !== null, 30_000, 50);
    const url = /Gateway ready at (\S+)/.exec(spawned.stdout())?.[1];
    expect(ready && url, `no "Gateway ready at <url>" line; stdout: ${spawned.stdout()} stderr: ${spawned.stderr()}`).toBeTruthy();
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:(?!0\/)\d+\/graphql$/);

    const result = await query(url!, `{ topProducts(first: 1) { name reviews { rating } } }`);
    expect(result).toEqual({ data: { topProducts: [{ name: 'Table', reviews: [{ rating: 5 }, { rating: 3 }] }] } });

    stop(spawned);
    expect(await withTimeout(spawned.exited, 10_000, 'gateway exit after SIGTERM')).toBe(0);
  });

  async function failsCleanly(args: string[], env: NodeJS.ProcessEnv, message: RegExp): Promise<void> {
    const spawned = spawnGateway(args, env);
    started.push(spawned);
    const code = await withTimeout(spawned.exited, 30_000, 'gateway exit');
    expect(code, `stdout: ${spawned.stdout()} stderr: ${spawned.stderr()}`).not.toBe(0);
    const lines = spawned.stderr().trim().split('\n');
    expect(lines, `stderr should be one line: ${spawned.stderr()}`).toHaveLength(1);
    expect(lines[0]).toMatch(message);
    expect(spawned.stderr()).not.toMatch(/^\s+at /m);
    expect(spawned.stdout()).not.toMatch(/Gateway ready/);
  }

  it('a missing supergraph file exits non-zero with a one-line message', { timeout: 40_000 }, async () => {
    await failsCleanly(['--supergraph', join(tempDir, 'does-not-exist.graphql'), '--port', '0'], { HOST }, /does-not-exist\.graphql/);
  });

  it('a bad PORT exits non-zero with a one-line message', { timeout: 40_000 }, async () => {
    await failsCleanly(['--supergraph', overriddenSupergraphPath], { HOST, PORT: 'eighty' }, /PORT/);
  });

  it('a file that is not a supergraph exits non-zero with a one-line message', { timeout: 40_000 }, async () => {
    const garbage = join(tempDir, 'garbage.graphql');
    writeFileSync(garbage, 'this is not a supergraph\n');
    await failsCleanly(['--supergraph', garbage, '--port', '0'], { HOST }, /Syntax Error/);
  });
});
