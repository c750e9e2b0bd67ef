/**
 * Hostile input: a table of attacks and malformed values, each refused with the right code and
 * nothing changed in any database (read back after every row); client-supplied objects never
 * reach a MongoDB filter as operators, and search text is matched literally. Rows sent straight to
 * a subgraph's entities are signed as the gateway signs them (what a subgraph checks behind the
 * gateway); the signed-call rows attack the signature itself at every subgraph.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import type { CommandStartedEvent } from 'mongodb';
import { LIMIT_ERROR_CODES } from '../../gateway/src/plugins/limits';
import { generateSigningKey, type SigningKey } from '../../platform/signing-keys';
import { useSeededStack } from '../harness/stack';
import { callers, databaseSnapshot, firstCode, type RawResponse } from '../harness/security';
import { contentDigest } from '../../platform/http-signatures';
import { signedPost, type SignedRequestOptions } from '../harness/signed-calls';

const stack = useSeededStack('e2e_hostile');
let tokens: Awaited<ReturnType<typeof callers>>;
let keys: Record<'gateway' | 'otherKeySameId' | 'unknownKeyId', SigningKey>;

beforeAll(async () => {
  tokens = await callers(stack);
  keys = {
    gateway: stack.stack.signingKey,
    // another key under the gateway's key id, and a key id no subgraph lists
    otherKeySameId: generateSigningKey(stack.stack.signingKey.keyId),
    unknownKeyId: generateSigningKey('not-the-gateway'),
  };
});

const RECORD = `mutation($input: ExpenseInput!, $key: String) { indiaRecordExpense(input: $input, idempotencyKey: $key) { id } }`;
const CREATE = `mutation($input: InitiativeInput!) { indiaCreateInitiative(input: $input) { id } }`;
const UPDATE = `mutation($id: ID!, $changes: InitiativeChanges!, $version: Int) { indiaUpdateInitiative(id: $id, changes: $changes, expectedVersion: $version) { id } }`;
const PAGE = `query($filter: InitiativeFilter, $first: Int, $after: String) { subsidiaries { code initiatives(filter: $filter, first: $first, after: $after) { totalCount nodes { id title } } } }`;
const REGISTRATIONS = `mutation($input: VolunteerRegistrationsInput!) { indiaRecordVolunteerRegistrations(input: $input) { id } }`;
const PARTICIPATION = `mutation($input: VolunteerParticipationInput!) { indiaRecordVolunteerParticipation(input: $input) { id } }`;
const ENTITIES = `query($r: [_Any!]!) { _entities(representations: $r) { __typename ... on IndiaInitiative { title } ... on IndiaExpense { description } ... on IndiaReport { cells { amount } } } }`;

const expense = { initiativeId: 'IN-I0001', date: '2024-06-15', contributionType: 'CASH', amount: '1000.00', description: 'Donation' };
const initiative = { title: 'Hostile', description: 'x', causeArea: 'ENVIRONMENT', startDate: '2024-04-01' };
const cursor = (value: unknown) => Buffer.from(JSON.stringify(value), 'utf8').toString('base64url');
/** A request body whose tags are `depth` lists deep (built as text: JSON.stringify would overflow the stack). */
const nestedTags = (depth: number) =>
  `{"query":${JSON.stringify(CREATE)},"variables":{"input":${JSON.stringify({ ...initiative, tags: null }).replace('"tags":null', `"tags":${'['.repeat(depth)}"x"${']'.repeat(depth)}`)}}}`;

interface Row {
  /** Where it goes: the gateway (default) or a subgraph reached directly. */
  route?: string;
  query?: string;
  variables?: Record<string, unknown>;
  /** Which caller's token (default: an ops admin with every scope, so that only the input is wrong). */
  as?: keyof Awaited<ReturnType<typeof callers>>;
  /** Sent as is instead of { query, variables }. */
  body?: string;
  headers?: Record<string, string>;
  method?: string;
  code: string;
  status?: number;
  /** Sent signed as the gateway would sign it (to a subgraph `route`), with this key and these changes. */
  gateway?: { key?: keyof typeof keys; options?: () => SignedRequestOptions };
  /** The refusal's `extensions.reason`. */
  reason?: string;
}

const DEEP = `{ initiative(id: "IN-I0001") { ... on IndiaInitiative { expenses { initiative { expenses { initiative { expenses { initiative { expenses { initiative { expenses { initiative { expenses { initiative { id } } } } } } } } } } } } } } }`;
const ALIASES = `{ ${Array.from({ length: 200 }, (_, i) => `a${i}: causeAreas { code }`).join(' ')} }`;
const MUTATION_ALIASES = `mutation { ${Array.from({ length: 40 }, (_, i) => `m${i}: indiaRecordVolunteerRegistrations(input: { date: "2024-10-31", count: 1 }) { id }`).join(' ')} }`;
const COSTLY = `{ subsidiaries { initiatives(first: 100) { nodes { expenses(first: 100) { ... on IndiaExpense { initiative { expenses(first: 100) { id } } } } } } } }`;

/** A hand-written GroupReport: one Japan cell of ¥999,999,999,999 and a million registrants. */
const FORGED_REPORT = {
  query: `query($r: [_Any!]!) { _entities(representations: $r) { ... on GroupReport { total { amount currency partial } completeness { complete } volunteering { newRegistrations } } } }`,
  variables: {
    r: [
      {
        __typename: 'GroupReport',
        id: '2024|2024|JPY|*|*|complete',
        subsidiaries: [
          {
            __typename: 'JapanReport',
            currency: 'JPY',
            cells: [{ groupFiscalYear: 2024, causeArea: 'ENVIRONMENT', contributionType: 'CASH', amount: '999999999999', expenseCount: 1 }],
            volunteering: [{ groupFiscalYear: 2024, newRegistrations: 1_000_000, participants: 1_000_000, hours: '1' }],
            asOf: new Date().toISOString(),
            dataset: { id: 'forged' },
          },
        ],
      },
    ],
  },
};

const ROWS: Record<string, Row> = {
  // objects where a value belongs: GraphQL's typed inputs refuse them before any resolver runs
  'an operator object as an id': { query: RECORD, variables: { input: { ...expense, initiativeId: { $ne: null } } }, code: 'BAD_USER_INPUT' },
  'an operator object as the id to update': { query: UPDATE, variables: { id: { $gt: '' }, changes: { title: 'x' } }, code: 'BAD_USER_INPUT' },
  'a $where key in an input': { query: RECORD, variables: { input: { ...expense, $where: 'sleep(1000)' } }, code: 'BAD_USER_INPUT' },
  'an operator object as search text': { query: PAGE, variables: { filter: { text: { $regex: '.*' } } }, code: 'BAD_USER_INPUT' },
  'a $where key in a filter': { query: PAGE, variables: { filter: { text: 'x', $where: 'this.amount > 0' } }, code: 'BAD_USER_INPUT' },
  'an $expr key in a filter': { query: PAGE, variables: { filter: { $expr: { $gt: ['$amount', 0] } } }, code: 'BAD_USER_INPUT' },
  'an operator as an enum value': { query: PAGE, variables: { filter: { status: '$ne' } }, code: 'BAD_USER_INPUT' },
  'a field that is not in the input type': { query: UPDATE, variables: { id: 'IN-I0001', changes: { title: 'x', version: 99, updatedBy: 'mallory' } }, code: 'BAD_USER_INPUT' },
  'a $set key in changes': { query: UPDATE, variables: { id: 'IN-I0001', changes: { $set: { status: 'ARCHIVED' } } }, code: 'BAD_USER_INPUT' },
  'an operator object as the expected version': { query: UPDATE, variables: { id: 'IN-I0001', changes: { title: 'x' }, version: { $gt: 0 } }, code: 'BAD_USER_INPUT' },
  'an operator object as the idempotency key': { query: RECORD, variables: { input: expense, key: { $ne: null } }, code: 'BAD_USER_INPUT' },
  'an object literal as an id in the document': { query: `mutation { indiaDeleteExpense(id: { ne: null }) { id } }`, code: 'GRAPHQL_VALIDATION_FAILED' },
  'a cursor hiding an operator': { query: PAGE, variables: { after: cursor(['2024-01-01', { $gt: '' }]) }, code: 'BAD_USER_INPUT' },
  'a cursor that is an object': { query: PAGE, variables: { after: cursor({ $where: '1' }) }, code: 'BAD_USER_INPUT' },
  'a cursor that is not base64 JSON': { query: PAGE, variables: { after: '%%%not-a-cursor' }, code: 'BAD_USER_INPUT' },
  'an oversized cursor': { query: PAGE, variables: { after: cursor(['x'.repeat(300), 'IN-I0001']) }, code: 'BAD_USER_INPUT' },
  'an operator as a representation id (India subgraph directly)': { route: 'india', gateway: {}, query: ENTITIES, variables: { r: [{ __typename: 'IndiaInitiative', id: { $ne: null } }] }, code: 'BAD_USER_INPUT' },
  'a list as a representation id': { route: 'india', gateway: {}, query: ENTITIES, variables: { r: [{ __typename: 'IndiaExpense', id: ['IN-X000001'] }] }, code: 'BAD_USER_INPUT' },
  'an operator as a report key': { route: 'india', gateway: {}, query: ENTITIES, variables: { r: [{ __typename: 'IndiaReport', id: { $gt: '' } }] }, code: 'BAD_USER_INPUT' },
  'an operator as a group report key (group subgraph directly)': {
    route: 'group',
    gateway: {},
    query: `query($r: [_Any!]!) { _entities(representations: $r) { ... on GroupReport { id } } }`,
    variables: { r: [{ __typename: 'GroupReport', id: { $ne: null } }] },
    code: 'BAD_USER_INPUT',
  },

  // amounts, currencies, dates, fiscal years, codes and lengths
  'a negative amount': { query: RECORD, variables: { input: { ...expense, amount: '-5.00' } }, code: 'BAD_USER_INPUT' },
  'a zero amount': { query: RECORD, variables: { input: { ...expense, amount: '0.00' } }, code: 'BAD_USER_INPUT' },
  'an absurd amount': { query: RECORD, variables: { input: { ...expense, amount: '99999999999999999' } }, code: 'BAD_USER_INPUT' },
  'an amount in exponent notation': { query: RECORD, variables: { input: { ...expense, amount: '1e308' } }, code: 'BAD_USER_INPUT' },
  'NaN as an amount': { query: RECORD, variables: { input: { ...expense, amount: 'NaN' } }, code: 'BAD_USER_INPUT' },
  'Infinity as an amount': { query: RECORD, variables: { input: { ...expense, amount: 'Infinity' } }, code: 'BAD_USER_INPUT' },
  'an amount as a JSON number': { query: RECORD, variables: { input: { ...expense, amount: 1000 } }, code: 'BAD_USER_INPUT' },
  'an amount of 41 digits': { query: RECORD, variables: { input: { ...expense, amount: '1'.repeat(41) } }, code: 'BAD_USER_INPUT' },
  'an unknown currency': { query: RECORD, variables: { input: { ...expense, currency: 'XYZ' } }, code: 'BAD_USER_INPUT' },
  'a currency in lower case': { query: RECORD, variables: { input: { ...expense, currency: 'inr' } }, code: 'BAD_USER_INPUT' },
  "another subsidiary's currency": { query: RECORD, variables: { input: { ...expense, currency: 'USD' } }, code: 'BAD_USER_INPUT' },
  'a currency of a thousand characters': { query: RECORD, variables: { input: { ...expense, currency: 'A'.repeat(1000) } }, code: 'BAD_USER_INPUT' },
  'month 13': { query: RECORD, variables: { input: { ...expense, date: '2024-13-01' } }, code: 'BAD_USER_INPUT' },
  '30 February': { query: RECORD, variables: { input: { ...expense, date: '2024-02-30' } }, code: 'BAD_USER_INPUT' },
  'a date before 1950': { query: RECORD, variables: { input: { ...expense, date: '1900-01-01' } }, code: 'BAD_USER_INPUT' },
  'a date in the future': { query: RECORD, variables: { input: { ...expense, date: '2999-01-01' } }, code: 'BAD_USER_INPUT' },
  'a timestamp as a date': { query: RECORD, variables: { input: { ...expense, date: '2024-06-15T00:00:00Z' } }, code: 'BAD_USER_INPUT' },
  'a fiscal year in 1800': { query: `{ groupReport(fiscalYear: 1800) { total { amount } } }`, code: 'BAD_USER_INPUT' },
  'a fiscal year beyond 32 bits': { query: `query($y: Int!) { groupReport(fiscalYear: $y) { total { amount } } }`, variables: { y: 2 ** 31 }, code: 'BAD_USER_INPUT' },
  'a fiscal year range of a century': { query: `{ groupReport(fromFiscalYear: 1995, toFiscalYear: 2095) { total { amount } } }`, code: 'BAD_USER_INPUT' },
  'a currency code that is a path': { query: `{ exchangeRates(currency: "../../etc/passwd") { currency } }`, code: 'BAD_USER_INPUT' },
  'an id of 41 characters': { query: `query($id: ID!) { initiative(id: $id) { id } }`, variables: { id: `IN-${'I'.repeat(38)}` }, code: 'BAD_USER_INPUT' },
  'a title of 201 characters': { query: CREATE, variables: { input: { ...initiative, title: 'T'.repeat(201) } }, code: 'BAD_USER_INPUT' },
  'a description of 5001 characters': { query: CREATE, variables: { input: { ...initiative, description: 'd'.repeat(5001) } }, code: 'BAD_USER_INPUT' },
  '21 tags': { query: CREATE, variables: { input: { ...initiative, tags: Array.from({ length: 21 }, (_, i) => `t${i}`) } }, code: 'BAD_USER_INPUT' },
  'a tag of 51 characters': { query: CREATE, variables: { input: { ...initiative, tags: ['t'.repeat(51)] } }, code: 'BAD_USER_INPUT' },
  '51 partners': { query: CREATE, variables: { input: { ...initiative, partners: Array.from({ length: 51 }, (_, i) => ({ name: `p${i}`, kind: 'NGO' })) } }, code: 'BAD_USER_INPUT' },
  'tags nested 10000 lists deep': { query: CREATE, body: nestedTags(10_000), code: 'BAD_USER_INPUT' },
  'search text of 201 characters': { query: PAGE, variables: { filter: { text: 's'.repeat(201) } }, code: 'BAD_USER_INPUT' },
  'a negative count': { query: REGISTRATIONS, variables: { input: { date: '2024-10-31', count: -1 } }, code: 'BAD_USER_INPUT' },
  'a count of a hundred million': { query: REGISTRATIONS, variables: { input: { date: '2024-10-31', count: 100_000_000 } }, code: 'BAD_USER_INPUT' },
  'people beyond 32 bits': { query: PARTICIPATION, variables: { input: { initiativeId: 'IN-I0001', date: '2024-10-31', people: 2 ** 40, hours: '1' } }, code: 'BAD_USER_INPUT' },
  'hours in exponent notation': { query: PARTICIPATION, variables: { input: { initiativeId: 'IN-I0001', date: '2024-10-31', people: 1, hours: '1e3' } }, code: 'BAD_USER_INPUT' },
  'an idempotency key of 101 characters': { query: RECORD, variables: { input: expense, key: 'k'.repeat(101) }, code: 'BAD_USER_INPUT' },

  // tokens
  'a forged token': { query: RECORD, variables: { input: expense }, as: 'badSignature', code: 'UNAUTHENTICATED', status: 401 },
  'an expired token': { query: RECORD, variables: { input: expense }, as: 'expired', code: 'UNAUTHENTICATED', status: 401 },
  'a token for another audience': { query: RECORD, variables: { input: expense }, as: 'wrongAudience', code: 'UNAUTHENTICATED', status: 401 },
  'a token from another issuer': { query: RECORD, variables: { input: expense }, as: 'wrongIssuer', code: 'UNAUTHENTICATED', status: 401 },
  'an unsigned token (alg: none)': { query: RECORD, variables: { input: expense }, as: 'algNone', code: 'UNAUTHENTICATED', status: 401 },
  'an unsigned token sent straight to the subgraph': { route: 'india', query: RECORD, variables: { input: expense }, as: 'algNone', code: 'UNAUTHENTICATED', status: 401 },
  'no token at all': { query: RECORD, variables: { input: expense }, as: 'anonymous', code: 'UNAUTHENTICATED', status: 401 },
  'a token with trailing junk': { query: RECORD, variables: { input: expense }, as: 'anonymous', headers: { authorization: 'Bearer abc.def.ghi extra' }, code: 'UNAUTHENTICATED', status: 401 },

  // size and shape of the request (the limits plugin and the HTTP layer)
  'a query nested 14 levels deep': { query: DEEP, code: LIMIT_ERROR_CODES.tooDeep, status: 400 },
  'an alias bomb': { query: ALIASES, code: LIMIT_ERROR_CODES.tooManyAliases, status: 400 },
  'an alias bomb of writes': { query: MUTATION_ALIASES, code: LIMIT_ERROR_CODES.tooManyAliases, status: 400 },
  'a page of a million': { query: PAGE, variables: { first: 1_000_000 }, code: LIMIT_ERROR_CODES.pageTooLarge, status: 400 },
  'a million nested items': { query: COSTLY, code: LIMIT_ERROR_CODES.tooCostly, status: 400 },
  'a body over a megabyte': { body: JSON.stringify({ query: `{ causeAreas { code } } #${'x'.repeat(1_100_000)}` }), code: 'PAYLOAD_TOO_LARGE', status: 413 },
  'a batch of operations': { body: JSON.stringify([{ query: '{ causeAreas { code } }' }, { query: '{ goals { id } }' }]), code: 'BAD_REQUEST', status: 400 },
  'a simple cross-site form post (CSRF)': { body: 'query=mutation{indiaRecordVolunteerRegistrations(input:{date:"2024-10-31",count:1}){id}}', headers: { 'content-type': 'text/plain' }, code: 'BAD_REQUEST', status: 400 },
  'a mutation over GET': { method: 'GET', query: `mutation { indiaRecordVolunteerRegistrations(input: { date: "2024-10-31", count: 1 }) { id } }`, headers: { 'apollo-require-preflight': 'true' }, code: 'BAD_REQUEST', status: 405 },

  // validly signed tokens whose claims have the wrong type (finding 7), at the gateway and straight at a subgraph
  'a token whose sub is a list': { query: RECORD, variables: { input: expense }, as: 'subjectList', code: 'UNAUTHENTICATED', status: 401 },
  'a token whose sub is a number': { query: `{ subsidiaries { code auditLog(first: 1) { nodes { actor } } } }`, as: 'subjectNumber', code: 'UNAUTHENTICATED', status: 401 },
  'a token whose scope is a list': { query: RECORD, variables: { input: expense }, as: 'scopeList', code: 'UNAUTHENTICATED', status: 401 },
  'a token whose sub is a list, straight at the subgraph': { route: 'india', query: RECORD, variables: { input: expense }, as: 'subjectList', code: 'UNAUTHENTICATED', status: 401 },
  'a token whose sub is a list, signed by the gateway': { route: 'india', gateway: {}, query: RECORD, variables: { input: expense }, as: 'subjectList', code: 'UNAUTHENTICATED', status: 401 },

  // forged consolidated totals (finding 1): hand-written representations straight at the group subgraph
  'forged GroupReport cells through the gateway (it exposes no _entities)': { query: FORGED_REPORT.query, variables: FORGED_REPORT.variables, as: 'bi', code: 'GRAPHQL_VALIDATION_FAILED', status: 400 },
  'forged GroupReport cells straight at the group subgraph (BI token)': { route: 'group', query: FORGED_REPORT.query, variables: FORGED_REPORT.variables, as: 'bi', code: 'UNAUTHENTICATED', status: 401, reason: 'gateway_signature_required' },
  'forged GroupReport cells straight at the group subgraph (regional token)': { route: 'group', query: FORGED_REPORT.query, variables: FORGED_REPORT.variables, as: 'india', code: 'UNAUTHENTICATED', status: 401, reason: 'gateway_signature_required' },
  'an existence probe with a token without scopes (finding 5)': {
    route: 'india',
    gateway: {},
    query: `query($r: _Any!) { _entities(representations: [$r]) { __typename } }`,
    variables: { r: { __typename: 'IndiaInitiative', id: 'IN-I0001' } },
    as: 'noScopes',
    code: 'FORBIDDEN',
    status: 403,
  },
  'the schema asked for by a token without scopes (finding 6)': { route: 'india', query: '{ _service { sdl } }', as: 'noScopes', code: 'UNAUTHENTICATED', status: 401, reason: 'gateway_signature_required' },

  ...signedCallAttacks(),
};

/**
 * Every way to get the gateway's signature wrong, at every subgraph, on a write a valid signature
 * (or, in development, no signature at all) would let through: a signature that is present must
 * hold, it is never ignored. Unsigned entity and schema requests are refused too.
 */
function signedCallAttacks(): Record<string, Row> {
  const now = () => Math.floor(Date.now() / 1000);
  // the write made bigger after signing: 7 registrations become 8, a rate of 9.99 becomes 8.88
  const alter = (body: string) => body.replace('count: 7', 'count: 8').replace('9.99', '8.88');
  const rows: Record<string, Row> = {};
  for (const subgraph of ['group', 'japan', 'india', 'america', 'thailand']) {
    const write =
      subgraph === 'group'
        ? { query: `mutation($input: ExchangeRateInput!) { setExchangeRate(input: $input) { currency } }`, variables: { input: { currency: 'THB', fiscalYear: 2031, jpyPerUnit: '9.99', source: 'forged', asOf: '2024-03-31' } } }
        : { query: `mutation { ${subgraph}RecordVolunteerRegistrations(input: { date: "2024-10-31", count: 7 }) { id } }`, variables: {} };
    const attack = (reason: string, gateway: Row['gateway'], row: Partial<Row> = {}): Row => ({ route: subgraph, ...write, gateway, code: 'UNAUTHENTICATED', status: 401, reason, ...row });
    Object.assign(rows, {
      [`${subgraph}: entities without a signature`]: {
        route: subgraph,
        query: `query($r: [_Any!]!) { _entities(representations: $r) { __typename } }`,
        variables: { r: [{ __typename: subgraph === 'group' ? 'GroupReport' : `${subgraph[0]!.toUpperCase()}${subgraph.slice(1)}Subsidiary`, ...(subgraph === 'group' ? { id: '2024|2024|JPY|*|*|complete' } : { code: 'XX' }) }] },
        code: 'UNAUTHENTICATED',
        status: 401,
        reason: 'gateway_signature_required',
      },
      [`${subgraph}: its schema without a signature`]: { route: subgraph, query: '{ _service { sdl } }', as: 'bi', code: 'UNAUTHENTICATED', status: 401, reason: 'gateway_signature_required' },
      [`${subgraph}: signed with another key under the gateway's key id`]: attack('bad_signature', { key: 'otherKeySameId' }),
      [`${subgraph}: signed with a key it does not accept`]: attack('unknown_key', { key: 'unknownKeyId' }),
      [`${subgraph}: replayed, the signature 2 minutes old`]: attack('stale', { options: () => ({ sign: { now: now() - 120 } }) }),
      [`${subgraph}: a signature created 2 minutes in the future`]: attack('future', { options: () => ({ sign: { now: now() + 120 } }) }),
      [`${subgraph}: an expired signature`]: attack('expired', { options: () => ({ sign: { now: now() - 20, lifetimeSeconds: 1 } }) }),
      [`${subgraph}: the body altered after signing`]: attack('digest_mismatch', { options: () => ({ alterBody: alter }) }),
      [`${subgraph}: the body and its digest altered after signing`]: attack('bad_signature', {
        options: () => ({ alterBody: alter, headers: { 'content-digest': contentDigest(alter(JSON.stringify({ query: write.query, variables: write.variables }))) } }),
      }),
      [`${subgraph}: a signature over another path`]: attack('bad_signature', { options: () => ({ sign: { path: '/other' } }) }),
      [`${subgraph}: a signature made for another subgraph`]: attack('wrong_subgraph', { options: () => ({ target: subgraph === 'india' ? 'japan' : 'india' }) }),
      [`${subgraph}: a signature made for another token`]: attack('bad_signature', { options: () => ({ headers: { authorization: `Bearer ${tokens.hq}` } }) }),
      [`${subgraph}: a signature that does not cover the token`]: attack('not_covered', { options: () => ({ unsignedHeaders: ['authorization'] }) }),
    });
  }
  return rows;
}

async function send(row: Row): Promise<RawResponse> {
  const url = row.route ? stack.stack.subgraphs.get(row.route)!.server.url : stack.gatewayUrl;
  const token = tokens[row.as ?? 'admin'];
  if (row.gateway) return signedPost(url, row.route!, keys[row.gateway.key ?? 'gateway'], row.query!, row.variables ?? {}, token, row.gateway.options?.());
  const headers: Record<string, string> = { 'content-type': 'application/json', ...(token === null ? {} : { authorization: `Bearer ${token}` }), ...row.headers };
  const response =
    row.method === 'GET'
      ? await fetch(`${url}?${new URLSearchParams({ query: row.query ?? '' }).toString()}`, { headers })
      : await fetch(url, { method: 'POST', headers, body: row.body ?? JSON.stringify({ query: row.query, variables: row.variables ?? {} }) });
  const text = await response.text();
  return { status: response.status, headers: response.headers, body: JSON.parse(text) };
}

const commands: CommandStartedEvent[] = [];

describe('hostile input is refused with a code and changes nothing', () => {
  it.each(Object.entries(ROWS))('%s', async (_name, row) => {
    const before = await databaseSnapshot(stack);
    let response: RawResponse | undefined;
    const counts = await stack.countCommands(async () => {
      response = await send(row);
    });
    for (const events of counts.values()) commands.push(...events);
    expect(firstCode(response!), JSON.stringify(response!.body).slice(0, 500)).toBe(row.code);
    expect(response!.body.errors?.[0]?.message.length).toBeGreaterThan(10);
    if (row.status) expect(response!.status).toBe(row.status);
    if (row.reason) expect(response!.body.errors?.[0]?.extensions?.reason, JSON.stringify(response!.body.errors)).toBe(row.reason);
    if (row.query?.startsWith('mutation')) expect(response!.body.data ?? null).toBeNull();
    expect(await databaseSnapshot(stack)).toEqual(before);
  });

  it('sent MongoDB no operator a client could have chosen ($where, $expr, $function, …) while the table ran', () => {
    const forbidden = new Set(['$where', '$expr', '$function', '$accumulator', '$jsonSchema']);
    const found: string[] = [];
    const scan = (value: unknown): void => {
      if (Array.isArray(value)) value.forEach(scan);
      else if (value && typeof value === 'object' && !('_bsontype' in value)) {
        for (const [key, inner] of Object.entries(value)) {
          if (forbidden.has(key)) found.push(key);
          scan(inner);
        }
      }
    };
    for (const event of commands) scan(event.command);
    expect(found).toEqual([]);
  });
});

describe('a signed call is good for one request', () => {
  it.each(['group', 'india'])('a replay of a signed write within the window is refused at %s, and writes nothing', async (subgraph) => {
    const url = stack.stack.subgraphs.get(subgraph)!.server.url;
    const write =
      subgraph === 'group'
        ? { query: `mutation($input: ExchangeRateInput!) { setExchangeRate(input: $input) { currency } }`, variables: { input: { currency: 'THB', fiscalYear: 2032, jpyPerUnit: '4.20', source: 'replay check', asOf: '2024-03-31' } } }
        : { query: `mutation { indiaRecordVolunteerRegistrations(input: { date: "2024-10-31", count: 3 }) { id } }`, variables: {} };
    const first = await signedPost(url, subgraph, stack.stack.signingKey, write.query, write.variables, tokens.admin);
    expect(first.body.errors, JSON.stringify(first.body)).toBeUndefined();
    const before = await databaseSnapshot(stack);
    const replayed = await signedPost(url, subgraph, stack.stack.signingKey, write.query, write.variables, tokens.admin, { reuse: first.signature });
    expect(replayed.status).toBe(401);
    expect(replayed.body.errors?.[0]?.extensions).toMatchObject({ code: 'UNAUTHENTICATED', reason: 'replayed' });
    expect(await databaseSnapshot(stack)).toEqual(before);
  });
});

describe('search text is matched literally', () => {
  it('treats regular-expression characters as themselves, quickly', async () => {
    const { indiaCreateInitiative } = await stack.data(CREATE, { input: { ...initiative, title: 'C++ (advanced) workshop [2024]', description: 'Literal search check' } });
    const find = async (text: string) => {
      const { subsidiaries } = await stack.data(PAGE, { filter: { text } });
      return subsidiaries.find((subsidiary: any) => subsidiary.code === 'IN').initiatives.nodes.map((node: any) => node.id);
    };
    expect(await find('c++ (advanced)')).toEqual([indiaCreateInitiative.id]);
    expect(await find('[2024]')).toEqual([indiaCreateInitiative.id]);
    expect(await find('.*')).toEqual([]);
    expect(await find('$where')).toEqual([]);
    expect(await find('^C')).toEqual([]);
    const started = Date.now();
    expect(await find(`${'(a+)+'.repeat(10)}$ aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa!`)).toEqual([]);
    expect(Date.now() - started).toBeLessThan(5_000);
  });

  it('stores hostile-looking text as plain text', async () => {
    const title = '{"$gt": ""} $where: sleep(1000) <script>';
    const { indiaCreateInitiative } = await stack.data(CREATE, { input: { ...initiative, title, tags: ['$ne', 'a.b'] } });
    const stored = await stack.db('india').collection('initiatives').findOne({ _id: indiaCreateInitiative.id });
    expect(stored).toMatchObject({ title, tags: ['$ne', 'a.b'] });
  });
});
