import type { Gauge } from 'prom-client';
import { sendJson, type Route } from '../../platform/http';
import type { CircuitBreakers, CircuitSnapshot } from './circuit-breaker';
import { checkSubgraphs, type SubgraphEndpoint, type SubgraphReadiness } from './readiness';

export interface SubgraphStatus extends SubgraphReadiness {
  /** The subgraph's circuit breaker; absent with CIRCUIT_BREAKER=false or before its first call. */
  circuit?: CircuitSnapshot;
}

export interface SubgraphStatusOptions {
  /** The subgraphs of the supergraph in force; undefined until one is loaded. */
  endpoints: () => readonly SubgraphEndpoint[] | undefined;
  /** How long each subgraph's probe may take (READY_TIMEOUT_MS). */
  timeoutMs: number;
  circuits?: CircuitBreakers;
  /** gateway_subgraph_up, set from every check. */
  up?: Gauge<'subgraph'>;
}

/**
 * Per-subgraph state, apart from the gateway's own readiness (a gateway serves partial answers
 * while a subgraph is down): each subgraph's probe (its /ready) and circuit.
 */
export function subgraphStatus(options: SubgraphStatusOptions) {
  async function check(): Promise<Record<string, SubgraphStatus> | undefined> {
    const endpoints = options.endpoints();
    if (!endpoints) return undefined;
    const { subgraphs } = await checkSubgraphs(endpoints, options.timeoutMs);
    options.up?.reset();
    const status: Record<string, SubgraphStatus> = {};
    for (const [name, readiness] of Object.entries(subgraphs)) {
      options.up?.set({ subgraph: name }, readiness.status === 'up' ? 1 : 0);
      const circuit = options.circuits?.snapshot(name);
      status[name] = { ...readiness, ...(circuit ? { circuit } : {}) };
    }
    return status;
  }

  /** GET `path`: 200 with every subgraph's state while a supergraph is loaded, 503 before. */
  function route(path = '/subgraphs'): Route {
    return async (request, response) => {
      if (request.method !== 'GET' || new URL(request.url ?? '/', 'http://localhost').pathname !== path) return false;
      const subgraphs = await check();
      if (!subgraphs) sendJson(response, 503, { supergraph: 'not loaded' });
      else sendJson(response, 200, { supergraph: 'loaded', subgraphs });
      return true;
    };
  }

  return { check, route };
}
