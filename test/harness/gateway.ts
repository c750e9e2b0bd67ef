/** A gateway of a test's own over a running stack's subgraphs, with its log lines captured. */
import { Writable } from 'node:stream';
import { loadGatewayConfig } from '../../gateway/src/config';
import { createGateway, type GatewayOptions } from '../../gateway/src/server';
import type { RunningServer } from '../../platform/http';
import { createLogger, type Logger } from '../../platform/logger';
import { SUPERGRAPH_PATH } from '../../scripts/stack';
import type { SeededStack } from './stack';

/** A logger writing JSON lines into `lines` (each parsed), at debug level. */
export function capturedLogger(service = 'gateway'): { logger: Logger; lines: Record<string, unknown>[] } {
  const lines: Record<string, unknown>[] = [];
  const destination = new Writable({
    write(chunk, _encoding, done) {
      for (const line of chunk.toString().split('\n').filter(Boolean)) lines.push(JSON.parse(line) as Record<string, unknown>);
      done();
    },
  });
  return { logger: createLogger(service, { level: 'debug', destination }), lines };
}

/**
 * Starts a gateway over the stack's subgraphs (their URLs, its token settings and signing key) with `env` on top
 * (e.g. SUBGRAPH_URL_INDIA pointing at a proxy); the caller closes it.
 */
export async function startGatewayOver(stack: SeededStack, env: NodeJS.ProcessEnv, options: GatewayOptions = {}): Promise<RunningServer> {
  const urls = Object.fromEntries([...stack.stack.subgraphs.values()].map((subgraph) => [`SUBGRAPH_URL_${subgraph.name.toUpperCase()}`, subgraph.server.url]));
  const loaded = loadGatewayConfig({ WATCH_SUPERGRAPH: 'false', SUPERGRAPH_PATH, ...urls, ...env }, []);
  // the stack's token settings and signing key: its subgraphs answer entities to signed calls only
  const config = { ...loaded, auth: stack.stack.auth, signing: { ...loaded.signing, key: stack.stack.signingKey } };
  return createGateway(config, options).listen(0, '127.0.0.1');
}
