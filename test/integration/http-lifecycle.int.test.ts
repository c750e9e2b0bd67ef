/** platform/http.ts over real HTTP on 127.0.0.1: graceful drain, readiness while draining, request ids, logs, metrics. */
import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { ApolloServer } from '@apollo/server';
import { createGraphQLHttpServer, healthRoute, listen, type Route } from '../../platform/http';
import { createLogger } from '../../platform/logger';
import { createServerMetrics, metricsRoute } from '../../platform/metrics';
import { observabilityPlugin } from '../../platform/observability';

/** A logger writing JSON lines into an array. */
function capturedLogger(service: string) {
  const lines: Record<string, unknown>[] = [];
  const destination = new Writable({
    write(chunk, _encoding, done) {
      for (const line of chunk.toString().split('\n').filter(Boolean)) lines.push(JSON.parse(line));
      done();
    },
  });
  return { logger: createLogger(service, { level: 'debug', destination }), lines };
}

async function startServer(extraRoutes: Route[] = []) {
  const apollo = new ApolloServer({
    typeDefs: `type Query { hello: String slow(ms: Int!): String }`,
    resolvers: { Query: { hello: () => 'world', slow: async (_: unknown, { ms }: { ms: number }) => { await new Promise((resolve) => setTimeout(resolve, ms)); return 'late'; } } },
    plugins: [observabilityPlugin()],
  });
  await apollo.start();
  const { logger, lines } = capturedLogger('test-server');
  const metrics = createServerMetrics('test-server');
  const server = createGraphQLHttpServer({
    apollo,
    context: async () => ({}),
    routes: [...extraRoutes, healthRoute('/ready', async () => ({ ok: true })), metricsRoute(metrics.registry)],
    observability: { logger, metrics },
  });
  const running = await listen(server, 0, '127.0.0.1', '/graphql', 2_000);
  const post = (query: string, headers: Record<string, string> = {}) =>
    fetch(running.url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify({ query }) });
  return { running, post, lines, base: running.url.replace(/\/graphql$/, ''), stop: async () => { await running.close(); await apollo.stop(); } };
}

describe('a server closing gracefully', () => {
  it('finishes the request in flight, reports draining on /ready, then refuses new connections', async () => {
    const { running, post, base, stop } = await startServer();
    const slow = post('{ slow(ms: 400) }');
    await new Promise((resolve) => setTimeout(resolve, 100));
    const closing = running.close();
    let closed = false;
    void closing.then(() => (closed = true));
    const answer = await slow;
    expect(answer.status).toBe(200);
    expect(await answer.json()).toEqual({ data: { slow: 'late' } });
    await closing;
    expect(closed).toBe(true);
    await expect(fetch(`${base}/ready`)).rejects.toThrow();
    await stop(); // a second close is harmless
  });

  it('never reports ready while draining', async () => {
    const { running, post, base, stop } = await startServer();
    // a kept-alive client with a request in flight can still ask on its connection
    const slow = post('{ slow(ms: 300) }');
    await new Promise((resolve) => setTimeout(resolve, 50));
    const closing = running.close();
    const ready = await fetch(`${base}/ready`).catch(() => null);
    // either the connection was refused (closed listener), or it was answered as draining
    if (ready) expect([503]).toContain(ready.status);
    await slow;
    await closing;
    await stop();
  });

  it('cuts requests still running after the drain timeout', async () => {
    const { running, post, stop } = await startServer();
    const stuck = post('{ slow(ms: 10000) }').catch((error: unknown) => error);
    await new Promise((resolve) => setTimeout(resolve, 100));
    const started = Date.now();
    await running.close();
    expect(Date.now() - started).toBeLessThan(4_000);
    expect(await stuck).toBeInstanceOf(Error);
    await stop();
  });
});

describe('request ids, logs and metrics', () => {
  it('keeps a caller request id, makes one otherwise, and logs one JSON line per request', async () => {
    const { post, lines, base, stop } = await startServer();
    try {
      const given = await post('query Hello { hello }', { 'x-request-id': 'abc-123' });
      expect(given.headers.get('x-request-id')).toBe('abc-123');
      const made = await post('{ hello }', { 'x-request-id': 'bad id with spaces' });
      expect(made.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
      await post('{ nope }');
      await new Promise((resolve) => setTimeout(resolve, 50));
      const requests = lines.filter((line) => line.msg === 'graphql request');
      expect(requests[0]).toMatchObject({ service: 'test-server', level: 'info', requestId: 'abc-123', operationName: 'Hello', operationType: 'query', status: 200 });
      expect(typeof requests[0]!.durationMs).toBe('number');
      expect(requests[2]).toMatchObject({ errors: ['GRAPHQL_VALIDATION_FAILED'], status: 400 });

      const text = await (await fetch(`${base}/metrics`)).text();
      expect(text).toMatch(/graphql_requests_total\{operation_type="query",outcome="success",service="test-server"\} 2/);
      expect(text).toMatch(/graphql_errors_total\{code="GRAPHQL_VALIDATION_FAILED",service="test-server"\} 1/);
      expect(text).toMatch(/graphql_request_duration_seconds_count\{[^}]*outcome="success"[^}]*\} 2/);
      expect(text).toMatch(/http_requests_total\{route="graphql",method="POST",status="200",service="test-server"\} 2/);
    } finally {
      await stop();
    }
  });

  it('bounds a readiness check that hangs', async () => {
    const hanging = healthRoute('/slow-ready', () => new Promise(() => undefined), 200);
    const { base, stop } = await startServer([hanging]);
    try {
      const started = Date.now();
      const response = await fetch(`${base}/slow-ready`);
      expect(response.status).toBe(503);
      expect(Date.now() - started).toBeLessThan(1_000);
    } finally {
      await stop();
    }
  });
});
