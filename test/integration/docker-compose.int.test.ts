/**
 * docker-compose.yml, the Dockerfile and .dockerignore agree with the code: the compose binary
 * accepts the file (when one is installed: Debian's docker-compose, or the `docker compose`
 * plugin), and the parsed YAML has the MongoDB replica set, Redis, the five subgraphs on the
 * registry's ports, the seed, two gateways and the load balancer, wired together with health checks
 * (the distributed layout's own checks: distributed-compose.int.test.ts). No Docker engine is needed.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { deploymentKeys } from '../harness/deployment-keys';
import { GROUP_SUBGRAPH, SUBSIDIARIES } from '../../subgraphs/common/registry';
import { renderDockerCompose } from '../../schema/docker-compose';

const ROOT = resolve(fileURLToPath(new URL('.', import.meta.url)), '..', '..');
const COMPOSE_FILE = join(ROOT, 'docker-compose.yml');
const EMPTY_ENV = join(mkdtempSync(join(tmpdir(), 'compose-env-')), '.env');
writeFileSync(EMPTY_ENV, '');

/** Every subgraph with its port from the registry: group 4001, then the subsidiaries. */
const SUBGRAPHS = [
  { name: GROUP_SUBGRAPH.key, port: GROUP_SUBGRAPH.defaultPort },
  ...SUBSIDIARIES.map((subsidiary) => ({ name: subsidiary.key, port: subsidiary.defaultPort })),
];
const GATEWAY_PORT = 4000;
const GATEWAYS = ['gateway-1', 'gateway-2'];
const MONGODB_MEMBERS = ['mongodb-1', 'mongodb-2', 'mongodb-3'];
const REPLICA_SET_URI = 'mongodb://mongodb-1:27017,mongodb-2:27017,mongodb-3:27017/?replicaSet=rs0&w=majority';
/** Every service: infrastructure from public images, the app's from the Dockerfile. */
const SERVICES = [...MONGODB_MEMBERS, 'mongodb-init', 'redis', 'seed', ...SUBGRAPHS.map((subgraph) => subgraph.name), ...GATEWAYS, 'load-balancer'].sort();

// ---------------------------------------------------------------------------------------------
// The compose binary, if any
// ---------------------------------------------------------------------------------------------

interface ComposeBinary {
  label: string;
  command: string;
  args: string[];
}

/** The keys compose needs (it cannot make them: `npm run -s keys > .env`), as that command prints them. */
const KEYS = deploymentKeys();

function run(command: string, args: string[], env: NodeJS.ProcessEnv = KEYS) {
  const inherited = Object.fromEntries(Object.entries(process.env).filter(([name]) => !(name in KEYS)));
  // no .env of a developer's in the way: an empty one of our own (compose reads the project directory's otherwise)
  const file = args.indexOf('-f');
  const withEnvFile = file === -1 ? args : [...args.slice(0, file), '--env-file', EMPTY_ENV, ...args.slice(file)];
  return spawnSync(command, withEnvFile, { cwd: ROOT, encoding: 'utf8', timeout: 60_000, env: { ...inherited, ...env, COMPOSE_INTERACTIVE_NO_CLI: '1' } });
}

function findComposeBinary(): ComposeBinary | undefined {
  const candidates: ComposeBinary[] = [
    { label: 'docker-compose', command: 'docker-compose', args: [] },
    { label: 'docker compose', command: 'docker', args: ['compose'] },
  ];
  return candidates.find((candidate) => {
    const result = run(candidate.command, [...candidate.args, 'version']);
    return result.error === undefined && result.status === 0;
  });
}

const compose = findComposeBinary();
const NO_COMPOSE = 'skipped: neither docker-compose nor `docker compose` is installed (apt-get install docker-compose)';
if (!compose) console.warn(`[docker-compose.int.test] ${NO_COMPOSE}; the YAML structure checks still run`);

describe(`${compose?.label ?? 'compose binary'} config`, () => {
  it.skipIf(!compose)(`accepts docker-compose.yml${compose ? '' : ` (${NO_COMPOSE})`}`, () => {
    const result = run(compose!.command, [...compose!.args, '-f', COMPOSE_FILE, 'config', '-q']);
    expect(result.error).toBeUndefined();
    expect(result.status, `${compose!.label} config -q failed:\n${result.stderr}`).toBe(0);
  });

  it.skipIf(!compose)(`refuses to run without the keys, and says how to make them${compose ? '' : ` (${NO_COMPOSE})`}`, () => {
    const result = run(compose!.command, [...compose!.args, '-f', COMPOSE_FILE, 'config', '-q'], {});
    expect(result.status).not.toBe(0);
    expect(result.stderr).toMatch(/npm run -s keys > \.env/);
  });

  it.skipIf(!compose)(`lists the ${SERVICES.length} services${compose ? '' : ` (${NO_COMPOSE})`}`, () => {
    const result = run(compose!.command, [...compose!.args, '-f', COMPOSE_FILE, 'config', '--services']);
    expect(result.status, result.stderr).toBe(0);
    const services = result.stdout.trim().split('\n').map((line) => line.trim()).sort();
    expect(services).toEqual(SERVICES);
  });
});

// ---------------------------------------------------------------------------------------------
// The structure, from the YAML itself
// ---------------------------------------------------------------------------------------------

interface Service {
  image?: string;
  build?: string | { context?: string; dockerfile?: string };
  command?: string | string[];
  environment?: Record<string, string | number | boolean | null> | string[];
  depends_on?: string[] | Record<string, { condition?: string }>;
  healthcheck?: { test?: string | string[]; disable?: boolean };
  ports?: (string | number | { target?: number; published?: number | string })[];
  volumes?: (string | { type?: string; source?: string; target?: string })[];
  restart?: string;
}

interface ComposeFile {
  services: Record<string, Service>;
  volumes?: Record<string, unknown>;
}

const file = parse(readFileSync(COMPOSE_FILE, 'utf8')) as ComposeFile;

function service(name: string): Service {
  const found = file.services[name];
  if (!found) throw new Error(`docker-compose.yml has no service "${name}"`);
  return found;
}

/** `environment` as a map, whichever of the two compose forms the file uses. */
function environment(of: Service): Record<string, string> {
  const env = of.environment ?? {};
  if (Array.isArray(env)) {
    return Object.fromEntries(env.map((entry) => [entry.slice(0, entry.indexOf('=')), entry.slice(entry.indexOf('=') + 1)]));
  }
  return Object.fromEntries(Object.entries(env).map(([name, value]) => [name, value === null ? '' : String(value)]));
}

/** `depends_on` as service → condition ("service_started" for the short list form). */
function dependencies(of: Service): Record<string, string> {
  const deps = of.depends_on ?? {};
  if (Array.isArray(deps)) return Object.fromEntries(deps.map((name) => [name, 'service_started']));
  return Object.fromEntries(Object.entries(deps).map(([name, value]) => [name, value.condition ?? 'service_started']));
}

function commandOf(of: Service): string[] {
  if (of.command === undefined) return [];
  return Array.isArray(of.command) ? of.command : of.command.split(/\s+/).filter(Boolean);
}

function healthcheckText(of: Service): string {
  const test = of.healthcheck?.test;
  if (of.healthcheck?.disable || test === undefined) return '';
  return Array.isArray(test) ? test.join(' ') : test;
}

/** Built from the repository's Dockerfile (directly, or through the image another service builds). */
function buildsFromDockerfile(of: Service): boolean {
  const build = of.build;
  if (build === undefined) return of.image !== undefined && Object.values(file.services).some((other) => other.build !== undefined && other.image === of.image);
  const context = typeof build === 'string' ? build : (build.context ?? '.');
  const dockerfile = typeof build === 'string' ? 'Dockerfile' : (build.dockerfile ?? 'Dockerfile');
  return resolve(ROOT, context) === ROOT && dockerfile === 'Dockerfile';
}

/** The compiled entry point a command runs (`node dist/x.js …`, built into the image by `npm run build`). */
function scriptOf(of: Service): string | undefined {
  return commandOf(of).find((part) => part.startsWith('dist/') && part.endsWith('.js'));
}

/** The TypeScript file an entry point of dist/ is built from. */
const sourceOf = (script: string) => script.replace(/^dist\//, '').replace(/\.js$/, '.ts');

describe('docker-compose.yml structure', () => {
  it('is what `npm run compose` generates from the subgraphs/ folders (run it after adding one)', () => {
    expect(readFileSync(COMPOSE_FILE, 'utf8')).toBe(renderDockerCompose());
  });

  it('has the replica set and its init, Redis, the five subgraphs, the seed, two gateways and the load balancer, and nothing else', () => {
    expect(Object.keys(file.services).sort()).toEqual(SERVICES);
    expect(SUBGRAPHS.map((subgraph) => subgraph.name).sort()).toEqual(['america', 'group', 'india', 'japan', 'thailand']);
  });

  it.each(MONGODB_MEMBERS)('runs %s from the official mongo:8 image with a ping health check and a named volume of its own', (member) => {
    const mongodb = service(member);
    expect(mongodb.image).toBe('mongo:8');
    expect(healthcheckText(mongodb)).toContain('mongosh');
    expect(healthcheckText(mongodb)).toContain("db.adminCommand('ping').ok");
    const dataVolume = (mongodb.volumes ?? []).map((volume) => (typeof volume === 'string' ? volume.split(':') : [volume.source, volume.target])).find(([, target]) => target === '/data/db');
    expect(dataVolume, `${member} mounts a volume on /data/db`).toBeDefined();
    expect(dataVolume![0]).toBe(`${member}-data`);
    expect(Object.keys(file.volumes ?? {})).toContain(dataVolume![0]);
  });

  describe.each(SUBGRAPHS)('subgraph $name', ({ name, port }) => {
    it(`runs the compiled subgraphs/main.ts ${name} from the Dockerfile's image`, () => {
      const subgraph = service(name);
      expect(buildsFromDockerfile(subgraph)).toBe(true);
      expect(commandOf(subgraph)).toEqual(['node', 'dist/subgraphs/main.js', name]);
    });

    it(`listens on 0.0.0.0:${port} (the registry's port) and uses the replica set with majority writes, database csr_${name}`, () => {
      const env = environment(service(name));
      expect(env.PORT).toBe(String(port));
      expect(env.HOST).toBe('0.0.0.0');
      expect(env.MONGODB_URI).toBe(REPLICA_SET_URI);
      // the database name comes from DATABASE_PREFIX (default csr_) + the subgraph's name
      expect(env.DATABASE_PREFIX ?? 'csr_').toBe('csr_');
    });

    it('waits for the replica set to be initiated and Redis to be healthy', () => {
      expect(dependencies(service(name))).toEqual({ 'mongodb-init': 'service_completed_successfully', redis: 'service_healthy' });
    });

    it(`has a health check on http://127.0.0.1:${port}/ready made with node (no curl in the slim image)`, () => {
      const text = healthcheckText(service(name));
      expect(text).toContain(`http://127.0.0.1:${port}/ready`);
      expect(text).toMatch(/^(CMD|CMD-SHELL)? ?node /);
      expect(text).not.toMatch(/\bcurl\b|\bwget\b/);
    });
  });

  it('the seed is a one-shot run of scripts/seed.ts (compiled) once the replica set is initiated', () => {
    const seed = service('seed');
    expect(buildsFromDockerfile(seed)).toBe(true);
    expect(scriptOf(seed)).toBe('dist/scripts/seed.js');
    expect(environment(seed).MONGODB_URI).toBe(REPLICA_SET_URI);
    expect(environment(seed).DATABASE_PREFIX ?? 'csr_').toBe('csr_');
    expect(dependencies(seed)).toEqual({ 'mongodb-init': 'service_completed_successfully' });
    expect(seed.restart).toBe('no');
  });

  describe.each(GATEWAYS)('gateway replica %s', (gatewayName) => {
    it('reaches every subgraph by service name and registry port, and no other', () => {
      const env = environment(service(gatewayName));
      const overrides = Object.fromEntries(Object.entries(env).filter(([name]) => name.startsWith('SUBGRAPH_URL_')));
      expect(overrides).toEqual(Object.fromEntries(SUBGRAPHS.map(({ name, port }) => [`SUBGRAPH_URL_${name.toUpperCase()}`, `http://${name}:${port}/graphql`])));
      expect(env.HOST).toBe('0.0.0.0');
      expect(env.PORT).toBe(String(GATEWAY_PORT));
    });

    it('serves the repository supergraph, whose subgraph names the overrides use', () => {
      const supergraphPath = environment(service(gatewayName)).SUPERGRAPH_PATH;
      expect(supergraphPath).toBe('schema/supergraph.graphql');
      const supergraph = readFileSync(join(ROOT, supergraphPath!), 'utf8');
      const names = [...supergraph.matchAll(/@join__graph\(name: "([^"]+)"/g)].map((match) => match[1]).sort();
      expect(names).toEqual(SUBGRAPHS.map((subgraph) => subgraph.name).sort());
    });

    it('runs the compiled gateway/src/main.ts, starts after every subgraph and Redis are healthy, publishes no port (the load balancer does) and checks /ready', () => {
      const gateway = service(gatewayName);
      expect(buildsFromDockerfile(gateway)).toBe(true);
      expect(scriptOf(gateway)).toBe('dist/gateway/src/main.js');
      expect(dependencies(gateway)).toEqual({ ...Object.fromEntries(SUBGRAPHS.map(({ name }) => [name, 'service_healthy'])), redis: 'service_healthy' });
      expect(gateway.ports ?? []).toEqual([]);
      expect(healthcheckText(gateway)).toContain(`http://127.0.0.1:${GATEWAY_PORT}/ready`);
    });
  });

  it("every service of the image runs plain node on a compiled entry point whose source exists: no TypeScript loader, node is the container's process", () => {
    const apps = Object.entries(file.services).filter(([, definition]) => buildsFromDockerfile(definition));
    expect(apps.length).toBeGreaterThanOrEqual(SUBGRAPHS.length + 2);
    for (const [name, definition] of apps) {
      const command = commandOf(definition);
      const script = scriptOf(definition);
      expect(script, `${name} runs an entry point of dist/`).toBeDefined();
      expect(command.slice(0, 2), `${name}: node itself, no flag before the script`).toEqual(['node', script]);
      expect(command.join(' '), name).not.toMatch(/\btsx\b|--import|--loader|--require|\.ts\b/);
      expect(existsSync(join(ROOT, sourceOf(script!))), `${name}: ${sourceOf(script!)} exists`).toBe(true);
    }
  });

  it('hands out keys by role: the gateway its signing key, the subgraphs public keys only, no service a key that mints tokens', () => {
    for (const [name, definition] of Object.entries(file.services)) {
      const env = environment(definition);
      expect(env.AUTH_JWT_PRIVATE_KEY, `${name} must not get the token signing key`).toBeUndefined();
      expect(env.AUTH_JWT_SECRET, `${name} must not get a secret that mints tokens`).toBeUndefined();
      if (!GATEWAYS.includes(name)) expect(env.GATEWAY_SIGNING_KEY, `${name} must not get the gateway's signing key`).toBeUndefined();
    }
    for (const gateway of GATEWAYS) {
      expect(environment(service(gateway)).GATEWAY_SIGNING_KEY).toMatch(/^\$\{GATEWAY_SIGNING_KEY:\?/);
      expect(environment(service(gateway)).AUTH_JWT_PUBLIC_KEY).toMatch(/^\$\{AUTH_JWT_PUBLIC_KEY:\?/);
    }
    for (const { name } of SUBGRAPHS) {
      const env = environment(service(name));
      expect(env.GATEWAY_PUBLIC_KEYS, name).toMatch(/^\$\{GATEWAY_PUBLIC_KEYS:\?/);
      expect(env.AUTH_JWT_PUBLIC_KEY, name).toMatch(/^\$\{AUTH_JWT_PUBLIC_KEY:\?/);
    }
  });

  it("hands each region its own figure signing key, headquarters' public key and address, and the group subgraph the regions' public keys only", () => {
    for (const subsidiary of SUBSIDIARIES) {
      const env = environment(service(subsidiary.key));
      expect(env.REGIONAL_SIGNING_KEY, subsidiary.key).toMatch(new RegExp(`^\\$\\{REGIONAL_SIGNING_KEY_${subsidiary.code}:\\?`));
      expect(env.HEADQUARTERS_PUBLIC_KEYS, subsidiary.key).toMatch(/^\$\{HEADQUARTERS_PUBLIC_KEYS:\?/);
      expect(env.HEADQUARTERS_URL, subsidiary.key).toBe(`http://${GROUP_SUBGRAPH.key}:${GROUP_SUBGRAPH.defaultPort}`);
      expect(env.HEADQUARTERS_SIGNING_KEY, `${subsidiary.key} must not get headquarters' signing key`).toBeUndefined();
      expect(env.REGIONAL_PUBLIC_KEYS, subsidiary.key).toBeUndefined();
    }
    const group = environment(service(GROUP_SUBGRAPH.key));
    expect(group.REGIONAL_PUBLIC_KEYS).toMatch(/^\$\{REGIONAL_PUBLIC_KEYS:\?/);
    expect(group.HEADQUARTERS_SIGNING_KEY).toMatch(/^\$\{HEADQUARTERS_SIGNING_KEY:\?/);
    for (const [name, definition] of Object.entries(file.services)) {
      const env = environment(definition);
      const regional = Object.keys(env).filter((variable) => variable.startsWith('REGIONAL_SIGNING_KEY'));
      expect(regional, name).toEqual(SUBSIDIARIES.some((subsidiary) => subsidiary.key === name) ? ['REGIONAL_SIGNING_KEY'] : []);
    }
  });

  it('no service but the load balancer publishes a port on the host', () => {
    for (const [name, definition] of Object.entries(file.services)) {
      if (name !== 'load-balancer') expect(definition.ports ?? [], name).toEqual([]);
    }
    expect((service('load-balancer').ports ?? []).map(String)).toEqual([`${GATEWAY_PORT}:${GATEWAY_PORT}`]);
  });
});

describe('Dockerfile and .dockerignore', () => {
  const dockerfile = readFileSync(join(ROOT, 'Dockerfile'), 'utf8');
  // one entry per instruction, continuation lines joined
  const instructions = dockerfile
    .replace(/\\\n/g, ' ')
    .split('\n')
    .map((line) => line.trim().replace(/\s+/g, ' '))
    .filter((line) => line !== '' && !line.startsWith('#'));
  const npmCi = instructions.findIndex((line) => /^RUN .*\bnpm ci\b/.test(line));

  it('builds on node:24-bookworm-slim (the current LTS): npm ci, the repository copied, npm run build, dev tools pruned; runs the compiled gateway by default', () => {
    const stages = instructions.filter((line) => line.startsWith('FROM '));
    expect(stages.length).toBeGreaterThan(0);
    for (const stage of stages) expect(stage).toMatch(/^FROM node:24-bookworm-slim( AS \w+)?$/);
    expect(npmCi).toBeGreaterThan(-1);
    expect(instructions).toContain('COPY . .');
    const build = instructions.findIndex((line) => /^RUN .*\bnpm run build\b/.test(line));
    expect(build, 'npm run build runs once the sources are copied').toBeGreaterThan(instructions.indexOf('COPY . .'));
    expect(instructions[build]).toMatch(/\bnpm run build\b.*\bnpm prune --omit=dev\b/);
    // a runtime stage takes the pruned, built /app (the build stage's layers, dev tools included, stay behind)
    if (stages.length > 1) expect(instructions.slice(instructions.indexOf(stages.at(-1)!))).toContain('COPY --from=build /app /app');
    const cmd = instructions.filter((line) => line.startsWith('CMD ')).at(-1);
    expect(cmd).toBe('CMD ["node", "dist/gateway/src/main.js"]');
    // the lock file is copied before `npm ci`, so that the install layer is cached
    expect(instructions.findIndex((line) => line.startsWith('COPY package.json package-lock.json'))).toBeLessThan(npmCi);
    expect(instructions.indexOf('COPY . .')).toBeGreaterThan(npmCi);
  });

  it("every step of the package's install scripts runs in the image: their tools are installed and their inputs copied first", () => {
    const packageJson = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { scripts?: Record<string, string>; devDependencies?: Record<string, string> };
    const lifecycle = ['preinstall', 'install', 'postinstall', 'prepare'].map((name) => packageJson.scripts?.[name]).filter((script): script is string => script !== undefined);
    // the `npm ci` command alone, not what follows it in the same RUN
    const ci = instructions[npmCi]!.split(/&&|;/).find((command) => /\bnpm ci\b/.test(command))!;
    // with --ignore-scripts (the sources the build needs are not copied yet) the image runs each step itself
    const skipsScripts = /--ignore-scripts/.test(ci);
    const copied = instructions.indexOf('COPY . .');
    for (const step of lifecycle.flatMap((script) => script.split('&&').map((part) => part.trim()))) {
      const tool = step.split(/\s+/)[0]!;
      if (packageJson.devDependencies?.[tool]) expect(ci, `"${step}" needs the dev dependency ${tool}: npm ci cannot omit dev dependencies`).not.toMatch(/--omit[= ]dev|--production|--only[= ]prod/);
      if (tool === 'patch-package') {
        const copiesPatches = instructions.findIndex((line) => /^COPY .*\bpatches\b/.test(line));
        expect(copiesPatches, 'patches/ is copied before npm ci').toBeGreaterThan(-1);
        expect(copiesPatches).toBeLessThan(npmCi);
        if (skipsScripts) expect(instructions[npmCi], 'patch-package runs right after npm ci --ignore-scripts').toMatch(/\bpatch-package --error-on-fail\b/);
      }
      if (skipsScripts && step.startsWith('npm run ')) {
        const runs = instructions.findIndex((line, index) => index > copied && line.startsWith('RUN ') && line.includes(step));
        expect(runs, `"${step}" runs once the sources are copied`).toBeGreaterThan(copied);
      }
    }
  });

  it('.dockerignore keeps node_modules, caches, build output and .git out of the build context', () => {
    const ignored = readFileSync(join(ROOT, '.dockerignore'), 'utf8')
      .split('\n')
      .map((line) => line.trim().replace(/^\/|\/$/g, ''))
      .filter((line) => line !== '' && !line.startsWith('#'));
    for (const entry of ['node_modules', '.cache', 'tools/mongo-test-server/target', '.git', 'dist']) expect(ignored).toContain(entry);
  });
});
