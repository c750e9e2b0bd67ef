import { readFileSync, watch, type FSWatcher } from 'node:fs';
import { dirname } from 'node:path';
import type { SupergraphSdlHook } from '@apollo/gateway';
import type { Logger } from '../../platform/logger';

/**
 * Serves the supergraph from a file, and hands the gateway the new schema when the file changes
 * (a composition that fails to load keeps the previous schema). Each reload is one JSON log line:
 * `supergraph_reloaded` or `supergraph_reload_failed`, with the path. No health check runs on
 * reload: Apollo's would query every subgraph without a token (a 401 from each of ours); the
 * subgraphs' state is at GET /subgraphs.
 */
export function supergraphFromFile(path: string, watchForChanges: boolean, logger?: Logger): SupergraphSdlHook {
  return async ({ update }) => {
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
        timer = setTimeout(() => {
          try {
            const next = read();
            if (next === current || next.trim() === '') return;
            // remembered even if it fails to load, so unrelated changes in the directory do not retry it
            current = next;
            update(next);
            logger?.info({ event: 'supergraph_reloaded', path }, 'reloaded the supergraph');
          } catch (error) {
            logger?.error({ event: 'supergraph_reload_failed', path, error: error instanceof Error ? error.message : String(error) }, 'kept the previous supergraph: the file did not load');
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
