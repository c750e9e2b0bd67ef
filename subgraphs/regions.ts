import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { SUBGRAPHS_DIR, SUBSIDIARIES } from './common/registry';
import { runtimeModuleOf } from '../shared/repo-root';
import type { RegionalDefinition, RegionalExtension } from './kit/definition';

/** A folder's optional local additions to the regional template: subgraphs/<key>/extension.ts exporting `extension`. */
export const EXTENSION_FILE = 'extension.ts';

async function extensionOf(key: string): Promise<RegionalExtension | undefined> {
  const file = join(SUBGRAPHS_DIR, key, EXTENSION_FILE);
  if (!existsSync(file)) return undefined;
  // running compiled, its bundle dist/subgraphs/<key>/extension.js (npm run build makes one per folder)
  const compiled = runtimeModuleOf(file);
  if (!existsSync(compiled)) throw new Error(`subgraphs/${key}/${EXTENSION_FILE} has no compiled ${compiled}: the build is out of date, run npm run build`);
  const module = (await import(pathToFileURL(compiled).href)) as { extension?: RegionalExtension };
  if (!module.extension) throw new Error(`subgraphs/${key}/${EXTENSION_FILE} must export \`extension\` (a RegionalExtension: typeDefs and resolvers)`);
  return module.extension;
}

/** Every regional subgraph, in registry order: each folder's subsidiary.json and its extension.ts, if any. */
export const REGIONS: readonly RegionalDefinition[] = await Promise.all(
  SUBSIDIARIES.map(async (subsidiary) => {
    const extension = await extensionOf(subsidiary.key);
    return extension ? { subsidiary, extension } : { subsidiary };
  }),
);
