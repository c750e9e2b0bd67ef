/**
 * The gateway's response cache (gateway/src/plugins/response-cache.ts) over real HTTP: the product's
 * stack, whose report and reference types carry @cacheControl hints (subgraphs/common/cache-hints.ts),
 * and a graph unrelated to CSR with and without hints. Subgraph calls are counted at the gateway
 * (its /metrics) and MongoDB commands at the subgraphs.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DASHBOARD as DASHBOARD_REQUEST } from '../../bench/workloads';
import { CACHE_MAX_AGE } from '../../subgraphs/common/cache-hints';
import { ROLES, writeScope } from '../../subgraphs/common/scopes';
import { startForeignGraph, post, type ForeignGraph } from '../harness/foreign-graph';
import { countSubgraphFetches, sumBy, total } from '../harness/metrics';
import { useSeededStack } from '../harness/stack';
import { requestCommands } from '../harness/upkeep';

// cache keys by scope, a BI token's among them: its free-form queries are let through here
// (TRUSTED_DOCUMENTS_ONLY_FOR empty); trusted documents are test/e2e/trusted-documents.e2e.test.ts's
const stack = useSeededStack('int_response_cache', { gatewayEnv: { TRUSTED_DOCUMENTS_ONLY_FOR: '' } });

const DASHBOARD = DASHBOARD_REQUEST.query;

/** The dashboard under another operation name: an entry of its own, so that tests do not share entries. */
function dashboard(name: string): string {
  return DASHBOARD.replace('query Dashboard(', `query ${name}(`);
}

async function send(query: string, variables: Record<string, unknown>, token: string | null, headers: Record<string, string> = {}) {
  return post(stack.gatewayUrl, { query, variables }, { ...(token ? { authorization: `Bearer ${token}` } : {}), ...headers });
}

/** What one request cost: subgraph calls made by the gateway, and MongoDB commands of the subgraphs. */
async function cost(action: () => Promise<unknown>) {
  let fetches = new Map<string, number>();
  const commands = await stack.countCommands(async () => {
    fetches = await countSubgraphFetches(stack.gatewayUrl, action);
  });
  return { fetches: total(fetches), commands: requestCommands(commands) };
}

describe('response cache on the product graph', () => {
  let hq: string;
  beforeAll(async () => {
    hq = await stack.token(ROLES.hq, { subject: 'hq-analyst-1' });
  });

  it('(a) answers the second identical dashboard from the cache, without any subgraph call', async () => {
    const query = dashboard('DashboardA');
    let first: Awaited<ReturnType<typeof send>> | undefined;
    const firstCost = await cost(async () => (first = await send(query, { year: 2025 }, hq)));
    expect(first!.body.errors).toBeUndefined();
    expect(firstCost.fetches).toBe(6); // group, the four regional reports, group again
    expect(firstCost.commands).toBeGreaterThan(0);
    // what the gateway tells clients: the hints' max-age, private because the request carried a token
    expect(first!.headers.get('cache-control')).toBe(`max-age=${CACHE_MAX_AGE.report}, private`);

    let second: Awaited<ReturnType<typeof send>> | undefined;
    const secondCost = await cost(async () => (second = await send(query, { year: 2025 }, hq)));
    expect(secondCost).toEqual({ fetches: 0, commands: 0 });
    expect(second!.body).toEqual(first!.body);
    expect(second!.headers.get('cache-control')).toBe(`max-age=${CACHE_MAX_AGE.report}, private`);
    expect(Number(second!.headers.get('age'))).toBeGreaterThanOrEqual(0);

    // other variables are another answer
    const otherYear = await cost(() => send(query, { year: 2024 }, hq));
    expect(otherYear.fetches).toBe(6);
    const events = await sumBy(stack.gatewayUrl, 'gateway_response_cache_total', 'event');
    expect(events.get('hit')).toBeGreaterThanOrEqual(1);
    expect(events.get('store')).toBeGreaterThanOrEqual(2);
  });

  it('(b) a mutation through the gateway invalidates: the next report includes the new expense', async () => {
    const query = dashboard('DashboardB');
    const indiaOf = (result: Awaited<ReturnType<typeof send>>) => result.body.data!.groupReport.bySubsidiary.find((line: { code: string }) => line.code === 'IN');
    const before = await send(query, { year: 2025 }, hq);
    expect((await cost(() => send(query, { year: 2025 }, hq))).fetches).toBe(0);

    const recorded = await stack.data(`mutation { indiaRecordExpense(input: {
      initiativeId: "IN-I0001", date: "2024-07-10", contributionType: CASH, amount: "12345.67", description: "Cache invalidation check" }) { id } }`);
    expect(recorded.indiaRecordExpense.id).toMatch(/^IN-X/);

    let after: Awaited<ReturnType<typeof send>> | undefined;
    expect((await cost(async () => (after = await send(query, { year: 2025 }, hq)))).fetches).toBe(6);
    expect(Math.round(Number(indiaOf(after!).local.amount) * 100 - Number(indiaOf(before).local.amount) * 100)).toBe(1234567);
    expect(indiaOf(after!).expenseCount).toBe(indiaOf(before).expenseCount + 1);
  });

  it('(b) a write made straight to a subgraph shows after max-age only, or at once to a client asking for no-cache', async () => {
    const query = dashboard('DashboardDirect');
    const before = await send(query, { year: 2025 }, hq);
    const indiaUrl = stack.stack.subgraphs.get('india')!.server.url;
    const direct = await stack.as(null, indiaUrl).query(
      `mutation { indiaRecordExpense(input: { initiativeId: "IN-I0002", date: "2024-08-01", contributionType: CASH, amount: "100.00", description: "Written around the gateway" }) { id } }`,
      {},
      { authorization: `Bearer ${await stack.token(ROLES.admin)}` },
    );
    expect(direct.errors).toBeUndefined();
    const stale = await send(query, { year: 2025 }, hq);
    expect(stale.body).toEqual(before.body);
    const fresh = await send(query, { year: 2025 }, hq, { 'cache-control': 'no-cache' });
    expect(fresh.body).not.toEqual(before.body);
    // the fresh answer replaced the stale one
    expect((await send(query, { year: 2025 }, hq)).body).toEqual(fresh.body);
  });

  it('(c) shares PUBLIC answers between callers with the same scopes only', async () => {
    const query = dashboard('DashboardC');
    await send(query, { year: 2025 }, hq);
    // another headquarters user: same scopes, same answer, from the cache
    const colleague = await stack.token(ROLES.hq, { subject: 'hq-analyst-2' });
    expect((await cost(() => send(query, { year: 2025 }, colleague))).fetches).toBe(0);
    // a BI service token: other scopes, an entry of its own
    const bi = await stack.token(ROLES.bi, { subject: 'bi-tool' });
    let biAnswer: Awaited<ReturnType<typeof send>> | undefined;
    expect((await cost(async () => (biAnswer = await send(query, { year: 2025 }, bi)))).fetches).toBe(6);
    expect(biAnswer!.body.errors).toBeUndefined();
    expect((await cost(() => send(query, { year: 2025 }, bi))).fetches).toBe(0);
  });

  it('(c) refuses a token without a read scope, and a request without a token, whatever is cached', async () => {
    const query = dashboard('DashboardC2');
    await send(query, { year: 2025 }, hq);
    const writer = await stack.token([writeScope('IN')], { subject: 'india-writer' });
    let refused: Awaited<ReturnType<typeof send>> | undefined;
    expect(await cost(async () => (refused = await send(query, { year: 2025 }, writer)))).toEqual({ fetches: 0, commands: 0 });
    expect(refused!.status).toBe(403);
    expect(refused!.body.data).toBeUndefined();
    expect(refused!.body.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    const anonymous = await send(query, { year: 2025 }, null);
    expect(anonymous.status).toBe(401);
    expect(anonymous.body.data).toBeUndefined();
    const expired = await send(query, { year: 2025 }, await stack.token(ROLES.hq, { ttlSeconds: -120 }));
    expect(expired.status).toBe(401);
  });

  it('(f) keeps its answers when a caller sends a mutation that writes nothing (a BI token flushed it with `mutation { __typename }`)', async () => {
    const query = dashboard('DashboardF');
    await send(query, { year: 2025 }, hq);
    const bi = await stack.token(ROLES.bi, { subject: 'bi-flusher' });
    const india = await stack.token(ROLES.regional('IN'), { subject: 'in-clumsy' });
    const nothing = [
      await send('mutation { __typename }', {}, bi), // executed, selects nothing a subgraph writes
      await send('mutation { indiaArchiveInitiative(id: "IN-I0001") { id } }', {}, bi), // refused: no write scope
      await send('mutation { indiaRecordExpense(input: { initiativeId: "IN-I0001", date: "2024-07-10", contributionType: CASH, amount: "-5", description: "refused" }) { id } }', {}, india),
      await send('mutation { indiaArchiveInitiative(id: "JP-I0001") { id } }', {}, india), // another subsidiary's record
    ];
    expect(nothing[0]!.body).toEqual({ data: { __typename: 'Mutation' } });
    expect(nothing.slice(1).map((answer) => answer.body.errors?.[0]?.extensions?.code)).toEqual(['FORBIDDEN', 'BAD_USER_INPUT', 'WRONG_SUBSIDIARY']);
    expect((await cost(() => send(query, { year: 2025 }, hq))).fetches).toBe(0);
  });

  it('(g) keys answers by the variables the operation declares: unused ones make no new entries', async () => {
    const query = dashboard('DashboardG');
    await send(query, { year: 2025 }, hq);
    for (let junk = 0; junk < 5; junk += 1) {
      expect((await cost(() => send(query, { year: 2025, junk }, hq))).fetches).toBe(0);
    }
    const stores = (await sumBy(stack.gatewayUrl, 'gateway_response_cache_total', 'event')).get('store');
    await send(query, { year: 2025, junk: 'x'.repeat(1000) }, hq);
    expect((await sumBy(stack.gatewayUrl, 'gateway_response_cache_total', 'event')).get('store')).toBe(stores);
  });

  it('(d) never caches a response with errors', async () => {
    const bad = `query Bad { groupReport(fiscalYear: 1900) { total { amount } } }`;
    for (let attempt = 0; attempt < 2; attempt += 1) {
      let result: Awaited<ReturnType<typeof send>> | undefined;
      expect((await cost(async () => (result = await send(bad, {}, hq)))).fetches).toBeGreaterThan(0);
      expect(result!.body.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
      expect(result!.headers.get('cache-control')).toBe('no-store');
    }
  });

  it('caches reference data, and leaves uncached what has no hints (initiatives, audit)', async () => {
    const reference = `query Reference { causeAreas { code name } goals { id title } exchangeRates(fiscalYear: 2025) { currency jpyPerUnit } }`;
    await send(reference, {}, hq);
    expect((await cost(() => send(reference, {}, hq))).fetches).toBe(0);
    const initiatives = `query Initiatives { subsidiary(code: "IN") { code initiatives(first: 2) { nodes { id title } } } }`;
    const first = await send(initiatives, {}, hq);
    expect(first.body.errors).toBeUndefined();
    expect(first.headers.get('cache-control')).toBe('no-store');
    expect((await cost(() => send(initiatives, {}, hq))).fetches).toBeGreaterThan(0);
  });

  it('(d) does not keep the answer of an outage: the next one is complete again', async () => {
    const query = dashboard('DashboardD');
    await stack.stack.stop('india');
    try {
      const partial = await send(query, { year: 2025 }, hq);
      expect(partial.body.errors?.length).toBeGreaterThan(0);
      expect(partial.body.data?.groupReport?.completeness?.missing?.map((missing: { code: string }) => missing.code)).toEqual(['IN']);
    } finally {
      await stack.stack.start('india');
    }
    let whole: Awaited<ReturnType<typeof send>> | undefined;
    expect((await cost(async () => (whole = await send(query, { year: 2025 }, hq)))).fetches).toBe(6);
    expect(whole!.body.errors).toBeUndefined();
    expect(whole!.body.data?.groupReport.completeness.complete).toBe(true);
  });
});

describe('response cache on any supergraph', () => {
  let plain: ForeignGraph;
  let hinted: ForeignGraph;
  beforeAll(async () => {
    [plain, hinted] = await Promise.all([startForeignGraph({ hints: false }), startForeignGraph({ hints: true })]);
  });
  afterAll(async () => {
    await Promise.all([plain?.close(), hinted?.close()]);
  });
  const ITEMS = { query: '{ items { sku name } }' };

  it('(e) caches nothing of a supergraph whose subgraphs give no cache hints', async () => {
    const before = plain.calls.items!;
    const first = await post(plain.gatewayUrl, ITEMS);
    const second = await post(plain.gatewayUrl, ITEMS);
    expect(second.body).toEqual(first.body);
    expect(plain.calls.items! - before).toBe(2);
    expect(second.headers.get('cache-control')).toBe('no-store');
    expect(second.headers.get('age')).toBeNull();
  });

  it('caches the same graph once its subgraph gives hints, per credentials when the gateway does not check tokens', async () => {
    const before = hinted.calls.items!;
    const anonymous = await post(hinted.gatewayUrl, ITEMS);
    expect(anonymous.headers.get('cache-control')).toBe('max-age=30, public');
    await post(hinted.gatewayUrl, ITEMS);
    expect(hinted.calls.items! - before).toBe(1);
    // tokens the gateway does not verify: only the very same credentials share an answer
    await post(hinted.gatewayUrl, ITEMS, { authorization: 'Bearer alice' });
    const again = await post(hinted.gatewayUrl, ITEMS, { authorization: 'Bearer alice' });
    expect(again.headers.get('cache-control')).toBe('max-age=30, private');
    await post(hinted.gatewayUrl, ITEMS, { authorization: 'Bearer bob' });
    expect(hinted.calls.items! - before).toBe(3);
  });

  it('(d) does not cache errors, even under a hint', async () => {
    const before = hinted.calls.fails!;
    for (let attempt = 0; attempt < 2; attempt += 1) {
      const result = await post(hinted.gatewayUrl, { query: '{ fails }' });
      expect(result.body.errors?.[0]?.extensions?.code).toBe('SCALE_BROKEN');
    }
    expect(hinted.calls.fails! - before).toBe(2);
  });

  it('is off with RESPONSE_CACHE=false', async () => {
    const off = await hinted.startGateway({ RESPONSE_CACHE: 'false' });
    const before = hinted.calls.item!;
    const query = { query: 'query One($sku: ID!) { item(sku: $sku) { name } }', variables: { sku: 'a1' } };
    await post(off.url, query);
    const second = await post(off.url, query);
    expect(hinted.calls.item! - before).toBe(2);
    // still cacheable for the client: the hints are the subgraph's, the cache is the gateway's
    expect(second.headers.get('cache-control')).toBe('max-age=30, public');
  });
});
