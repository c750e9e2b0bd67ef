/**
 * A graph that has nothing to do with CSR, served by the project's gateway (a general federation
 * gateway): one Apollo subgraph, "inventory", composed at test time, over real HTTP on 127.0.0.1.
 * Its resolvers count their calls, and `items` can be held at a gate, so that tests see exactly
 * how many subgraph requests reached it and can keep requests in flight.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ApolloServer } from '@apollo/server';
import { ApolloServerPluginInlineTraceDisabled } from '@apollo/server/plugin/disabled';
import { startStandaloneServer } from '@apollo/server/standalone';
import { composeServices } from '@apollo/composition';
import { buildSubgraphSchema } from '@apollo/subgraph';
import { GraphQLError, parse } from 'graphql';
import { loadGatewayConfig } from '../../gateway/src/config';
import { createGateway } from '../../gateway/src/server';
import type { RunningServer } from '../../platform/http';

const HOST = '127.0.0.1';

export interface ForeignGraphOptions {
  /** Declare @cacheControl hints (Item and Query.items for 30 s); without, the graph gives none. */
  hints: boolean;
  /** Gateway settings (RESPONSE_CACHE, DEDUPLICATE_SUBGRAPH_REQUESTS, REQUEST_TIMEOUT_MS, …). */
  gatewayEnv?: NodeJS.ProcessEnv;
}

export interface ForeignGraph {
  gatewayUrl: string;
  subgraphUrl: string;
  /** Resolver calls so far, by field ("items", "item", "fails", "restock"). */
  calls: Record<string, number>;
  /** Authorization headers the subgraph received, in order. */
  authorizations: (string | undefined)[];
  /** From now on `items` waits until release(); `reached` resolves once a request waits there. */
  hold(): { reached: Promise<void>; release: () => void };
  /** Another gateway over the same subgraph, with other settings. */
  startGateway(gatewayEnv?: NodeJS.ProcessEnv): Promise<RunningServer>;
  close(): Promise<void>;
}

const STOCK: Record<string, { sku: string; name: string; stock: number }> = {
  a1: { sku: 'a1', name: 'Anvil', stock: 3 },
  b2: { sku: 'b2', name: 'Bellows', stock: 7 },
};

function typeDefs(hints: boolean) {
  const hint = hints ? '@cacheControl(maxAge: 30)' : '';
  return parse(/* GraphQL */ `
    extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", import: ["@key"])
    ${hints ? 'enum CacheControlScope { PUBLIC PRIVATE }\n    directive @cacheControl(maxAge: Int, scope: CacheControlScope, inheritMaxAge: Boolean) on FIELD_DEFINITION | OBJECT | INTERFACE | UNION' : ''}

    type Item @key(fields: "sku") ${hint} {
      sku: ID!
      name: String!
      stock: Int!
    }

    type Query {
      items: [Item!]! ${hint}
      item(sku: ID!): Item ${hint}
      "Always fails, with a cache hint all the same."
      fails: Int ${hint}
    }

    type Mutation {
      restock(sku: ID!, amount: Int!): Item!
    }
  `);
}

export async function startForeignGraph(options: ForeignGraphOptions): Promise<ForeignGraph> {
  const calls: Record<string, number> = { items: 0, item: 0, fails: 0, restock: 0 };
  const authorizations: (string | undefined)[] = [];
  let gate: { promise: Promise<void>; arrived: () => void } | null = null;
  const count = (field: string) => {
    calls[field] = (calls[field] ?? 0) + 1;
  };
  const resolvers = {
    Query: {
      items: async () => {
        count('items');
        if (gate) {
          gate.arrived();
          await gate.promise;
        }
        return Object.values(STOCK);
      },
      item: (_: unknown, { sku }: { sku: string }) => {
        count('item');
        return STOCK[sku] ?? null;
      },
      fails: () => {
        count('fails');
        throw new GraphQLError('the scale is broken', { extensions: { code: 'SCALE_BROKEN' } });
      },
    },
    Mutation: {
      restock: (_: unknown, { sku, amount }: { sku: string; amount: number }) => {
        count('restock');
        const item = STOCK[sku];
        if (!item) throw new GraphQLError('no such item', { extensions: { code: 'BAD_USER_INPUT' } });
        return { ...item, stock: item.stock + amount };
      },
    },
    Item: { __resolveReference: (reference: { sku: string }) => STOCK[reference.sku] ?? null },
  };
  const definitions = typeDefs(options.hints);
  const subgraph = new ApolloServer<{ authorization?: string }>({ schema: buildSubgraphSchema({ typeDefs: definitions, resolvers }), plugins: [ApolloServerPluginInlineTraceDisabled()] });
  const { url: subgraphUrl } = await startStandaloneServer(subgraph, {
    listen: { host: HOST, port: 0 },
    context: async ({ req }) => {
      authorizations.push(req.headers.authorization);
      return {};
    },
  });
  const composed = composeServices([{ name: 'inventory', typeDefs: definitions, url: subgraphUrl }]);
  if (composed.errors) throw new Error(composed.errors.map((error) => error.message).join('\n'));
  const dir = mkdtempSync(join(tmpdir(), 'foreign-graph-'));
  const supergraphPath = join(dir, 'supergraph.graphql');
  writeFileSync(supergraphPath, composed.supergraphSdl);

  const gateways: RunningServer[] = [];
  const startGateway = async (gatewayEnv: NodeJS.ProcessEnv = {}) => {
    const config = loadGatewayConfig({ SUPERGRAPH_PATH: supergraphPath, WATCH_SUPERGRAPH: 'false', SUBGRAPH_URL_INVENTORY: subgraphUrl, ...gatewayEnv }, []);
    const running = await createGateway(config).listen(0, HOST);
    gateways.push(running);
    return running;
  };
  const gateway = await startGateway(options.gatewayEnv);
  return {
    gatewayUrl: gateway.url,
    subgraphUrl,
    calls,
    authorizations,
    hold() {
      let release!: () => void;
      let arrived!: () => void;
      const reached = new Promise<void>((resolve) => (arrived = resolve));
      const promise = new Promise<void>((resolve) => (release = resolve));
      gate = { promise, arrived };
      return {
        reached,
        release: () => {
          gate = null;
          release();
        },
      };
    },
    startGateway,
    async close() {
      gate = null;
      await Promise.all(gateways.map((running) => running.close()));
      await subgraph.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** POSTs one operation and returns status, headers and parsed body. */
export async function post(url: string, body: Record<string, unknown>, headers: Record<string, string> = {}) {
  const response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });
  return { status: response.status, headers: response.headers, body: (await response.json()) as { data?: any; errors?: { message: string; extensions?: Record<string, any> }[] } };
}
