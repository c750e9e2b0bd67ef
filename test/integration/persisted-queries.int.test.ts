/**
 * Automatic persisted queries (APQ, Apollo Server's own, on by default) through the project's HTTP
 * layer (platform/http.ts), by POST and by GET, and the gateway's query plan cache
 * (plugins/query-plan-cache.ts), seen in its metrics. On a graph unrelated to CSR, with cache hints.
 */
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startForeignGraph, post, type ForeignGraph } from '../harness/foreign-graph';
import { sumBy } from '../harness/metrics';

const QUERY = 'query Stock($sku: ID!) { item(sku: $sku) { sku name stock } }';
const HASH = createHash('sha256').update(QUERY).digest('hex');
const persisted = { persistedQuery: { version: 1, sha256Hash: HASH } };

async function get(url: string, params: Record<string, unknown>, headers: Record<string, string> = { 'apollo-require-preflight': 'true' }) {
  const search = new URLSearchParams(Object.fromEntries(Object.entries(params).map(([name, value]) => [name, typeof value === 'string' ? value : JSON.stringify(value)])));
  const response = await fetch(`${url}?${search}`, { headers });
  return { status: response.status, body: (await response.json()) as { data?: any; errors?: { message: string; extensions?: Record<string, any> }[] } };
}

describe('automatic persisted queries through the gateway', () => {
  let graph: ForeignGraph;
  beforeAll(async () => {
    // no response cache: every answer below is planned and executed
    graph = await startForeignGraph({ hints: true, gatewayEnv: { RESPONSE_CACHE: 'false' } });
  });
  afterAll(async () => {
    await graph?.close();
  });

  it('asks for the text of an unknown hash, registers it once sent (POST), then runs it by hash by POST and GET', async () => {
    const unknown = await post(graph.gatewayUrl, { variables: { sku: 'a1' }, extensions: persisted });
    expect(unknown.body.errors?.[0]).toMatchObject({ message: 'PersistedQueryNotFound', extensions: { code: 'PERSISTED_QUERY_NOT_FOUND' } });

    const registered = await post(graph.gatewayUrl, { query: QUERY, variables: { sku: 'a1' }, extensions: persisted });
    expect(registered.body).toEqual({ data: { item: { sku: 'a1', name: 'Anvil', stock: 3 } } });

    const byPost = await post(graph.gatewayUrl, { variables: { sku: 'b2' }, extensions: persisted });
    expect(byPost.body).toEqual({ data: { item: { sku: 'b2', name: 'Bellows', stock: 7 } } });

    const byGet = await get(graph.gatewayUrl, { variables: { sku: 'a1' }, extensions: persisted });
    expect(byGet).toEqual({ status: 200, body: { data: { item: { sku: 'a1', name: 'Anvil', stock: 3 } } } });
  });

  it('registers by GET too, and refuses a hash that does not match the text', async () => {
    const text = '{ items { sku } }';
    const extensions = { persistedQuery: { version: 1, sha256Hash: createHash('sha256').update(text).digest('hex') } };
    expect((await get(graph.gatewayUrl, { extensions })).body.errors?.[0]?.extensions?.code).toBe('PERSISTED_QUERY_NOT_FOUND');
    expect((await get(graph.gatewayUrl, { query: text, extensions })).body.data?.items).toHaveLength(2);
    expect((await get(graph.gatewayUrl, { extensions })).body.data?.items).toHaveLength(2);
    const forged = await post(graph.gatewayUrl, { query: '{ items { name } }', extensions });
    expect(forged.status).toBe(400);
    expect(forged.body.errors?.[0]?.message).toBe('provided sha does not match query');
  });

  it('keeps CSRF prevention on GET: a simple request without a preflight header is refused', async () => {
    const refused = await get(graph.gatewayUrl, { variables: { sku: 'a1' }, extensions: persisted }, {});
    expect(refused.status).toBe(400);
    expect(JSON.stringify(refused.body)).toMatch(/CSRF/);
    const mutation = await get(graph.gatewayUrl, { query: 'mutation { restock(sku: "a1", amount: 1) { stock } }' });
    expect(mutation.status).toBe(405);
  });

  it('plans an operation once: later requests, by text or by hash, reuse the plan', async () => {
    const text = 'query PlanOnce { items { name stock } }';
    const lookups = () => sumBy(graph.gatewayUrl, 'gateway_query_plan_cache_total', 'result');
    const before = await lookups();
    await post(graph.gatewayUrl, { query: text });
    const planned = await lookups();
    expect((planned.get('miss') ?? 0) - (before.get('miss') ?? 0)).toBe(1);
    await post(graph.gatewayUrl, { query: text });
    await post(graph.gatewayUrl, { query: text, extensions: { persistedQuery: { version: 1, sha256Hash: createHash('sha256').update(text).digest('hex') } } });
    await post(graph.gatewayUrl, { extensions: { persistedQuery: { version: 1, sha256Hash: createHash('sha256').update(text).digest('hex') } } });
    const after = await lookups();
    expect((after.get('miss') ?? 0) - (planned.get('miss') ?? 0)).toBe(0);
    expect((after.get('hit') ?? 0) - (planned.get('hit') ?? 0)).toBe(3);
  });
});

describe('persisted queries and the response cache', () => {
  let graph: ForeignGraph;
  beforeAll(async () => {
    graph = await startForeignGraph({ hints: true });
  });
  afterAll(async () => {
    await graph?.close();
  });

  it('shares one cached answer between the text and its hash', async () => {
    const before = graph.calls.item!;
    await post(graph.gatewayUrl, { query: QUERY, variables: { sku: 'a1' } });
    await post(graph.gatewayUrl, { query: QUERY, variables: { sku: 'a1' }, extensions: persisted });
    const byHash = await get(graph.gatewayUrl, { variables: { sku: 'a1' }, extensions: persisted });
    expect(byHash.body.data?.item?.name).toBe('Anvil');
    expect(graph.calls.item! - before).toBe(1);
  });
});
