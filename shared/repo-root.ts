/**
 * Where the project's files are, whether this code runs from its TypeScript sources (tsx, the
 * tests) or from the compiled bundles in dist/ (`npm run build`; what `npm start` and the image
 * run). A bundle's `import.meta.url` is the bundle's own file, not the source module's, so files
 * the code reads (subgraphs/<name>/subsidiary.json, seed data, the supergraph, .cache/) are found
 * from the project's root instead: the nearest folder above this module holding a package.json.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const HERE = path.dirname(fileURLToPath(import.meta.url));

function nearestPackageRoot(from: string): string {
  for (let dir = from; ; dir = path.dirname(dir)) {
    if (existsSync(path.join(dir, 'package.json'))) return dir;
    if (path.dirname(dir) === dir) throw new Error(`No package.json in ${from} or any folder above it`);
  }
}

export const REPO_ROOT = nearestPackageRoot(HERE);
/** The compiled JavaScript (`npm run build`). */
export const DIST_DIR = path.join(REPO_ROOT, 'dist');
/** True in a process started from dist/ (plain node, no TypeScript loader). */
export const RUNNING_COMPILED = HERE === DIST_DIR || HERE.startsWith(DIST_DIR + path.sep);

/** A path inside the project: `fromRoot('schema', 'supergraph.graphql')`. */
export function fromRoot(...segments: string[]): string {
  return path.join(REPO_ROOT, ...segments);
}

/**
 * The file to import for a TypeScript module of the project that is loaded by path at run time
 * (subgraphs/<name>/extension.ts): the source itself, or, when running compiled, its bundle in
 * dist/ (which `npm run build` makes for every such module).
 */
export function runtimeModuleOf(sourceFile: string): string {
  if (!RUNNING_COMPILED) return sourceFile;
  return path.join(DIST_DIR, path.relative(REPO_ROOT, sourceFile)).replace(/\.ts$/, '.js');
}
