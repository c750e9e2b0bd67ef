import { readFileSync, watch, type FSWatcher } from 'node:fs';
import { dirname } from 'node:path';
import type { SupergraphSdlHook } from '@apollo/gateway';

/**
 * Serves the supergraph from a file, and hands the gateway the new schema when the file
 * changes (a composition that fails to load keeps the previous schema and logs why).
 */
export function supergraphFromFile(path: string, watchForChanges: boolean): SupergraphSdlHook {
  return async ({ update, healthCheck }) => {
    const read = () => readFileSync(path, 'utf8');
    let current = read();
    let watcher: FSWatcher | undefined;
    let timer: NodeJS.Timeout | undefined;
    if (watchForChanges) {
      // Watches the directory, not the file: a watch on the file follows its inode, so it goes deaf
      // after the first atomic replace (write elsewhere + rename, or a Kubernetes config map's
      // symlink swap). Any change in the directory rereads the file; unchanged content is ignored.
      watcher = watch(dirname(path), () => {
        clearTimeout(timer);
        timer = setTimeout(async () => {
          try {
            const next = read();
            if (next === current || next.trim() === '') return;
            // remembered even if it fails to load, so unrelated changes in the directory do not retry it
            current = next;
            await healthCheck(next).catch((error: unknown) => console.warn(`[gateway] subgraph health check failed after supergraph change: ${String(error)}`));
            update(next);
            console.log(`[gateway] reloaded supergraph from ${path}`);
          } catch (error) {
            console.error(`[gateway] kept the previous supergraph; ${path} did not load: ${String(error)}`);
          }
        }, 100);
      });
    }
    return {
      supergraphSdl: current,
      cleanup: async () => {
        clearTimeout(timer);
        watcher?.close();
      },
    };
  };
}
