import path from 'node:path';
import { REPO_ROOT } from '../platform/mongo-server';

/**
 * Where `npm start`'s embedded MongoDB keeps its data: on disk in EMBEDDED_MONGO_DATA_DIR (default
 * .data/mongo) unless EMBEDDED_MONGO_DATA=memory or `--ephemeral` asks for a throwaway run.
 */
export type EmbeddedData = { kind: 'disk'; dir: string } | { kind: 'memory' };

export const DEFAULT_DATA_DIR = path.join(REPO_ROOT, '.data', 'mongo');

export class EmbeddedDataError extends Error {}

export function embeddedData(env: NodeJS.ProcessEnv, argv: readonly string[]): EmbeddedData {
  const unknown = argv.filter((arg) => arg !== '--ephemeral');
  if (unknown.length > 0) throw new EmbeddedDataError(`npm start takes only --ephemeral, not ${unknown.join(' ')}`);
  const mode = (env.EMBEDDED_MONGO_DATA ?? 'disk').trim().toLowerCase();
  if (mode !== 'disk' && mode !== 'memory') throw new EmbeddedDataError(`EMBEDDED_MONGO_DATA must be disk or memory, not "${mode}"`);
  if (mode === 'memory' || argv.includes('--ephemeral')) return { kind: 'memory' };
  const dir = env.EMBEDDED_MONGO_DATA_DIR?.trim();
  return { kind: 'disk', dir: dir ? path.resolve(dir) : DEFAULT_DATA_DIR };
}
