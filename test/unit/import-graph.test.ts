import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { importCycles, importGraph, type ImportGraph } from '../harness/import-graph';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
/** Every folder of TypeScript the project runs or tests (tsconfig.json's include). */
const FOLDERS = ['gateway', 'subgraphs', 'platform', 'shared', 'schema', 'scripts', 'seed', 'test', 'bench', 'tools'];

function reachableFrom(graph: ImportGraph, starts: readonly string[]): Map<string, string> {
  const via = new Map<string, string>(starts.map((start) => [start, start]));
  const queue = [...starts];
  while (queue.length > 0) {
    const file = queue.shift()!;
    for (const next of graph.get(file) ?? []) {
      if (!via.has(next)) {
        via.set(next, file);
        queue.push(next);
      }
    }
  }
  return via;
}

/** The import chain from one of `starts` to `file`, for the failure message. */
function chain(via: Map<string, string>, file: string): string {
  const path = [file];
  while (via.get(path[0]!) !== path[0]) path.unshift(via.get(path[0]!)!);
  return path.join(' -> ');
}

describe('the import graph', () => {
  const graph = importGraph(ROOT, FOLDERS);
  const files = [...graph.keys()];

  it('is read from the project', () => {
    // the scanner sees the imports this test is about: a broken scanner would find nothing to refuse
    expect(files.length).toBeGreaterThan(200);
    expect(graph.get('gateway/src/server.ts')).toContain('gateway/src/service-labels.ts');
    expect(graph.get('platform/http.ts')).toContain('platform/route.ts');
    expect(importCycles(new Map([['a.ts', ['b.ts']], ['b.ts', ['c.ts']], ['c.ts', ['a.ts']], ['d.ts', ['d.ts']]]))).toEqual([
      { files: ['a.ts', 'b.ts', 'c.ts'], cycle: ['a.ts', 'b.ts', 'c.ts', 'a.ts'] },
      { files: ['d.ts'], cycle: ['d.ts', 'd.ts'] },
    ]);
  });

  it('keeps the gateway general: nothing under gateway/ imports subgraphs/, directly or through another module', () => {
    const via = reachableFrom(graph, files.filter((file) => file.startsWith('gateway/')));
    const tied = [...via.keys()].filter((file) => file.startsWith('subgraphs/')).map((file) => chain(via, file));
    expect(tied, `the gateway must serve any supergraph; these imports tie it to this project's subgraphs:\n${tied.join('\n')}`).toEqual([]);
  });

  it('keeps platform/ and shared/ neutral: they import neither the gateway nor the subgraphs', () => {
    const via = reachableFrom(graph, files.filter((file) => file.startsWith('platform/') || file.startsWith('shared/')));
    const tied = [...via.keys()].filter((file) => file.startsWith('subgraphs/') || file.startsWith('gateway/')).map((file) => chain(via, file));
    expect(tied).toEqual([]);
  });

  it('has no import cycle', () => {
    const listed = importCycles(graph).map(({ files: members, cycle }) => `${cycle.join(' -> ')}${members.length > cycle.length - 1 ? `  (all of: ${members.join(', ')})` : ''}`);
    expect(listed, `import cycles (keep types apart from the modules that use them):\n${listed.join('\n')}`).toEqual([]);
  });
});
