/**
 * Fault injection for the fault tests, all on 127.0.0.1: a MongoDB-protocol server in a process of
 * its own (to kill under one subgraph and start again on the same port), and a TCP proxy that
 * delays a subgraph's answers and counts the connections and requests it carries.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer, connect, type AddressInfo, type Server, type Socket } from 'node:net';
import { createInterface } from 'node:readline';
import { afterAll, beforeAll } from 'vitest';
import { buildJavaServerJar, REPO_ROOT } from '../../platform/mongo-server';
import type { StackOptions } from '../../scripts/stack';
import { useSeededStack, type SeededStack } from './stack';

export interface MongoProcess {
  uri: string;
  port: number;
  /** Kills the server at once (SIGKILL): no goodbye to its clients. Its in-memory data is gone. */
  kill(): Promise<void>;
  /** Starts a fresh, empty server on the same port. */
  restart(): Promise<void>;
  stop(): Promise<void>;
}

async function spawnJavaMongo(jar: string, port: number): Promise<{ child: ChildProcess; uri: string }> {
  const child = spawn('java', ['-Xmx256m', '-XX:+UseSerialGC', '-XX:TieredStopAtLevel=1', '-jar', jar, '--host', '127.0.0.1', '--port', String(port), '--exit-on-stdin-close'], {
    cwd: REPO_ROOT,
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let output = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    if (output.length < 16_384) output += chunk.toString();
  });
  const uri = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`mongo-java-server did not start within 30 s\n${output}`)), 30_000);
    child.once('error', (error) => reject(error));
    child.once('exit', (code) => reject(new Error(`mongo-java-server exited (${code}) before listening\n${output}`)));
    createInterface({ input: child.stdout! }).on('line', (line) => {
      const match = /^LISTENING (mongodb:\/\/\S+)/.exec(line);
      if (match?.[1]) {
        clearTimeout(timer);
        resolve(match[1]);
      }
    });
  });
  return { child, uri };
}

function exited(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => child.once('exit', () => resolve()));
}

/** A mongo-java-server of its own (port 0: a free one), separate from the suite's shared server. */
export async function startMongoProcess(port = 0): Promise<MongoProcess> {
  const jar = await buildJavaServerJar();
  let { child, uri } = await spawnJavaMongo(jar, port);
  const chosenPort = Number(new URL(uri).port);
  const kill = async () => {
    child.kill('SIGKILL');
    await exited(child);
  };
  return {
    get uri() {
      return uri;
    },
    port: chosenPort,
    kill,
    restart: async () => {
      await kill();
      ({ child, uri } = await spawnJavaMongo(jar, chosenPort));
    },
    stop: async () => {
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
      await exited(child);
      clearTimeout(timer);
    },
  };
}

export interface DelayProxy {
  port: number;
  /** Where the proxy forwards to (set once the target listens). */
  targetPort: number;
  /** Delay added to everything the target sends back. */
  delayMs: number;
  /** TCP connections accepted from clients so far. */
  readonly connections: number;
  /** Everything clients sent so far (requests, headers and bodies), for counting requests and reading headers. */
  readonly sent: string;
  close(): Promise<void>;
}

/**
 * A TCP proxy on 127.0.0.1: forwards each client connection to `targetPort`, holds back the
 * target's answer by `delayMs` (order kept), and counts connections; traffic stays on loopback.
 */
export async function startDelayProxy(): Promise<DelayProxy> {
  let connections = 0;
  let sent = '';
  const sockets = new Set<Socket>();
  const proxy: DelayProxy = {
    port: 0,
    targetPort: 0,
    delayMs: 0,
    get connections() {
      return connections;
    },
    get sent() {
      return sent;
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
  const server: Server = createServer((client) => {
    connections += 1;
    sockets.add(client);
    const upstream = connect(proxy.targetPort, '127.0.0.1');
    sockets.add(upstream);
    client.on('data', (chunk: Buffer) => {
      if (sent.length < 4_000_000) sent += chunk.toString('latin1');
      upstream.write(chunk);
    });
    // answers leave in order, each no sooner than delayMs after it arrived
    let last = Promise.resolve();
    upstream.on('data', (chunk: Buffer) => {
      const due = Date.now() + proxy.delayMs;
      last = last.then(() => new Promise<void>((resolve) => setTimeout(() => {
        if (!client.destroyed) client.write(chunk);
        resolve();
      }, Math.max(0, due - Date.now()))));
    });
    const end = () => {
      client.destroy();
      upstream.destroy();
      sockets.delete(client);
      sockets.delete(upstream);
    };
    upstream.on('close', () => void last.then(end));
    upstream.on('error', end);
    client.on('close', end);
    client.on('error', end);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  proxy.port = (server.address() as AddressInfo).port;
  return proxy;
}

/** Polls `check` until it returns true or `timeoutMs` passes; returns how long it took, or null. */
export async function within(timeoutMs: number, check: () => Promise<boolean>, intervalMs = 100): Promise<number | null> {
  const started = Date.now();
  while (Date.now() - started < timeoutMs) {
    if (await check().catch(() => false)) return Date.now() - started;
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
  return null;
}

/**
 * A seeded stack whose gateway reaches India through a DelayProxy, with the given per-subgraph
 * budget (and other gateway settings); registers its hooks in the calling scope. `proxy()` is usable inside tests.
 */
export function useStackWithIndiaBehindProxy(prefix: string, subgraphTimeoutMs: number, gatewayEnv: NodeJS.ProcessEnv = {}): { stack: SeededStack; proxy: () => DelayProxy } {
  let proxy: DelayProxy | undefined;
  const options: Partial<StackOptions> = {};
  beforeAll(async () => {
    proxy = await startDelayProxy();
    options.gatewayEnv = { ...gatewayEnv, SUBGRAPH_TIMEOUT_MS: String(subgraphTimeoutMs), SUBGRAPH_URL_INDIA: `http://127.0.0.1:${proxy.port}/graphql` };
  });
  const stack = useSeededStack(prefix, options);
  beforeAll(() => {
    proxy!.targetPort = stack.stack.subgraphs.get('india')!.server.port;
  });
  afterAll(async () => {
    await proxy?.close();
  });
  return {
    stack,
    proxy: () => {
      if (!proxy) throw new Error('useStackWithIndiaBehindProxy(): used before its beforeAll ran');
      return proxy;
    },
  };
}
