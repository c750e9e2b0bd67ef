/**
 * Starting and stopping a MongoDB server when none is given: `npm start` and the tests share it
 * (the vitest globalSetup in the main process, the per-worker harness in test/harness/mongo.ts).
 *
 * Order of preference (see docs/mongo-test-server.md):
 *   1. MONGODB_URI, if set: a server someone else runs (CI starts one; a developer may run mongod).
 *   2. mongodb-memory-server: a real mongod, where its binary is cached or can be downloaded.
 *   3. mongo-java-server (tools/mongo-test-server): built with Maven and run with a heap limit.
 * MONGO_TEST_SERVER=auto|memory-server|java picks 2/3 (default auto: 2, then 3).
 * With a data directory (`npm start`'s default) the server keeps its data there: a mongod in
 * <dir>/wiredtiger, mongo-java-server's H2 file backend in <dir>/h2; the tests pass none.
 */
import { spawn, execFile } from 'node:child_process';
import { existsSync, mkdirSync, statSync, writeFileSync, rmSync } from 'node:fs';
import { createInterface } from 'node:readline';
import path from 'node:path';
import type { MongoClient } from 'mongodb';
import { REPO_ROOT } from '../shared/repo-root';

export type MongoServerKind = 'external' | 'mongodb-memory-server' | 'mongo-java-server';

export interface StartedMongoServer {
  uri: string;
  kind: MongoServerKind;
  /** Where an embedded server keeps its data; absent when it keeps it in memory (or is external). */
  dataPath?: string;
  /** Stops the server if this process started it; a no-op for an external one. */
  stop(): Promise<void>;
}

export { REPO_ROOT };
const STATE_DIR = path.join(REPO_ROOT, '.cache', 'mongo-test-server');
const SCRIPT = path.join(REPO_ROOT, 'scripts', 'mongo-test-server.sh');
/** Written when mongodb-memory-server could not get a mongod; auto mode skips it for a day. */
const MEMORY_SERVER_FAILED_MARKER = path.join(STATE_DIR, 'memory-server-unavailable');
const MARKER_TTL_MS = 24 * 60 * 60 * 1000;

function log(message: string): void {
  process.stderr.write(`[mongo-test-server] ${message}\n`);
}

function envInt(name: string, fallback: number): number {
  const raw = process.env[name];
  const value = raw === undefined ? NaN : Number.parseInt(raw, 10);
  return Number.isFinite(value) && value > 0 ? value : fallback;
}

function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} timed out after ${ms} ms`)), ms);
    timer.unref();
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

export interface MongoServerOptions {
  /** Keep an embedded server's data in this directory (created if missing) instead of in memory. */
  dataDir?: string;
}

/** The folders of a data directory, one per storage engine (their files are not interchangeable). */
export function dataPaths(dataDir: string): { wiredTiger: string; h2: string; h2File: string } {
  const h2 = path.join(dataDir, 'h2');
  return { wiredTiger: path.join(dataDir, 'wiredtiger'), h2, h2File: path.join(h2, 'csr.mv.db') };
}

/** Starts a server (or takes MONGODB_URI) and says on stderr which one it is. */
export async function startMongoServer(options: MongoServerOptions = {}): Promise<StartedMongoServer> {
  const external = process.env.MONGODB_URI?.trim();
  if (external) {
    return { uri: external, kind: 'external', stop: async () => {} };
  }
  const mode = (process.env.MONGO_TEST_SERVER ?? 'auto').trim().toLowerCase();
  if (!['auto', 'memory-server', 'java'].includes(mode)) {
    throw new Error(`MONGO_TEST_SERVER must be auto, memory-server or java, not "${mode}"`);
  }

  const paths = options.dataDir === undefined ? undefined : dataPaths(options.dataDir);
  // the data already there decides the engine: switching would show an empty store
  const keptInH2 = paths !== undefined && existsSync(paths.h2File) && !existsSync(paths.wiredTiger);
  if (mode === 'memory-server' || (mode === 'auto' && !keptInH2 && !memoryServerRecentlyFailed())) {
    try {
      const server = await startMemoryServer(paths?.wiredTiger);
      log(`using mongodb-memory-server (a real mongod) at ${server.uri}`);
      return server;
    } catch (error) {
      const reason = (error instanceof Error ? error.message : String(error)).replace(/\s+/g, ' ').slice(0, 300);
      if (mode === 'memory-server') throw error;
      rememberMemoryServerFailure(reason);
      log(`mongodb-memory-server unavailable (${reason}); falling back to mongo-java-server`);
    }
  }

  if (paths && existsSync(paths.wiredTiger)) log(`${paths.wiredTiger} holds a mongod's data, which mongo-java-server cannot read: starting from ${paths.h2File}`);
  const server = await startJavaServer(paths?.h2File);
  log(`using mongo-java-server (${server.dataPath ? `H2 file ${server.dataPath}` : 'in-memory'}, reports MongoDB 4.4; no explain/transactions/$text) at ${server.uri}`);
  return server;
}

function memoryServerRecentlyFailed(): boolean {
  if (process.env.MONGOMS_SYSTEM_BINARY) return false; // a local mongod is configured: always try
  try {
    return Date.now() - statSync(MEMORY_SERVER_FAILED_MARKER).mtimeMs < MARKER_TTL_MS;
  } catch {
    return false;
  }
}

function rememberMemoryServerFailure(reason: string): void {
  try {
    mkdirSync(STATE_DIR, { recursive: true });
    writeFileSync(
      MEMORY_SERVER_FAILED_MARKER,
      `${new Date().toISOString()} ${reason}\nDelete this file (or set MONGO_TEST_SERVER=memory-server) to try again.\n`,
    );
  } catch {
    // best effort only
  }
}

async function startMemoryServer(dbPath?: string): Promise<StartedMongoServer> {
  // One download attempt is enough to know; its default is 3 retries with back-off (~8 s here).
  process.env.MONGOMS_MAX_RETRIES ??= '1';
  const { MongoMemoryServer } = await import('mongodb-memory-server');
  const timeoutMs = envInt('MONGO_MEMORY_SERVER_TIMEOUT_MS', 180_000);
  if (dbPath) mkdirSync(dbPath, { recursive: true });
  const creating = MongoMemoryServer.create(dbPath ? { instance: { dbPath, storageEngine: 'wiredTiger' } } : {});
  const cleanup = dbPath === undefined;
  try {
    const server = await withTimeout(creating, timeoutMs, 'mongodb-memory-server start');
    try {
      rmSync(MEMORY_SERVER_FAILED_MARKER, { force: true });
    } catch {
      // ignore
    }
    return {
      uri: server.getUri(),
      kind: 'mongodb-memory-server',
      ...(dbPath ? { dataPath: dbPath } : {}),
      stop: async () => {
        await server.stop({ doCleanup: cleanup, force: cleanup });
      },
    };
  } catch (error) {
    // If it starts after all (after our timeout), do not leave it running.
    creating.then((late) => late.stop({ doCleanup: cleanup, force: cleanup })).catch(() => {});
    throw error;
  }
}

/** Builds tools/mongo-test-server if needed (via the shell script) and returns the jar's path. */
export async function buildJavaServerJar(): Promise<string> {
  const started = Date.now();
  const stdout = await new Promise<string>((resolve, reject) => {
    execFile(
      'bash',
      [SCRIPT, 'jar'],
      { cwd: REPO_ROOT, maxBuffer: 16 * 1024 * 1024, timeout: envInt('MONGO_TEST_SERVER_BUILD_TIMEOUT_MS', 600_000) },
      (error, out, err) => {
        if (error) {
          reject(new Error(`${SCRIPT} jar failed: ${error.message}\n${err}`));
        } else {
          if (err.trim()) process.stderr.write(err);
          resolve(out);
        }
      },
    );
  });
  const jar = stdout.trim().split('\n').pop() ?? '';
  if (!jar || !existsSync(jar)) throw new Error(`${SCRIPT} jar printed no jar path (got "${stdout.trim()}")`);
  const ms = Date.now() - started;
  if (ms > 2000) log(`jar ready after ${ms} ms`);
  return jar;
}

async function startJavaServer(dataFile?: string): Promise<StartedMongoServer> {
  const jar = await buildJavaServerJar();
  if (dataFile) mkdirSync(path.dirname(dataFile), { recursive: true });
  const heap = process.env.MONGO_TEST_SERVER_HEAP ?? '1g';
  const child = spawn(
    'java',
    [
      `-Xmx${heap}`,
      '-XX:+UseSerialGC',
      '-XX:+ExitOnOutOfMemoryError',
      '-jar',
      jar,
      '--host',
      process.env.MONGO_TEST_SERVER_HOST ?? '127.0.0.1',
      '--port',
      '0',
      // the server exits when this process goes away, however it goes
      '--exit-on-stdin-close',
      ...(dataFile ? ['--data-file', dataFile] : []),
    ],
    { cwd: REPO_ROOT, stdio: ['pipe', 'pipe', 'pipe'] },
  );

  let output = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    if (output.length < 64 * 1024) output += chunk.toString();
  });
  const uri = await withTimeout(
    new Promise<string>((resolve, reject) => {
      child.once('error', (error) => reject(new Error(`cannot run java: ${error.message}`)));
      child.once('exit', (code, signal) => {
        // its own message (e.g. "cannot open …: The file is locked") first: callers show the first line
        const said = /^mongo-test-server: (.*)$/m.exec(output)?.[1];
        reject(new Error(`mongo-java-server exited before listening (code ${code}, signal ${signal})${said ? `: ${said}` : ''}\n${output}`));
      });
      const lines = createInterface({ input: child.stdout! });
      lines.on('line', (line) => {
        const match = /^LISTENING (mongodb:\/\/\S+)/.exec(line);
        if (match?.[1]) resolve(match[1]);
        else output += `${line}\n`;
      });
    }),
    envInt('MONGO_TEST_SERVER_START_TIMEOUT_MS', 60_000),
    'mongo-java-server start',
  ).catch((error: unknown) => {
    child.kill('SIGKILL');
    throw error;
  });

  // Do not keep this process alive for the server's sake; kill it when this process exits.
  const killOnExit = (): void => {
    child.kill('SIGTERM');
  };
  process.once('exit', killOnExit);
  child.unref();
  for (const stream of [child.stdin, child.stdout, child.stderr]) {
    (stream as unknown as { unref?: () => void } | null)?.unref?.();
  }

  return {
    uri,
    kind: 'mongo-java-server',
    ...(dataFile ? { dataPath: dataFile } : {}),
    stop: async () => {
      process.removeListener('exit', killOnExit);
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
      await exited;
      clearTimeout(timer);
    },
  };
}


const realMongodCache = new WeakMap<MongoClient, Promise<boolean>>();

/**
 * True when the server behind `client` is a real mongod (mongodb-memory-server, or a MongoDB
 * behind MONGODB_URI): its buildInfo carries a gitVersion and it answers `explain`.
 * mongo-java-server (and FerretDB) answer false.
 */
export function isRealMongod(client: MongoClient): Promise<boolean> {
  let cached = realMongodCache.get(client);
  if (!cached) {
    cached = (async () => {
      const admin = client.db('admin');
      const info = await admin.command({ buildInfo: 1 }).catch(() => null);
      if (!info || typeof info.gitVersion !== 'string' || info.gitVersion === '' || 'ferretdb' in info) {
        return false;
      }
      try {
        await client
          .db('admin')
          .command({ explain: { find: 'system.version', filter: {} }, verbosity: 'queryPlanner' });
        return true;
      } catch {
        return false;
      }
    })();
    realMongodCache.set(client, cached);
  }
  return cached;
}
