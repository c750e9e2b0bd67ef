/**
 * Trusted documents (operations/manifest.json, plugins/trusted-documents.ts) through the gateway on
 * the seed: a `bi:read` token runs the manifest's operations only — by id, by GET (cacheable, no
 * preflight header needed), by APQ hash or as the very text — and anything else is refused before
 * any subgraph is called; other callers keep free-form queries and Apollo's own APQ.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { ROLES } from '../../subgraphs/common/scopes';
import { countSubgraphFetches, total } from '../harness/metrics';
import { useSeededStack } from '../harness/stack';

const stack = useSeededStack('e2e_trusted_documents', { gatewayEnv: { RESPONSE_CACHE: 'false' } });
const manifest = JSON.parse(readFileSync('operations/manifest.json', 'utf8')) as { operations: { id: string; name: string; body: string }[] };
const idOf = (name: string) => manifest.operations.find((operation) => operation.name === name)!.id;
const bodyOf = (name: string) => manifest.operations.find((operation) => operation.name === name)!.body;

interface Answer {
  status: number;
  headers: Headers;
  body: { data?: any; errors?: { message: string; extensions?: Record<string, any> }[] };
}

async function call(method: 'GET' | 'POST', params: Record<string, unknown>, token: string | null, headers: Record<string, string> = {}): Promise<Answer> {
  const auth: Record<string, string> = token ? { authorization: `Bearer ${token}` } : {};
  let response: Response;
  if (method === 'GET') {
    const search = new URLSearchParams(Object.entries(params).map(([name, value]): [string, string] => [name, typeof value === 'string' ? value : JSON.stringify(value)]));
    response = await fetch(`${stack.gatewayUrl}?${search}`, { headers: { ...auth, ...headers } });
  } else {
    response = await fetch(stack.gatewayUrl, { method: 'POST', headers: { 'content-type': 'application/json', ...auth, ...headers }, body: JSON.stringify(params) });
  }
  return { status: response.status, headers: response.headers, body: (await response.json()) as Answer['body'] };
}

describe('trusted documents', () => {
  let bi: string;
  let hq: string;
  beforeAll(async () => {
    bi = await stack.token(ROLES.bi, { subject: 'powerbi-service' });
    hq = await stack.token(ROLES.hq, { subject: 'hq-alice' });
  });

  it('refuse a bi:read token\'s free-form query (OPERATION_NOT_TRUSTED, 403) with no subgraph called', async () => {
    let refused: Answer | undefined;
    const fetches = await countSubgraphFetches(stack.gatewayUrl, async () => {
      refused = await call('POST', { query: '{ subsidiaries { code initiatives { nodes { id title } } } }' }, bi);
    });
    expect(refused!.status).toBe(403);
    expect(refused!.body.data).toBeUndefined();
    expect(refused!.body.errors?.[0]?.extensions).toMatchObject({ code: 'OPERATION_NOT_TRUSTED', trustedDocuments: '/trusted-documents' });
    expect(refused!.body.errors?.[0]?.message).toMatch(/bi:read may run only the gateway's trusted documents/);
    expect(total(fetches)).toBe(0);

    // reading the schema (when INTROSPECTION allows it) is not running an operation on the data
    const schema = await call('POST', { query: '{ __schema { queryType { name } } }' }, bi);
    expect(schema.body).toEqual({ data: { __schema: { queryType: { name: 'Query' } } } });
    const mixed = await call('POST', { query: '{ __typename goals { id } }' }, bi);
    expect(mixed.body.errors?.[0]?.extensions?.code).toBe('OPERATION_NOT_TRUSTED');

    // nor through APQ: registering a text by hash is the same free-form text
    const text = '{ goals { id } }';
    const apq = await call('POST', { query: text, extensions: { persistedQuery: { version: 1, sha256Hash: createHash('sha256').update(text).digest('hex') } } }, bi);
    expect(apq.status).toBe(403);
    expect(apq.body.errors?.[0]?.extensions?.code).toBe('OPERATION_NOT_TRUSTED');
  });

  it('run a manifest operation by GET with its id, answered with cache headers and no preflight header needed', async () => {
    const answer = await call('GET', { documentId: idOf('Dashboard'), variables: { fiscalYear: 2024 } }, bi);
    expect(answer.status).toBe(200);
    expect(answer.body.errors).toBeUndefined();
    expect(answer.body.data.groupReport.total).toEqual({ amount: '828006924', currency: 'JPY', partial: false });
    expect(answer.headers.get('cache-control')).toMatch(/^max-age=\d+, private$/);
    expect(Number(/max-age=(\d+)/.exec(answer.headers.get('cache-control')!)![1])).toBeGreaterThan(0);
    // the same by POST with documentId, by APQ hash, and as the very text
    const byPost = await call('POST', { documentId: idOf('Dashboard'), variables: { fiscalYear: 2024 } }, bi);
    const byHash = await call('GET', { extensions: { persistedQuery: { version: 1, sha256Hash: idOf('Dashboard') } }, variables: { fiscalYear: 2024 } }, bi, { 'apollo-require-preflight': 'true' });
    const byText = await call('POST', { query: bodyOf('Dashboard'), variables: { fiscalYear: 2024 } }, bi);
    // the B4SI summary, for a BI tool, by GET
    const b4si = await call('GET', { documentId: idOf('B4siSummary'), variables: { fiscalYear: 2024 } }, bi);
    expect(b4si.status).toBe(200);
    expect(b4si.body.data.groupReport.b4si.total).toEqual({ amount: '828006924', currency: 'JPY', partial: false });
    const withoutReadTimes = (body: Answer['body']) => JSON.parse(JSON.stringify(body, (name, value: unknown) => (name === 'asOf' ? undefined : value)));
    for (const other of [byPost, byHash, byText]) expect(withoutReadTimes(other.body)).toEqual(withoutReadTimes(answer.body));
  });

  it('refuse an unknown id (PERSISTED_QUERY_NOT_IN_LIST, 400) before any subgraph call, and an id sent with a text', async () => {
    let unknown: Answer | undefined;
    const fetches = await countSubgraphFetches(stack.gatewayUrl, async () => {
      unknown = await call('GET', { documentId: 'f'.repeat(64) }, bi);
    });
    expect(unknown!.status).toBe(400);
    expect(unknown!.body.errors?.[0]?.extensions?.code).toBe('PERSISTED_QUERY_NOT_IN_LIST');
    expect(unknown!.body.errors?.[0]?.message).toMatch(/GET \/trusted-documents lists the operations/);
    expect(total(fetches)).toBe(0);
    const both = await call('POST', { documentId: idOf('Dashboard'), query: '{ goals { id } }' }, hq);
    expect(both.status).toBe(400);
    expect(both.body.errors?.[0]?.message).toBe('Send an operation by documentId or as query text, not both.');
  });

  it('leave other callers their free-form queries and Apollo\'s APQ, and still check their scopes on a trusted one', async () => {
    const free = await call('POST', { query: '{ goals { id } }' }, hq);
    expect(free.status).toBe(200);
    expect(free.body.data.goals.length).toBeGreaterThan(0);
    const text = 'query Codes { subsidiaries { code } }';
    const hash = createHash('sha256').update(text).digest('hex');
    expect((await call('POST', { extensions: { persistedQuery: { version: 1, sha256Hash: hash } } }, hq)).body.errors?.[0]?.extensions?.code).toBe('PERSISTED_QUERY_NOT_FOUND');
    expect((await call('POST', { query: text, extensions: { persistedQuery: { version: 1, sha256Hash: hash } } }, hq)).body.data.subsidiaries).toHaveLength(4);
    expect((await call('POST', { extensions: { persistedQuery: { version: 1, sha256Hash: hash } } }, hq)).body.data.subsidiaries).toHaveLength(4);

    const scopeless = await stack.token([], { subject: 'nobody' });
    const forbidden = await call('GET', { documentId: idOf('Dashboard'), variables: { fiscalYear: 2024 } }, scopeless);
    expect(forbidden.status).toBe(403);
    expect(forbidden.body.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    const anonymous = await call('GET', { documentId: idOf('Dashboard'), variables: { fiscalYear: 2024 } }, null);
    expect(anonymous.status).toBe(401);
  });

  it('list the manifest at GET /trusted-documents, to callers with a valid token only', async () => {
    const url = new URL('/trusted-documents', stack.gatewayUrl);
    const listed = await fetch(url, { headers: { authorization: `Bearer ${bi}` } });
    expect(listed.status).toBe(200);
    expect(await listed.json()).toEqual(manifest);
    expect((await fetch(url)).status).toBe(401);
  });
});
