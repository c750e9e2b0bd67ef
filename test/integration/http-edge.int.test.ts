/**
 * What a client can hold and read at the HTTP edge (finding 8), at the gateway and straight at a
 * subgraph, over raw sockets on 127.0.0.1: slow headers and slow bodies are cut at their
 * timeouts (HTTP_HEADERS_TIMEOUT_S, HTTP_BODY_TIMEOUT_S), a connection past HTTP_MAX_CONNECTIONS
 * is refused, the token is checked before a byte of the body is read, and /metrics, /subgraphs
 * and /ready's details go to operators only (METRICS_TOKEN, METRICS_PORT).
 */
import { connect } from 'node:net';
import { describe, expect, it } from 'vitest';
import { ROLES } from '../../subgraphs/common/scopes';
import { useSeededStack } from '../harness/stack';

const METRICS_TOKEN = 'metrics-token-for-the-edge-test-0123456789';
const edge = { HTTP_HEADERS_TIMEOUT_S: '1', HTTP_BODY_TIMEOUT_S: '1', METRICS_TOKEN };
const stack = useSeededStack('int_http_edge', { gatewayEnv: { ...edge, HTTP_MAX_CONNECTIONS: '8' }, subgraphEnv: edge });

interface Exchange {
  /** Everything the server sent. */
  text: string;
  /** From the first byte written to the connection's end. */
  ms: number;
  /** Whether the server ended the connection (rather than our giving up). */
  closedByServer: boolean;
}

/**
 * Opens a connection, writes `head` at once, then each of `drip` every `everyMs`, and waits (at
 * most `giveUpMs`) for the server to close it.
 */
function exchange(url: string, head: string, drip: string[] = [], everyMs = 250, giveUpMs = 6_000): Promise<Exchange> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve) => {
    const socket = connect(Number(port), hostname);
    const started = performance.now();
    let text = '';
    let timer: NodeJS.Timeout | undefined;
    const giveUp = setTimeout(() => {
      clearInterval(timer);
      socket.destroy();
      resolve({ text, ms: performance.now() - started, closedByServer: false });
    }, giveUpMs);
    socket.on('data', (chunk) => (text += chunk.toString()));
    socket.on('error', () => undefined);
    socket.on('close', () => {
      clearTimeout(giveUp);
      clearInterval(timer);
      resolve({ text, ms: performance.now() - started, closedByServer: true });
    });
    socket.on('connect', () => {
      socket.write(head);
      const rest = [...drip];
      timer = setInterval(() => {
        const next = rest.shift();
        if (next === undefined) return;
        if (!socket.destroyed) socket.write(next);
      }, everyMs);
    });
  });
}

const routes = ['gateway', 'india'] as const;
const urlOf = (route: (typeof routes)[number]) => (route === 'gateway' ? stack.gatewayUrl : stack.subgraphUrl(route));
const request = (url: string, headers: Record<string, string>, body = '') => {
  const { host, pathname } = new URL(url);
  return `POST ${pathname} HTTP/1.1\r\nHost: ${host}\r\n${Object.entries(headers).map(([name, value]) => `${name}: ${value}\r\n`).join('')}\r\n${body}`;
};

describe.each(routes)('the HTTP edge of the %s', (route) => {
  it('cuts a body trickling in at HTTP_BODY_TIMEOUT_S with 408, not after Node’s 300 s', async () => {
    const token = await stack.token(ROLES.bi);
    const body = JSON.stringify({ query: '{ __typename }' });
    const head = request(urlOf(route), { 'content-type': 'application/json', 'content-length': String(body.length), authorization: `Bearer ${token}` }, body.slice(0, 1));
    const answer = await exchange(urlOf(route), head, [...body.slice(1)], 300);
    expect(answer.closedByServer, answer.text).toBe(true);
    expect(answer.text).toMatch(/^HTTP\/1\.1 408/);
    expect(answer.text).toContain('REQUEST_BODY_TIMEOUT');
    expect(answer.ms).toBeGreaterThan(900);
    expect(answer.ms).toBeLessThan(3_000);
  });

  it('cuts headers trickling in at HTTP_HEADERS_TIMEOUT_S, not after Node’s 60 s', async () => {
    const { host, pathname } = new URL(urlOf(route));
    const answer = await exchange(urlOf(route), `POST ${pathname} HTTP/1.1\r\nHost: ${host}\r\n`, Array.from({ length: 40 }, (_, i) => `x-slow-${i}: 1\r\n`), 250);
    expect(answer.closedByServer).toBe(true);
    expect(answer.ms).toBeLessThan(3_500);
  });

  it('checks the token before reading the body: a megabyte announced without a token is refused at once, unread', async () => {
    const head = request(urlOf(route), { 'content-type': 'application/json', 'content-length': '1000000' });
    const answer = await exchange(urlOf(route), head, [], 250, 3_000);
    expect(answer.text).toMatch(/^HTTP\/1\.1 401/);
    expect(answer.text).toContain('UNAUTHENTICATED');
    expect(answer.closedByServer).toBe(true);
    expect(answer.ms).toBeLessThan(1_500);
    // a forged token likewise
    const forged = await exchange(urlOf(route), request(urlOf(route), { 'content-type': 'application/json', 'content-length': '1000000', authorization: 'Bearer a.b.c' }), [], 250, 3_000);
    expect(forged.text).toMatch(/^HTTP\/1\.1 401/);
    expect(forged.ms).toBeLessThan(1_500);
  });

  it('serves /metrics to operators only (METRICS_TOKEN), and /ready’s details likewise', async () => {
    const base = urlOf(route).replace(/\/graphql$/, '');
    const user = await stack.token(ROLES.admin);
    expect((await fetch(`${base}/metrics`)).status).toBe(401);
    expect((await fetch(`${base}/metrics`, { headers: { authorization: `Bearer ${user}` } })).status).toBe(401);
    const scraped = await fetch(`${base}/metrics`, { headers: { authorization: `Bearer ${METRICS_TOKEN}` } });
    expect(scraped.status).toBe(200);
    expect(await scraped.text()).toContain('http_requests_total');
    expect(await (await fetch(`${base}/ready`)).json()).toEqual({ status: 'ok' });
    expect(await (await fetch(`${base}/ready`, { headers: { authorization: `Bearer ${METRICS_TOKEN}` } })).json()).toMatchObject({ status: 'ok', details: expect.any(Object) });
    expect((await fetch(`${base}/health`)).status).toBe(200);
    if (route === 'gateway') {
      expect((await fetch(`${base}/subgraphs`)).status).toBe(401);
      expect((await fetch(`${base}/subgraphs`, { headers: { authorization: `Bearer ${METRICS_TOKEN}` } })).status).toBe(200);
    }
  });
});

describe('the connection cap', () => {
  it('refuses connections past HTTP_MAX_CONNECTIONS, and serves again once they close', async () => {
    const { hostname, port } = new URL(stack.gatewayUrl);
    const open = await Promise.all(
      Array.from({ length: 8 }, () => new Promise<ReturnType<typeof connect>>((resolve) => {
        const socket = connect(Number(port), hostname, () => resolve(socket));
        socket.on('error', () => undefined);
      })),
    );
    // give the server a moment to count them
    await new Promise((resolve) => setTimeout(resolve, 100));
    const token = await stack.token(ROLES.bi);
    const body = JSON.stringify({ query: '{ __typename }' });
    const ninth = await exchange(stack.gatewayUrl, request(stack.gatewayUrl, { 'content-type': 'application/json', 'content-length': String(body.length), authorization: `Bearer ${token}`, connection: 'close' }, body), [], 250, 3_000);
    expect(ninth.closedByServer).toBe(true);
    expect(ninth.text).toBe('');
    for (const socket of open) socket.destroy();
    await new Promise((resolve) => setTimeout(resolve, 100));
    const after = await exchange(stack.gatewayUrl, request(stack.gatewayUrl, { 'content-type': 'application/json', 'content-length': String(body.length), authorization: `Bearer ${token}`, connection: 'close' }, body), [], 250, 3_000);
    expect(after.text).toMatch(/^HTTP\/1\.1 200/);
  });
});

describe('the operational port', () => {
  const ops = useSeededStack('int_http_ops_port', { gatewayEnv: { METRICS_PORT: '0' } });

  it('serves /metrics and /subgraphs on METRICS_PORT, and no longer on the GraphQL port', async () => {
    const opsUrl = ops.stack.gateway.opsUrl;
    expect(opsUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(opsUrl).not.toBe(new URL(ops.gatewayUrl).origin);
    const scraped = await fetch(`${opsUrl}/metrics`);
    expect(scraped.status).toBe(200);
    expect(await scraped.text()).toContain('gateway_subgraph_fetch_duration_seconds');
    expect((await fetch(`${opsUrl}/subgraphs`)).status).toBe(200);
    expect(await (await fetch(`${opsUrl}/ready`)).json()).toMatchObject({ status: 'ok', details: { supergraph: 'loaded' } });
    const base = ops.gatewayUrl.replace(/\/graphql$/, '');
    expect((await fetch(`${base}/metrics`)).status).toBe(404);
    expect((await fetch(`${base}/subgraphs`)).status).toBe(404);
    expect((await fetch(`${opsUrl}/graphql`, { method: 'POST' })).status).toBe(404);
  });
});
