/**
 * The distributed layout of docker-compose.yml (docs/scaling.md): a MongoDB replica set initiated
 * by a one-shot service, Redis shared by every server, two gateway replicas behind HAProxy. The
 * YAML, the load balancer's config (and `haproxy -c` where HAProxy is installed) and the servers'
 * own config loaders over the environment compose gives them. docker-compose.int.test.ts checks the
 * rest of the file; no Docker engine is needed.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { MongoClient } from 'mongodb';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { loadGatewayConfig } from '../../gateway/src/config';
import { renderHaproxyConfig } from '../../schema/haproxy';
import { GROUP_SUBGRAPH, SUBSIDIARIES } from '../../subgraphs/common/registry';
import { loadMongoTuning, loadSubgraphEdge } from '../../subgraphs/config';
import { loadSubgraphReporting } from '../../subgraphs/reporting-config';
import { deploymentKeys } from '../harness/deployment-keys';
import { ROOT } from '../harness/server-sources';

interface Service {
  image?: string;
  build?: unknown;
  command?: string[];
  environment?: Record<string, string | number | null>;
  depends_on?: Record<string, { condition?: string }>;
  healthcheck?: { test?: string[] };
  ports?: string[];
  volumes?: string[];
  restart?: string;
}

const file = parse(readFileSync(join(ROOT, 'docker-compose.yml'), 'utf8')) as { services: Record<string, Service> };
const services = file.services;
const service = (name: string): Service => {
  const found = services[name];
  if (!found) throw new Error(`docker-compose.yml has no service "${name}"`);
  return found;
};
const environment = (of: Service) => Object.fromEntries(Object.entries(of.environment ?? {}).map(([name, value]) => [name, value === null ? '' : String(value)]));
const dependencies = (of: Service) => Object.fromEntries(Object.entries(of.depends_on ?? {}).map(([name, value]) => [name, value.condition]));

const MEMBERS = ['mongodb-1', 'mongodb-2', 'mongodb-3'];
const GATEWAYS = ['gateway-1', 'gateway-2'];
const SUBGRAPHS = [GROUP_SUBGRAPH.key, ...SUBSIDIARIES.map((subsidiary) => subsidiary.key)];
const HAPROXY_FILE = join(ROOT, 'deploy', 'haproxy.cfg');
const INIT_SCRIPT = join(ROOT, 'deploy', 'mongodb-replica-set.js');

/** A compose value with `${NAME}`, `${NAME:-default}` and `${NAME:?message}` substituted from `env`. */
function interpolate(text: string, env: Record<string, string>): string {
  return text.replace(/\$\{([A-Z0-9_]+)(?::([-?])([^}]*))?\}/g, (_match, name: string, kind: string | undefined, rest: string | undefined) => {
    if (env[name] !== undefined && env[name] !== '') return env[name]!;
    if (kind === '?') throw new Error(`${name} is required: ${rest}`);
    return kind === '-' ? (rest ?? '') : '';
  });
}

/** A service's environment as compose would pass it, from the keys of `npm run -s keys` and NODE_ENV=production. */
function composedEnvironment(name: string): NodeJS.ProcessEnv {
  const given = { ...deploymentKeys(), NODE_ENV: 'production' };
  return Object.fromEntries(Object.entries(environment(service(name))).map(([variable, value]) => [variable, interpolate(value, given)]));
}

describe('MongoDB: a three-member replica set, initiated once', () => {
  it.each(MEMBERS)('%s runs mongod in replica set rs0, reachable from the other services', (member) => {
    expect(service(member).command).toEqual(['mongod', '--replSet', 'rs0', '--bind_ip_all']);
  });

  it('mongodb-init runs the committed script with mongosh on the first member, once every member is healthy, and exits', () => {
    const init = service('mongodb-init');
    expect(init.image).toBe(service(MEMBERS[0]!).image);
    expect(init.command?.slice(0, 4)).toEqual(['mongosh', '--quiet', '--host', 'mongodb-1:27017']);
    const mounted = init.command!.at(-1)!;
    expect(init.volumes).toEqual([`./deploy/mongodb-replica-set.js:${mounted}:ro`]);
    expect(existsSync(INIT_SCRIPT)).toBe(true);
    expect(dependencies(init)).toEqual(Object.fromEntries(MEMBERS.map((member) => [member, 'service_healthy'])));
    expect(init.restart).toBe('no');
  });

  it('hands the script the set the members run, every member, and nothing else', () => {
    const env = environment(service('mongodb-init'));
    expect(env.REPLICA_SET).toBe('rs0');
    expect(env.REPLICA_SET_MEMBERS!.split(',')).toEqual(MEMBERS.map((member) => `${member}:27017`));
  });

  it('the script parses, reads those variables, initiates only an uninitiated set and waits for a majority write', () => {
    const check = spawnSync(process.execPath, ['--check', INIT_SCRIPT], { encoding: 'utf8' });
    expect(check.status, check.stderr).toBe(0);
    const script = readFileSync(INIT_SCRIPT, 'utf8');
    expect(script).toContain('process.env.REPLICA_SET');
    expect(script).toContain('process.env.REPLICA_SET_MEMBERS');
    expect(script).toMatch(/NotYetInitialized/);
    expect(script).toMatch(/rs\.initiate\(/);
    expect(script).toMatch(/w: 'majority'/);
  });

  it('every service with MONGODB_URI connects to the whole set with majority writes (as the driver reads the URI), after the init', async () => {
    const users = Object.entries(services).filter(([, definition]) => environment(definition).MONGODB_URI !== undefined);
    expect(users.map(([name]) => name).sort()).toEqual(['seed', ...SUBGRAPHS].sort());
    for (const [name, definition] of users) {
      const client = new MongoClient(environment(definition).MONGODB_URI!);
      expect(client.options.hosts.map(String), name).toEqual(MEMBERS.map((member) => `${member}:27017`));
      expect(client.options.replicaSet, name).toBe('rs0');
      expect(client.options.writeConcern?.w, name).toBe('majority');
      await client.close();
      expect(dependencies(definition)['mongodb-init'], name).toBe('service_completed_successfully');
    }
  });
});

describe('Redis: one cache for every gateway, told of every write', () => {
  it('runs redis:7 without persistence (a cache), with a ping health check', () => {
    const redis = service('redis');
    expect(redis.image).toBe('redis:7');
    expect(redis.command).toEqual(expect.arrayContaining(['redis-server', '--save', '', '--appendonly', 'no']));
    expect(redis.healthcheck?.test).toEqual(['CMD', 'redis-cli', 'ping']);
  });

  it.each([...GATEWAYS, ...SUBGRAPHS])('%s has REDIS_URL=redis://redis:6379 and starts once Redis is healthy', (name) => {
    expect(environment(service(name)).REDIS_URL).toBe('redis://redis:6379');
    expect(dependencies(service(name)).redis).toBe('service_healthy');
  });
});

describe('two gateway replicas behind HAProxy', () => {
  it('the replicas are the same gateway: same command, same environment', () => {
    const [first, second] = GATEWAYS.map(service);
    expect(second!.command).toEqual(first!.command);
    expect(environment(second!)).toEqual(environment(first!));
  });

  it('each replica starts in production from the environment compose gives it, with the shared cache and every subgraph', () => {
    for (const gateway of GATEWAYS) {
      const config = loadGatewayConfig(composedEnvironment(gateway), []);
      expect(config.production).toBe(true);
      expect(config.responseCache.redisUrl).toBe('redis://redis:6379');
      expect(config.signing.key).not.toBeNull();
      expect(Object.keys(config.subgraphUrls).sort()).toEqual([...SUBGRAPHS].sort());
    }
  });

  it.each(SUBGRAPHS)('subgraph %s starts in production from its environment: its keys, majority writes', (name) => {
    const env = composedEnvironment(name);
    expect(() => loadSubgraphEdge(env, true)).not.toThrow();
    expect(loadMongoTuning(env).writeConcern).toBe('majority');
    const reporting = loadSubgraphReporting(name, env, true);
    expect(name === GROUP_SUBGRAPH.key ? reporting.group?.signingKey?.keyId : reporting.regional?.signingKey?.keyId).toBe(
      name === GROUP_SUBGRAPH.key ? 'HQ' : SUBSIDIARIES.find((subsidiary) => subsidiary.key === name)!.code,
    );
  });

  it('a replica told to stop keeps serving, /ready at 503, until HAProxy has taken it out, and docker waits for its drain', () => {
    const backend = readFileSync(HAPROXY_FILE, 'utf8');
    const inter = Number(/default-server .*\binter (\d+)s\b/.exec(backend)?.[1]);
    const fall = Number(/default-server .*\bfall (\d+)\b/.exec(backend)?.[1]);
    for (const gateway of GATEWAYS) {
      const delay = loadGatewayConfig(composedEnvironment(gateway), []).drainDelayMs;
      expect(delay, gateway).toBeGreaterThan(inter * fall * 1_000);
      const grace = Number(/^(\d+)s$/.exec(String((service(gateway) as { stop_grace_period?: string }).stop_grace_period))?.[1]) * 1_000;
      expect(grace, `${gateway}: stop_grace_period covers DRAIN_DELAY_MS and SHUTDOWN_TIMEOUT_MS`).toBeGreaterThan(delay + loadGatewayConfig(composedEnvironment(gateway), []).shutdownTimeoutMs);
    }
  });

  it('DRAIN_DELAY_MS is off unless set (tests and npm start stop at once) and must be a whole number of milliseconds', () => {
    expect(loadGatewayConfig({}, []).drainDelayMs).toBe(0);
    expect(() => loadGatewayConfig({ DRAIN_DELAY_MS: '5s' }, [])).toThrow(/DRAIN_DELAY_MS must be a whole number from 0 to 120000, got "5s"/);
  });

  it('the load balancer is the official HAProxy image with deploy/haproxy.cfg, publishing the gateway port', () => {
    const balancer = service('load-balancer');
    expect(balancer.image).toMatch(/^haproxy:\d/);
    expect(balancer.volumes).toEqual(['./deploy/haproxy.cfg:/usr/local/etc/haproxy/haproxy.cfg:ro']);
    expect(balancer.ports).toEqual(['4000:4000']);
    expect(Object.keys(dependencies(balancer)).sort()).toEqual(GATEWAYS);
  });
});

describe('deploy/haproxy.cfg', () => {
  const config = readFileSync(HAPROXY_FILE, 'utf8');
  /** The lines of one section (`frontend graphql`, `backend gateways`, …), trimmed, comments out. */
  const section = (header: string) => {
    const lines = config.split('\n');
    const start = lines.findIndex((line) => line.trim() === header);
    expect(start, header).toBeGreaterThan(-1);
    const end = lines.findIndex((line, index) => index > start && /^\S/.test(line));
    return lines
      .slice(start + 1, end === -1 ? undefined : end)
      .map((line) => line.trim())
      .filter((line) => line !== '' && !line.startsWith('#'));
  };

  it('is what `npm run compose` renders', () => {
    expect(config).toBe(renderHaproxyConfig());
  });

  it('listens on the port compose publishes and sends everything to the gateways backend', () => {
    expect(section('frontend graphql')).toEqual(['bind :4000', 'default_backend gateways']);
  });

  it('balances over exactly the gateway services, on the port they listen on, each health-checked on GET /ready', () => {
    const backend = section('backend gateways');
    const servers = backend.filter((line) => line.startsWith('server ')).map((line) => line.split(/\s+/));
    expect(servers.map(([, name, address]) => [name, address])).toEqual(GATEWAYS.map((gateway) => [gateway, `${gateway}:${environment(service(gateway)).PORT}`]));
    expect(backend).toContain('option httpchk');
    expect(backend).toContain('http-check send meth GET uri /ready');
    expect(backend).toContain('http-check expect status 200');
    expect(backend.find((line) => line.startsWith('default-server'))?.split(/\s+/)).toContain('check');
  });

  const haproxy = spawnSync('haproxy', ['-v'], { encoding: 'utf8' });
  const NO_HAPROXY = 'skipped: haproxy is not installed (apt-get install haproxy)';
  it.skipIf(haproxy.status !== 0)(`haproxy -c accepts it${haproxy.status === 0 ? '' : ` (${NO_HAPROXY})`}`, () => {
    const check = spawnSync('haproxy', ['-c', '-f', HAPROXY_FILE], { encoding: 'utf8' });
    expect(check.status, check.stderr).toBe(0);
    expect(check.stderr + check.stdout).not.toMatch(/\[ALERT\]/);
    // the gateways' names resolve only inside compose's network: looked up at run time there
    const warnings = `${check.stderr}${check.stdout}`.split('\n').filter((line) => line.includes('[WARNING]'));
    for (const warning of warnings) expect(warning).toMatch(/could not resolve address 'gateway-\d'/);
  });
});
