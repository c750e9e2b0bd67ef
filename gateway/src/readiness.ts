/** A subgraph as the loaded supergraph names it, with the URL the gateway actually calls. */
export interface SubgraphEndpoint {
  name: string;
  url: string;
}

/** The subgraphs of a supergraph (its `join__Graph` values), with SUBGRAPH_URL_<NAME> overrides applied. */
export function subgraphEndpoints(supergraphSdl: string, overrides: Record<string, string>): SubgraphEndpoint[] {
  const endpoints: SubgraphEndpoint[] = [];
  for (const match of supergraphSdl.matchAll(/@join__graph\(\s*name:\s*"([^"]+)"\s*,\s*url:\s*"([^"]*)"\s*\)/g)) {
    const name = match[1]!;
    endpoints.push({ name, url: overrides[name] ?? match[2]! });
  }
  return endpoints;
}

export interface SubgraphReadiness {
  status: 'up' | 'down';
  /** How it was asked: its /ready route, or (a subgraph without one) a `{ __typename }` query. */
  via?: 'ready' | 'query';
  detail?: string;
  ms: number;
}

async function probe(url: string, timeoutMs: number): Promise<Omit<SubgraphReadiness, 'ms'>> {
  const signal = AbortSignal.timeout(timeoutMs);
  try {
    const ready = await fetch(new URL('/ready', url), { signal });
    await ready.body?.cancel().catch(() => undefined);
    if (ready.ok) return { status: 'up', via: 'ready' };
    if (ready.status !== 404) return { status: 'down', via: 'ready', detail: `HTTP ${ready.status}` };
    // a subgraph of another project may have no /ready: its GraphQL endpoint answering is enough
    const query = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'apollo-require-preflight': 'true' },
      body: JSON.stringify({ query: 'query __ApolloServiceHealthCheck__ { __typename }' }),
      signal,
    });
    await query.body?.cancel().catch(() => undefined);
    return query.ok ? { status: 'up', via: 'query' } : { status: 'down', via: 'query', detail: `HTTP ${query.status}` };
  } catch (error) {
    return { status: 'down', detail: signal.aborted ? `no answer within ${timeoutMs} ms` : String((error as { cause?: { code?: unknown } }).cause?.code ?? 'connection failed') };
  }
}

/** Asks every subgraph, in parallel, whether it is ready; each within `timeoutMs`. */
export async function checkSubgraphs(endpoints: readonly SubgraphEndpoint[], timeoutMs: number): Promise<{ ok: boolean; subgraphs: Record<string, SubgraphReadiness> }> {
  const results = await Promise.all(
    endpoints.map(async (endpoint) => {
      const started = Date.now();
      const result = await probe(endpoint.url, timeoutMs);
      return [endpoint.name, { ...result, ms: Date.now() - started }] as const;
    }),
  );
  return { ok: results.every(([, result]) => result.status === 'up'), subgraphs: Object.fromEntries(results) };
}

/**
 * Does the subgraph answer HTTP at all (its /health; any status below 500 counts, so a subgraph of
 * another project without that route answers too)? The circuit breaker's probe: no token needed.
 */
export async function answersHealth(url: string, timeoutMs: number): Promise<boolean> {
  try {
    const response = await fetch(new URL('/health', url), { signal: AbortSignal.timeout(timeoutMs) });
    await response.body?.cancel().catch(() => undefined);
    return response.status < 500;
  } catch {
    return false;
  }
}
