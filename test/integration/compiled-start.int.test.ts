/**
 * `npm start` serves from the compiled build: it builds dist/ when the sources are newer, and the
 * process that serves the gateway and the subgraphs is plain `node dist/scripts/start.js`, with no
 * TypeScript loader on its command line or in NODE_OPTIONS and no esbuild service beside it (tsx
 * transforms through one). Runs the real `npm start -- --ephemeral` (an embedded store in memory)
 * with PORT=0 (every server on a free port) and reads the group total through the gateway.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, readFileSync, readdirSync, readlinkSync, utimesSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../../shared/repo-root';
import { es256Issuer } from '../../platform/token-issuer';
import { ROLES } from '../../subgraphs/common/scopes';
import { COMMANDS } from '../../schema/topology';
import { within } from '../harness/faults';
import { alive, descendants } from '../harness/process-tree';

const SEED_TOTAL_FY2024 = '828006924';
const issuer = es256Issuer();

interface ProcessInfo {
  pid: number;
  argv: string[];
  nodeOptions: string;
}

function processInfo(pid: number): ProcessInfo {
  const argv = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').filter(Boolean);
  const environ = readFileSync(`/proc/${pid}/environ`, 'utf8').split('\0');
  return { pid, argv, nodeOptions: environ.find((entry) => entry.startsWith('NODE_OPTIONS='))?.slice('NODE_OPTIONS='.length) ?? '' };
}

/** The process holding the socket that listens on `port` (from /proc/net/tcp* and each candidate's open files). */
function listenerOf(port: number, candidates: readonly number[]): number | undefined {
  const hexPort = port.toString(16).toUpperCase().padStart(4, '0');
  const inodes = new Set(
    ['/proc/net/tcp', '/proc/net/tcp6']
      .filter((table) => existsSync(table))
      .flatMap((table) => readFileSync(table, 'utf8').trim().split('\n').slice(1))
      .map((line) => line.trim().split(/\s+/))
      // local address "ADDR:PORT", state 0A = LISTEN, inode in column 10
      .filter((columns) => columns[1]!.endsWith(`:${hexPort}`) && columns[3] === '0A')
      .map((columns) => `socket:[${columns[9]}]`),
  );
  return candidates.find((pid) => {
    try {
      return readdirSync(`/proc/${pid}/fd`).some((fd) => inodes.has(readlinkSync(`/proc/${pid}/fd/${fd}`)));
    } catch {
      return false;
    }
  });
}

let npm: ChildProcess | undefined;
let tree: number[] = [];

async function stopAll(): Promise<void> {
  if (!npm) return;
  const pids = [...new Set([...tree, ...descendants(npm.pid!)])];
  if (npm.exitCode === null && npm.signalCode === null) {
    const exited = once(npm, 'exit');
    npm.kill('SIGTERM');
    await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 15_000))]);
  }
  await within(10_000, async () => !pids.some(alive), 50);
  for (const pid of [npm.pid!, ...pids]) if (alive(pid)) process.kill(pid, 'SIGKILL');
  npm = undefined;
}
afterAll(stopAll);

describe('npm start runs the compiled build', () => {
  it('--if-stale rebuilds when a file the bundles were made from changes, and does nothing otherwise', { timeout: 60_000 }, () => {
    const build = () => spawnSync(process.execPath, ['scripts/build.mjs', '--if-stale'], { cwd: REPO_ROOT, encoding: 'utf8' });
    const stamp = () => JSON.parse(readFileSync(path.join(REPO_ROOT, 'dist', 'build.json'), 'utf8')) as { startedAt: number; inputs: string[] };
    expect(build().status).toBe(0);
    const before = stamp();
    expect(before.inputs).toContain('shared/repo-root.ts');
    const fresh = build();
    expect({ status: fresh.status, stderr: fresh.stderr }).toEqual({ status: 0, stderr: '' });
    const now = new Date();
    utimesSync(path.join(REPO_ROOT, 'shared', 'repo-root.ts'), now, now);
    const rebuilt = build();
    expect(rebuilt.status, rebuilt.stderr).toBe(0);
    // another process may have rebuilt it first; either way the build is newer than the change
    expect(stamp().startedAt).toBeGreaterThanOrEqual(now.getTime());
  });

  it('builds every entry point the npm scripts, the image and the deployment files run, and each extension.ts the registry loads', { timeout: 60_000 }, () => {
    const build = spawnSync(process.execPath, ['scripts/build.mjs', '--if-stale'], { cwd: REPO_ROOT, encoding: 'utf8' });
    expect(build.status, build.stderr).toBe(0);
    const { outputs } = JSON.parse(readFileSync(path.join(REPO_ROOT, 'dist', 'build.json'), 'utf8')) as { outputs: string[] };
    const scripts = Object.values((JSON.parse(readFileSync(path.join(REPO_ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> }).scripts);
    const dockerfile = readFileSync(path.join(REPO_ROOT, 'Dockerfile'), 'utf8');
    const commands = [...scripts, dockerfile, ...[COMMANDS.gateway, COMMANDS.seed, COMMANDS.subgraph('india')].map((command) => command.join(' '))].join('\n');
    const run = [...new Set(commands.match(/\bdist\/[\w./-]+\.js\b/g) ?? [])];
    expect(run).toEqual(expect.arrayContaining(['dist/scripts/start.js', 'dist/gateway/src/main.js', 'dist/subgraphs/main.js', 'dist/scripts/seed.js']));
    for (const entry of run) expect(outputs, `${entry} is run but not built`).toContain(entry);
    const extensions = readdirSync(path.join(REPO_ROOT, 'subgraphs')).filter((name) => existsSync(path.join(REPO_ROOT, 'subgraphs', name, 'extension.ts')));
    expect(extensions.length).toBeGreaterThan(0);
    for (const name of extensions) expect(outputs).toContain(`dist/subgraphs/${name}/extension.js`);
  });

  it('serves the FY2024 group total from node dist/…, with no TypeScript loader in any serving process', { timeout: 120_000 }, async () => {
    const { MONGODB_URI: _external, NODE_OPTIONS: _options, ...inherited } = process.env;
    npm = spawn('npm', ['start', '--silent', '--', '--ephemeral'], {
      cwd: REPO_ROOT,
      env: { ...inherited, ...issuer.privateEnv, PORT: '0', NODE_ENV: 'development', LOG_LEVEL: 'warn', MONGO_TEST_SERVER: process.env.MONGO_TEST_SERVER ?? 'java' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    npm.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    npm.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    await within(90_000, async () => /Gateway ready at \S+/.test(output) || npm!.exitCode !== null, 100);
    const url = /Gateway ready at (\S+)/.exec(output)?.[1];
    expect(url, `npm start did not get ready:\n${output}`).toBeDefined();
    expect(existsSync(path.join(REPO_ROOT, 'dist', 'scripts', 'start.js'))).toBe(true);

    const token = await issuer.mint({ subject: 'hq-compiled', scopes: ROLES.hq });
    const response = await fetch(url!, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify({ query: '{ groupReport(fiscalYear: 2024) { total { amount currency } } }' }),
    });
    const body = (await response.json()) as { data?: { groupReport: { total: { amount: string; currency: string } } }; errors?: unknown };
    expect(body.errors, JSON.stringify(body.errors)).toBeUndefined();
    expect(body.data!.groupReport.total).toEqual({ amount: SEED_TOTAL_FY2024, currency: 'JPY' });

    tree = descendants(npm.pid!);
    const processes = tree.filter(alive).map(processInfo);
    const nodes = processes.filter((info) => path.basename(info.argv[0] ?? '') === 'node');
    // the gateway's listening socket belongs to a node process of this run, started on the compiled entry point
    const server = listenerOf(Number(new URL(url!).port), nodes.map((info) => info.pid));
    expect(server, `no process of the run listens on ${url}: ${JSON.stringify(processes)}`).toBeDefined();
    expect(nodes.find((info) => info.pid === server)!.argv.slice(1)).toEqual(['dist/scripts/start.js', '--ephemeral']);
    for (const info of nodes) {
      expect(info.argv.join(' '), `pid ${info.pid}`).not.toMatch(/\btsx\b|--import|--loader|--experimental-loader|\.ts\b/);
      expect(info.nodeOptions, `pid ${info.pid} NODE_OPTIONS`).not.toMatch(/tsx|--import|--loader/);
    }
    const esbuild = processes.filter((info) => info.argv.some((part) => /esbuild/.test(path.basename(part))));
    expect(esbuild, 'an esbuild service (a transpiler at run time) beside the server').toEqual([]);

    await stopAll();
    expect(tree.filter(alive)).toEqual([]);
  });
});
