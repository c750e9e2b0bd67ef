/**
 * Hostile input: a table of attacks and malformed values, each refused with the right code and
 * nothing changed in any database (read back after every row); client-supplied objects never
 * reach a MongoDB filter as operators, and search text is matched literally.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import type { CommandStartedEvent } from 'mongodb';
import { LIMIT_ERROR_CODES } from '../../gateway/src/plugins/limits';
import { useSeededStack } from '../harness/stack';
import { callers, databaseSnapshot, firstCode, type RawResponse } from '../harness/security';

const stack = useSeededStack('e2e_hostile');
let tokens: Awaited<ReturnType<typeof callers>>;

beforeAll(async () => {
  tokens = await callers(stack);
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
}

const DEEP = `{ initiative(id: "IN-I0001") { ... on IndiaInitiative { expenses { initiative { expenses { initiative { expenses { initiative { expenses { initiative { expenses { initiative { expenses { initiative { id } } } } } } } } } } } } } } }`;
const ALIASES = `{ ${Array.from({ length: 200 }, (_, i) => `a${i}: causeAreas { code }`).join(' ')} }`;
const MUTATION_ALIASES = `mutation { ${Array.from({ length: 40 }, (_, i) => `m${i}: indiaRecordVolunteerRegistrations(input: { date: "2024-10-31", count: 1 }) { id }`).join(' ')} }`;
const COSTLY = `{ subsidiaries { initiatives(first: 100) { nodes { expenses(first: 100) { ... on IndiaExpense { initiative { expenses(first: 100) { id } } } } } } } }`;

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
  'an operator as a representation id (India subgraph directly)': { route: 'india', query: ENTITIES, variables: { r: [{ __typename: 'IndiaInitiative', id: { $ne: null } }] }, code: 'BAD_USER_INPUT' },
  'a list as a representation id': { route: 'india', query: ENTITIES, variables: { r: [{ __typename: 'IndiaExpense', id: ['IN-X000001'] }] }, code: 'BAD_USER_INPUT' },
  'an operator as a report key': { route: 'india', query: ENTITIES, variables: { r: [{ __typename: 'IndiaReport', id: { $gt: '' } }] }, code: 'BAD_USER_INPUT' },
  'an operator as a group report key (group subgraph directly)': {
    route: 'group',
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
};

async function send(row: Row): Promise<RawResponse> {
  const url = row.route ? stack.stack.subgraphs.get(row.route)!.server.url : stack.gatewayUrl;
  const token = tokens[row.as ?? 'admin'];
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
