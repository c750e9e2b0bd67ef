import { afterAll, beforeAll } from 'vitest';
import type { CommandStartedEvent, Db } from 'mongodb';
import { generateSecret, loadAuthConfig, mintToken, type AuthConfig, type MintOptions } from '../../platform/auth';
import { loadSeed, type SeedDatabases } from '../../seed/load';
import { startStack, type RunningStack, type StackOptions } from '../../scripts/stack';
import { ROLES } from '../../subgraphs/common/scopes';
import { SUBGRAPH_NAMES } from '../../subgraphs/launch';
import { createTestDatabases, type TestDatabases } from './mongo';
import { bearer, graphql, graphqlData, type GraphQLResponse } from './graphql';

/** Sends operations to one URL with one token. */
export interface GraphQLClient {
  query<T = Record<string, any>>(query: string, variables?: Record<string, unknown>, headers?: Record<string, string>): Promise<GraphQLResponse<T>>;
  data<T = Record<string, any>>(query: string, variables?: Record<string, unknown>): Promise<T>;
}

/** The token settings of test stacks: a fresh HS256 secret per stack. */
export function testAuthConfig(env: NodeJS.ProcessEnv = {}): AuthConfig {
  return loadAuthConfig({ AUTH_JWT_SECRET: generateSecret(), AUTH_ISSUER: 'csr-test-issuer', AUTH_AUDIENCE: 'csr-test', ...env });
}

/**
 * A seeded stack. `query` and `data` go through the gateway with a headquarters token holding
 * every scope (ROLES.admin) unless `headers` carry their own authorization; `as(token)` sends
 * another token, or none with `as(null)`; `token(scopes)` mints one the stack accepts.
 */
export interface SeededStack extends GraphQLClient {
  readonly gatewayUrl: string;
  readonly stack: RunningStack;
  /** The database of one subgraph ("group", "india", …), for reading back what was written. */
  db(subgraph: string): Db;
  token(scopes: readonly string[], options?: Partial<MintOptions>): Promise<string>;
  /** A client of the gateway, or of `url` (a subgraph's, say), sending `token` (none for null). */
  as(token: string | null, url?: string): GraphQLClient;
  /** Database commands each subgraph sends while `action` runs. */
  countCommands(action: () => Promise<unknown>): Promise<Map<string, CommandStartedEvent[]>>;
}

/**
 * Registers beforeAll/afterAll: fresh databases with the seed loaded, every subgraph and the
 * gateway on random loopback ports; everything is stopped and dropped afterwards.
 */
export function useSeededStack(prefix: string, options: Partial<StackOptions> = {}): SeededStack {
  let databases: TestDatabases | undefined;
  let stack: RunningStack | undefined;
  let adminToken: string | undefined;
  const auth = options.auth ?? testAuthConfig();
  const need = () => {
    if (!databases || !stack) throw new Error('useSeededStack(): used before its beforeAll ran');
    return { databases, stack };
  };

  beforeAll(async () => {
    databases = await createTestDatabases(prefix);
    const names = Object.fromEntries(SUBGRAPH_NAMES.map((name) => [name, databases!.name(name)])) as unknown as SeedDatabases;
    await loadSeed(databases.client, names);
    stack = await startStack({ mongoUri: databases.uri, databasePrefix: `${databases.namePrefix}_`, monitorCommands: true, ...options, auth });
    adminToken = await mintToken(auth, { subject: 'hq-test-admin', scopes: ROLES.admin, ttlSeconds: 6 * 3600 });
  });

  afterAll(async () => {
    await stack?.close();
    await databases?.dispose();
  });

  const client = (token: () => string | null, url?: string): GraphQLClient => ({
    query: (query, variables, headers = {}) => graphql(url ?? need().stack.gateway.url, query, variables, { ...bearer(token()), ...headers }),
    data: (query, variables) => graphqlData(url ?? need().stack.gateway.url, query, variables, bearer(token())),
  });
  const admin = client(() => adminToken ?? null);

  return {
    get gatewayUrl() {
      return need().stack.gateway.url;
    },
    get stack() {
      return need().stack;
    },
    db: (subgraph) => need().databases.db(subgraph),
    query: admin.query,
    data: admin.data,
    token: (scopes, mint = {}) => mintToken(auth, { subject: 'test-user', ...mint, scopes }),
    as: (token, url) => client(() => token, url),
    async countCommands(action) {
      const counts = new Map<string, CommandStartedEvent[]>();
      const listeners = [...need().stack.subgraphs.values()].map((subgraph) => {
        const events: CommandStartedEvent[] = [];
        counts.set(subgraph.name, events);
        const listener = (event: CommandStartedEvent) => {
          if (!['ping', 'hello', 'isMaster', 'endSessions'].includes(event.commandName)) events.push(event);
        };
        subgraph.mongo.on('commandStarted', listener);
        return () => subgraph.mongo.off('commandStarted', listener);
      });
      try {
        await action();
      } finally {
        for (const remove of listeners) remove();
      }
      return counts;
    },
  };
}
