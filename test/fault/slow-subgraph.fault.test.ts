/**
 * Fault: the India subgraph answers too slowly. A TCP proxy on 127.0.0.1 sits between the gateway
 * and India and holds India's answers back; the gateway's per-subgraph budget is 1.5 s.
 */
import { describe, expect, it } from 'vitest';
import { ROLES } from '../../subgraphs/common/scopes';
import { useStackWithIndiaBehindProxy, within } from '../harness/faults';

// generous enough that the healthy subgraphs never miss it on a loaded 2-core machine
const TIMEOUT_MS = 1_500;
const { stack, proxy } = useStackWithIndiaBehindProxy('fault_slow', TIMEOUT_MS);

const LIST = `{ subsidiaries { code initiatives { totalCount } } }`;

describe('a regional subgraph slower than its timeout', () => {
  it('answers within the budget with every other region, and an error naming India', { timeout: 30_000 }, async () => {
    // warm (the first answers of a cold process may be slow under a loaded test run)
    await within(15_000, async () => !(await stack.query(LIST)).errors);
    const fast = await stack.data(LIST);
    proxy().delayMs = 5_000;
    try {
      const started = Date.now();
      const result = await stack.query(LIST);
      const elapsed = Date.now() - started;
      console.info(`[fault] answer with India ${proxy().delayMs} ms slow and a ${TIMEOUT_MS} ms budget: ${elapsed} ms`);
      expect(elapsed).toBeGreaterThanOrEqual(TIMEOUT_MS - 20);
      expect(elapsed).toBeLessThan(TIMEOUT_MS + 1_500);
      expect(result.data?.subsidiaries).toEqual(fast.subsidiaries.map((s: any) => (s.code === 'IN' ? { code: 'IN', initiatives: null } : s)));
      expect(result.errors).toHaveLength(1);
      expect(result.errors![0]).toMatchObject({
        path: ['subsidiaries', 1, 'initiatives'],
        extensions: { code: 'SUBSIDIARY_UNAVAILABLE', subsidiary: 'IN', reason: 'timeout', serviceName: 'india' },
      });

      // the consolidated total does not wait for India either, and is null rather than wrong
      const reportStarted = Date.now();
      const report = await stack.query(`{ groupReport(fiscalYear: 2024) { total { amount } completeness { missing { code } } } }`);
      expect(Date.now() - reportStarted).toBeLessThan(2 * TIMEOUT_MS + 1_500);
      expect(report.data?.groupReport).toEqual({ total: null, completeness: { missing: [{ code: 'IN' }] } });
    } finally {
      proxy().delayMs = 0;
    }
    expect(await stack.data(LIST)).toEqual(fast);
  });

  it('reuses kept-alive connections to a subgraph across requests', async () => {
    await stack.data(LIST); // warm: at least one connection is open
    const before = proxy().connections;
    for (let i = 0; i < 10; i += 1) await stack.data(LIST);
    // ten sequential requests, each calling India: all on the connection(s) already open
    expect(proxy().connections - before).toBeLessThanOrEqual(1);
  });

  it("passes the caller's x-request-id to the subgraphs and returns it; makes one when absent", async () => {
    const response = await fetch(stack.gatewayUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-request-id': 'fault-test-req-42', authorization: `Bearer ${await stack.token(ROLES.hq)}` },
      body: JSON.stringify({ query: LIST }),
    });
    expect(response.headers.get('x-request-id')).toBe('fault-test-req-42');
    expect(proxy().sent).toMatch(/x-request-id: fault-test-req-42/i);

    const generated = await fetch(stack.gatewayUrl, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query: '{ __typename }' }) });
    const id = generated.headers.get('x-request-id');
    expect(id).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('drains an in-flight request when the gateway closes', { timeout: 30_000 }, async () => {
    proxy().delayMs = 300; // slow, within the budget
    const pending = stack.query(LIST);
    await new Promise((resolve) => setTimeout(resolve, 50));
    const closing = stack.stack.gateway.close();
    const result = await pending;
    await closing;
    expect(result.errors).toBeUndefined();
    expect(result.data?.subsidiaries[1].initiatives.totalCount).toBeGreaterThan(0);
    await expect(fetch(stack.gatewayUrl, { method: 'POST', body: '{}' })).rejects.toThrow();
  });
});
