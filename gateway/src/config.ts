import { resolve } from 'node:path';

/** Everything the gateway reads from its environment and command line, parsed and checked once. */
export interface GatewayConfig {
  supergraphPath: string;
  port: number;
  host: string;
  /** Replaces the URL the supergraph gives a subgraph, by subgraph name. */
  subgraphUrls: Record<string, string>;
  production: boolean;
  introspection: boolean;
  /** Reload the supergraph file when it changes. */
  watchSupergraph: boolean;
  subgraphTimeoutMs: number;
  maxBodyBytes: number;
}

export class ConfigError extends Error {}

function flag(argv: readonly string[], name: string): string | undefined {
  const index = argv.findIndex((arg) => arg === `--${name}` || arg.startsWith(`--${name}=`));
  if (index === -1) return undefined;
  const arg = argv[index]!;
  return arg.includes('=') ? arg.slice(arg.indexOf('=') + 1) : argv[index + 1];
}

function integer(value: string | undefined, name: string, fallback: number, min: number, max: number): number {
  if (value === undefined || value === '') return fallback;
  const parsed = Number(value);
  if (!Number.isInteger(parsed) || parsed < min || parsed > max) throw new ConfigError(`${name} must be a whole number from ${min} to ${max}, got "${value}"`);
  return parsed;
}

function boolean(value: string | undefined, name: string, fallback: boolean): boolean {
  if (value === undefined || value === '') return fallback;
  if (['1', 'true', 'yes'].includes(value.toLowerCase())) return true;
  if (['0', 'false', 'no'].includes(value.toLowerCase())) return false;
  throw new ConfigError(`${name} must be true or false, got "${value}"`);
}

/** SUBGRAPH_URL_INDIA=http://… overrides the URL of subgraph "india". */
function subgraphUrls(env: NodeJS.ProcessEnv): Record<string, string> {
  const urls: Record<string, string> = {};
  for (const [name, value] of Object.entries(env)) {
    if (!name.startsWith('SUBGRAPH_URL_') || !value) continue;
    try {
      new URL(value);
    } catch {
      throw new ConfigError(`${name} is not a URL: "${value}"`);
    }
    urls[name.slice('SUBGRAPH_URL_'.length).toLowerCase()] = value;
  }
  return urls;
}

export function loadGatewayConfig(env: NodeJS.ProcessEnv = process.env, argv: readonly string[] = process.argv.slice(2)): GatewayConfig {
  const production = env.NODE_ENV === 'production';
  return {
    supergraphPath: resolve(flag(argv, 'supergraph') ?? env.SUPERGRAPH_PATH ?? 'schema/supergraph.graphql'),
    port: integer(flag(argv, 'port') ?? env.PORT ?? env.GATEWAY_PORT, 'PORT', 4000, 0, 65535),
    host: flag(argv, 'host') ?? env.HOST ?? '127.0.0.1',
    subgraphUrls: subgraphUrls(env),
    production,
    introspection: boolean(env.INTROSPECTION, 'INTROSPECTION', !production),
    watchSupergraph: boolean(env.WATCH_SUPERGRAPH, 'WATCH_SUPERGRAPH', true),
    subgraphTimeoutMs: integer(env.SUBGRAPH_TIMEOUT_MS, 'SUBGRAPH_TIMEOUT_MS', 10_000, 100, 600_000),
    maxBodyBytes: integer(env.MAX_BODY_BYTES, 'MAX_BODY_BYTES', 1_048_576, 1_024, 104_857_600),
  };
}
