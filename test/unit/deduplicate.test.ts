import { describe, expect, it } from 'vitest';
import type { FetcherRequestInit } from '@apollo/utils.fetcher';
import { ConfigError, loadGatewayConfig } from '../../gateway/src/config';
import { deduplicateSubgraphRequests, deduplicationKey, isShareable } from '../../gateway/src/plugins/deduplicate';
import { SubgraphUnavailableError, type SubgraphCall, type SubgraphFetch } from '../../gateway/src/subgraph-fetch';

const URL_INDIA = 'http://127.0.0.1:4002/graphql';
const QUERY_BODY = JSON.stringify({ query: 'query Q__india__1($representations: [_Any!]!) { _entities(representations: $representations) { __typename } }', variables: { representations: [{ __typename: 'IndiaReport', id: 'IN|2025' }] } });
const MUTATION_BODY = JSON.stringify({ query: 'mutation M__india__0 { indiaArchiveInitiative(id: "IN-I0001") { id } }' });

function init(body = QUERY_BODY, headers: Record<string, string> = {}): FetcherRequestInit {
  return { method: 'POST', headers: { 'Content-Type': 'application/json', authorization: 'Bearer t1', ...headers }, body };
}

const QUERY_CALL: SubgraphCall = { service: 'india', operation: 'query' };

/** A subgraph stand-in: each call waits until released, then answers with its number. */
function fakeSubgraph() {
  const calls: { init: FetcherRequestInit; signal?: AbortSignal; release: (status?: number) => void; fail: (error: unknown) => void }[] = [];
  const next: SubgraphFetch = (_url, callInit, call) =>
    new Promise<Response>((resolve, reject) => {
      const number = calls.length + 1;
      calls.push({
        init: callInit,
        signal: call.signal,
        release: (status = 200) => resolve(new Response(JSON.stringify({ data: { call: number } }), { status, headers: { 'content-type': 'application/json', 'cache-control': 'max-age=60, public' } })),
        fail: reject,
      });
      call.signal?.addEventListener('abort', () => reject(call.signal!.reason), { once: true });
    });
  return { calls, next };
}

const tick = () => new Promise((resolve) => setImmediate(resolve));

async function runMutation(plugin: ReturnType<typeof deduplicateSubgraphRequests>['plugin']) {
  const listener = await plugin.requestDidStart!({} as never);
  await listener!.executionDidStart!({ operation: { operation: 'mutation' } } as never);
  await listener!.willSendResponse!({} as never);
}

describe('deduplication key', () => {
  it('is the same whatever the header order, case or request id', () => {
    const a = deduplicationKey(URL_INDIA, init(QUERY_BODY, { 'x-request-id': 'one' }));
    const b = deduplicationKey(URL_INDIA, { method: 'POST', headers: { Authorization: 'Bearer t1', 'X-Request-Id': 'two', 'content-type': 'application/json' }, body: QUERY_BODY });
    expect(a).toBe(b);
  });

  it('differs by URL, body, credentials and epoch', () => {
    const base = deduplicationKey(URL_INDIA, init());
    expect(deduplicationKey('http://127.0.0.1:4003/graphql', init())).not.toBe(base);
    expect(deduplicationKey(URL_INDIA, init(QUERY_BODY.replace('IN|2025', 'IN|2024')))).not.toBe(base);
    expect(deduplicationKey(URL_INDIA, init(QUERY_BODY, { authorization: 'Bearer t2' }))).not.toBe(base);
    expect(deduplicationKey(URL_INDIA, init(), 1)).not.toBe(base);
  });

  it('shares subgraph queries of incoming queries only', () => {
    expect(isShareable(init(), QUERY_CALL)).toBe(true);
    expect(isShareable(init(MUTATION_BODY), QUERY_CALL)).toBe(false);
    // a query a mutation's plan sends must see the mutation's writes
    expect(isShareable(init(), { service: 'india', operation: 'mutation' })).toBe(false);
    // the gateway's own calls (health checks)
    expect(isShareable(init(), { service: 'india' })).toBe(false);
  });
});

describe('in-flight deduplication', () => {
  it('sends identical concurrent queries once and gives each caller a response of its own', async () => {
    const { calls, next } = fakeSubgraph();
    const dedupe = deduplicateSubgraphRequests();
    const fetch = dedupe.layer(next);
    const first = fetch(URL_INDIA, init(QUERY_BODY, { 'x-request-id': 'a' }), QUERY_CALL);
    const second = fetch(URL_INDIA, init(QUERY_BODY, { 'x-request-id': 'b' }), QUERY_CALL);
    await tick();
    expect(calls).toHaveLength(1);
    expect(dedupe.inFlight).toBe(1);
    calls[0]!.release();
    const [a, b] = await Promise.all([first, second]);
    expect(a).not.toBe(b);
    expect(await a.json()).toEqual({ data: { call: 1 } });
    expect(await b.json()).toEqual({ data: { call: 1 } });
    expect(b.headers.get('cache-control')).toBe('max-age=60, public');
    expect(dedupe.inFlight).toBe(0);
  });

  it("gives each caller a body it can read once, as fetch's own", async () => {
    const { calls, next } = fakeSubgraph();
    const fetch = deduplicateSubgraphRequests().layer(next);
    const pending = fetch(URL_INDIA, init(), QUERY_CALL);
    await tick();
    calls[0]!.release();
    const response = await pending;
    const copy = response.clone();
    expect(response.ok).toBe(true);
    expect(await response.text()).toBe('{"data":{"call":1}}');
    expect(response.bodyUsed).toBe(true);
    await expect(response.json()).rejects.toThrow(TypeError);
    expect(await copy.json()).toEqual({ data: { call: 1 } });
  });

  it('keeps nothing after the call settles, and never shares mutations or different credentials', async () => {
    const { calls, next } = fakeSubgraph();
    const fetch = deduplicateSubgraphRequests().layer(next);
    const first = fetch(URL_INDIA, init(), QUERY_CALL);
    await tick();
    calls[0]!.release();
    await first;
    const later = fetch(URL_INDIA, init(), QUERY_CALL);
    const other = fetch(URL_INDIA, init(QUERY_BODY, { authorization: 'Bearer t2' }), QUERY_CALL);
    const writes = [fetch(URL_INDIA, init(MUTATION_BODY), { service: 'india', operation: 'mutation' }), fetch(URL_INDIA, init(MUTATION_BODY), { service: 'india', operation: 'mutation' })];
    await tick();
    expect(calls).toHaveLength(5);
    for (const call of calls) call.release();
    await Promise.all([later, other, ...writes]);
  });

  it('lets a caller give up without taking the answer from the others', async () => {
    const { calls, next } = fakeSubgraph();
    const fetch = deduplicateSubgraphRequests().layer(next);
    const quitting = new AbortController();
    const first = fetch(URL_INDIA, init(), { ...QUERY_CALL, signal: quitting.signal });
    const second = fetch(URL_INDIA, init(), { ...QUERY_CALL, signal: new AbortController().signal });
    await tick();
    const reason = new Error('request timed out after 1500 ms');
    quitting.abort(reason);
    await expect(first).rejects.toBe(reason);
    expect(calls[0]!.signal!.aborted).toBe(false);
    calls[0]!.release();
    expect(await (await second).json()).toEqual({ data: { call: 1 } });
  });

  it('aborts the shared call once nobody waits, and nobody joins it afterwards', async () => {
    const { calls, next } = fakeSubgraph();
    const dedupe = deduplicateSubgraphRequests();
    const fetch = dedupe.layer(next);
    const one = new AbortController();
    const two = new AbortController();
    const first = fetch(URL_INDIA, init(), { ...QUERY_CALL, signal: one.signal });
    const second = fetch(URL_INDIA, init(), { ...QUERY_CALL, signal: two.signal });
    await tick();
    one.abort(new Error('one'));
    two.abort(new Error('two'));
    await expect(first).rejects.toThrow('one');
    await expect(second).rejects.toThrow('two');
    expect(calls[0]!.signal!.aborted).toBe(true);
    expect(dedupe.inFlight).toBe(0);
    const third = fetch(URL_INDIA, init(), QUERY_CALL);
    await tick();
    expect(calls).toHaveLength(2);
    calls[1]!.release();
    expect(await (await third).json()).toEqual({ data: { call: 2 } });
  });

  it('hands each caller its own error', async () => {
    const { calls, next } = fakeSubgraph();
    const fetch = deduplicateSubgraphRequests().layer(next);
    const both = [fetch(URL_INDIA, init(), QUERY_CALL), fetch(URL_INDIA, init(), QUERY_CALL)].map((call) => call.catch((error: unknown) => error));
    await tick();
    calls[0]!.fail(new SubgraphUnavailableError('india', 'timeout', 'no answer within 1500 ms'));
    const [a, b] = await Promise.all(both);
    expect(a).toBeInstanceOf(SubgraphUnavailableError);
    expect(b).toBeInstanceOf(SubgraphUnavailableError);
    expect(a).not.toBe(b);
    expect((b as SubgraphUnavailableError).reason).toBe('timeout');
  });

  it('shares 5xx answers too: each caller turns the status into its own error', async () => {
    const { calls, next } = fakeSubgraph();
    const fetch = deduplicateSubgraphRequests().layer(next);
    const both = [fetch(URL_INDIA, init(), QUERY_CALL), fetch(URL_INDIA, init(), QUERY_CALL)];
    await tick();
    calls[0]!.release(503);
    for (const response of await Promise.all(both)) expect(response.status).toBe(503);
  });

  it('does not join calls that started before a mutation finished (read your writes)', async () => {
    const { calls, next } = fakeSubgraph();
    const dedupe = deduplicateSubgraphRequests();
    const fetch = dedupe.layer(next);
    const before = fetch(URL_INDIA, init(), QUERY_CALL);
    await tick();
    await runMutation(dedupe.plugin);
    const after = fetch(URL_INDIA, init(), QUERY_CALL);
    await tick();
    expect(calls).toHaveLength(2);
    for (const call of calls) call.release();
    expect(await (await before).json()).toEqual({ data: { call: 1 } });
    expect(await (await after).json()).toEqual({ data: { call: 2 } });
  });
});

describe('DEDUPLICATE_SUBGRAPH_REQUESTS', () => {
  it('is on by default and read from the environment', () => {
    expect(loadGatewayConfig({}, []).deduplicateSubgraphRequests).toBe(true);
    expect(loadGatewayConfig({ DEDUPLICATE_SUBGRAPH_REQUESTS: 'false' }, []).deduplicateSubgraphRequests).toBe(false);
    expect(() => loadGatewayConfig({ DEDUPLICATE_SUBGRAPH_REQUESTS: 'sometimes' }, [])).toThrow(ConfigError);
  });
});
