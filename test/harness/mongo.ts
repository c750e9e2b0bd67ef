/**
 * MongoDB helpers for every integration test.
 *
 *   const dbs = useIsolatedDatabases('orders');      // in a test file, at the top level
 *   it('…', async () => { const db = dbs.db('acme'); … });   // database "orders_<rand>_acme"
 *
 *   const server = await describeMongoServer();       // top-level await in the test file
 *   it.skipIf(!server.realMongod)('uses the index (explain)', …);
 *
 * The URI comes from MONGODB_URI, else from the vitest globalSetup (test/harness/global-setup.ts),
 * else this process starts a server of its own (see mongo-server.ts) and stops it at exit.
 */
import { randomBytes } from 'node:crypto';
import { MongoClient, type Db, type MongoClientOptions } from 'mongodb';
import { afterAll, beforeAll, inject } from 'vitest';
import { isRealMongod, startMongoServer, type StartedMongoServer } from '../../platform/mongo-server';

export { isRealMongod, startMongoServer, type MongoServerKind, type StartedMongoServer } from '../../platform/mongo-server';
import type { MongoServerKind } from '../../platform/mongo-server';

declare module 'vitest' {
  export interface ProvidedContext {
    /** The MongoDB URI chosen by test/harness/global-setup.ts. */
    mongoUri: string;
    /** Which server that is. */
    mongoServerKind: MongoServerKind;
  }
}


let ownServer: Promise<StartedMongoServer> | undefined;

function injected<K extends 'mongoUri' | 'mongoServerKind'>(key: K): string | undefined {
  try {
    const value: unknown = inject(key);
    return typeof value === 'string' && value ? value : undefined;
  } catch {
    return undefined; // not inside a vitest worker
  }
}

/**
 * The MongoDB URI for this test process: MONGODB_URI, else the globalSetup's server, else one
 * started (once per process) by this process and stopped when it exits.
 */
export async function getMongoUri(): Promise<string> {
  const fromEnv = process.env.MONGODB_URI?.trim();
  if (fromEnv) return fromEnv;
  const fromSetup = injected('mongoUri');
  if (fromSetup) return fromSetup;
  ownServer ??= startMongoServer().then((server) => {
    process.once('beforeExit', () => void server.stop());
    return server;
  });
  return (await ownServer).uri;
}

/** Options for test clients: short timeouts so that a missing server fails fast and clearly. */
export const TEST_CLIENT_OPTIONS: MongoClientOptions = {
  serverSelectionTimeoutMS: 10_000,
  connectTimeoutMS: 10_000,
};

/** A connected client for the test server. Close it yourself (or use useIsolatedDatabases). */
export async function connectTestClient(options: MongoClientOptions = {}): Promise<MongoClient> {
  const client = new MongoClient(await getMongoUri(), { ...TEST_CLIENT_OPTIONS, ...options });
  await client.connect();
  return client;
}


export interface MongoServerDescription {
  uri: string;
  /** The version the server reports (mongo-java-server reports 4.4.0 by our setting). */
  version: string;
  /** See isRealMongod: explain, transactions (on a replica set) and $text are available. */
  realMongod: boolean;
  /** A sentence for skip messages. */
  skipReason: string;
}

let description: Promise<MongoServerDescription> | undefined;

/** Which server the tests run against; cached per process. Use with top-level await. */
export function describeMongoServer(): Promise<MongoServerDescription> {
  description ??= (async () => {
    const uri = await getMongoUri();
    const client = new MongoClient(uri, TEST_CLIENT_OPTIONS);
    try {
      await client.connect();
      const info = await client.db('admin').command({ buildInfo: 1 });
      const realMongod = await isRealMongod(client);
      const version = typeof info.version === 'string' ? info.version : 'unknown';
      return {
        uri,
        version,
        realMongod,
        skipReason: realMongod
          ? ''
          : `skipped: needs a real mongod (explain, transactions, $text); the test server is ` +
            `mongo-java-server ${version}. Set MONGODB_URI to a real MongoDB to run it.`,
      };
    } finally {
      await client.close();
    }
  })();
  return description;
}

/** Valid characters for a MongoDB database name, and at most 63 bytes in all. */
function sanitizeDbPart(value: string): string {
  return value.replace(/[^A-Za-z0-9_-]/g, '_');
}
const MAX_DB_NAME = 63;

export interface TestDatabases {
  uri: string;
  client: MongoClient;
  /** `${prefix}_${random}`: every database of this set starts with it (hand it to code that derives names). */
  namePrefix: string;
  /** A database name of this set: `${namePrefix}_${base}` (or namePrefix itself without base). */
  name(base?: string): string;
  /** client.db(name(base)) */
  db(base?: string): Db;
  /** Drops every database whose name is namePrefix or starts with `${namePrefix}_`. */
  drop(): Promise<void>;
  /** drop(), then closes the client. */
  dispose(): Promise<void>;
}

/**
 * A set of databases with unique names (a random suffix per call), for one test file or test.
 * Call dispose() when done; useIsolatedDatabases() does that for you.
 */
export async function createTestDatabases(prefix = 'test'): Promise<TestDatabases> {
  const random = randomBytes(4).toString('hex');
  const cleanPrefix = sanitizeDbPart(prefix).slice(0, 24) || 'test';
  const namePrefix = `${cleanPrefix}_${random}`;
  const uri = await getMongoUri();
  const client = new MongoClient(uri, TEST_CLIENT_OPTIONS);
  await client.connect();

  const name = (base?: string): string => {
    const full = base ? `${namePrefix}_${sanitizeDbPart(base)}` : namePrefix;
    if (Buffer.byteLength(full) > MAX_DB_NAME) {
      throw new Error(`database name "${full}" is longer than ${MAX_DB_NAME} bytes; use a shorter prefix or base`);
    }
    return full;
  };

  const drop = async (): Promise<void> => {
    const { databases } = await client.db('admin').admin().listDatabases({ nameOnly: true });
    const ours = databases
      .map((d) => d.name)
      .filter((n) => n === namePrefix || n.startsWith(`${namePrefix}_`));
    for (const dbName of ours) await client.db(dbName).dropDatabase();
  };

  return {
    uri,
    client,
    namePrefix,
    name,
    db: (base?: string) => client.db(name(base)),
    drop,
    dispose: async () => {
      try {
        await drop();
      } finally {
        await client.close();
      }
    },
  };
}

export interface IsolatedDatabases {
  readonly uri: string;
  readonly client: MongoClient;
  readonly namePrefix: string;
  name(base?: string): string;
  db(base?: string): Db;
  drop(): Promise<void>;
}

/**
 * Registers beforeAll/afterAll in the calling scope (file or describe): a fresh TestDatabases
 * before the tests, dropped and closed after them. The returned object is usable inside tests
 * and hooks (not at collection time).
 */
export function useIsolatedDatabases(prefix = 'test'): IsolatedDatabases {
  let current: TestDatabases | undefined;
  const need = (): TestDatabases => {
    if (!current) throw new Error('useIsolatedDatabases(): used before its beforeAll ran (use it inside tests/hooks)');
    return current;
  };
  beforeAll(async () => {
    current = await createTestDatabases(prefix);
  });
  afterAll(async () => {
    await current?.dispose();
    current = undefined;
  });
  return {
    get uri() {
      return need().uri;
    },
    get client() {
      return need().client;
    },
    get namePrefix() {
      return need().namePrefix;
    },
    name: (base?: string) => need().name(base),
    db: (base?: string) => need().db(base),
    drop: () => need().drop(),
  };
}
