/**
 * Who may read and write what: every role against every regional mutation and a sample of
 * queries, through the gateway and directly against the subgraphs (no back door), with forged,
 * expired and misdirected tokens. After every refused write the databases are read back unchanged.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { useSeededStack } from '../harness/stack';
import { UNAUTHENTICATED_CALLERS, callers, databaseSnapshot, firstCode, post, type CallerName, type RawResponse } from '../harness/security';
import { signedPost } from '../harness/signed-calls';

const stack = useSeededStack('e2e_auth');
let tokens: Awaited<ReturnType<typeof callers>>;

beforeAll(async () => {
  tokens = await callers(stack);
});

const url = (route: string) => (route === 'gateway' ? stack.gatewayUrl : stack.stack.subgraphs.get(route)!.server.url);

interface MutationCase {
  name: string;
  query: string;
  /** Variables of a request that succeeds for a caller who may write (prepared by the admin when it needs a record). */
  variables: () => Promise<Record<string, unknown>>;
}

let serial = 0;
const unique = () => `${Date.now().toString(36)}-${(serial += 1)}`;

async function freshInitiative(prefix: string): Promise<string> {
  const created = await stack.data(`mutation($input: InitiativeInput!) { ${prefix}CreateInitiative(input: $input) { id } }`, {
    input: { title: `Prepared ${unique()}`, description: 'Prepared for an authorization test', causeArea: 'ENVIRONMENT', startDate: '2024-04-01' },
  });
  return created[`${prefix}CreateInitiative`].id;
}

async function freshExpense(prefix: string, initiativeId: string): Promise<string> {
  const recorded = await stack.data(`mutation($input: ExpenseInput!) { ${prefix}RecordExpense(input: $input) { id } }`, {
    input: { initiativeId, date: '2024-06-01', contributionType: 'CASH', amount: '100', description: 'Prepared expense' },
  });
  return recorded[`${prefix}RecordExpense`].id;
}

/** The eight regional mutations of one subsidiary, each with a request that would succeed. */
function mutations(prefix: string, code: string): MutationCase[] {
  const initiative = `${code}-I0001`;
  return [
    {
      name: 'CreateInitiative',
      query: `mutation($input: InitiativeInput!) { ${prefix}CreateInitiative(input: $input) { id } }`,
      variables: async () => ({ input: { title: `Matrix ${unique()}`, description: 'Created by the role matrix', causeArea: 'EDUCATION_RESEARCH', startDate: '2024-05-01' } }),
    },
    {
      name: 'UpdateInitiative',
      query: `mutation($id: ID!, $title: String!) { ${prefix}UpdateInitiative(id: $id, changes: { title: $title }) { id version } }`,
      variables: async () => ({ id: await freshInitiative(prefix), title: `Renamed ${unique()}` }),
    },
    {
      name: 'ArchiveInitiative',
      query: `mutation($id: ID!) { ${prefix}ArchiveInitiative(id: $id) { id status } }`,
      variables: async () => ({ id: await freshInitiative(prefix) }),
    },
    {
      name: 'RecordExpense',
      query: `mutation($input: ExpenseInput!) { ${prefix}RecordExpense(input: $input) { id } }`,
      variables: async () => ({ input: { initiativeId: initiative, date: '2024-06-15', contributionType: 'CASH', amount: '250', description: `Matrix ${unique()}` } }),
    },
    {
      name: 'CorrectExpense',
      query: `mutation($id: ID!, $description: String!) { ${prefix}CorrectExpense(id: $id, correction: { description: $description }) { id } }`,
      variables: async () => ({ id: await freshExpense(prefix, initiative), description: `Corrected ${unique()}` }),
    },
    {
      name: 'DeleteExpense',
      query: `mutation($id: ID!) { ${prefix}DeleteExpense(id: $id) { id } }`,
      variables: async () => ({ id: await freshExpense(prefix, initiative) }),
    },
    {
      name: 'RecordVolunteerRegistrations',
      query: `mutation { ${prefix}RecordVolunteerRegistrations(input: { date: "2024-10-31", count: 4 }) { id } }`,
      variables: async () => ({}),
    },
    {
      name: 'RecordVolunteerParticipation',
      query: `mutation { ${prefix}RecordVolunteerParticipation(input: { initiativeId: "${initiative}", date: "2024-11-02", people: 3, hours: "7.5" }) { id } }`,
      variables: async () => ({}),
    },
  ];
}

/** India's local extension (its CSR obligation) adds two mutations of its own. */
const INDIA_LOCAL: MutationCase[] = [
  {
    name: 'RecordCsrFinancials',
    query: `mutation { indiaRecordCsrFinancials(input: { fiscalYear: 2019, netProfit: "1000000.00" }) { fiscalYear } }`,
    variables: async () => ({}),
  },
  {
    name: 'ClassifyCsrInitiative',
    query: `mutation { indiaClassifyCsrInitiative(initiativeId: "IN-I0003", input: { scheduleVII: [EDUCATION_LIVELIHOOD], ongoingProject: false }) { id } }`,
    variables: async () => ({}),
  },
];

function expectRefused(response: RawResponse, code: 'UNAUTHENTICATED' | 'FORBIDDEN', what: string): void {
  expect(firstCode(response), `${what}: ${JSON.stringify(response.body)}`).toBe(code);
  expect(response.status, what).toBe(code === 'UNAUTHENTICATED' ? 401 : 403);
  expect(response.body.data ?? null, what).toBeNull();
  // a bad token is challenged for a Bearer token, a missing or bad gateway signature for a Signature
  if (code === 'UNAUTHENTICATED') expect(response.headers.get('www-authenticate'), what).toMatch(/^(Bearer|Signature) /);
}

/** What each caller gets from a mutation of India: only India's writers (and ops admins) may write. */
const INDIA_WRITE: Record<CallerName, 'allowed' | 'FORBIDDEN' | 'UNAUTHENTICATED'> = {
  admin: 'allowed',
  india: 'allowed',
  hq: 'FORBIDDEN',
  japan: 'FORBIDDEN',
  bi: 'FORBIDDEN',
  noScopes: 'FORBIDDEN',
  anonymous: 'UNAUTHENTICATED',
  expired: 'UNAUTHENTICATED',
  wrongAudience: 'UNAUTHENTICATED',
  wrongIssuer: 'UNAUTHENTICATED',
  badSignature: 'UNAUTHENTICATED',
  algNone: 'UNAUTHENTICATED',
  publicKeyAsSecret: 'UNAUTHENTICATED',
  subjectList: 'UNAUTHENTICATED',
  subjectNumber: 'UNAUTHENTICATED',
  scopeList: 'UNAUTHENTICATED',
  malformedScope: 'UNAUTHENTICATED',
};

describe.each(['gateway', 'india'])('every role against every India mutation, via %s', (route) => {
  it.each([...mutations('india', 'IN'), ...INDIA_LOCAL].map((mutation) => [mutation.name, mutation] as const))('%s', async (_name, mutation) => {
    const entries = Object.entries(INDIA_WRITE) as [CallerName, (typeof INDIA_WRITE)[CallerName]][];
    // refused callers all try the same request (a refusal consumes nothing); the databases are read back after each
    const refusedVariables = await mutation.variables();
    const before = await databaseSnapshot(stack, ['india', 'japan']);
    for (const [caller, expected] of entries.filter(([, outcome]) => outcome !== 'allowed')) {
      const what = `${caller} → ${mutation.name} via ${route}`;
      expectRefused(await post(url(route), mutation.query, refusedVariables, tokens[caller]), expected as 'FORBIDDEN' | 'UNAUTHENTICATED', what);
      expect(await databaseSnapshot(stack, ['india', 'japan']), `${what} changed the database`).toEqual(before);
    }
    // and the same request succeeds for those who may write
    for (const [caller] of entries.filter(([, outcome]) => outcome === 'allowed')) {
      const response = await post(url(route), mutation.query, await mutation.variables(), tokens[caller]);
      expect(response.body.errors, `${caller} → ${mutation.name} via ${route}`).toBeUndefined();
      expect(response.status).toBe(200);
    }
  });
});

describe("a regional team can never write another subsidiary's data", () => {
  it.each(mutations('japan', 'JP').map((mutation) => [mutation.name, mutation] as const))("India's token on Japan's %s, via the gateway and the Japan subgraph", async (_name, mutation) => {
    for (const route of ['gateway', 'japan']) {
      const variables = await mutation.variables();
      const before = await databaseSnapshot(stack, ['india', 'japan']);
      const response = await post(url(route), mutation.query, variables, tokens.india);
      expectRefused(response, 'FORBIDDEN', `india → japan${mutation.name} via ${route}`);
      expect(response.body.errors?.[0]?.message).toContain('subsidiary:JP:write');
      expect(await databaseSnapshot(stack, ['india', 'japan'])).toEqual(before);
    }
    // and Japan's own team may
    const allowed = await post(url('gateway'), mutation.query, await mutation.variables(), tokens.japan);
    expect(allowed.body.errors).toBeUndefined();
  });

  it("nor through its own subsidiary's mutations with another subsidiary's ids or data", async () => {
    const before = await databaseSnapshot(stack, ['india', 'japan']);
    const attempts = [
      `mutation { indiaUpdateInitiative(id: "JP-I0001", changes: { title: "Hijacked" }) { id } }`,
      `mutation { indiaArchiveInitiative(id: "JP-I0001") { id } }`,
      `mutation { indiaDeleteExpense(id: "JP-X000001") { id } }`,
      `mutation { indiaCorrectExpense(id: "JP-X000001", correction: { amount: "1" }) { id } }`,
      `mutation { indiaRecordExpense(input: { initiativeId: "JP-I0001", date: "2024-06-01", contributionType: CASH, amount: "5", description: "x" }) { id } }`,
      `mutation { indiaRecordVolunteerParticipation(input: { initiativeId: "JP-I0001", date: "2024-06-01", people: 1, hours: "1" }) { id } }`,
    ];
    for (const route of ['gateway', 'india']) {
      for (const attempt of attempts) {
        const response = await post(url(route), attempt, {}, tokens.india);
        expect(firstCode(response), `${attempt} via ${route}`).toBe('WRONG_SUBSIDIARY');
      }
    }
    // a subgraph does not even know another subsidiary's mutations
    const unknown = await post(url('india'), `mutation { japanRecordVolunteerRegistrations(input: { date: "2024-10-31", count: 1 }) { id } }`, {}, tokens.india);
    expect(firstCode(unknown)).toBe('GRAPHQL_VALIDATION_FAILED');
    expect(await databaseSnapshot(stack, ['india', 'japan'])).toEqual(before);
  });
});

describe('reads', () => {
  const GROUP_VIEW = `{ subsidiaries { code name initiatives(first: 1) { totalCount } } groupReport(fiscalYear: 2025) { total { amount currency } } }`;
  const AUDIT = `{ subsidiaries { code auditLog(first: 1) { nodes { id } } } }`;
  const ENTITIES = `query($r: [_Any!]!) { _entities(representations: $r) { ... on IndiaSubsidiary { initiatives(first: 1) { totalCount nodes { id title } } } } }`;
  const ENTITIES_AUDIT = `query($r: [_Any!]!) { _entities(representations: $r) { ... on IndiaSubsidiary { auditLog(first: 1) { nodes { id actor } } } } }`;
  const INITIATIVE_ENTITY = `query($r: [_Any!]!) { _entities(representations: $r) { ... on IndiaInitiative { title } } }`;
  const indiaRef = { r: [{ __typename: 'IndiaSubsidiary', code: 'IN' }] };

  const readers: CallerName[] = ['admin', 'hq', 'india', 'japan', 'bi'];
  const auditors: CallerName[] = ['admin', 'hq'];
  // a regional team reads the history of its own subsidiary's writes, never another's
  const indiaAuditors: CallerName[] = ['admin', 'hq', 'india'];
  const INDIA_AUDIT = `{ subsidiary(code: "IN") { ... on IndiaSubsidiary { auditLog(first: 1) { nodes { id } } } } }`;

  /** What, where, with which variables, who may; `signed`: sent as the gateway sends it (entities are answered to the gateway only). */
  const samples: [string, string, string, Record<string, unknown>, readonly CallerName[], boolean][] = [
    ['the group view and a consolidated report', 'gateway', GROUP_VIEW, {}, readers, false],
    ['the audit trail', 'gateway', AUDIT, {}, auditors, false],
    ["India's audit trail", 'gateway', INDIA_AUDIT, {}, indiaAuditors, false],
    ["India's initiatives through _entities", 'india', ENTITIES, indiaRef, readers, true],
    ["an initiative entity by id", 'india', INITIATIVE_ENTITY, { r: [{ __typename: 'IndiaInitiative', id: 'IN-I0001' }] }, readers, true],
    ["India's audit trail through _entities", 'india', ENTITIES_AUDIT, indiaRef, indiaAuditors, true],
    ['reference data of the group subgraph', 'group', `{ causeAreas { code } exchangeRates(fiscalYear: 2025) { currency } }`, {}, readers, false],
  ];

  it.each(samples)('%s (via %s)', async (_name, route, query, variables, allowed, signed) => {
    for (const caller of Object.keys(tokens) as CallerName[]) {
      const response = signed ? await signedPost(url(route), route, stack.stack.signingKey, query, variables, tokens[caller]) : await post(url(route), query, variables, tokens[caller]);
      const what = `${caller} reading via ${route}${signed ? ' (signed as the gateway)' : ''}`;
      if (caller === 'bi' && route === 'gateway' && allowed.includes(caller)) {
        // a BI token runs only the gateway's trusted documents (test/e2e/trusted-documents.e2e.test.ts)
        expect(firstCode(response), what).toBe('OPERATION_NOT_TRUSTED');
        expect(response.status, what).toBe(403);
      } else if (allowed.includes(caller)) {
        expect(response.body.errors, what).toBeUndefined();
        expect(response.body.data, what).toBeTruthy();
      } else {
        expectRefused(response, UNAUTHENTICATED_CALLERS.includes(caller) ? 'UNAUTHENTICATED' : 'FORBIDDEN', what);
      }
    }
  });

  it('entities straight at a subgraph, without the gateway signature, are refused to every caller', async () => {
    for (const [, route, query, variables] of samples.filter((sample) => sample[5])) {
      for (const caller of Object.keys(tokens) as CallerName[]) {
        const response = await post(url(route), query, variables, tokens[caller]);
        expect(response.status, `${caller} via ${route}`).toBe(401);
        expect(firstCode(response)).toBe('UNAUTHENTICATED');
        expect(response.body.data ?? null).toBeNull();
        if (!UNAUTHENTICATED_CALLERS.includes(caller)) expect(response.body.errors?.[0]?.extensions?.reason, `${caller} via ${route}`).toBe('gateway_signature_required');
      }
    }
  });

  it('a subgraph answers nothing at all without a valid token, and its schema only to the gateway', async () => {
    for (const route of ['group', 'japan', 'india', 'america', 'thailand']) {
      for (const caller of UNAUTHENTICATED_CALLERS) {
        expectRefused(await post(url(route), '{ _service { sdl } }', {}, tokens[caller]), 'UNAUTHENTICATED', `${caller} via ${route}`);
        // a gateway signature does not make a bad token good
        expectRefused(await signedPost(url(route), route, stack.stack.signingKey, '{ _service { sdl } }', {}, tokens[caller]), 'UNAUTHENTICATED', `${caller} via ${route}, signed`);
      }
      // a valid token is not enough: the schema goes to the gateway only (finding 6)
      for (const caller of ['noScopes', 'bi', 'admin'] as const) {
        const unsigned = await post(url(route), '{ _service { sdl } }', {}, tokens[caller]);
        expectRefused(unsigned, 'UNAUTHENTICATED', `${caller} asking ${route} for its schema`);
        expect(unsigned.body.errors?.[0]?.extensions?.reason).toBe('gateway_signature_required');
        expect(JSON.stringify(unsigned.body)).not.toContain('requiresScopes');
      }
      const served = await signedPost(url(route), route, stack.stack.signingKey, '{ _service { sdl } }', {}, tokens.bi);
      expect(served.body.data?._service.sdl).toContain('@requiresScopes');
    }
  });

  it('the gateway refuses before planning: no subgraph reads anything for a refused request', async () => {
    const counts = await stack.countCommands(async () => {
      for (const caller of UNAUTHENTICATED_CALLERS) await post(url('gateway'), GROUP_VIEW, {}, tokens[caller]);
      await post(url('gateway'), AUDIT, {}, tokens.bi);
      await post(url('gateway'), `mutation { japanRecordVolunteerRegistrations(input: { date: "2024-10-31", count: 1 }) { id } }`, {}, tokens.india);
    });
    for (const [subgraph, events] of counts) expect(events.map((event) => event.commandName), subgraph).toEqual([]);
  });

  it('lets any valid token introspect in development (BI tools read the schema), and no one without a token', async () => {
    const introspection = await post(url('gateway'), '{ __schema { queryType { name } } }', {}, tokens.bi);
    expect(introspection.body).toEqual({ data: { __schema: { queryType: { name: 'Query' } } } });
    expectRefused(await post(url('gateway'), '{ __schema { queryType { name } } }', {}, null), 'UNAUTHENTICATED', 'anonymous introspection');
  });

  it('names what is missing, and refuses a query that mixes allowed and refused fields as a whole', async () => {
    const response = await post(url('gateway'), `{ subsidiaries { code auditLog { nodes { id } } } causeAreas { code } }`, {}, tokens.india);
    expectRefused(response, 'FORBIDDEN', 'india reading the audit trail');
    expect(response.body.errors?.[0]?.message).toMatch(/auditLog requires the scope group:audit/);
  });

  it('a token with a scope for another subsidiary does not read more, and BI cannot write anything anywhere', async () => {
    const before = await databaseSnapshot(stack);
    for (const prefix of ['japan', 'india', 'america', 'thailand']) {
      const response = await post(url('gateway'), `mutation { ${prefix}RecordVolunteerRegistrations(input: { date: "2024-10-31", count: 1 }) { id } }`, {}, tokens.bi);
      expectRefused(response, 'FORBIDDEN', `bi → ${prefix}`);
    }
    expect(await databaseSnapshot(stack)).toEqual(before);
  });
});
