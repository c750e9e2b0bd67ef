/**
 * MAX_CONCURRENT_EXECUTIONS (gateway/src/execution-admission.ts) over real HTTP, on a graph
 * unrelated to CSR whose subgraph holds `items` at a gate. Every deduplication and the cache are
 * off, so that each request is an execution of its own.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startForeignGraph, post, type ForeignGraph } from '../harness/foreign-graph';
import { samples } from '../harness/metrics';
import type { RunningServer } from '../../platform/http';

const ITEMS = { query: 'query Items { items { sku name stock } }' };
const ALONE = { RESPONSE_CACHE: 'false', DEDUPLICATE_SUBGRAPH_REQUESTS: 'false', DEDUPLICATE_INBOUND_REQUESTS: 'false' };

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('execution admission', () => {
  let graph: ForeignGraph;
  let one: RunningServer;
  beforeAll(async () => {
    graph = await startForeignGraph({ hints: false, gatewayEnv: ALONE });
    one = await graph.startGateway({ ...ALONE, MAX_CONCURRENT_EXECUTIONS: '1', REQUEST_TIMEOUT_MS: '1500' });
  });
  afterAll(async () => {
    await graph?.close();
  });

  const gauge = async (url: string, name: string) => (await samples(url, name))[0]?.value;

  it('starts an execution only when a place is free, and reports its limit, active and queued executions', async () => {
    const before = graph.calls.items!;
    const gate = graph.hold();
    const first = post(one.url, ITEMS);
    await gate.reached;
    const second = post(one.url, ITEMS);
    await pause(200);
    expect(graph.calls.items! - before, 'the second waits for the first').toBe(1);
    expect(await gauge(one.url, 'gateway_executions_limit')).toBe(1);
    expect(await gauge(one.url, 'gateway_executions_active')).toBe(1);
    expect(await gauge(one.url, 'gateway_executions_queued')).toBe(1);
    gate.release();
    for (const answer of await Promise.all([first, second])) expect(answer.status).toBe(200);
    expect(graph.calls.items! - before).toBe(2);
    expect(await gauge(one.url, 'gateway_executions_queued')).toBe(0);
  });

  it('answers a request whose deadline passes while it waits with REQUEST_TIMEOUT, the time spent waiting included', async () => {
    const gate = graph.hold();
    const first = post(one.url, ITEMS);
    await gate.reached;
    const sent = Date.now();
    // it waits behind the first until the first runs out of time, then has only a moment of its own left
    const waiting = await post(one.url, ITEMS);
    const took = Date.now() - sent;
    gate.release();
    expect(waiting.status).toBe(504);
    expect(waiting.body.errors?.[0]?.extensions?.code).toBe('REQUEST_TIMEOUT');
    expect(took, 'not another REQUEST_TIMEOUT_MS once it starts').toBeLessThan(1_500 + 400);
    expect((await first).status).toBe(504);
  });

  it('admits every execution at once with MAX_CONCURRENT_EXECUTIONS=off', async () => {
    const unlimited = await graph.startGateway({ ...ALONE, MAX_CONCURRENT_EXECUTIONS: 'off' });
    const before = graph.calls.items!;
    const gate = graph.hold();
    const answers = Array.from({ length: 5 }, () => post(unlimited.url, ITEMS));
    await gate.reached;
    for (let waited = 0; graph.calls.items! - before < 5 && waited < 2_000; waited += 20) await pause(20);
    expect(graph.calls.items! - before).toBe(5);
    expect(await samples(unlimited.url, 'gateway_executions_limit')).toEqual([]);
    gate.release();
    await Promise.all(answers);
  });
});
