/**
 * The gateways the federation scenario compares, each started in its own process over the same
 * supergraph file (whose subgraph URLs are the running subgraphs), in production mode, auth off
 * (no AUTH_* settings, as test/integration/gateway-any-supergraph.int.test.ts serves a foreign graph).
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { REPO_ROOT, freePort, spawnServer, type BenchChild } from '../processes';

export const GATEWAY_KEYS = ['project', 'projectOff', 'stock', 'hive', 'hiveInbound', 'hiveOff', 'hiveRouter'] as const;
export type GatewayKey = (typeof GATEWAY_KEYS)[number];

export const GATEWAY_LABELS: Record<GatewayKey, string> = {
  project: 'this gateway, defaults',
  projectOff: 'this gateway, response cache and every deduplication off',
  stock: 'stock @apollo/gateway + @apollo/server',
  hive: 'Hive Gateway, defaults (subgraph calls deduplicated)',
  hiveInbound: 'Hive Gateway + its inbound deduplication (opt-in)',
  hiveOff: 'Hive Gateway, every deduplication off',
  hiveRouter: 'Hive Gateway, Rust query planner (router-runtime)',
};

export const HIVE_KEYS: readonly GatewayKey[] = ['hive', 'hiveInbound', 'hiveOff', 'hiveRouter'];

const HIVE_VARIANTS: Partial<Record<GatewayKey, string>> = { hive: 'default', hiveInbound: 'inbound', hiveOff: 'off', hiveRouter: 'router' };

const PROJECT_OFF_ENV = { RESPONSE_CACHE: 'false', DEDUPLICATE_INBOUND_REQUESTS: 'false', DEDUPLICATE_SUBGRAPH_REQUESTS: 'false' };

export interface StartedGateway {
  key: GatewayKey;
  url: string;
  pid: number;
  child: BenchChild<unknown>;
}

export interface GatewayContext {
  supergraphPath: string;
  logFile: (name: string) => string;
  /** CPUs every gateway is pinned to (taskset -c), or undefined. */
  cpus: string | undefined;
  /** How the project gateway runs: compiled (dist/, plain node) or its sources through tsx. */
  projectEntry: ProjectEntry;
  /** bench/federation/serve-stock.ts, compiled or not (compile.ts). */
  stockEntry: { script: string; plainNode: boolean };
}

export interface ProjectEntry {
  script: string;
  plainNode: boolean;
  description: string;
}

/**
 * The compiled gateway when the project has a build step (scripts/build.mjs, rebuilt here if a
 * source changed), as production runs it; otherwise gateway/src/main.ts through tsx.
 */
export function projectEntry(log: (message: string) => void): ProjectEntry {
  const build = path.join(REPO_ROOT, 'scripts', 'build.mjs');
  const compiled = 'dist/gateway/src/main.js';
  const source: ProjectEntry = { script: 'gateway/src/main.ts', plainNode: false, description: 'gateway/src/main.ts through tsx' };
  if (!existsSync(build)) return source;
  const result = spawnSync(process.execPath, [build, '--if-stale'], { cwd: REPO_ROOT, stdio: ['ignore', 'ignore', 'pipe'], encoding: 'utf8', timeout: 300_000 });
  if (result.status !== 0 || !existsSync(path.join(REPO_ROOT, compiled))) {
    log(`the build (scripts/build.mjs --if-stale) failed, the project gateway runs from its sources: ${(result.stderr ?? '').trim().split('\n').slice(-3).join(' ')}`);
    return { ...source, description: `${source.description} (the build failed)` };
  }
  return { script: compiled, plainNode: true, description: `${compiled} (compiled by scripts/build.mjs), plain node` };
}

export async function startGateway(key: GatewayKey, context: GatewayContext): Promise<StartedGateway> {
  const port = await freePort();
  const common = { NODE_ENV: 'production', PORT: String(port), HOST: '127.0.0.1' };
  const logFile = context.logFile(`federation-${key}`);
  const cpus = context.cpus ? { cpus: context.cpus } : {};
  let child: BenchChild<unknown>;
  let url = `http://127.0.0.1:${port}/graphql`;
  if (key === 'project' || key === 'projectOff') {
    child = await spawnServer({
      name: GATEWAY_LABELS[key],
      script: context.projectEntry.script,
      plainNode: context.projectEntry.plainNode,
      env: { ...common, SUPERGRAPH_PATH: context.supergraphPath, WATCH_SUPERGRAPH: 'false', ...(key === 'projectOff' ? PROJECT_OFF_ENV : {}) },
      logFile,
      healthUrl: `http://127.0.0.1:${port}/health`,
      ...cpus,
    });
  } else if (key === 'stock') {
    const stock = await spawnServer<{ url: string }>({
      name: GATEWAY_LABELS[key],
      ...context.stockEntry,
      env: { ...common, SUPERGRAPH_PATH: context.supergraphPath },
      logFile,
      ...cpus,
    });
    child = stock;
    url = stock.info.url;
  } else {
    const hive = await spawnServer<{ url: string }>({
      name: GATEWAY_LABELS[key],
      script: 'bench/federation/hive/serve.mjs',
      plainNode: true,
      env: { ...common, SUPERGRAPH_PATH: context.supergraphPath, HIVE_VARIANT: HIVE_VARIANTS[key] },
      logFile,
      ...cpus,
    });
    child = hive;
    url = hive.info.url;
  }
  return { key, url, pid: child.pid, child };
}
