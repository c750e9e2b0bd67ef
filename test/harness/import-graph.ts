import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import ts from 'typescript';

/** The project's own TypeScript files and what each imports (type-only imports included), as project-relative paths. */
export type ImportGraph = Map<string, string[]>;

const SKIPPED = new Set(['node_modules', '.cache', '.git', 'target', 'dist']);

function sourceFiles(root: string, folder: string): string[] {
  const files: string[] = [];
  for (const entry of readdirSync(join(root, folder))) {
    if (SKIPPED.has(entry)) continue;
    const path = join(folder, entry);
    if (statSync(join(root, path)).isDirectory()) files.push(...sourceFiles(root, path));
    else if (entry.endsWith('.ts') && !entry.endsWith('.d.ts')) files.push(path);
  }
  return files;
}

/** A relative specifier as the bundler resolution of tsconfig.json resolves it: the file, `.ts`, or the folder's index.ts. */
function resolveRelative(root: string, from: string, specifier: string): string | undefined {
  const target = resolve(root, dirname(from), specifier);
  const candidates = [target, `${target}.ts`, join(target, 'index.ts'), target.replace(/\.js$/, '.ts')];
  const found = candidates.find((candidate) => candidate.endsWith('.ts') && existsSync(candidate) && statSync(candidate).isFile());
  return found ? relative(root, found).split(sep).join('/') : undefined;
}

/**
 * Every static import and re-export of every .ts file under `folders` (TypeScript's own scanner,
 * so comments and strings are never mistaken for imports); dynamic `import()` is left out: it does
 * not run when the importing module loads. Only the project's files are nodes: packages are not.
 */
export function importGraph(root: string, folders: readonly string[]): ImportGraph {
  const graph: ImportGraph = new Map();
  for (const file of folders.filter((folder) => existsSync(join(root, folder))).flatMap((folder) => sourceFiles(root, folder))) {
    const path = file.split(sep).join('/');
    const text = readFileSync(join(root, file), 'utf8');
    const imported = ts.preProcessFile(text, true, false).importedFiles.map((reference) => reference.fileName);
    const dynamic = new Set([...text.matchAll(/\bimport\(\s*['"]([^'"]+)['"]\s*\)/g)].map((match) => match[1]!));
    const targets = imported
      .filter((specifier) => specifier.startsWith('.') && !dynamic.has(specifier))
      .map((specifier) => resolveRelative(root, path, specifier))
      .filter((target): target is string => target !== undefined);
    graph.set(path, [...new Set(targets)].sort());
  }
  return graph;
}

/** Files that import each other in a circle: all of them, and one shortest cycle through the first (ending where it starts). */
export interface ImportCycle {
  files: string[];
  cycle: string[];
}

/** The graph's import cycles: one per strongly connected component (Tarjan). */
export function importCycles(graph: ImportGraph): ImportCycle[] {
  let counter = 0;
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const components: string[][] = [];
  const visit = (node: string): void => {
    index.set(node, counter);
    low.set(node, counter);
    counter += 1;
    stack.push(node);
    onStack.add(node);
    for (const next of graph.get(node) ?? []) {
      if (!index.has(next)) {
        visit(next);
        low.set(node, Math.min(low.get(node)!, low.get(next)!));
      } else if (onStack.has(next)) {
        low.set(node, Math.min(low.get(node)!, index.get(next)!));
      }
    }
    if (low.get(node) === index.get(node)) {
      const component: string[] = [];
      let member: string;
      do {
        member = stack.pop()!;
        onStack.delete(member);
        component.push(member);
      } while (member !== node);
      if (component.length > 1 || (graph.get(node) ?? []).includes(node)) components.push(component.sort());
    }
  };
  for (const node of [...graph.keys()].sort()) if (!index.has(node)) visit(node);
  return components.map((files) => ({ files, cycle: shortestCycle(graph, files) })).sort((a, b) => a.files[0]!.localeCompare(b.files[0]!));
}

/** A shortest cycle through the component's first file, by breadth-first search inside the component. */
function shortestCycle(graph: ImportGraph, component: string[]): string[] {
  const members = new Set(component);
  const start = component[0]!;
  const previous = new Map<string, string>();
  const queue = [start];
  while (queue.length > 0) {
    const node = queue.shift()!;
    for (const next of graph.get(node) ?? []) {
      if (!members.has(next)) continue;
      if (next === start) {
        const path = [node];
        while (path[0] !== start) path.unshift(previous.get(path[0]!)!);
        return [...path, start];
      }
      if (!previous.has(next)) {
        previous.set(next, node);
        queue.push(next);
      }
    }
  }
  return [start, start];
}
