/**
 * The floor of a federated query: the subgraph requests its query plan makes, sent straight to
 * the subgraphs with no gateway in between.
 *
 * `recordFetches` runs the query once through an in-process stock ApolloGateway (the same query
 * planner as both measured gateways) whose data source writes down every subgraph request (body,
 * start, end). The requests group into stages: a request that starts after one of the running
 * stage's requests has ended depends on it and opens the next stage (for the dashboard: group →
 * four regional `_entities` in parallel → group `_entities` for the @requires fields).
 *
 * `replayPlan` sends those recorded bodies stage by stage (a stage's requests in parallel) from
 * `connections` closed loops over keep-alive sockets: its latency is what a gateway with zero
 * own cost would show; what a gateway adds above it is planning, serialising representations,
 * merging results and its HTTP hops. Like a gateway, the replay signs every request afresh
 * (the subgraphs refuse a signature used twice); that cost (tens of microseconds) is in the floor.
 */
import http from 'node:http';
import { ApolloGateway, RemoteGraphQLDataSource, type GraphQLDataSourceProcessOptions } from '@apollo/gateway';
import { ApolloServer } from '@apollo/server';
import { RequestSigner } from '../platform/request-signing';
import type { SigningKey } from '../platform/signing-keys';
import type { LoadResult } from './load';
import { signCalls, stockSupergraphSdl } from './stock-gateway';

export interface RecordedFetch {
  subgraph: string;
  url: string;
  body: string;
  /** Time of the recording run, ms from its start: only their order matters. */
  start: number;
  end: number;
}

class RecordingDataSource extends RemoteGraphQLDataSource<{ authorization?: string }> {
  constructor(
    private readonly subgraph: string,
    url: string,
    private readonly log: RecordedFetch[],
  ) {
    super({ url });
  }

  override willSendRequest({ request, context }: GraphQLDataSourceProcessOptions<{ authorization?: string }>): void {
    if (context?.authorization) request.http?.headers.set('authorization', context.authorization);
  }

  override async process(options: GraphQLDataSourceProcessOptions<{ authorization?: string }>) {
    const start = performance.now();
    const { http: _http, ...graphqlRequest } = options.request;
    const response = await super.process(options);
    this.log.push({ subgraph: this.subgraph, url: this.url!, body: JSON.stringify(graphqlRequest), start, end: performance.now() });
    return response;
  }
}

/** The subgraph requests one execution of `query` makes, grouped into dependent stages. */
export async function recordFetches(options: {
  supergraphPath: string;
  subgraphUrls: Record<string, string>;
  query: string;
  variables?: Record<string, unknown>;
  authorization?: string;
  /** The gateway's signing key (the subgraphs answer signed calls only). */
  signingKey?: SigningKey;
}): Promise<RecordedFetch[][]> {
  const log: RecordedFetch[] = [];
  const gateway = new ApolloGateway({
    supergraphSdl: stockSupergraphSdl(options.supergraphPath),
    buildService: ({ name, url }) => signCalls(new RecordingDataSource(name, options.subgraphUrls[name] ?? url ?? '', log), name, options.signingKey),
  });
  const server = new ApolloServer<{ authorization?: string }>({ gateway });
  await server.start();
  try {
    const response = await server.executeOperation(
      { query: options.query, variables: options.variables ?? {} },
      { contextValue: options.authorization ? { authorization: options.authorization } : {} },
    );
    if (response.body.kind !== 'single' || response.body.singleResult.errors?.length) {
      throw new Error(`recording run failed: ${JSON.stringify(response.body.kind === 'single' ? response.body.singleResult.errors : response.body.kind)}`);
    }
  } finally {
    await server.stop();
  }
  return stagesOf(log);
}

export function stagesOf(fetches: readonly RecordedFetch[]): RecordedFetch[][] {
  const stages: RecordedFetch[][] = [];
  for (const fetch of [...fetches].sort((a, b) => a.start - b.start)) {
    const current = stages.at(-1);
    if (current && fetch.start < Math.min(...current.map((previous) => previous.end))) current.push(fetch);
    else stages.push([fetch]);
  }
  return stages;
}

interface Target {
  url: URL;
  subgraph: string;
  body: Buffer;
  agent: http.Agent;
}

function post(target: Target, headers: Record<string, string>, signer: RequestSigner | undefined): Promise<{ status: number; body: string }> {
  const sent = { ...headers, 'content-type': 'application/json' };
  const signature = signer ? signer.sign({ method: 'POST', url: target.url.href, headers: sent, body: target.body, target: target.subgraph }) : {};
  return new Promise((resolve, reject) => {
    const request = http.request(
      target.url,
      { method: 'POST', agent: target.agent, headers: { ...sent, ...signature, 'content-length': target.body.length } },
      (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () => resolve({ status: response.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
        response.on('error', reject);
      },
    );
    request.on('error', reject);
    request.end(target.body);
  });
}

/**
 * Replays the recorded stages from `connections` closed loops until `seconds` are up or `amount`
 * replays have started; replays in flight are always finished and counted.
 */
export async function replayPlan(
  label: string,
  stages: readonly (readonly RecordedFetch[])[],
  options: { connections: number; seconds: number; amount?: number; headers?: Record<string, string>; signingKey?: SigningKey },
): Promise<LoadResult> {
  const agents = new Map<string, http.Agent>();
  const agentOf = (url: URL) => {
    let agent = agents.get(url.origin);
    if (!agent) agents.set(url.origin, (agent = new http.Agent({ keepAlive: true, maxSockets: options.connections * 2 })));
    return agent;
  };
  const targets = stages.map((stage) =>
    stage.map((fetch) => {
      const url = new URL(fetch.url);
      return { url, subgraph: fetch.subgraph, body: Buffer.from(fetch.body), agent: agentOf(url) };
    }),
  );
  const headers = options.headers ?? {};
  const signer = options.signingKey ? new RequestSigner(options.signingKey) : undefined;
  const latencies: number[] = [];
  let errors = 0;
  let non2xx = 0;
  let graphqlErrors = 0;
  let firstFailure: string | undefined;
  const started = performance.now();
  const deadline = started + options.seconds * 1000;
  let begun = 0;
  const loop = async () => {
    while (performance.now() < deadline && begun < (options.amount ?? Infinity)) {
      begun += 1;
      const begin = performance.now();
      let failed = false;
      for (const stage of targets) {
        const responses = await Promise.allSettled(stage.map((target) => post(target, headers, signer)));
        for (const response of responses) {
          if (response.status === 'rejected') {
            errors += 1;
            failed = true;
            firstFailure ??= `request error: ${String(response.reason)}`;
          } else if (response.value.status !== 200) {
            non2xx += 1;
            failed = true;
            firstFailure ??= `${response.value.status} ${response.value.body.slice(0, 300)}`;
          } else if (response.value.body.includes('"errors":')) {
            graphqlErrors += 1;
            failed = true;
            firstFailure ??= `200 ${response.value.body.slice(0, 300)}`;
          }
        }
        if (failed) break;
      }
      if (!failed) latencies.push(performance.now() - begin);
    }
  };
  await Promise.all(Array.from({ length: options.connections }, loop));
  const seconds = (performance.now() - started) / 1000;
  for (const agent of agents.values()) agent.destroy();
  const sorted = Float64Array.from(latencies).sort();
  return {
    label,
    connections: options.connections,
    seconds,
    requests: sorted.length,
    requestsPerSecond: sorted.length / seconds,
    latencies: sorted,
    errors,
    non2xx,
    graphqlErrors,
    ...(firstFailure ? { firstFailure } : {}),
  };
}
