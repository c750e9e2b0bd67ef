/**
 * The benchmark's own TypeScript servers of this scenario (stock gateway, subgraphs) bundled to plain
 * JavaScript with esbuild (packages stay in node_modules), so that they run on plain node like the
 * compiled project gateway and Hive Gateway: no transpiler in any measured process.
 */
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { REPO_ROOT } from '../processes';

/** Git-ignored and outside eslint's reach (bundles are not source). */
export const COMPILED_DIR = path.join(REPO_ROOT, '.cache', 'bench-federation');

export interface CompiledScripts {
  /** Script paths relative to the repository root, and whether they run on plain node. */
  stock: { script: string; plainNode: boolean };
  subgraph: { script: string; plainNode: boolean };
  /** Why they run through tsx instead, if they do. */
  fallback?: string;
}

export async function compileScripts(): Promise<CompiledScripts> {
  const sources = { stock: 'bench/federation/serve-stock.ts', subgraph: 'bench/federation/serve-subgraph.ts' };
  try {
    const { build } = await import('esbuild');
    mkdirSync(COMPILED_DIR, { recursive: true });
    const scripts = Object.fromEntries(
      await Promise.all(
        Object.entries(sources).map(async ([name, source]) => {
          const outfile = path.join(COMPILED_DIR, `${name}.mjs`);
          await build({ entryPoints: [path.join(REPO_ROOT, source)], outfile, bundle: true, platform: 'node', format: 'esm', target: 'node20', packages: 'external', logLevel: 'error' });
          return [name, { script: path.relative(REPO_ROOT, outfile), plainNode: true }];
        }),
      ),
    ) as Pick<CompiledScripts, 'stock' | 'subgraph'>;
    return scripts;
  } catch (error) {
    return {
      stock: { script: sources.stock, plainNode: false },
      subgraph: { script: sources.subgraph, plainNode: false },
      fallback: `esbuild could not bundle them (${error instanceof Error ? error.message.split('\n')[0] : String(error)}): they run through tsx`,
    };
  }
}
