/**
 * Hive Gateway lives in bench/federation/hive with its own package.json and package-lock.json, so
 * that the project's install carries none of it: the benchmark installs it on first use with
 * `npm ci --prefix bench/federation/hive` (and says so).
 */
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { BENCH_DIR } from '../processes';

export const HIVE_DIR = path.join(BENCH_DIR, 'federation', 'hive');
const modules = path.join(HIVE_DIR, 'node_modules', '@graphql-hive');

function versionOf(packageDir: string): string | null {
  try {
    return (JSON.parse(readFileSync(path.join(packageDir, 'package.json'), 'utf8')) as { version: string }).version;
  } catch {
    return null;
  }
}

export interface HiveInstall {
  /** @graphql-hive/gateway's version, or null when it is not installed. */
  gateway: string | null;
  /** @graphql-hive/router-runtime's version (the Rust query planner), or null. */
  routerRuntime: string | null;
}

export function hiveInstall(): HiveInstall {
  return { gateway: versionOf(path.join(modules, 'gateway')), routerRuntime: versionOf(path.join(modules, 'router-runtime')) };
}

/** Installs Hive Gateway if it is not yet; resolves to what is installed afterwards and, on failure, why not. */
export async function ensureHive(log: (message: string) => void): Promise<HiveInstall & { error?: string }> {
  const before = hiveInstall();
  if (before.gateway) return before;
  if (!existsSync(path.join(HIVE_DIR, 'package-lock.json'))) return { ...before, error: `${path.relative(process.cwd(), HIVE_DIR)}/package-lock.json is missing` };
  log(`installing Hive Gateway for the federation scenario: npm ci --prefix ${path.relative(process.cwd(), HIVE_DIR)} (once; ~500 MB in its own node_modules) …`);
  const error = await new Promise<string | undefined>((resolve) => {
    const npm = spawn('npm', ['ci', '--prefix', HIVE_DIR, '--no-audit', '--no-fund', '--loglevel=error'], { stdio: ['ignore', 'inherit', 'inherit'] });
    npm.once('error', (failure) => resolve(failure.message));
    npm.once('exit', (code) => resolve(code === 0 ? undefined : `npm ci exited with code ${code}`));
  });
  const after = hiveInstall();
  return error || !after.gateway ? { ...after, error: error ?? 'npm ci did not install @graphql-hive/gateway' } : after;
}
