/**
 * Every subgraph's own limits (subgraphs/common/limits.ts), on the product's subgraphs — India's
 * schema and resolvers, headquarters' — over a seeded MongoDB, with the plugin installed as
 * createSubgraphServer installs it: whoever calls a subgraph directly is held to the gateway's
 * depth, alias and cost limits, and to bounds on entity representations, before anything is read
 * (database commands are counted). What the gateway sends a subgraph passes.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApolloServer, type ApolloServerPlugin } from '@apollo/server';
import { buildSubgraphSchema } from '@apollo/subgraph';
import type { GraphQLResolverMap } from '@apollo/subgraph/dist/schema-helper';
import { parse } from 'graphql';
import type { CommandStartedEvent, MongoClient } from 'mongodb';
import { loadSeed, type SeedDatabases } from '../../seed/load';
import { DEFAULT_SUBGRAPH_LIMITS, subgraphLimitsPlugin } from '../../subgraphs/common/limits';
import { ROLES } from '../../subgraphs/common/scopes';
import { SUBGRAPH_NAMES } from '../../subgraphs/launch';
import { REGIONS } from '../../subgraphs/regions';
import { AuditTrail } from '../../subgraphs/kit/audit';
import type { RegionalContext } from '../../subgraphs/kit/context';
import { NO_REPORTING } from '../../subgraphs/kit/closes';
import { createRegionalLoaders } from '../../subgraphs/kit/loaders';
import { regionalResolvers } from '../../subgraphs/kit/resolvers';
import { regionalSdl } from '../../subgraphs/kit/schema';
import { createRegionalStore } from '../../subgraphs/kit/store';
import { AuditStore } from '../../subgraphs/kit/store/audit';
import { createGroupLoaders } from '../../subgraphs/group/loaders';
import { groupResolvers, type GroupContext } from '../../subgraphs/group/resolvers';
import { groupSdl } from '../../subgraphs/group/schema';
import { GroupStore } from '../../subgraphs/group/store';
import { FiscalYearRegister } from '../../subgraphs/group/fiscal-years';
import { FigureVerifier } from '../../subgraphs/group/figure-signatures';
import { RegionalKeys } from '../../subgraphs/common/statements';
import { SUBSIDIARIES } from '../../subgraphs/common/registry';
import { generateSigningKey, verificationKeysOf } from '../../platform/signing-keys';
import { signRepresentation } from '../harness/signed-figures';
import { connectTestClient, createTestDatabases, type TestDatabases } from '../harness/mongo';

/** What createSubgraphServer installs (the line to add there: `subgraphLimitsPlugin<TContext>(),`). */
const plugins = <T extends object>(): ApolloServerPlugin<T>[] => [subgraphLimitsPlugin<T>()];

const india = REGIONS.find((region) => region.subsidiary.code === 'IN')!;
const principal = { subject: 'powerbi-service', scopes: new Set(ROLES.bi), anonymous: false };
/** Each subsidiary's figure signing key: what the group subgraph below verifies representations with. */
const regionalKeys = new Map(SUBSIDIARIES.map((subsidiary) => [subsidiary.code, generateSigningKey(subsidiary.code)]));

let databases: TestDatabases;
let client: MongoClient;
let regional: ApolloServer<RegionalContext>;
let group: ApolloServer<GroupContext>;
let regionalContext: () => RegionalContext;
let groupContext: () => GroupContext;

beforeAll(async () => {
  databases = await createTestDatabases('int_subgraph_limits');
  const names = Object.fromEntries(SUBGRAPH_NAMES.map((name) => [name, databases.name(name)])) as unknown as SeedDatabases;
  await loadSeed(databases.client, names);
  client = await connectTestClient({ monitorCommands: true });

  const indiaDb = client.db(databases.name('india'));
  const store = createRegionalStore(indiaDb, india.subsidiary);
  const resolvers = regionalResolvers(india.subsidiary);
  for (const [typeName, fields] of Object.entries(india.extension?.resolvers ?? {})) resolvers[typeName] = { ...(resolvers[typeName] as object), ...(fields as object) } as (typeof resolvers)[string];
  regional = new ApolloServer<RegionalContext>({
    schema: buildSubgraphSchema({ typeDefs: parse(regionalSdl(india.subsidiary, india.extension?.typeDefs)), resolvers: resolvers as GraphQLResolverMap<unknown> }),
    plugins: plugins<RegionalContext>(),
  });
  regionalContext = () => ({
    subsidiary: india.subsidiary,
    store,
    loaders: createRegionalLoaders(store),
    principal,
    actor: principal.subject,
    requestId: null,
    audit: new AuditTrail(store.audit, principal.subject, null),
    today: '2025-06-30',
    reporting: NO_REPORTING,
    fiscalYearSync: { ready: async () => undefined },
  });

  const groupDb = client.db(databases.name('group'));
  const groupStore = new GroupStore(groupDb);
  group = new ApolloServer<GroupContext>({
    schema: buildSubgraphSchema({ typeDefs: parse(groupSdl()), resolvers: groupResolvers() as GraphQLResolverMap<unknown> }),
    plugins: plugins<GroupContext>(),
  });
  const figures = new FigureVerifier(new RegionalKeys(verificationKeysOf([...regionalKeys.values()])), 300);
  groupContext = () => ({ store: groupStore, loaders: createGroupLoaders(groupStore), principal, audit: new AuditTrail(new AuditStore(groupDb, 'HQ'), principal.subject, null), figures, fiscalYears: new FiscalYearRegister(groupDb), headquartersKey: null, regionalKeys: new RegionalKeys([]) });
  await Promise.all([regional.start(), group.start()]);
});

afterAll(async () => {
  await Promise.all([regional?.stop(), group?.stop()]);
  await client?.close();
  await databases?.dispose();
});

/** Runs an operation against India's subgraph; with the database commands it sent. */
async function atIndia(query: string, variables: Record<string, unknown> = {}) {
  const commands: CommandStartedEvent[] = [];
  const listener = (event: CommandStartedEvent) => {
    if (event.databaseName === databases.name('india')) commands.push(event);
  };
  client.on('commandStarted', listener);
  try {
    const response = await regional.executeOperation({ query, variables }, { contextValue: regionalContext() });
    const body = response.body.kind === 'single' ? response.body.singleResult : { errors: [{ message: 'incremental' }] };
    return { status: response.http.status, body, commands: commands.length };
  } finally {
    client.off('commandStarted', listener);
  }
}

const subsidiaryRepresentation = [{ __typename: 'IndiaSubsidiary', code: 'IN' }];

describe('a subgraph called directly', () => {
  it('refuses 300 aliases of an initiative search (each was an aggregation) and reads nothing', async () => {
    const aliases = Array.from({ length: 300 }, (_, index) => `a${index}: initiatives(first: 100, filter: { text: "relief ${index}" }) { totalCount }`).join(' ');
    const answer = await atIndia(`query($r: [_Any!]!) { _entities(representations: $r) { ... on IndiaSubsidiary { ${aliases} } } }`, { r: subsidiaryRepresentation });
    expect(answer.body.errors?.[0]?.extensions).toMatchObject({ code: 'TOO_MANY_ALIASES', limit: DEFAULT_SUBGRAPH_LIMITS.maxAliases, measured: 300 });
    expect(answer.status).toBe(400);
    expect(answer.commands).toBe(0);
  });

  it('refuses an operation deeper than the gateway allows', async () => {
    // indiaExpense > (initiative > expenses) × 6 > id: 14 fields deep
    const answer = await atIndia(`{ indiaExpense(id: "IN-X000001") { ${'initiative { expenses { '.repeat(6)} id ${'} } '.repeat(6)} } }`);
    expect(answer.body.errors?.[0]?.extensions?.code).toBe('QUERY_TOO_DEEP');
    expect(answer.commands).toBe(0);
  });

  it('counts `_entities` as the representations it was given: 1,000 subsidiaries × 100 initiatives × 100 expenses is too costly', async () => {
    const representations = Array.from({ length: 1_000 }, () => subsidiaryRepresentation[0]);
    const query = `query($r: [_Any!]!) { _entities(representations: $r) { ... on IndiaSubsidiary { initiatives(first: 100) { nodes { expenses(first: 100) { id } } } } } }`;
    const answer = await atIndia(query, { r: representations });
    expect(answer.body.errors?.[0]?.extensions).toMatchObject({ code: 'QUERY_TOO_COSTLY', limit: DEFAULT_SUBGRAPH_LIMITS.maxCost });
    expect(answer.body.errors?.[0]?.extensions?.measured).toBeGreaterThan(10_000_000);
    expect(answer.commands).toBe(0);
    // the same selection for the one subsidiary the gateway sends is well within the limit
    expect((await atIndia(query, { r: subsidiaryRepresentation })).body.errors).toBeUndefined();
  });

  it('resolves at most 1,000 representations per request, all `_entities` aliases together', async () => {
    const reports = (count: number) => Array.from({ length: count }, (_, index) => ({ __typename: 'IndiaReport', id: `IN|${2000 + (index % 26)}|${2000 + (index % 26)}|*|*` }));
    const query = `query($r: [_Any!]!) { _entities(representations: $r) { ... on IndiaReport { cells { amount } } } }`;
    const refused = await atIndia(query, { r: reports(1_001) });
    expect(refused.body.errors?.[0]?.extensions).toMatchObject({ code: 'TOO_MANY_REPRESENTATIONS', limit: 1_000, measured: 1_001 });
    expect(refused.commands).toBe(0);
    const split = await atIndia(`query($r: [_Any!]!) { a: _entities(representations: $r) { __typename } b: _entities(representations: $r) { __typename } }`, { r: reports(600) });
    expect(split.body.errors?.[0]?.extensions).toMatchObject({ code: 'TOO_MANY_REPRESENTATIONS', measured: 1_200 });
    const inline = await atIndia(`{ _entities(representations: [${reports(1_001).map((rep) => `{ __typename: "IndiaReport", id: "${rep.id}" }`).join(', ')}]) { __typename } }`);
    expect(inline.body.errors?.[0]?.extensions?.code).toBe('TOO_MANY_REPRESENTATIONS');
    const allowed = await atIndia(query, { r: reports(1_000) });
    expect(allowed.body.errors).toBeUndefined();
    expect(allowed.body.data?._entities).toHaveLength(1_000);
  });

  it('refuses a representation larger or deeper than any the gateway sends', async () => {
    const query = `query($r: [_Any!]!) { _entities(representations: $r) { __typename } }`;
    const large = await atIndia(query, { r: [{ __typename: 'IndiaReport', id: 'IN|2024|2024|*|*', padding: Array.from({ length: 60_000 }, (_, index) => index) }] });
    expect(large.body.errors?.[0]?.extensions).toMatchObject({ code: 'REPRESENTATION_TOO_LARGE', limit: DEFAULT_SUBGRAPH_LIMITS.maxRepresentationValues });
    let nested: unknown = 'bottom';
    for (let level = 0; level < 20; level += 1) nested = { nested };
    const deep = await atIndia(query, { r: [{ __typename: 'IndiaReport', id: 'IN|2024|2024|*|*', nested }] });
    expect(deep.body.errors?.[0]?.extensions?.code).toBe('REPRESENTATION_TOO_LARGE');
    const many = Array.from({ length: 10 }, () => ({ __typename: 'IndiaReport', id: 'IN|2024|2024|*|*', padding: Array.from({ length: 40_000 }, () => 1) }));
    expect((await atIndia(query, { r: many })).body.errors?.[0]?.extensions).toMatchObject({ code: 'REPRESENTATION_TOO_LARGE', limit: DEFAULT_SUBGRAPH_LIMITS.maxRepresentationValuesPerRequest });
    expect(large.commands + deep.commands).toBe(0);
  });
});

describe('what the gateway sends', () => {
  it('passes: the widest GroupReport representation (30 years, every cell of every subsidiary) and its report fields', async () => {
    const years = Array.from({ length: 30 }, (_, index) => 1996 + index);
    const causes = ['EDUCATION_RESEARCH', 'ARTS_CULTURE_SPORTS', 'HEALTH_WELFARE', 'ENVIRONMENT', 'DISASTER_RELIEF', 'COMMUNITY_DEVELOPMENT', 'SOCIAL_ENTREPRENEURSHIP', 'INCLUSION_DIVERSITY'];
    const types = ['CASH', 'IN_KIND_PRODUCT', 'FACILITY_USE', 'EMPLOYEE_TIME', 'MANAGEMENT_COST'];
    const cells = years.flatMap((groupFiscalYear) => causes.flatMap((causeArea) => types.map((contributionType) => ({ groupFiscalYear, causeArea, contributionType, motivation: 'COMMUNITY_INVESTMENT', amount: '100', expenseCount: 1 }))));
    const report = (currency: string) => ({
      currency,
      cells,
      volunteering: years.map((groupFiscalYear) => ({ groupFiscalYear, newRegistrations: 1, participants: 1, hours: '1' })),
      asOf: '2026-01-05T09:00:00.000Z',
      dataset: { id: `dataset-${currency}` },
    });
    const representation = signRepresentation({ __typename: 'GroupReport', id: '1996|2025|JPY|*|*|partial', subsidiaries: ['JPY', 'INR', 'USD', 'THB'].map(report) }, regionalKeys);
    const response = await group.executeOperation(
      {
        query: `query($representations: [_Any!]!) { _entities(representations: $representations) { ... on GroupReport {
          completeness { complete } volunteering { newRegistrations } bySubsidiary { code expenseCount } } } }`,
        variables: { representations: [representation] },
      },
      { contextValue: groupContext() },
    );
    const body = response.body.kind === 'single' ? response.body.singleResult : undefined;
    expect(body?.errors).toBeUndefined();
    expect((body?.data?._entities as any[])[0].bySubsidiary.map((line: any) => line.expenseCount)).toEqual([1_200, 1_200, 1_200, 1_200]);
  });
});
