/**
 * The gateway signs every subgraph call, for any supergraph, without breaking what it does to
 * them: over a graph that has nothing to do with CSR (test/harness/foreign-graph.ts), behind a
 * recording proxy on 127.0.0.1 that verifies each request as a subgraph of ours would. A subgraph
 * that verifies nothing answers as before; identical queries in flight still share one call;
 * a retried read is signed afresh; a key rotation takes no call down.
 */
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseSignatureInput } from '../../platform/http-signatures';
import { RequestVerifier, SignatureRefusal } from '../../platform/request-signing';
import { generateSigningKey, privateJwkText, verificationKeysOf } from '../../platform/signing-keys';
import { post, startForeignGraph, type ForeignGraph } from '../harness/foreign-graph';

const current = generateSigningKey('gateway-current');
const next = generateSigningKey('gateway-next');

interface Seen {
  verdict: string;
  nonce?: string;
  keyId?: string;
}

/** A proxy in front of the subgraph: verifies each request's signature, records the verdict, fails the first `fail` requests with 503, forwards the rest. */
async function verifyingProxy(target: string, accepted = [current, next]) {
  const verifier = new RequestVerifier({ keys: verificationKeysOf(accepted), subgraph: 'inventory' });
  const seen: Seen[] = [];
  let fail = 0;
  const read = (request: IncomingMessage) => new Promise<Buffer>((resolve) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk)).on('end', () => resolve(Buffer.concat(chunks)));
  });
  const server: Server = createServer(async (request, response) => {
    const body = await read(request);
    const nonce = typeof request.headers['signature-input'] === 'string' ? parseSignatureInput(request.headers['signature-input'])[0]?.params.nonce : undefined;
    try {
      const signature = verifier.verify({ method: request.method!, url: request.url!, headers: request.headers }, body);
      seen.push({ verdict: signature ? 'verified' : 'unsigned', ...(nonce ? { nonce } : {}), ...(signature ? { keyId: signature.keyId } : {}) });
    } catch (error) {
      seen.push({ verdict: error instanceof SignatureRefusal ? error.reason : 'error', ...(nonce ? { nonce } : {}) });
    }
    if (fail > 0) {
      fail -= 1;
      response.writeHead(503).end();
      return;
    }
    const headers = Object.fromEntries(Object.entries(request.headers).filter(([name]) => ['content-type', 'authorization', 'apollo-require-preflight'].includes(name))) as Record<string, string>;
    const answer = await fetch(target, { method: request.method!, headers, body: request.method === 'POST' ? body : undefined });
    response.writeHead(answer.status, { 'content-type': answer.headers.get('content-type') ?? 'application/json' }).end(Buffer.from(await answer.arrayBuffer()));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/graphql`,
    seen,
    failNext: (count: number) => (fail = count),
    close: () => new Promise<void>((resolve) => { server.closeAllConnections(); server.close(() => resolve()); }),
  };
}

let graph: ForeignGraph;
let proxy: Awaited<ReturnType<typeof verifyingProxy>>;
let gatewayUrl: string;

beforeAll(async () => {
  // the graph's own gateway signs too: its subgraph, which verifies nothing, ignores the headers
  graph = await startForeignGraph({ hints: false, gatewayEnv: { GATEWAY_SIGNING_KEY: privateJwkText(current), RESPONSE_CACHE: 'false' } });
  proxy = await verifyingProxy(graph.subgraphUrl);
  gatewayUrl = (await graph.startGateway({ GATEWAY_SIGNING_KEY: privateJwkText(current), SUBGRAPH_URL_INVENTORY: proxy.url, RESPONSE_CACHE: 'false', SUBGRAPH_RETRY_BACKOFF_MS: '1' })).url;
});

afterAll(async () => {
  await proxy?.close();
  await graph?.close();
});

describe('signed calls to a subgraph of any graph', () => {
  it('change nothing for a subgraph that verifies no signature', async () => {
    const answer = await post(graph.gatewayUrl, { query: '{ items { sku name } item(sku: "a1") { stock } }' });
    expect(answer.body).toEqual({ data: { items: [{ sku: 'a1', name: 'Anvil' }, { sku: 'b2', name: 'Bellows' }], item: { stock: 3 } } });
  });

  it('sign every call, queries and mutations, with the configured key; each verifies at the subgraph', async () => {
    proxy.seen.length = 0;
    expect((await post(gatewayUrl, { query: '{ items { sku } }' })).body.errors).toBeUndefined();
    expect((await post(gatewayUrl, { query: 'mutation { restock(sku: "a1", amount: 1) { stock } }' }, { authorization: 'Bearer some.user.token' })).body.errors).toBeUndefined();
    expect(proxy.seen).toHaveLength(2);
    expect(proxy.seen.map((seen) => [seen.verdict, seen.keyId])).toEqual([['verified', 'gateway-current'], ['verified', 'gateway-current']]);
  });

  it('keep identical queries in flight sharing one call: the signature is not part of the deduplication key', async () => {
    proxy.seen.length = 0;
    const before = graph.calls.items!;
    const held = graph.hold();
    const first = post(gatewayUrl, { query: '{ items { sku } }' });
    await held.reached;
    const second = post(gatewayUrl, { query: '{ items { sku } }' });
    await new Promise((resolve) => setTimeout(resolve, 100));
    held.release();
    const answers = await Promise.all([first, second]);
    for (const answer of answers) expect(answer.body.data?.items).toHaveLength(2);
    expect(graph.calls.items! - before).toBe(1);
    expect(proxy.seen.map((seen) => seen.verdict)).toEqual(['verified']);
  });

  it('sign each retry of a read afresh: a new nonce, still verified', async () => {
    proxy.seen.length = 0;
    proxy.failNext(2);
    const answer = await post(gatewayUrl, { query: '{ item(sku: "b2") { name } }' });
    expect(answer.body).toEqual({ data: { item: { name: 'Bellows' } } });
    expect(proxy.seen.map((seen) => seen.verdict)).toEqual(['verified', 'verified', 'verified']);
    expect(new Set(proxy.seen.map((seen) => seen.nonce)).size).toBe(3);
  });

  it('survive a key rotation: subgraphs list both keys, then the gateway moves to the next one', async () => {
    const rotated = await graph.startGateway({ GATEWAY_SIGNING_KEY: privateJwkText(next), SUBGRAPH_URL_INVENTORY: proxy.url, RESPONSE_CACHE: 'false' });
    proxy.seen.length = 0;
    expect((await post(rotated.url, { query: '{ items { sku } }' })).body.errors).toBeUndefined();
    expect((await post(gatewayUrl, { query: '{ item(sku: "a1") { sku } }' })).body.errors).toBeUndefined();
    expect(proxy.seen.map((seen) => [seen.verdict, seen.keyId])).toEqual([['verified', 'gateway-next'], ['verified', 'gateway-current']]);
  });
});
