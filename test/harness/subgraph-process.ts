/**
 * One subgraph as a real child process (`node --import tsx subgraphs/main.ts <name>`), to crash with
 * SIGKILL and start again on the same port: for the crash-point tests.
 *
 *   const india = await startSubgraphProcess({ name: 'india', env: { MONGODB_URI, DATABASE_PREFIX, AUTH_JWT_PUBLIC_KEY, GATEWAY_PUBLIC_KEYS } });
 *   await india.kill();      // SIGKILL: no drain, no goodbye to MongoDB
 *   await india.restart();   // same port, same environment
 *   await india.stop();      // SIGTERM (drains), SIGKILL after a grace period
 *
 * The child inherits this process's environment, then `env`, then PORT and HOST=127.0.0.1.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { REPO_ROOT } from '../../platform/mongo-server';

export interface SubgraphProcessOptions {
  /** A name subgraphs/main.ts knows: group, or a subsidiary's folder (japan, india, america, thailand, …). */
  name: string;
  /** MONGODB_URI, DATABASE_PREFIX, AUTH_*, GATEWAY_PUBLIC_KEYS …; LOG_LEVEL defaults to "silent", NODE_ENV to "development". */
  env: NodeJS.ProcessEnv;
  /** 0 (the default): a free port, kept for restarts. */
  port?: number;
  /** How long to wait for the ready line; default 30 s. */
  startTimeoutMs?: number;
}

export interface SubgraphExit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

export interface SubgraphProcess {
  readonly name: string;
  readonly pid: number;
  /** The GraphQL endpoint the ready line gives, http://127.0.0.1:<port>/graphql (/health is beside it). */
  readonly url: string;
  readonly port: number;
  /** Whether the current child has exited, and how. */
  readonly exited: boolean;
  readonly exit: SubgraphExit | null;
  /** Milliseconds from spawn to the ready line, for each start so far (first = cold). */
  readonly startTimes: readonly number[];
  /** The current child's stdout and stderr so far (bounded), for failure messages. */
  output(): string;
  /** SIGKILL; resolves when the child has exited. */
  kill(): Promise<SubgraphExit>;
  /** SIGTERM, then SIGKILL after `graceMs` (default 10 s); resolves when the child has exited. */
  stop(graceMs?: number): Promise<SubgraphExit>;
  /** Kills the child if it is still running, then starts a new one on the same port with the same environment. */
  restart(): Promise<void>;
}

const READY = /^Subgraph (\S+) ready at (http:\/\/\S+)/;
const MAX_OUTPUT = 32_768;

interface Child {
  process: ChildProcess;
  pid: number;
  url: string;
  output: string[];
  exit: SubgraphExit | null;
  exited: Promise<SubgraphExit>;
}

/** Children still running when this process exits are killed with it (no orphans holding ports). */
const running = new Set<ChildProcess>();
let exitHookInstalled = false;
function killOrphansOnExit(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.once('exit', () => {
    for (const child of running) child.kill('SIGKILL');
  });
}

function spawnChild(name: string, env: NodeJS.ProcessEnv, port: number, timeoutMs: number): Promise<Child> {
  killOrphansOnExit();
  const child = spawn(process.execPath, ['--import', 'tsx', 'subgraphs/main.ts', name], {
    cwd: REPO_ROOT,
    env: { ...process.env, LOG_LEVEL: 'silent', NODE_ENV: 'development', ...env, PORT: String(port), HOST: '127.0.0.1' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  if (child.pid === undefined) {
    return new Promise((_, reject) => child.once('error', (error) => reject(new Error(`could not spawn subgraph ${name}: ${error.message}`))));
  }
  running.add(child);
  const output: string[] = [];
  let outputLength = 0;
  const keep = (stream: string) => (chunk: Buffer) => {
    if (outputLength > MAX_OUTPUT) return;
    outputLength += chunk.length;
    output.push(`[${stream}] ${chunk.toString()}`);
  };
  child.stdout!.on('data', keep('stdout'));
  child.stderr!.on('data', keep('stderr'));
  const state: Child = {
    process: child,
    pid: child.pid,
    url: '',
    output,
    exit: null,
    exited: new Promise<SubgraphExit>((resolve) =>
      child.once('exit', (code, signal) => {
        running.delete(child);
        state.exit = { code, signal };
        resolve(state.exit);
      }),
    ),
  };
  return new Promise<Child>((resolve, reject) => {
    const fail = (why: string) => {
      clearTimeout(timer);
      child.kill('SIGKILL');
      reject(new Error(`subgraph ${name} (pid ${child.pid}) ${why}\n${output.join('')}`));
    };
    const timer = setTimeout(() => fail(`printed no ready line within ${timeoutMs} ms`), timeoutMs);
    void state.exited.then((exit) => {
      if (!state.url) fail(`exited (code ${exit.code}, signal ${exit.signal}) before it was ready`);
    });
    createInterface({ input: child.stdout! }).on('line', (line) => {
      const match = READY.exec(line);
      if (!match || state.url) return;
      clearTimeout(timer);
      state.url = match[2]!;
      resolve(state);
    });
  });
}

function signal(child: Child, name: NodeJS.Signals): void {
  if (child.exit === null) child.process.kill(name);
}

export async function startSubgraphProcess(options: SubgraphProcessOptions): Promise<SubgraphProcess> {
  const timeoutMs = options.startTimeoutMs ?? 30_000;
  const startTimes: number[] = [];
  const start = async (port: number): Promise<Child> => {
    const started = performance.now();
    const child = await spawnChild(options.name, options.env, port, timeoutMs);
    startTimes.push(performance.now() - started);
    return child;
  };
  let current = await start(options.port ?? 0);
  const port = Number(new URL(current.url).port);
  const kill = async () => {
    signal(current, 'SIGKILL');
    return current.exited;
  };
  return {
    name: options.name,
    get pid() {
      return current.pid;
    },
    get url() {
      return current.url;
    },
    port,
    get exited() {
      return current.exit !== null;
    },
    get exit() {
      return current.exit;
    },
    startTimes,
    output: () => current.output.join(''),
    kill,
    stop: async (graceMs = 10_000) => {
      signal(current, 'SIGTERM');
      const timer = setTimeout(() => signal(current, 'SIGKILL'), graceMs);
      const exit = await current.exited;
      clearTimeout(timer);
      return exit;
    },
    restart: async () => {
      await kill();
      current = await start(port);
    },
  };
}
