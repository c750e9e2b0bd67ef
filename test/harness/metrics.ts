/** Reading a server's Prometheus metrics (GET /metrics) in tests. */

/** The /metrics URL of a server whose GraphQL URL is given. */
export function metricsUrl(graphqlUrl: string): string {
  return new URL('/metrics', graphqlUrl).toString();
}

/** Every sample of one metric: its labels and value. */
export async function samples(graphqlUrl: string, name: string): Promise<{ labels: Record<string, string>; value: number }[]> {
  const text = await (await fetch(metricsUrl(graphqlUrl))).text();
  const found: { labels: Record<string, string>; value: number }[] = [];
  for (const line of text.split('\n')) {
    const match = /^(\w+)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!match || match[1] !== name) continue;
    const labels = Object.fromEntries([...(match[2] ?? '').matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)].map((label) => [label[1]!, label[2]!]));
    found.push({ labels, value: Number(match[3]) });
  }
  return found;
}

/** Sum of a metric's samples by one label. */
export async function sumBy(graphqlUrl: string, name: string, label: string): Promise<Map<string, number>> {
  const sums = new Map<string, number>();
  for (const sample of await samples(graphqlUrl, name)) {
    const key = sample.labels[label] ?? '';
    sums.set(key, (sums.get(key) ?? 0) + sample.value);
  }
  return sums;
}

/**
 * HTTP calls the gateway made to each subgraph while `action` ran (every attempt, as its
 * gateway_subgraph_fetch_duration_seconds histogram counts them). Read from the gateway, which
 * answers only after its subgraph calls are done: nothing is still on its way when counted.
 */
export async function countSubgraphFetches(gatewayUrl: string, action: () => Promise<unknown>): Promise<Map<string, number>> {
  const before = await sumBy(gatewayUrl, 'gateway_subgraph_fetch_duration_seconds_count', 'subgraph');
  await action();
  const after = await sumBy(gatewayUrl, 'gateway_subgraph_fetch_duration_seconds_count', 'subgraph');
  const counts = new Map<string, number>();
  for (const [subgraph, value] of after) {
    const made = value - (before.get(subgraph) ?? 0);
    if (made > 0) counts.set(subgraph, made);
  }
  return counts;
}

/** The total of a map of counts. */
export function total(counts: Map<string, number> | Map<string, unknown[]>): number {
  let sum = 0;
  for (const value of counts.values()) sum += Array.isArray(value) ? value.length : (value as number);
  return sum;
}
