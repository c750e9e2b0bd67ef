/**
 * Production mode: no stack traces or internal messages in any answer, of the gateway or of a
 * subgraph reached directly; introspection, field suggestions and the landing page off; CSRF
 * prevention on; CORS only for the configured origins; subgraphs answer calls signed by the
 * gateway only, their schema included; /metrics not on the GraphQL port, /ready without details.
 */
import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { ROLES } from '../../subgraphs/common/scopes';
import { useSeededStack } from '../harness/stack';
import { post, type RawResponse } from '../harness/security';
import { signedPost } from '../harness/signed-calls';

const BI_ORIGIN = 'https://bi.example.com';
const stack = useSeededStack('e2e_hardening', { production: true, gatewayEnv: { CORS_ORIGINS: `${BI_ORIGIN}, https://hq.example.com` } });
let admin: string;
let bi: string;

beforeAll(async () => {
  admin = await stack.token(ROLES.admin, { subject: 'ops-admin' });
  bi = await stack.token(ROLES.bi, { subject: 'powerbi-service' });
});

const url = (route: string) => (route === 'gateway' ? stack.gatewayUrl : stack.stack.subgraphs.get(route)!.server.url);
/** The gateway as a client calls it; a subgraph as the gateway calls it (signed): production subgraphs answer nothing else. */
const ask = (route: string, query: string, token: string | null, headers: Record<string, string> = {}): Promise<RawResponse> =>
  route === 'gateway' ? post(url(route), query, {}, token, headers) : signedPost(url(route), route, stack.stack.signingKey, query, {}, token, { signedHeaders: headers });
const INTROSPECTION = `{ __schema { types { name } } }`;
const BAD_INPUT: Record<string, string> = {
  gateway: '{ groupReport(fiscalYear: 1800) { total { amount } } }',
  india: '{ _entities(representations: [{ __typename: "IndiaInitiative", id: { no: 1 } }]) { __typename } }',
  group: '{ exchangeRates(currency: "EURO!") { currency } }',
};

function noInternals(body: unknown, what: string): void {
  const text = JSON.stringify(body);
  expect(text, what).not.toMatch(/stacktrace|\bat [\w.<>]+ \(|node_modules|\.ts:\d+|TypeError|MongoServerError/);
}

describe('production answers carry no internals', () => {
  it.each(['gateway', 'india', 'group'])('errors of every kind, via %s', async (route) => {
    const answers = [
      await ask(route, '{ __typename }', null), // UNAUTHENTICATED
      await ask(route, '{ __typename }', 'not.a.token'),
      await ask(route, '{ nope }', admin), // validation
      await ask(route, '{ causeAreas { ', admin), // parse
      await ask(route, BAD_INPUT[route]!, admin),
      ...(route === 'gateway' ? [] : [await post(url(route), '{ __typename }', {}, admin)]), // a subgraph, not signed
    ];
    for (const answer of answers) {
      expect(answer.body.errors?.length, JSON.stringify(answer.body)).toBeGreaterThan(0);
      noInternals(answer.body, `${route}: ${JSON.stringify(answer.body)}`);
    }
  });

  it('refuses introspection at the gateway and at every subgraph', async () => {
    for (const route of ['gateway', 'group', 'india']) {
      const answer = await ask(route, INTROSPECTION, admin);
      expect(answer.body.errors?.[0]?.extensions?.code, route).toBe('GRAPHQL_VALIDATION_FAILED');
      expect(answer.body.errors?.[0]?.message, route).toMatch(/introspection/i);
    }
    // BI tools get the schema only where INTROSPECTION=true says so (development default)
    expect((await post(url('gateway'), '{ __type(name: "Query") { name } }', {}, bi)).body.errors?.[0]?.extensions?.code).toBe('GRAPHQL_VALIDATION_FAILED');
  });

  it('serves no landing page', async () => {
    for (const route of ['gateway', 'india']) {
      const response = await fetch(url(route), { headers: { accept: 'text/html' } });
      expect(response.headers.get('content-type') ?? '', route).not.toMatch(/text\/html/);
      expect(await response.text(), route).not.toMatch(/<html|<!DOCTYPE/i);
    }
  });

  it('blocks requests a browser could send cross-site without a preflight (CSRF)', async () => {
    for (const route of ['gateway', 'india']) {
      const response = await ask(route, '{ __typename }', admin, { 'content-type': 'text/plain' });
      expect(response.status, route).toBe(400);
      expect(JSON.stringify(response.body), route).toMatch(/CSRF/);
      const get = await fetch(`${url(route)}?query=${encodeURIComponent('{ __typename }')}`, { headers: { authorization: `Bearer ${admin}` } });
      expect(get.status, route).toBe(400);
    }
  });
});

describe('production subgraphs answer the gateway only', () => {
  it.each(['group', 'japan', 'india', 'america', 'thailand'])('%s refuses every unsigned request, even with an admin token, and names what is missing', async (route) => {
    for (const query of ['{ __typename }', '{ _service { sdl } }', `mutation { ${route === 'group' ? 'setGoal(input: { title: "x" })' : `${route}RecordVolunteerRegistrations(input: { date: "2024-10-31", count: 1 })`} { id } }`]) {
      const answer = await post(url(route), query, {}, admin);
      expect(answer.status, `${route}: ${query}`).toBe(401);
      expect(answer.body.errors?.[0]?.extensions).toMatchObject({ code: 'UNAUTHENTICATED', reason: 'gateway_signature_required' });
      expect(answer.body.errors?.[0]?.message).toMatch(new RegExp(`The ${route} subgraph answers every request to the gateway only`));
      expect(answer.headers.get('accept-signature')).toMatch(/tag="csr-gateway"/);
    }
    // the gateway's own calls still go through
    expect((await ask(route, '{ __typename }', bi)).body).toEqual({ data: { __typename: 'Query' } });
  });

  it('hides the schema from user tokens: _service only to a signed gateway call (finding 6)', async () => {
    const unsigned = await post(url('india'), '{ _service { sdl } }', {}, bi);
    expect(unsigned.status).toBe(401);
    expect(JSON.stringify(unsigned.body)).not.toMatch(/requiresScopes|IndiaInitiative/);
    expect((await ask('india', '{ _service { sdl } }', bi)).body.data?._service.sdl).toContain('IndiaInitiative');
  });

  it('suggests no field names at the gateway or a subgraph (finding 6)', async () => {
    for (const [route, query] of [['gateway', '{ subsidiarie { code } }'], ['gateway', '{ groupReport(fiscalYer: 2024) { total { amount } } }'], ['india', '{ indiaInitiativ(id: "IN-I0001") { id } }'], ['group', '{ causeArea { code } }']] as const) {
      const answer = await ask(route, query, admin);
      expect(answer.body.errors?.[0]?.extensions?.code, `${route}: ${query}`).toBe('GRAPHQL_VALIDATION_FAILED');
      expect(answer.body.errors?.[0]?.message, `${route}: ${query}`).not.toMatch(/Did you mean/);
    }
  });

  it('serves /metrics and /subgraphs on no GraphQL port, and /ready without details (finding 8)', async () => {
    for (const route of ['gateway', 'india', 'group']) {
      const base = url(route).replace(/\/graphql$/, '');
      expect((await fetch(`${base}/metrics`)).status, `${route} /metrics`).toBe(404);
      expect((await fetch(`${base}/metrics`, { headers: { authorization: `Bearer ${admin}` } })).status, `${route} /metrics with a user token`).toBe(404);
      const ready = await fetch(`${base}/ready`);
      expect(ready.status, `${route} /ready`).toBe(200);
      expect(await ready.json(), `${route} /ready`).toEqual({ status: 'ok' });
    }
    expect((await fetch(`${stack.gatewayUrl.replace(/\/graphql$/, '')}/subgraphs`)).status).toBe(404);
  });
});

describe('CORS', () => {
  it('answers a preflight from a configured origin, and refuses one from elsewhere', async () => {
    const preflight = (origin: string) =>
      fetch(stack.gatewayUrl, { method: 'OPTIONS', headers: { origin, 'access-control-request-method': 'POST', 'access-control-request-headers': 'authorization, content-type' } });
    const allowed = await preflight(BI_ORIGIN);
    expect(allowed.status).toBe(204);
    expect(allowed.headers.get('access-control-allow-origin')).toBe(BI_ORIGIN);
    expect(allowed.headers.get('access-control-allow-headers')).toMatch(/authorization/);
    expect(allowed.headers.get('access-control-allow-credentials')).toBeNull();
    const refused = await preflight('https://evil.example');
    expect(refused.status).toBe(403);
    expect(refused.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('labels answers for configured origins only', async () => {
    // a BI token runs the gateway's trusted documents only (operations/manifest.json)
    const referenceData = (JSON.parse(readFileSync('operations/manifest.json', 'utf8')) as { operations: { name: string; body: string }[] }).operations.find((operation) => operation.name === 'ReferenceData')!.body;
    const ask = (origin: string) => post(stack.gatewayUrl, referenceData, {}, bi, { origin });
    const listed = await ask(BI_ORIGIN);
    expect(listed.body.errors).toBeUndefined();
    expect(listed.headers.get('access-control-allow-origin')).toBe(BI_ORIGIN);
    expect(listed.headers.get('vary')).toMatch(/origin/i);
    const other = await ask('https://evil.example');
    expect(other.headers.get('access-control-allow-origin')).toBeNull();
  });
});

describe('an unexpected failure', () => {
  // last in the file: it takes Thailand's database connection away
  it("is answered with a stable code: a subgraph whose database connection is gone says nothing of the driver's error", async () => {
    await stack.stack.subgraphs.get('thailand')!.mongo.close(true);
    const direct = await ask('thailand', `{ _entities(representations: [{ __typename: "ThailandSubsidiary", code: "TH" }]) { ... on ThailandSubsidiary { initiatives { totalCount } } } }`, admin);
    // a stable code (the database outage is recognised as such, or masked as internal), never the driver's words
    expect(['SUBSIDIARY_UNAVAILABLE', 'INTERNAL_SERVER_ERROR']).toContain(direct.body.errors?.[0]?.extensions?.code);
    noInternals(direct.body, 'thailand');
    expect(JSON.stringify(direct.body)).not.toMatch(/MongoNotConnected|must be connected|topology|Mongo\w*Error/i);
    const through = await post(stack.gatewayUrl, `{ subsidiaries { code initiatives { totalCount } } }`, {}, admin);
    expect(through.body.data?.subsidiaries.find((subsidiary: any) => subsidiary.code === 'IN').initiatives.totalCount).toBeGreaterThan(0);
    expect(JSON.stringify(through.body.errors)).toMatch(/thailand/i);
    noInternals(through.body, 'gateway');
    expect(JSON.stringify(through.body)).not.toMatch(/MongoNotConnected|must be connected|topology|Mongo\w*Error/i);
  });
});
