/**
 * Child processes of the benchmark. Every server runs in its own Node process started as
 * `node --import tsx <script>` (so the pid is the server itself, not a tsx wrapper, and /proc
 * gives its memory and CPU). Project servers are started through their own entry points
 * (gateway/src/main.ts, subgraphs/main.ts) on a free port chosen here and are ready when their
 * /health answers; the benchmark's own entry points (bench/serve-*.ts) announce themselves with
 * one `BENCH_READY {json}` line. Output goes to a log file. Children die with this process:
 * they are killed on exit, Ctrl-C and SIGTERM, and the bench entry points also exit when their
 * stdin closes.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, existsSync, mkdirSync, readFileSync, readdirSync } from 'node:fs';
import { createServer } from 'node:net';
import { cpus } from 'node:os';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import path from 'node:path';

export const BENCH_DIR = path.dirname(fileURLToPath(import.meta.url));
export const REPO_ROOT = path.resolve(BENCH_DIR, '..');
export const READY_PREFIX = 'BENCH_READY ';

export interface BenchChild<Info> {
  name: string;
  pid: number;
  info: Info;
  stop(): Promise<void>;
}

const running = new Set<ChildProcess>();

/** Where taskset is, or null (then nothing is pinned). */
export const TASKSET = ['/usr/bin/taskset', '/bin/taskset'].find((candidate) => existsSync(candidate)) ?? null;

function killAll(signal: NodeJS.Signals): void {
  for (const child of running) if (child.exitCode === null && child.signalCode === null) child.kill(signal);
}

let handlersInstalled = false;

/** Kills every child on exit, Ctrl-C and SIGTERM (after `beforeExit`, bounded to 3 s). */
export function installCleanup(beforeExit: () => Promise<void> = async () => {}): void {
  if (handlersInstalled) return;
  handlersInstalled = true;
  process.once('exit', () => killAll('SIGKILL'));
  const stop = (signal: NodeJS.Signals, code: number) => {
    process.stderr.write(`\n[bench] ${signal}: stopping every process the benchmark started\n`);
    killAll('SIGTERM');
    void Promise.race([beforeExit(), new Promise((resolve) => setTimeout(resolve, 3_000))]).finally(() => process.exit(code));
  };
  process.once('SIGINT', () => stop('SIGINT', 130));
  process.once('SIGTERM', () => stop('SIGTERM', 143));
}

/** A port that was free a moment ago on 127.0.0.1. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

export interface SpawnOptions {
  name: string;
  /** Script path relative to the repository root, and its arguments. */
  script: string;
  args?: string[];
  env: NodeJS.ProcessEnv;
  /** Where its stdout and stderr go. */
  logFile: string;
  /** Extra options for node (e.g. --cpu-prof). */
  nodeArgs?: string[];
  /** Run the script with plain node, not through tsx (a .js/.mjs script). */
  plainNode?: boolean;
  /** Pin the process to these CPUs (`taskset -c`), e.g. "1"; ignored where taskset is missing. */
  cpus?: string;
  /** Ready when GET of this URL answers 2xx; without it, when the child prints its BENCH_READY line. */
  healthUrl?: string;
  timeoutMs?: number;
}

/** Starts a server process and waits until it is ready; `info` is what a BENCH_READY line announced. */
export async function spawnServer<Info = undefined>(options: SpawnOptions): Promise<BenchChild<Info>> {
  const { name, logFile, timeoutMs = 90_000 } = options;
  mkdirSync(path.dirname(logFile), { recursive: true });
  const log = createWriteStream(logFile);
  const nodeArgs = [...(options.nodeArgs ?? []), ...(options.plainNode ? [] : ['--import', 'tsx']), path.join(REPO_ROOT, options.script), ...(options.args ?? [])];
  // taskset execs node: the pid stays the server's
  const pinned = options.cpus && TASKSET ? [TASKSET, '-c', options.cpus] : [];
  const [command = process.execPath, ...args] = [...pinned, process.execPath, ...nodeArgs];
  const child = spawn(command, args, {
    cwd: REPO_ROOT,
    env: { ...process.env, ...options.env },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  running.add(child);
  let exited: string | undefined;
  child.once('exit', (code, signal) => {
    running.delete(child);
    exited = `exited (code ${code}, signal ${signal})`;
  });
  child.stderr!.pipe(log, { end: false });
  let announced: Info | undefined;
  let announcedLine = false;
  createInterface({ input: child.stdout! }).on('line', (line) => {
    if (line.startsWith(READY_PREFIX)) {
      announced = JSON.parse(line.slice(READY_PREFIX.length)) as Info;
      announcedLine = true;
    } else {
      log.write(`${line}\n`);
    }
  });
  const deadline = Date.now() + timeoutMs;
  const tail = () => {
    try {
      return readFileSync(logFile, 'utf8').split('\n').slice(-15).join('\n');
    } catch {
      return '';
    }
  };
  try {
    for (;;) {
      if (exited) throw new Error(`${name} ${exited} before it was ready; last lines of ${logFile}:\n${tail()}`);
      if (Date.now() > deadline) throw new Error(`${name} was not ready within ${timeoutMs} ms; last lines of ${logFile}:\n${tail()}`);
      if (options.healthUrl) {
        const ok = await fetch(options.healthUrl, { signal: AbortSignal.timeout(1_000) }).then((response) => response.ok, () => false);
        if (ok) break;
      } else if (announcedLine) {
        break;
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  } catch (error) {
    child.kill('SIGKILL');
    throw error;
  }
  return {
    name,
    pid: child.pid!,
    info: announced as Info,
    stop: async () => {
      if (child.exitCode === null && child.signalCode === null) {
        const done = new Promise<void>((resolve) => child.once('exit', () => resolve()));
        child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
        await done;
        clearTimeout(timer);
      }
      log.end();
    },
  };
}

/** One CSR subgraph (subgraphs/main.ts `name`) in its own process on a free port of 127.0.0.1. */
export async function spawnCsrSubgraph(name: string, options: Pick<SpawnOptions, 'env' | 'logFile' | 'nodeArgs'>): Promise<{ url: string; child: BenchChild<undefined> }> {
  const port = await freePort();
  const child = await spawnServer({
    name: `subgraph ${name}`,
    script: 'subgraphs/main.ts',
    args: [name],
    ...options,
    env: { ...options.env, PORT: String(port), HOST: '127.0.0.1' },
    healthUrl: `http://127.0.0.1:${port}/health`,
  });
  return { url: `http://127.0.0.1:${port}/graphql`, child };
}

/** For the serve-* entry points: announce, and exit when the parent goes away or asks. */
export function announceReady(info: unknown, close: () => Promise<void>): void {
  process.stdout.write(`${READY_PREFIX}${JSON.stringify(info)}\n`);
  let closing = false;
  const stop = () => {
    if (closing) return;
    closing = true;
    const timer = setTimeout(() => process.exit(0), 3_000);
    timer.unref();
    void close().finally(() => process.exit(0));
  };
  process.stdin.on('end', stop);
  process.stdin.on('close', stop);
  process.stdin.resume();
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
}

// ---------------------------------------------------------------------------------------------
// /proc readings (Linux)

const CLOCK_TICKS = 100; // USER_HZ on Linux

/** Resident set size in bytes, or 0 when the process is gone. */
export function rssOf(pid: number): number {
  try {
    const match = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match ? Number(match[1]) * 1024 : 0;
  } catch {
    return 0;
  }
}

/** Peak resident set size of a process over its life so far (VmHWM), bytes; 0 when it is gone. */
export function peakRssOf(pid: number): number {
  try {
    const match = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match ? Number(match[1]) * 1024 : 0;
  } catch {
    return 0;
  }
}

/** CPU time (user + system) of a process in milliseconds. */
export function cpuMsOf(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / CLOCK_TICKS;
  } catch {
    return 0;
  }
}

/** Direct children of a process whose command line contains `needle` (e.g. the java MongoDB test server). */
export function childPids(parent: number, needle: string): number[] {
  const found: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (ppid === parent && readFileSync(`/proc/${entry}/cmdline`, 'utf8').includes(needle)) found.push(Number(entry));
    } catch {
      // gone meanwhile
    }
  }
  return found;
}

export interface ResourceUsage {
  /** Peak RSS seen while sampling, bytes, per process group name. */
  peakRss: Record<string, number>;
  /** CPU milliseconds used during the window, per process group name. */
  cpuMs: Record<string, number>;
  /** CPU used meanwhile by processes outside these groups (other work on the machine), % of all cores. */
  otherCpuPercent: number;
}

/** Busy CPU time of the whole machine (all cores), ms, from /proc/stat. */
function machineBusyMs(): number {
  try {
    const fields = readFileSync('/proc/stat', 'utf8').split('\n', 1)[0]!.trim().split(/\s+/).slice(1).map(Number);
    const [user = 0, nice = 0, system = 0, , , irq = 0, softirq = 0, steal = 0] = fields;
    return ((user + nice + system + irq + softirq + steal) * 1000) / CLOCK_TICKS;
  } catch {
    return NaN;
  }
}

/**
 * Samples RSS of named process groups every `intervalMs` and CPU time at start and end.
 * `stop()` returns peak RSS (sum over a group's pids at each sample), the CPU each group used in
 * between, and how busy the rest of the machine was.
 */
export function watchResources(groups: Record<string, number[]>, intervalMs = 100): { stop(): ResourceUsage } {
  const peakRss: Record<string, number> = {};
  const cpuStart: Record<string, number> = {};
  const sample = () => {
    for (const [name, pids] of Object.entries(groups)) {
      const rss = pids.reduce((sum, pid) => sum + (pid === process.pid ? process.memoryUsage().rss : rssOf(pid)), 0);
      peakRss[name] = Math.max(peakRss[name] ?? 0, rss);
    }
  };
  const cpu = (pids: number[]) => pids.reduce((sum, pid) => sum + (pid === process.pid ? processCpuMs() : cpuMsOf(pid)), 0);
  const everyPid = [...new Set(Object.values(groups).flat())];
  const oursStart = cpu(everyPid);
  const machineStart = machineBusyMs();
  const started = performance.now();
  for (const [name, pids] of Object.entries(groups)) cpuStart[name] = cpu(pids);
  sample();
  const timer = setInterval(sample, intervalMs);
  return {
    stop() {
      clearInterval(timer);
      sample();
      const cpuMs: Record<string, number> = {};
      for (const [name, pids] of Object.entries(groups)) cpuMs[name] = cpu(pids) - cpuStart[name]!;
      const other = machineBusyMs() - machineStart - (cpu(everyPid) - oursStart);
      const capacity = (performance.now() - started) * cpus().length;
      return { peakRss, cpuMs, otherCpuPercent: Math.max(0, (other / capacity) * 100) };
    },
  };
}

function processCpuMs(): number {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
}
