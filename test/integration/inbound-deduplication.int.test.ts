/**
 * Inbound in-flight deduplication (gateway/src/plugins/inbound-deduplication.ts), over real HTTP on
 * a graph unrelated to CSR whose subgraph holds `items` at a gate (exact counts of executions).
 * Subgraph deduplication and the response cache are off, so that every execution reaches the
 * subgraph: the count of `items` resolver calls is the count of executions.
 */
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startForeignGraph, post, type ForeignGraph } from '../harness/foreign-graph';
import { samples } from '../harness/metrics';
import { generateSecret } from '../../platform/auth';
import { hs256Issuer, type TokenIssuer } from '../../platform/token-issuer';
import type { RunningServer } from '../../platform/http';

const N = 6;
const ITEMS = { query: 'query Items { items { sku name stock } }' };
const ANSWER = { data: { items: [{ sku: 'a1', name: 'Anvil', stock: 3 }, { sku: 'b2', name: 'Bellows', stock: 7 }] } };
const QUIET = { RESPONSE_CACHE: 'false', DEDUPLICATE_SUBGRAPH_REQUESTS: 'false', REQUEST_TIMEOUT_MS: '5000' };

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('inbound deduplication', () => {
  let graph: ForeignGraph;
  let switchedOff: RunningServer;
  let verifying: RunningServer;
  let issuer: TokenIssuer;
  beforeAll(async () => {
    graph = await startForeignGraph({ hints: false, gatewayEnv: QUIET });
    switchedOff = await graph.startGateway({ ...QUIET, DEDUPLICATE_INBOUND_REQUESTS: 'false' });
    issuer = hs256Issuer(generateSecret());
    verifying = await graph.startGateway({ ...QUIET, ...issuer.verifierEnv });
  });
  afterAll(async () => {
    await graph?.close();
  });

  /** Sends N requests while the subgraph holds the first execution; how many executions reached it. */
  async function concurrently(url: string, body: (index: number) => Record<string, unknown>, headers: (index: number) => Record<string, string> = () => ({})) {
    const before = graph.calls.items!;
    const gate = graph.hold();
    const answers = Array.from({ length: N }, (_, index) => post(url, body(index), headers(index)));
    await gate.reached;
    await pause(200); // the others arrive at the gateway meanwhile
    gate.release();
    const results = await Promise.all(answers);
    return { results, executions: graph.calls.items! - before };
  }

  async function shared(url: string): Promise<number> {
    return (await samples(url, 'gateway_inbound_requests_shared_total')).reduce((sum, sample) => sum + sample.value, 0);
  }

  it(`executes ${N} concurrent identical queries once, gives each caller the same answer, and counts the shared ones`, async () => {
    const sharedBefore = await shared(graph.gatewayUrl);
    const { results, executions } = await concurrently(graph.gatewayUrl, () => ITEMS, (index) => ({ 'x-request-id': `inbound-${index}` }));
    expect(executions).toBe(1);
    for (const [index, result] of results.entries()) {
      expect(result.status).toBe(200);
      expect(result.body).toEqual(ANSWER);
      expect(result.headers.get('x-request-id'), 'each caller keeps its request id').toBe(`inbound-${index}`);
    }
    expect((await shared(graph.gatewayUrl)) - sharedBefore).toBe(N - 1);
  });

  it('shares an answer with errors, computed once for that caller identity', async () => {
    const before = graph.calls.fails!;
    const { results, executions } = await concurrently(graph.gatewayUrl, () => ({ query: '{ items { sku } fails }' }));
    expect(executions).toBe(1);
    expect(graph.calls.fails! - before).toBe(1);
    for (const result of results) {
      expect(result.body.data).toEqual({ items: [{ sku: 'a1' }, { sku: 'b2' }], fails: null });
      expect(result.body.errors?.map((error) => error.extensions?.code)).toEqual(['SCALE_BROKEN']);
    }
  });

  it('shares between a query sent by its APQ hash and the same query sent as text', async () => {
    const sha256Hash = createHash('sha256').update(ITEMS.query).digest('hex');
    const persisted = { extensions: { persistedQuery: { version: 1, sha256Hash } } };
    expect((await post(graph.gatewayUrl, { ...ITEMS, ...persisted })).body).toEqual(ANSWER); // registers the hash
    const { results, executions } = await concurrently(graph.gatewayUrl, (index) => (index % 2 ? persisted : ITEMS));
    expect(executions).toBe(1);
    for (const result of results) expect(result.body).toEqual(ANSWER);
  });

  it(`executes them ${N} times with DEDUPLICATE_INBOUND_REQUESTS=false`, async () => {
    const { results, executions } = await concurrently(switchedOff.url, () => ITEMS);
    expect(executions).toBe(N);
    for (const result of results) expect(result.body).toEqual(ANSWER);
    expect(await shared(switchedOff.url)).toBe(0);
  });

  it('executes separately for different values of a declared variable', async () => {
    const body = (index: number) => ({ query: 'query Items($withName: Boolean!) { items { sku name @include(if: $withName) } }', variables: { withName: index % 2 === 0 } });
    const { results, executions } = await concurrently(graph.gatewayUrl, body);
    expect(executions).toBe(2);
    expect(results.map((result) => result.body.data?.items[0])).toEqual(Array.from({ length: N }, (_, index) => (index % 2 === 0 ? { sku: 'a1', name: 'Anvil' } : { sku: 'a1' })));
  });

  it('keeps nothing once the answer is out: a later identical query executes again', async () => {
    const before = graph.calls.items!;
    await post(graph.gatewayUrl, ITEMS);
    await post(graph.gatewayUrl, ITEMS);
    expect(graph.calls.items! - before).toBe(2);
  });

  it('never shares between different credentials when the gateway does not verify them', async () => {
    const before = graph.authorizations.length;
    const { executions } = await concurrently(graph.gatewayUrl, () => ITEMS, (index) => ({ authorization: `Bearer token-${index % 2}` }));
    expect(executions).toBe(2);
    expect(new Set(graph.authorizations.slice(before))).toEqual(new Set(['Bearer token-0', 'Bearer token-1']));
  });

  it('shares between tokens of the same subject and scopes, never across subjects or scopes', async () => {
    // different token strings (lifetimes), the same subject and scopes: one execution
    const sameCaller = await Promise.all(Array.from({ length: N }, (_, index) => issuer.mint({ subject: 'hq-analyst', scopes: ['group:read'], ttlSeconds: 600 + index })));
    const same = await concurrently(verifying.url, () => ITEMS, (index) => ({ authorization: `Bearer ${sameCaller[index]}` }));
    expect(same.executions).toBe(1);
    for (const result of same.results) expect(result.body).toEqual(ANSWER);

    const subjects = await Promise.all(Array.from({ length: N }, (_, index) => issuer.mint({ subject: `analyst-${index % 2}`, scopes: ['group:read'] })));
    expect((await concurrently(verifying.url, () => ITEMS, (index) => ({ authorization: `Bearer ${subjects[index]}` }))).executions).toBe(2);

    const scopes = await Promise.all(Array.from({ length: N }, (_, index) => issuer.mint({ subject: 'hq-analyst', scopes: index % 2 ? ['group:read'] : ['group:read', 'india:read'] })));
    expect((await concurrently(verifying.url, () => ITEMS, (index) => ({ authorization: `Bearer ${scopes[index]}` }))).executions).toBe(2);
  });

  it('never shares mutations', async () => {
    const before = graph.calls.restock!;
    const mutation = { query: 'mutation Restock { restock(sku: "a1", amount: 1) { sku stock } }' };
    const results = await Promise.all(Array.from({ length: N }, () => post(graph.gatewayUrl, mutation)));
    expect(graph.calls.restock! - before).toBe(N);
    for (const result of results) expect(result.body).toEqual({ data: { restock: { sku: 'a1', stock: 4 } } });
  });

  it('answers the others when the caller whose request started the execution disconnects', async () => {
    const before = graph.calls.items!;
    const gate = graph.hold();
    const leaving = new AbortController();
    const first = fetch(graph.gatewayUrl, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(ITEMS), signal: leaving.signal });
    await gate.reached;
    const others = Array.from({ length: N - 1 }, () => post(graph.gatewayUrl, ITEMS));
    await pause(200);
    leaving.abort();
    await expect(first).rejects.toThrow();
    await pause(100);
    gate.release();
    for (const result of await Promise.all(others)) expect(result.body).toEqual(ANSWER);
    expect(graph.calls.items! - before).toBe(1);
  });

  it('never hands a caller arriving after a mutation completed an execution that began before it', async () => {
    const before = graph.calls.items!;
    const gate = graph.hold();
    const early = post(graph.gatewayUrl, ITEMS);
    await gate.reached;
    const written = await post(graph.gatewayUrl, { query: 'mutation { restock(sku: "b2", amount: 2) { stock } }' });
    expect(written.body.data).toEqual({ restock: { stock: 9 } });
    const late = post(graph.gatewayUrl, ITEMS);
    // the late caller's own execution reaches the subgraph while the early one is still held
    for (let waited = 0; graph.calls.items! - before < 2 && waited < 3_000; waited += 20) await pause(20);
    expect(graph.calls.items! - before).toBe(2);
    // and callers arriving after it join the late execution, not the early one
    const later = post(graph.gatewayUrl, ITEMS);
    await pause(200);
    gate.release();
    for (const result of await Promise.all([early, late, later])) expect(result.body).toEqual(ANSWER);
    expect(graph.calls.items! - before).toBe(2);
  });

  it("does not hand the others an execution cut short by its caller's deadline: they execute again", async () => {
    const short = await graph.startGateway({ ...QUIET, REQUEST_TIMEOUT_MS: '1500' });
    const before = graph.calls.items!;
    const gate = graph.hold();
    const first = post(short.url, ITEMS);
    await gate.reached;
    await pause(700);
    const second = post(short.url, ITEMS); // joins; its own deadline is ~700 ms after the first's
    const timedOut = await first;
    expect(timedOut.status).toBe(504);
    expect(timedOut.body.errors?.[0]?.extensions?.code).toBe('REQUEST_TIMEOUT');
    for (let waited = 0; graph.calls.items! - before < 2 && waited < 1_000; waited += 20) await pause(20);
    gate.release();
    const answered = await second;
    expect(answered.status).toBe(200);
    expect(answered.body).toEqual(ANSWER);
    expect(graph.calls.items! - before).toBe(2);
  });

  it('answers callers of byte-identical requests at the HTTP layer: each one is logged and counted as the query it sent', async () => {
    const queries = async () => (await samples(graph.gatewayUrl, 'graphql_requests_total')).filter((sample) => sample.labels.operation_type === 'query' && sample.labels.outcome === 'success').reduce((sum, sample) => sum + sample.value, 0);
    const before = { queries: await queries(), shared: await shared(graph.gatewayUrl) };
    const { results, executions } = await concurrently(graph.gatewayUrl, () => ITEMS);
    expect(executions).toBe(1);
    for (const result of results) expect(result.body).toEqual(ANSWER);
    expect((await queries()) - before.queries, 'the callers who joined count as answered queries, not as unknown operations').toBe(N);
    expect((await shared(graph.gatewayUrl)) - before.shared).toBe(N - 1);
  });

  it('serializes the one execution for each way of asking: callers accepting another media type get their own', async () => {
    const accepts = ['application/json', 'application/graphql-response+json'];
    const { results, executions } = await concurrently(graph.gatewayUrl, () => ITEMS, (index) => ({ accept: accepts[index % 2]! }));
    expect(executions).toBe(1);
    for (const [index, result] of results.entries()) {
      expect(result.body).toEqual(ANSWER);
      expect(result.headers.get('content-type')).toContain(accepts[index % 2]!);
    }
  });

  it('keeps the deadline of a caller who waited for an answer it could not be given: it executes within what is left', async () => {
    const short = await graph.startGateway({ ...QUIET, REQUEST_TIMEOUT_MS: '1500' });
    const gate = graph.hold();
    const first = post(short.url, ITEMS);
    await gate.reached;
    await pause(700);
    const joined = Date.now();
    const second = post(short.url, ITEMS); // joins the first, which runs out of time at 1500 ms
    expect((await first).status).toBe(504);
    const timedOut = await second; // executes on its own, held too, and runs out of its own time
    const waited = Date.now() - joined;
    gate.release();
    expect(timedOut.status).toBe(504);
    expect(timedOut.body.errors?.[0]?.extensions?.code).toBe('REQUEST_TIMEOUT');
    expect(waited, 'its deadline counts from its arrival, not again from the first caller timing out').toBeLessThan(1_500 + 400);
    expect(waited).toBeGreaterThanOrEqual(1_400);
  });

  it('executes a query sent with Cache-Control: no-cache on its own', async () => {
    const { executions } = await concurrently(graph.gatewayUrl, () => ITEMS, (index): Record<string, string> => (index === 0 ? {} : { 'cache-control': 'no-cache' }));
    expect(executions).toBe(N);
  });
});

describe('inbound deduplication ahead of the response cache', () => {
  let graph: ForeignGraph;
  beforeAll(async () => {
    graph = await startForeignGraph({ hints: true, gatewayEnv: { DEDUPLICATE_SUBGRAPH_REQUESTS: 'false' } });
  });
  afterAll(async () => {
    await graph?.close();
  });

  const cacheEvents = async () => new Map((await samples(graph.gatewayUrl, 'gateway_response_cache_total')).map((sample) => [sample.labels.event, sample.value]));

  it('lets only the execution that callers join look up and store; each caller gets its status and Cache-Control', async () => {
    const before = { items: graph.calls.items!, events: await cacheEvents() };
    const gate = graph.hold();
    const answers = Array.from({ length: N }, () => post(graph.gatewayUrl, ITEMS));
    await gate.reached;
    await pause(200);
    gate.release();
    const results = await Promise.all(answers);
    expect(graph.calls.items! - before.items).toBe(1);
    for (const result of results) {
      expect(result.status).toBe(200);
      expect(result.body).toEqual(ANSWER);
      expect(result.headers.get('cache-control')).toBe('max-age=30, public');
    }
    const events = await cacheEvents();
    expect((events.get('miss') ?? 0) - (before.events.get('miss') ?? 0)).toBe(1);
    expect((events.get('store') ?? 0) - (before.events.get('store') ?? 0)).toBe(1);
    // the stored answer serves the next caller without an execution
    expect((await post(graph.gatewayUrl, ITEMS)).body).toEqual(ANSWER);
    expect(graph.calls.items! - before.items).toBe(1);
  });
});
