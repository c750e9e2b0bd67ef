/** The gateway's subgraph fetcher against real HTTP servers on 127.0.0.1: retries, backoff, budget. */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { CircuitBreaker } from '../../gateway/src/circuit-breaker';
import { RequestDeadlineExceeded } from '../../gateway/src/deadline';
import { SubgraphUnavailableError, isQueryRequest, subgraphFetcher, type FetchAttempt } from '../../gateway/src/subgraph-fetch';

const servers: Server[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => new Promise<void>((resolve) => { server.closeAllConnections(); server.close(() => resolve()); })));
});

/** A server answering with the given statuses in turn (the last one repeats); `hang` never answers, `reset` drops the connection once the request arrived. */
async function scripted(statuses: (number | 'hang' | 'reset')[]): Promise<{ url: string; hits: () => number }> {
  let hits = 0;
  const server = createServer((request, response) => {
    const status = statuses[Math.min(hits, statuses.length - 1)]!;
    hits += 1;
    request.resume();
    if (status === 'hang') return;
    if (status === 'reset') return void request.on('end', () => request.socket.destroy());
    response.writeHead(status, { 'content-type': 'application/json' });
    response.end(JSON.stringify({ data: { ok: status } }));
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/graphql`, hits: () => hits };
}

const QUERY = { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query: 'query Q__india__0 { __typename }' }) };
const MUTATION = { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query: 'mutation M__india__0 { indiaArchiveInitiative(id: "IN-I0001") { id } }' }) };

function fetcherWith(options: { retries?: number; timeoutMs?: number; backoffMs?: number; breaker?: CircuitBreaker }, attempts: FetchAttempt[]) {
  const fetcher = subgraphFetcher({ service: 'india', retries: options.retries ?? 2, timeoutMs: options.timeoutMs ?? 2_000, backoffMs: options.backoffMs ?? 10, observe: (attempt) => attempts.push(attempt), random: () => 1, ...(options.breaker ? { breaker: options.breaker } : {}) });
  return fetcher as unknown as (url: string, init: RequestInit) => Promise<Response>;
}

describe('subgraph fetcher', () => {
  it('retries a query after 503s with growing backoff, and returns the answer', async () => {
    const server = await scripted([503, 503, 200]);
    const attempts: FetchAttempt[] = [];
    const response = await fetcherWith({}, attempts)(server.url, QUERY);
    expect(response.status).toBe(200);
    expect(server.hits()).toBe(3);
    expect(attempts.map((attempt) => [attempt.outcome, attempt.retryInMs])).toEqual([['http_503', 10], ['http_503', 20], ['ok', undefined]]);
  });

  it('sends a mutation once, whatever happens', async () => {
    const server = await scripted([503, 200]);
    const attempts: FetchAttempt[] = [];
    const response = await fetcherWith({}, attempts)(server.url, MUTATION);
    expect(response.status).toBe(503);
    expect(server.hits()).toBe(1);
    expect(attempts).toHaveLength(1);
  });

  it('gives up after the allowed retries when nobody listens, as SubgraphUnavailableError (connection)', async () => {
    const server = await scripted([200]);
    const url = server.url;
    await new Promise<void>((resolve) => servers.pop()!.close(() => resolve()));
    const attempts: FetchAttempt[] = [];
    const failure = await fetcherWith({ retries: 3 }, attempts)(url, QUERY).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(SubgraphUnavailableError);
    expect(failure).toMatchObject({ service: 'india', reason: 'connection' });
    expect(attempts.map((attempt) => attempt.outcome)).toEqual(['connection', 'connection', 'connection', 'connection']);
  });

  it('stops at the time budget: a hanging subgraph costs one timeout, not one per retry', async () => {
    const server = await scripted(['hang']);
    const attempts: FetchAttempt[] = [];
    const started = Date.now();
    const failure = await fetcherWith({ retries: 5, timeoutMs: 300 }, attempts)(server.url, QUERY).catch((error: unknown) => error);
    const elapsed = Date.now() - started;
    expect(failure).toMatchObject({ reason: 'timeout' });
    expect(server.hits()).toBe(1);
    expect(elapsed).toBeGreaterThanOrEqual(290);
    expect(elapsed).toBeLessThan(1_000);
  });

  it('does not start a retry whose backoff would not fit in the budget', async () => {
    const server = await scripted([503]);
    const attempts: FetchAttempt[] = [];
    const started = Date.now();
    const response = await fetcherWith({ retries: 5, timeoutMs: 400, backoffMs: 1_000 }, attempts)(server.url, QUERY);
    expect(response.status).toBe(503);
    expect(server.hits()).toBe(1);
    expect(Date.now() - started).toBeLessThan(400);
  });

  it('tells queries from mutations by the operation text', () => {
    expect(isQueryRequest(QUERY.body)).toBe(true);
    expect(isQueryRequest(JSON.stringify({ query: '{ a }' }))).toBe(true);
    expect(isQueryRequest(JSON.stringify({ query: '# comment\n query X { a }' }))).toBe(true);
    expect(isQueryRequest(MUTATION.body)).toBe(false);
    expect(isQueryRequest(JSON.stringify({ query: 'subscription S { a }' }))).toBe(false);
    expect(isQueryRequest('not json')).toBe(false);
    expect(isQueryRequest(undefined)).toBe(false);
  });
});

describe('the answer as the data source reads it', () => {
  it('is read whole within the budget: a body that stalls after its headers is a timeout', async () => {
    let hits = 0;
    const server = createServer((request, response) => {
      hits += 1;
      request.resume();
      response.writeHead(200, { 'content-type': 'application/json', 'Cache-Control': 'max-age=60, public' });
      if (hits === 1) return void response.write('{"data":');
      response.end(JSON.stringify({ data: { ok: true } }));
    });
    servers.push(server);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/graphql`;
    const attempts: FetchAttempt[] = [];
    const fetcher = subgraphFetcher({ service: 'india', retries: 0, timeoutMs: 300, backoffMs: 1, observe: (attempt) => attempts.push(attempt) });
    const init = { method: 'POST', headers: { 'content-type': 'application/json' }, body: QUERY.body };
    expect(await fetcher(url, init).catch((error: unknown) => error)).toMatchObject({ reason: 'timeout', delivery: 'unknown' });
    const response = await fetcher(url, init);
    expect(attempts.map((attempt) => attempt.outcome)).toEqual(['timeout', 'ok']);
    expect([response.status, response.ok, response.url]).toEqual([200, true, url]);
    expect([response.headers.get('Content-Type'), response.headers.get('cache-control'), response.headers.has('CACHE-CONTROL')]).toEqual(['application/json', 'max-age=60, public', true]);
    expect(Object.fromEntries(response.headers)).toMatchObject({ 'content-type': 'application/json', 'cache-control': 'max-age=60, public' });
    const copy = response.clone();
    expect(await response.json()).toEqual({ data: { ok: true } });
    await expect(response.text()).rejects.toThrow(/already been read/);
    expect(await copy.text()).toBe('{"data":{"ok":true}}');
  });
});

describe('what a failed call tells about delivery', () => {
  const failureOf = (promise: Promise<unknown>) => promise.then(() => undefined, (error: unknown) => error as SubgraphUnavailableError);

  it('knows a refused connection never carried the request, and cannot know that of a reset or a timeout', async () => {
    const closed = await scripted([200]);
    await new Promise<void>((resolve) => servers.pop()!.close(() => resolve()));
    expect(await failureOf(fetcherWith({}, [])(closed.url, MUTATION))).toMatchObject({ reason: 'connection', detail: 'ECONNREFUSED', delivery: 'not_sent' });

    const reset = await scripted(['reset']);
    expect(await failureOf(fetcherWith({}, [])(reset.url, MUTATION))).toMatchObject({ reason: 'connection', delivery: 'unknown' });
    expect(reset.hits()).toBe(1);

    const hang = await scripted(['hang']);
    expect(await failureOf(fetcherWith({ timeoutMs: 200 }, [])(hang.url, MUTATION))).toMatchObject({ reason: 'timeout', delivery: 'unknown' });
  });

  it("turns the request's deadline into request_timeout: not sent when it had passed, unknown when it cut the call off", async () => {
    const hang = await scripted(['hang']);
    const passed = new AbortController();
    passed.abort(new RequestDeadlineExceeded(800));
    const late = await failureOf(fetcherWith({}, [])(hang.url, { ...MUTATION, signal: passed.signal }));
    expect(late).toBeInstanceOf(SubgraphUnavailableError);
    expect(late).toMatchObject({ reason: 'request_timeout', delivery: 'not_sent' });
    expect(hang.hits()).toBe(0);

    const cut = new AbortController();
    setTimeout(() => cut.abort(new RequestDeadlineExceeded(800)), 100);
    const attempts: FetchAttempt[] = [];
    expect(await failureOf(fetcherWith({}, attempts)(hang.url, { ...MUTATION, signal: cut.signal }))).toMatchObject({ reason: 'request_timeout', delivery: 'unknown' });
    expect(hang.hits()).toBe(1);
    expect(attempts.map((attempt) => attempt.outcome)).toEqual(['aborted']);

    // a caller that hangs up for another reason keeps its own error
    const cancelled = new AbortController();
    cancelled.abort(new Error('client went away'));
    expect(await failureOf(fetcherWith({}, [])(hang.url, { ...QUERY, signal: cancelled.signal }))).not.toBeInstanceOf(SubgraphUnavailableError);
  });
});

describe('the fetcher with a circuit breaker', () => {
  const breakerOf = (failureThreshold: number) => new CircuitBreaker('india', { failureThreshold, openMs: 60_000, probe: async () => false });

  it('counts every failed attempt, stops retrying once the circuit opens, then refuses without sending', async () => {
    const server = await scripted([503]);
    const breaker = breakerOf(4);
    const attempts: FetchAttempt[] = [];
    // 3 attempts (2 retries), then 1 more attempt opens the circuit: no retry after it
    expect((await fetcherWith({ breaker }, attempts)(server.url, QUERY)).status).toBe(503);
    expect((await fetcherWith({ breaker }, attempts)(server.url, QUERY)).status).toBe(503);
    expect(server.hits()).toBe(4);
    expect(breaker.state).toBe('open');
    const started = Date.now();
    const refused = await fetcherWith({ breaker }, attempts)(server.url, QUERY).catch((error: unknown) => error);
    expect(Date.now() - started).toBeLessThan(50);
    expect(refused).toMatchObject({ reason: 'circuit_open', delivery: 'not_sent' });
    expect(server.hits()).toBe(4);
    breaker.dispose();
  });

  it('does not count answers below 500, nor calls the caller cancelled', async () => {
    const server = await scripted([400, 404, 200]);
    const breaker = breakerOf(1);
    for (let i = 0; i < 3; i += 1) await fetcherWith({ breaker }, [])(server.url, QUERY);
    const hang = await scripted(['hang']);
    const cancelled = new AbortController();
    setTimeout(() => cancelled.abort(new Error('client went away')), 50);
    await fetcherWith({ breaker }, [])(hang.url, { ...QUERY, signal: cancelled.signal }).catch(() => undefined);
    expect(breaker.state).toBe('closed');
    breaker.dispose();
  });
});

describe('query detection', () => {
  it('reads the prefix the data source writes, and parses anything else', () => {
    const body = (query: string, extra: Record<string, unknown> = {}) => JSON.stringify({ query, ...extra });
    expect(isQueryRequest(body('query Q__india__1($representations: [_Any!]!) { _entities(representations: $representations) { __typename } }', { variables: { representations: [] } }))).toBe(true);
    expect(isQueryRequest(body('mutation M__india__0 { x }'))).toBe(false);
    expect(isQueryRequest(JSON.stringify({ variables: {}, query: 'mutation M { x }' }))).toBe(false);
    expect(isQueryRequest(JSON.stringify({ variables: {}, query: 'query Q { x }' }))).toBe(true);
    expect(isQueryRequest(body('queryX'))).toBe(false);
  });
});
