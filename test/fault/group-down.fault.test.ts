/**
 * Fault: the group subgraph (headquarters: registry, rates, goals, consolidation) stops and starts
 * again on the same port. Through the product's gateway a regional team still reads its own data
 * (root fields its own subgraph owns); a second gateway serves the product's subgraphs composed
 * with one more, "notices", to show the same for a supergraph that is not only ours.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ApolloServer } from '@apollo/server';
import { ApolloServerPluginInlineTraceDisabled } from '@apollo/server/plugin/disabled';
import { startStandaloneServer } from '@apollo/server/standalone';
import { composeServices } from '@apollo/composition';
import { buildSubgraphSchema } from '@apollo/subgraph';
import { parse } from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningServer } from '../../platform/http';
import { composeProductSupergraph } from '../../schema/composition';
import { ROLES } from '../../subgraphs/common/scopes';
import { within } from '../harness/faults';
import { startGatewayOver } from '../harness/gateway';
import { graphql } from '../harness/graphql';
import { useSeededStack } from '../harness/stack';

const stack = useSeededStack('fault_group', { gatewayEnv: { RESPONSE_CACHE: 'false' } });
const dir = mkdtempSync(join(tmpdir(), 'group-down-'));
const NOTICES = parse(`extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", import: ["@key"])\ntype Query { notices: [String!]! }`);
const notices = new ApolloServer({
  schema: buildSubgraphSchema({
    typeDefs: NOTICES,
    resolvers: { Query: { notices: () => ['Volunteer week starts Monday'] } },
  }),
  plugins: [ApolloServerPluginInlineTraceDisabled()],
});
let withNotices: RunningServer;
let token: string;

beforeAll(async () => {
  const { url } = await startStandaloneServer(notices, { listen: { host: '127.0.0.1', port: 0 } });
  const product = composeProductSupergraph('127.0.0.1').subgraphs.map(({ name, sdl }) => ({ name, typeDefs: parse(sdl), url: `http://127.0.0.1/${name}` }));
  const composed = composeServices([...product, { name: 'notices', typeDefs: NOTICES, url }]);
  if (composed.errors) throw new Error(composed.errors.map((error) => error.message).join('\n'));
  writeFileSync(join(dir, 'supergraph.graphql'), composed.supergraphSdl);
  withNotices = await startGatewayOver(stack, { SUPERGRAPH_PATH: join(dir, 'supergraph.graphql'), SUBGRAPH_URL_NOTICES: url, RESPONSE_CACHE: 'false' });
  token = await stack.token(ROLES.hq);
});
afterAll(async () => {
  await withNotices?.close();
  await notices.stop();
  rmSync(dir, { recursive: true, force: true });
});

const HEADQUARTERS = "Headquarters' group figures (registry, exchange rates, goals, every consolidated figure) are unavailable: the group subgraph did not answer: ECONNREFUSED";

describe('the group subgraph down', () => {
  it("says headquarters' group figures are unavailable, and keeps what other subgraphs answered", { timeout: 30_000 }, async () => {
    const ask = (query: string) => graphql(withNotices.url, query, {}, { authorization: `Bearer ${token}` });
    expect((await ask(`{ notices subsidiary(code: "IN") { code } }`)).data).toEqual({ notices: ['Volunteer week starts Monday'], subsidiary: { code: 'IN' } });

    await stack.stack.stop('group');
    try {
      // 1. a nullable group field next to another subgraph's: that one stays
      const mixed = await ask(`{ notices subsidiary(code: "IN") { code } }`);
      expect(mixed.data).toEqual({ notices: ['Volunteer week starts Monday'], subsidiary: null });
      expect(mixed.errors).toEqual([
        { message: HEADQUARTERS, path: ['subsidiary'], extensions: expect.objectContaining({ code: 'SUBGRAPH_UNAVAILABLE', serviceName: 'group', owner: 'headquarters', reason: 'connection' }) },
      ]);

      // 2. the product's gateway: a regional team reads its own subsidiary through the root fields its
      //    own subgraph owns; the group figures beside them say headquarters is unavailable
      const regional = await stack.query(`{
        india { initiatives(first: 2) { totalCount nodes { id title expenses(first: 1) { id amount { amount currency } } } } }
        indiaInitiative(id: "IN-I0001") { id title totals { amount { amount currency } } }
        groupReport(fiscalYear: 2024) { total { amount } } }`);
      expect(regional.data?.groupReport).toBeNull();
      expect(regional.data?.india.initiatives.totalCount).toBeGreaterThan(0);
      expect(regional.data?.india.initiatives.nodes[0].expenses[0].amount.currency).toBe('INR');
      expect(regional.data?.indiaInitiative).toMatchObject({ id: 'IN-I0001', totals: { amount: { currency: 'INR' } } });
      expect(regional.errors).toEqual([
        { message: HEADQUARTERS, path: ['groupReport'], extensions: expect.objectContaining({ code: 'SUBGRAPH_UNAVAILABLE', serviceName: 'group', owner: 'headquarters' }) },
      ]);
    } finally {
      await stack.stack.start('group');
    }
    expect(await within(5_000, async () => !(await stack.query(`{ subsidiaries { code } }`)).errors)).not.toBeNull();
  });
});
