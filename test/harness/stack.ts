import { afterAll, beforeAll } from 'vitest';
import type { CommandStartedEvent, Db } from 'mongodb';
import { loadAuthConfig, type AuthConfig } from '../../platform/auth';
import { es256Issuer, type MintOptions, type TokenIssuer } from '../../platform/token-issuer';
import { loadSeed, type SeedDatabases } from '../../seed/load';
import { startStack, type RunningStack, type StackOptions } from '../../scripts/stack';
import { ROLES } from '../../subgraphs/common/scopes';
import { SUBGRAPH_NAMES } from '../../subgraphs/launch';
import { createTestDatabases, type TestDatabases } from './mongo';
import { bearer, graphql, graphqlData, type GraphQLResponse } from './graphql';
import { isBackgroundUpkeep } from './upkeep';
import { signedPost } from './signed-calls';

/** Sends operations to one URL with one token. */
export interface GraphQLClient {
  query<T = Record<string, any>>(query: string, variables?: Record<string, unknown>, headers?: Record<string, string>): Promise<GraphQLResponse<T>>;
  data<T = Record<string, any>>(query: string, variables?: Record<string, unknown>): Promise<T>;
}

/** The token settings of test stacks: a fresh ES256 key pair per stack; the stack's services get only its public key. */
export function testIdentity(env: NodeJS.ProcessEnv = {}): { issuer: TokenIssuer; auth: AuthConfig } {
  const issuer = es256Issuer({ issuer: 'csr-test-issuer', audience: 'csr-test' });
  return { issuer, auth: loadAuthConfig({ ...issuer.verifierEnv, ...env }) };
}

/**
 * A seeded stack. `query` and `data` go through the gateway with a headquarters token holding
 * every scope (ROLES.admin) unless `headers` carry their own authorization; `as(token)` sends
 * another token, or none with `as(null)`; `token(scopes)` mints one the stack accepts.
 */
export interface SeededStack extends GraphQLClient {
  readonly gatewayUrl: string;
  readonly stack: RunningStack;
  /** What mints the stack's tokens (its services hold only the public key). */
  readonly issuer: TokenIssuer;
  /** The database of one subgraph ("group", "india", …), for reading back what was written. */
  db(subgraph: string): Db;
  token(scopes: readonly string[], options?: Partial<MintOptions>): Promise<string>;
  /**
   * A client of the gateway, or of `url`, sending `token` (none for null). A subgraph's URL is
   * called as the gateway calls it, signed with the stack's signing key (subgraphs answer
   * entities to the gateway only); reach a subgraph as an outsider with security.ts `post`.
   */
  as(token: string | null, url?: string): GraphQLClient;
  /** A client of one subgraph that signs its requests as the gateway does (with the stack's signing key), sending `token`. */
  asGateway(token: string | null, subgraph: string): GraphQLClient;
  /** The URL of one subgraph. */
  subgraphUrl(subgraph: string): string;
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
  const identity = options.issuer ? { issuer: options.issuer, auth: options.auth ?? loadAuthConfig({ ...options.issuer.verifierEnv }) } : testIdentity();
  const { issuer } = identity;
  const auth = options.auth ?? identity.auth;
  const need = () => {
    if (!databases || !stack) throw new Error('useSeededStack(): used before its beforeAll ran');
    return { databases, stack };
  };

  beforeAll(async () => {
    databases = await createTestDatabases(prefix);
    const names = Object.fromEntries(SUBGRAPH_NAMES.map((name) => [name, databases!.name(name)])) as unknown as SeedDatabases;
    await loadSeed(databases.client, names);
    stack = await startStack({ mongoUri: databases.uri, databasePrefix: `${databases.namePrefix}_`, monitorCommands: true, ...options, auth, issuer });
    adminToken = await issuer.mint({ subject: 'hq-test-admin', scopes: ROLES.admin, ttlSeconds: 6 * 3600 });
  });

  afterAll(async () => {
    await stack?.close();
    await databases?.dispose();
  });

  const subgraphAt = (url: string | undefined) => (url === undefined ? undefined : [...need().stack.subgraphs.values()].find((subgraph) => subgraph.server.url === url)?.name);
  const client = (token: () => string | null, url?: string): GraphQLClient => ({
    query: (query, variables, headers = {}) => {
      const subgraph = subgraphAt(url);
      if (subgraph) return signedClient(token(), subgraph).query(query, variables, headers);
      return graphql(url ?? need().stack.gateway.url, query, variables, { ...bearer(token()), ...headers });
    },
    data: (query, variables) => {
      const subgraph = subgraphAt(url);
      if (subgraph) return signedClient(token(), subgraph).data(query, variables);
      return graphqlData(url ?? need().stack.gateway.url, query, variables, bearer(token()));
    },
  });
  const admin = client(() => adminToken ?? null);
  const subgraphUrl = (name: string) => {
    const subgraph = need().stack.subgraphs.get(name);
    if (!subgraph) throw new Error(`no subgraph "${name}" in this stack`);
    return subgraph.server.url;
  };
  const signedClient = (token: string | null, subgraph: string): GraphQLClient => {
    const query = async <T,>(text: string, variables: Record<string, unknown> = {}, headers: Record<string, string> = {}) =>
      (await signedPost(subgraphUrl(subgraph), subgraph, need().stack.signingKey, text, variables, token, { signedHeaders: headers })).body as GraphQLResponse<T>;
    return {
      query: query as GraphQLClient['query'],
      data: async <T,>(text: string, variables: Record<string, unknown> = {}) => {
        const result = await query<T>(text, variables);
        if (result.errors?.length || !result.data) throw new Error(`GraphQL errors: ${JSON.stringify(result.errors)}`);
        return result.data;
      },
    };
  };

  return {
    get gatewayUrl() {
      return need().stack.gateway.url;
    },
    get stack() {
      return need().stack;
    },
    issuer,
    db: (subgraph) => need().databases.db(subgraph),
    query: admin.query,
    data: admin.data,
    token: (scopes, mint = {}) => issuer.mint({ subject: 'test-user', ...mint, scopes }),
    as: (token, url) => client(() => token, url),
    asGateway: signedClient,
    subgraphUrl,
    async countCommands(action) {
      const counts = new Map<string, CommandStartedEvent[]>();
      const listeners = [...need().stack.subgraphs.values()].map((subgraph) => {
        const events: CommandStartedEvent[] = [];
        counts.set(subgraph.name, events);
        const listener = (event: CommandStartedEvent) => {
          // left out: the driver's own, and the regional subgraphs' background upkeep (harness/upkeep.ts)
          if (!['ping', 'hello', 'isMaster', 'endSessions'].includes(event.commandName) && !isBackgroundUpkeep(event)) events.push(event);
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
