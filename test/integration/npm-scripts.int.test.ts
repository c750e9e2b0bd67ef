/**
 * `npm run gateway` and `npm run subgraph` as an operator (or a container runtime) runs them: SIGTERM
 * goes to npm's own process. Each must drain and exit 0, leave no process behind, and free its port.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { connect } from 'node:net';
import { freePort } from '../harness/free-port';
import { describe, expect, it } from 'vitest';
import { generateSecret } from '../../platform/auth';
import { REPO_ROOT } from '../../platform/mongo-server';
import { within } from '../harness/faults';
import { alive, processTree } from '../harness/process-tree';
import { useIsolatedDatabases } from '../harness/mongo';

const databases = useIsolatedDatabases('npm_scripts');

function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

/** Runs `npm run <args>`, waits for `port` to serve /health, sends SIGTERM to npm, and reports what is left. */
async function runAndTerminate(args: string[], port: number, env: NodeJS.ProcessEnv): Promise<{ code: number | null; signal: string | null; survivors: string[]; portOpen: boolean; output: string }> {
  const npm: ChildProcess = spawn('npm', ['run', '--silent', ...args], { cwd: REPO_ROOT, env: { ...process.env, NODE_ENV: 'development', LOG_LEVEL: 'warn', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  npm.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  npm.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = once(npm, 'exit') as Promise<[number | null, string | null]>;
  let tree = new Map<number, string>();
  try {
    const served = await within(45_000, async () => (await fetch(`http://127.0.0.1:${port}/health`)).ok, 200);
    expect(served, `nothing served on ${port}:\n${output}`).not.toBeNull();
    tree = processTree(npm.pid!);
    npm.kill('SIGTERM');
    const [code, signal] = await exited;
    // helpers (esbuild's service) leave when their parent's pipe closes: give them a moment
    await within(2_000, async () => ![...tree.keys()].some(alive), 50);
    const survivors = [...tree].filter(([pid]) => alive(pid)).map(([pid, command]) => `${pid} ${command}`);
    return { code, signal, survivors, portOpen: await accepts(port), output };
  } finally {
    for (const pid of [npm.pid!, ...tree.keys()]) if (alive(pid)) process.kill(pid, 'SIGKILL');
  }
}

describe('the npm scripts under SIGTERM', () => {
  it('npm run gateway drains, exits 0 and leaves nothing listening', { timeout: 60_000 }, async () => {
    const port = await freePort();
    const result = await runAndTerminate(['gateway', '--', '--port', String(port), '--supergraph', 'schema/supergraph.graphql'], port, { AUTH_JWT_SECRET: generateSecret(), WATCH_SUPERGRAPH: 'true' });
    expect(result, result.output).toMatchObject({ code: 0, signal: null, survivors: [], portOpen: false });
  });

  it('npm run subgraph -- india drains, exits 0 and leaves nothing listening', { timeout: 60_000 }, async () => {
    const port = await freePort();
    const result = await runAndTerminate(['subgraph', '--', 'india'], port, {
      AUTH_JWT_SECRET: generateSecret(),
      MONGODB_URI: databases.uri,
      DATABASE_PREFIX: `${databases.namePrefix}_`,
      PORT: String(port),
      HOST: '127.0.0.1',
    });
    expect(result, result.output).toMatchObject({ code: 0, signal: null, survivors: [], portOpen: false });
  });
});
