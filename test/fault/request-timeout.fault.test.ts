/**
 * Fault: the whole-request deadline (REQUEST_TIMEOUT_MS, 1.2 s here) fires while India is still
 * answering (a TCP proxy on 127.0.0.1 holds its answers back 4 s; its own budget, 10 s, is not
 * what stops it). The answer keeps what the other subsidiaries sent, names India where it is
 * missing, and is logged and counted with those codes.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningServer } from '../../platform/http';
import { ROLES } from '../../subgraphs/common/scopes';
import { useStackWithIndiaBehindProxy, within } from '../harness/faults';
import { capturedLogger, startGatewayOver } from '../harness/gateway';
import type { GraphQLResponse } from '../harness/graphql';
import { samples } from '../harness/metrics';

const DEADLINE_MS = 1_200;
const INDIA_DELAY_MS = 4_000;
const { stack, proxy } = useStackWithIndiaBehindProxy('fault_deadline', 10_000);
const { logger, lines } = capturedLogger();
let gateway: RunningServer;
let token: string;

beforeAll(async () => {
  const env = { SUBGRAPH_URL_INDIA: `http://127.0.0.1:${proxy().port}/graphql`, SUBGRAPH_TIMEOUT_MS: '10000', REQUEST_TIMEOUT_MS: String(DEADLINE_MS), RESPONSE_CACHE: 'false' };
  gateway = await startGatewayOver(stack, env, { logger });
  token = await stack.token(ROLES.admin);
});
afterAll(async () => {
  await gateway?.close();
});

async function post(query: string): Promise<{ status: number; ms: number; body: GraphQLResponse }> {
  const started = performance.now();
  const response = await fetch(gateway.url, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` }, body: JSON.stringify({ query }) });
  return { status: response.status, body: (await response.json()) as GraphQLResponse, ms: performance.now() - started };
}

const counted = async (name: string, labels: Record<string, string>) =>
  (await samples(gateway.url, name)).filter((sample) => Object.entries(labels).every(([label, value]) => sample.labels[label] === value)).reduce((sum, sample) => sum + sample.value, 0);

const DASHBOARD = `query Deadline { subsidiaries { code initiatives { totalCount } } groupReport(fiscalYear: 2024) { currency total { amount } volunteering { participants } } }`;

describe('a request that runs out of time while one subsidiary is slow', () => {
  it('keeps what arrived, with errors at the fields India and the figures after it would have filled', { timeout: 30_000 }, async () => {
    expect(await within(15_000, async () => (await post(DASHBOARD)).status === 200 && !(await post(DASHBOARD)).body.errors)).not.toBeNull();
    const whole = (await post(DASHBOARD)).body.data!;
    const errorsBefore = { internal: await counted('graphql_errors_total', { code: 'INTERNAL_SERVER_ERROR' }), timeouts: await counted('graphql_errors_total', { code: 'REQUEST_TIMEOUT' }) };
    lines.length = 0;

    proxy().delayMs = INDIA_DELAY_MS;
    let answer;
    try {
      answer = await post(DASHBOARD);
    } finally {
      proxy().delayMs = 0;
    }
    const { status, ms, body } = answer;
    console.info(`[fault] answer at a ${DEADLINE_MS} ms deadline with India ${INDIA_DELAY_MS} ms slow: HTTP ${status} in ${ms.toFixed(0)} ms`);
    expect(ms).toBeGreaterThanOrEqual(DEADLINE_MS - 20);
    expect(ms).toBeLessThan(DEADLINE_MS + 1_000);

    // 1. data that arrived stays: Japan, America, Thailand; India's branch is null
    expect(status).toBe(200);
    expect(body.data?.subsidiaries).toEqual(whole.subsidiaries.map((s: { code: string }) => (s.code === 'IN' ? { code: 'IN', initiatives: null } : s)));
    // 2. the consolidated figures are null, never a total without India
    expect(body.data?.groupReport).toEqual({ currency: 'JPY', total: null, volunteering: null });

    // 3. the errors: the deadline first, then each missing field, naming who is missing and why
    expect(body.errors?.[0]).toEqual({
      message: `The request did not complete within ${DEADLINE_MS} ms: the answer has what had arrived by then, and an error at each field that had not.`,
      extensions: { code: 'REQUEST_TIMEOUT', limit: DEADLINE_MS },
    });
    const india = body.errors?.find((error) => JSON.stringify(error.path) === JSON.stringify(['subsidiaries', 1, 'initiatives']));
    expect(india?.extensions).toMatchObject({ code: 'SUBSIDIARY_UNAVAILABLE', subsidiary: 'IN', serviceName: 'india', reason: 'request_timeout' });
    expect(india?.message).toBe(`NEC India (IN) is unavailable: the india subgraph did not answer within the request's deadline: cut off after REQUEST_TIMEOUT_MS (${DEADLINE_MS} ms)`);
    for (const field of ['total', 'volunteering']) {
      const figure = body.errors?.find((error) => JSON.stringify(error.path) === JSON.stringify(['groupReport', field]));
      expect(figure?.extensions, field).toMatchObject({ code: 'SUBGRAPH_UNAVAILABLE', serviceName: 'group', reason: 'request_timeout' });
      expect(figure?.message).toContain("Headquarters' group figures");
    }
    const codes = new Set(body.errors!.map((error) => error.extensions?.code));
    expect(codes.has('INTERNAL_SERVER_ERROR')).toBe(false);

    // 4. logged and counted with those codes, naming the subgraph
    await new Promise((resolve) => setTimeout(resolve, 50));
    const request = lines.find((line) => line.msg === 'graphql request' && line.operationName === 'Deadline');
    expect(request).toMatchObject({ status: 200, errors: body.errors!.map((error) => error.extensions?.code) });
    expect(lines.find((line) => line.msg === 'subgraph unavailable' && line.subgraph === 'india')).toMatchObject({ level: 'warn', reason: 'request_timeout' });
    expect(await counted('gateway_subgraph_unavailable_total', { subgraph: 'india', reason: 'request_timeout' })).toBeGreaterThanOrEqual(1);
    expect(await counted('gateway_subgraph_unavailable_total', { subgraph: 'group', reason: 'request_timeout' })).toBeGreaterThanOrEqual(1);
    expect(await counted('graphql_errors_total', { code: 'REQUEST_TIMEOUT' })).toBe(errorsBefore.timeouts + 1);
    expect(await counted('graphql_errors_total', { code: 'SUBSIDIARY_UNAVAILABLE' })).toBeGreaterThanOrEqual(1);
    expect(await counted('graphql_errors_total', { code: 'INTERNAL_SERVER_ERROR' })).toBe(errorsBefore.internal);
  });

  it('answers 504 when nothing arrived, and a write it cut off is OUTCOME_UNKNOWN with its key', { timeout: 30_000 }, async () => {
    proxy().delayMs = INDIA_DELAY_MS;
    let answer;
    try {
      answer = await post(`mutation { indiaRecordExpense(input: { initiativeId: "IN-I0002", date: "2024-07-12", contributionType: CASH, amount: "12.00", description: "cut off by the deadline" }, idempotencyKey: "deadline-cut-1") { id } }`);
    } finally {
      proxy().delayMs = 0;
    }
    expect(answer.status).toBe(504);
    expect(answer.body.data).toBeNull();
    expect(answer.body.errors?.map((error) => error.extensions?.code)).toEqual(['REQUEST_TIMEOUT', 'OUTCOME_UNKNOWN']);
    expect(answer.body.errors?.[1]).toMatchObject({
      path: ['indiaRecordExpense'],
      extensions: { subsidiary: 'IN', serviceName: 'india', reason: 'request_timeout', idempotencyKey: 'deadline-cut-1' },
    });
    expect(answer.body.errors?.[1]?.message).toContain('retry with idempotencyKey "deadline-cut-1"');
    // India did get it, and commits it: the retry with the key returns it, once
    const expenses = stack.db('india').collection('expenses');
    expect(await within(5_000, async () => (await expenses.countDocuments({ description: 'cut off by the deadline' })) === 1)).not.toBeNull();
  });
});
