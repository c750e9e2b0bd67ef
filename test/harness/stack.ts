import { afterAll, beforeAll } from 'vitest';
import type { CommandStartedEvent, Db } from 'mongodb';
import { loadSeed, type SeedDatabases } from '../../seed/load';
import { startStack, type RunningStack, type StackOptions } from '../../scripts/stack';
import { SUBGRAPH_NAMES } from '../../subgraphs/launch';
import { createTestDatabases, type TestDatabases } from './mongo';
import { graphql, graphqlData, type GraphQLResponse } from './graphql';

export interface SeededStack {
  readonly gatewayUrl: string;
  readonly stack: RunningStack;
  /** The database of one subgraph ("group", "india", …), for reading back what was written. */
  db(subgraph: string): Db;
  query<T = Record<string, any>>(query: string, variables?: Record<string, unknown>, headers?: Record<string, string>): Promise<GraphQLResponse<T>>;
  data<T = Record<string, any>>(query: string, variables?: Record<string, unknown>): Promise<T>;
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
  const need = () => {
    if (!databases || !stack) throw new Error('useSeededStack(): used before its beforeAll ran');
    return { databases, stack };
  };

  beforeAll(async () => {
    databases = await createTestDatabases(prefix);
    const names = Object.fromEntries(SUBGRAPH_NAMES.map((name) => [name, databases!.name(name)])) as unknown as SeedDatabases;
    await loadSeed(databases.client, names);
    stack = await startStack({ mongoUri: databases.uri, databasePrefix: `${databases.namePrefix}_`, monitorCommands: true, ...options });
  });

  afterAll(async () => {
    await stack?.close();
    await databases?.dispose();
  });

  return {
    get gatewayUrl() {
      return need().stack.gateway.url;
    },
    get stack() {
      return need().stack;
    },
    db: (subgraph) => need().databases.db(subgraph),
    query: (query, variables, headers) => graphql(need().stack.gateway.url, query, variables, headers),
    data: (query, variables) => graphqlData(need().stack.gateway.url, query, variables),
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
