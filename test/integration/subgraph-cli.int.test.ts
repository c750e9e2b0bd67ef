import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../../platform/mongo-server';
import { generateSecret } from '../../platform/auth';
import { useIsolatedDatabases } from '../harness/mongo';

const databases = useIsolatedDatabases('subgraph_cli');

describe('a subgraph run alone (npm run subgraph -- <name>)', () => {
  it('serves on the port it is given and exits 0 after draining on SIGTERM', { timeout: 60_000 }, async () => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'subgraphs/main.ts', 'india'], {
      cwd: REPO_ROOT,
      env: { ...process.env, MONGODB_URI: databases.uri, DATABASE_PREFIX: `${databases.namePrefix}_`, PORT: '0', HOST: '127.0.0.1', AUTH_JWT_SECRET: generateSecret(), LOG_LEVEL: 'silent', NODE_ENV: 'development' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    const url = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no ready line: ${stdout}`)), 45_000);
      child.stdout.on('data', () => {
        const match = /ready at (http:\/\/\S+)/.exec(stdout);
        if (match) {
          clearTimeout(timer);
          resolve(match[1]!);
        }
      });
    });
    const health = await fetch(new URL('/health', url));
    expect(health.status).toBe(200);
    child.kill('SIGTERM');
    const [code] = await once(child, 'exit');
    expect(code).toBe(0);
  });
});
