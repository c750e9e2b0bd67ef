/**
 * In-flight deduplication of subgraph queries (gateway/src/plugins/deduplicate.ts), over real HTTP:
 * on a graph unrelated to CSR whose subgraph can hold requests in flight (exact counts), and on the
 * product's stack with India slowed by a proxy. The response cache is off throughout, so that
 * every request reaches the subgraphs.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startForeignGraph, post, type ForeignGraph } from '../harness/foreign-graph';
import { useStackWithIndiaBehindProxy } from '../harness/faults';
import { countSubgraphFetches, sumBy } from '../harness/metrics';
import type { RunningServer } from '../../platform/http';

const N = 5;
const ITEMS = { query: 'query Items { items { sku name stock } }' };

describe('deduplication on any supergraph', () => {
  let graph: ForeignGraph;
  let withoutDedupe: RunningServer;
  beforeAll(async () => {
    // inbound deduplication (inbound-deduplication.int.test.ts) off: every request reaches the subgraph calls
    graph = await startForeignGraph({ hints: false, gatewayEnv: { RESPONSE_CACHE: 'false', REQUEST_TIMEOUT_MS: '1500', DEDUPLICATE_INBOUND_REQUESTS: 'false' } });
    withoutDedupe = await graph.startGateway({ RESPONSE_CACHE: 'false', DEDUPLICATE_SUBGRAPH_REQUESTS: 'false', DEDUPLICATE_INBOUND_REQUESTS: 'false' });
  });
  afterAll(async () => {
    await graph?.close();
  });

  /** N identical queries sent while the subgraph holds the first one: how many reached it. */
  async function concurrently(url: string, body: Record<string, unknown>, headers: (index: number) => Record<string, string> = () => ({})) {
    const before = graph.calls.items!;
    const gate = graph.hold();
    const answers = Array.from({ length: N }, (_, index) => post(url, body, headers(index)));
    await gate.reached;
    await new Promise((resolve) => setTimeout(resolve, 150)); // let the others arrive at the gateway
    gate.release();
    const results = await Promise.all(answers);
    return { results, calls: graph.calls.items! - before };
  }

  it(`sends ${N} concurrent identical queries to the subgraph once, and answers each of them`, async () => {
    const { results, calls } = await concurrently(graph.gatewayUrl, ITEMS);
    expect(calls).toBe(1);
    for (const result of results) expect(result.body).toEqual({ data: { items: [{ sku: 'a1', name: 'Anvil', stock: 3 }, { sku: 'b2', name: 'Bellows', stock: 7 }] } });
    expect((await sumBy(graph.gatewayUrl, 'gateway_subgraph_fetch_shared_total', 'subgraph')).get('inventory')).toBeGreaterThanOrEqual(N - 1);
  });

  it(`sends them ${N} times with DEDUPLICATE_SUBGRAPH_REQUESTS=false`, async () => {
    const { results, calls } = await concurrently(withoutDedupe.url, ITEMS);
    expect(calls).toBe(N);
    for (const result of results) expect(result.body.data?.items).toHaveLength(2);
  });

  it('keeps nothing once the call has settled', async () => {
    const before = graph.calls.items!;
    await post(graph.gatewayUrl, ITEMS);
    await post(graph.gatewayUrl, ITEMS);
    expect(graph.calls.items! - before).toBe(2);
  });

  it('never shares a call between different credentials', async () => {
    const { calls } = await concurrently(graph.gatewayUrl, ITEMS, (index) => ({ authorization: `Bearer token-${index % 2}` }));
    expect(calls).toBe(2);
  });

  it('never deduplicates mutations', async () => {
    const before = graph.calls.restock!;
    const mutation = { query: 'mutation { restock(sku: "a1", amount: 1) { sku stock } }' };
    const results = await Promise.all(Array.from({ length: N }, () => post(graph.gatewayUrl, mutation)));
    expect(graph.calls.restock! - before).toBe(N);
    for (const result of results) expect(result.body).toEqual({ data: { restock: { sku: 'a1', stock: 4 } } });
  });

  it('gives the answer to a caller still waiting when the first caller gave up (its request timed out)', async () => {
    const before = graph.calls.items!;
    const gate = graph.hold();
    const first = post(graph.gatewayUrl, ITEMS); // REQUEST_TIMEOUT_MS 1500: gives up while held
    await gate.reached;
    await new Promise((resolve) => setTimeout(resolve, 700));
    const second = post(graph.gatewayUrl, ITEMS); // joins the call in flight; its own deadline is ~700 ms later
    const timedOut = await first;
    expect(timedOut.status).toBe(504);
    expect(timedOut.body.errors?.[0]?.extensions?.code).toBe('REQUEST_TIMEOUT');
    gate.release();
    const answered = await second;
    expect(answered.status).toBe(200);
    expect(answered.body.data?.items).toHaveLength(2);
    expect(graph.calls.items! - before).toBe(1);
  });

  it('aborts the shared call when every caller gave up, and starts a new one afterwards', async () => {
    const gate = graph.hold();
    const both = [post(graph.gatewayUrl, ITEMS), post(graph.gatewayUrl, ITEMS)];
    await gate.reached;
    for (const result of await Promise.all(both)) expect(result.status).toBe(504);
    gate.release();
    const after = await post(graph.gatewayUrl, ITEMS);
    expect(after.body.data?.items).toHaveLength(2);
    const outcomes = await sumBy(graph.gatewayUrl, 'gateway_subgraph_fetch_duration_seconds_count', 'outcome');
    expect(outcomes.get('aborted')).toBeGreaterThanOrEqual(1);
  });
});

describe('deduplication on the product graph', () => {
  const { stack, proxy } = useStackWithIndiaBehindProxy('int_dedupe', 5_000, { RESPONSE_CACHE: 'false' });

  const DASHBOARD = `query Dashboard($year: Int!) { groupReport(fiscalYear: $year) {
    total { amount currency } bySubsidiary { code local { amount } expenseCount } volunteering { participants hours } } }`;

  it(`asks India once for ${N} concurrent identical dashboards, and each gets the full answer`, async () => {
    const alone = await stack.data(DASHBOARD, { year: 2025 });
    proxy().delayMs = 400;
    try {
      const requests = proxy().sent.length;
      const fetches = await countSubgraphFetches(stack.gatewayUrl, async () => {
        const results = await Promise.all(Array.from({ length: N }, () => stack.data(DASHBOARD, { year: 2025 })));
        for (const result of results) expect(result).toEqual(alone);
      });
      expect(fetches.get('india')).toBe(1);
      expect(proxy().sent.slice(requests).match(/POST \/graphql/g)).toHaveLength(1);
      // the other subgraphs answer fast: their calls overlap less, but never more than once per dashboard
      for (const [subgraph, count] of fetches) expect(count, subgraph).toBeLessThanOrEqual(subgraph === 'group' ? 2 * N : N);
    } finally {
      proxy().delayMs = 0;
    }
  });

  it('sends concurrent identical mutations each on its own', async () => {
    const record = `mutation { indiaRecordExpense(input: { initiativeId: "IN-I0001", date: "2024-05-02", contributionType: CASH, amount: "10.00", description: "Same write, three times" }) { id } }`;
    const before = await stack.db('india').collection('expenses').countDocuments();
    const fetches = await countSubgraphFetches(stack.gatewayUrl, async () => {
      const results = await Promise.all(Array.from({ length: 3 }, () => stack.data(record)));
      expect(new Set(results.map((result) => result.indiaRecordExpense.id)).size).toBe(3);
    });
    expect(fetches.get('india')).toBe(3);
    expect(await stack.db('india').collection('expenses').countDocuments()).toBe(before + 3);
  });
});
