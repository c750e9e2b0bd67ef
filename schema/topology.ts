import { GATEWAY_DEFAULT_PORT, GROUP_SUBGRAPH, SUBSIDIARIES, type SubsidiaryConfig } from '../subgraphs/common/registry';

/**
 * The distributed deployment's shape, shared by the renderers of docker-compose.yml,
 * deploy/haproxy.cfg and deploy/kubernetes/ (docs/scaling.md): which services exist, their
 * names, images and the connection strings between them.
 */

/** A subgraph process: the group's, or a subsidiary's (then with its config). */
export interface SubgraphNode {
  name: string;
  port: number;
  subsidiary?: SubsidiaryConfig;
}

export function subgraphNodes(subsidiaries: readonly SubsidiaryConfig[] = SUBSIDIARIES): SubgraphNode[] {
  return [
    { name: GROUP_SUBGRAPH.key, port: GROUP_SUBGRAPH.defaultPort },
    ...subsidiaries.map((subsidiary) => ({ name: subsidiary.key, port: subsidiary.defaultPort, subsidiary })),
  ];
}

export const GATEWAY_PORT = GATEWAY_DEFAULT_PORT;

/** The gateway replicas of the compose file, behind the load balancer. */
export const GATEWAY_REPLICAS = ['gateway-1', 'gateway-2'] as const;

/**
 * How long a gateway told to stop keeps serving with /ready at 503 (DRAIN_DELAY_MS), so that the
 * load balancer has taken it out before it stops accepting; above HAProxy's 2 checks 2 s apart.
 */
export const GATEWAY_DRAIN_DELAY_MS = 5_000;

export const IMAGES = {
  app: 'csr-federation:local',
  mongodb: 'mongo:8',
  redis: 'redis:7',
  loadBalancer: 'haproxy:3.0',
} as const;

export const REPLICA_SET = 'rs0';
export const MONGODB_MEMBERS = ['mongodb-1', 'mongodb-2', 'mongodb-3'] as const;
export const MONGODB_PORT = 27017;

/** Every member, the replica set's name and majority writes (transactions follow from the replica set: subgraphs/common/transactions.ts). */
export function replicaSetUri(hosts: readonly string[]): string {
  return `mongodb://${hosts.map((host) => `${host}:${MONGODB_PORT}`).join(',')}/?replicaSet=${REPLICA_SET}&w=majority`;
}

export const REDIS_SERVICE = 'redis';
export const REDIS_PORT = 6379;
export const redisUrl = (host: string) => `redis://${host}:${REDIS_PORT}`;

/**
 * Redis holds the shared response cache only: nothing to persist (a restart costs hits, not data),
 * a memory cap that evicts only keys with a time to live (cached answers), never the bookkeeping.
 */
export const REDIS_ARGS = ['--save', '', '--appendonly', 'no', '--maxmemory', '256mb', '--maxmemory-policy', 'volatile-lru'] as const;

/** The URL the gateway calls a subgraph at, as SUBGRAPH_URL_<NAME> gives it. */
export function subgraphUrlVariable(node: SubgraphNode, host = node.name): [string, string] {
  return [`SUBGRAPH_URL_${node.name.toUpperCase()}`, `http://${host}:${node.port}/graphql`];
}

/**
 * What each app container runs (the Dockerfile's image): the server is the container's process
 * itself, so SIGTERM reaches it. docker-compose.yml and deploy/kubernetes/ both take them from here.
 */
export const COMMANDS = {
  gateway: ['node', 'dist/gateway/src/main.js'],
  subgraph: (name: string) => ['node', 'dist/subgraphs/main.js', name],
  seed: ['node', 'dist/scripts/seed.js'],
} as const;

/** A command as a YAML flow sequence: ["node", "…"]. */
export const flowList = (items: readonly string[]) => `[${items.map((item) => JSON.stringify(item)).join(', ')}]`;
