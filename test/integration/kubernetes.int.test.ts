/**
 * deploy/kubernetes/ against the Kubernetes API schemas, offline (kubernetes-models bundles them
 * with a validator per kind), and against the code: what `npm run compose` renders, Services that
 * reach their pods, probes on ports that exist, the autoscaler on the gateway, environment
 * variables the servers actually read, and each role's keys only (docs/security.md).
 */
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse, parseAllDocuments } from 'yaml';
import { DEPLOY_DIR, KUBERNETES_DIR, generatedKubernetesFiles, renderDeployFiles } from '../../schema/deploy-files';
import { APP_IMAGE, GATEWAY_NAME, KEY_SOURCES, NAMESPACE } from '../../schema/kubernetes';
import { subgraphNodes } from '../../schema/topology';
import { GATEWAY_DEFAULT_PORT, SUBSIDIARIES } from '../../subgraphs/common/registry';
import { loadGatewayConfig } from '../../gateway/src/config';
import { kubernetesKeyDocuments } from '../../schema/kubernetes-keys';
import { loadMongoTuning, loadSubgraphEdge } from '../../subgraphs/config';
import { loadSubgraphReporting } from '../../subgraphs/reporting-config';
import { deploymentKeys } from '../harness/deployment-keys';
import { ROOT, serverSourceText } from '../harness/server-sources';

interface K8sObject {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string> };
  spec?: any;
  data?: Record<string, string>;
}

interface Loaded {
  file: string;
  object: K8sObject;
}

/** Every manifest under deploy/kubernetes/ (the seed's folder included), by path relative to it. */
const ALL_FILES = readdirSync(KUBERNETES_DIR, { recursive: true, encoding: 'utf8' }).filter((name) => name.endsWith('.yaml'));
const MANIFEST_FILES = ALL_FILES.filter((name) => basename(name) !== 'kustomization.yaml').sort();
/** The main kustomization's own files (the seed Job is applied on its own). */
const MAIN_FILES = MANIFEST_FILES.filter((name) => dirname(name) === '.');

const LOADED: Loaded[] = MANIFEST_FILES.flatMap((file) =>
  parseAllDocuments(readFileSync(join(KUBERNETES_DIR, file), 'utf8')).map((document) => {
    expect(document.errors, file).toEqual([]);
    return { file, object: document.toJS() as K8sObject };
  }),
);
const objects = LOADED.map((loaded) => loaded.object);
const ofKind = (kind: string) => objects.filter((object) => object.kind === kind);
const workloads = objects.filter((object) => object.kind === 'Deployment' || object.kind === 'StatefulSet');
const jobs = objects.filter((object) => object.kind === 'Job');
const appDeployments = ofKind('Deployment');

/** The model class of an apiVersion and kind: kubernetes-models/<group>/<version>/<Kind>. */
async function modelOf(apiVersion: string, kind: string): Promise<new (data: unknown) => { validate(): void }> {
  const module = (await import(`kubernetes-models/${apiVersion}/${kind}`)) as Record<string, new (data: unknown) => { validate(): void }>;
  const model = module[kind];
  if (!model) throw new Error(`kubernetes-models has no ${apiVersion} ${kind}`);
  return model;
}

async function validate(object: unknown): Promise<void> {
  const { apiVersion, kind } = object as K8sObject;
  const Model = await modelOf(apiVersion, kind);
  new Model(object).validate();
}

const matches = (selector: Record<string, string>, labels: Record<string, string> | undefined) =>
  Object.entries(selector).every(([name, value]) => labels?.[name] === value);

const podLabels = (workload: K8sObject) => workload.spec.template.metadata.labels as Record<string, string>;
const containers = (workload: K8sObject) => workload.spec.template.spec.containers as any[];
const envOf = (container: any) => new Map<string, any>((container.env ?? []).map((entry: any) => [entry.name, entry]));

describe('deploy/ is what `npm run compose` renders', () => {
  it('has every rendered file, byte for byte, and no generated file left over (run npm run compose after adding a subgraph folder)', () => {
    const rendered = renderDeployFiles();
    for (const [path, text] of rendered) expect(readFileSync(join(DEPLOY_DIR, path), 'utf8'), path).toBe(text);
    const renderedManifests = [...rendered.keys()].filter((path) => path.startsWith('kubernetes'));
    expect(generatedKubernetesFiles().sort()).toEqual(renderedManifests.sort());
  });

  it('applies every manifest through kustomization.yaml (the seed Job through seed/kustomization.yaml), in the namespace, with the same app image', () => {
    type Kustomization = { resources: string[]; namespace: string; images: { name: string; newName: string; newTag: string }[] };
    const main = parse(readFileSync(join(KUBERNETES_DIR, 'kustomization.yaml'), 'utf8')) as Kustomization;
    const seed = parse(readFileSync(join(KUBERNETES_DIR, 'seed', 'kustomization.yaml'), 'utf8')) as Kustomization;
    expect([...main.resources].sort()).toEqual(MAIN_FILES);
    expect(seed.resources.map((name) => join('seed', name))).toEqual(MANIFEST_FILES.filter((name) => dirname(name) === 'seed'));
    expect(MANIFEST_FILES).toEqual([...MAIN_FILES, ...seed.resources.map((name) => join('seed', name))].sort());
    for (const kustomization of [main, seed]) {
      expect(kustomization.namespace).toBe(NAMESPACE);
      expect(kustomization.images.map((image) => image.name)).toEqual([APP_IMAGE]);
    }
    expect(seed.images).toEqual(main.images);
  });
});

const KUBECTL = spawnSync('kubectl', ['version', '--client'], { encoding: 'utf8' }).status === 0;
describe.skipIf(!KUBECTL)(`kubectl kustomize (offline)${KUBECTL ? '' : ' (skipped: kubectl is not installed)'}`, () => {
  it.each([['.', MAIN_FILES], ['seed', MANIFEST_FILES.filter((name) => dirname(name) === 'seed')]] as const)('builds %s into its manifests, the app image with its tag', (folder, files) => {
    const built = spawnSync('kubectl', ['kustomize', join(KUBERNETES_DIR, folder)], { encoding: 'utf8', timeout: 60_000 });
    expect(built.status, built.stderr).toBe(0);
    const documents = parseAllDocuments(built.stdout).map((document) => document.toJS() as K8sObject);
    const expected = LOADED.filter((loaded) => files.includes(loaded.file)).map((loaded) => `${loaded.object.kind}/${loaded.object.metadata.name}`);
    expect(documents.map((object) => `${object.kind}/${object.metadata.name}`).sort()).toEqual(expected.sort());
    const kustomization = parse(readFileSync(join(KUBERNETES_DIR, folder, 'kustomization.yaml'), 'utf8')) as { images: { newName: string; newTag: string }[] };
    const images = documents.flatMap((object) => (object.spec?.template?.spec?.containers ?? []).map((container: any) => container.image as string));
    expect(images.filter((image) => image.startsWith(APP_IMAGE)).every((image) => image === `${kustomization.images[0]!.newName}:${kustomization.images[0]!.newTag}`)).toBe(true);
    expect(images.some((image) => image.startsWith(APP_IMAGE))).toBe(true);
  });
});

describe('every document against the Kubernetes API schema (kubernetes-models)', () => {
  it.each(LOADED.map((loaded) => [`${loaded.file}: ${loaded.object.kind} ${loaded.object.metadata?.name}`, loaded.object] as const))('%s', async (_label, object) => {
    await expect(validate(object)).resolves.toBeUndefined();
  });

  it('the validation refuses what the API server would (it can fail)', async () => {
    const gateway = structuredClone(appDeployments.find((deployment) => deployment.metadata.name === GATEWAY_NAME)!);
    gateway.spec.replicas = 'two';
    await expect(validate(gateway)).rejects.toThrow(/replicas must be integer/);
    const noTemplate = structuredClone(gateway);
    delete noTemplate.spec.template;
    await expect(validate(noTemplate)).rejects.toThrow(/template/);
    await expect(validate({ apiVersion: 'apps/v1', kind: 'Deploymnet', metadata: { name: 'x' } })).rejects.toThrow(/no apps\/v1 Deploymnet|Cannot find|Failed to load/);
  });

  it('puts every namespaced object in the namespace, which the manifests create', () => {
    expect(ofKind('Namespace').map((namespace) => namespace.metadata.name)).toEqual([NAMESPACE]);
    for (const object of objects.filter((candidate) => candidate.kind !== 'Namespace')) expect(object.metadata.namespace, `${object.kind} ${object.metadata.name}`).toBe(NAMESPACE);
  });
});

describe('the manifests hold together', () => {
  it('runs the gateway and one Deployment per subgraph of the registry, each with a Service of the same name on its port', () => {
    const nodes = subgraphNodes();
    expect(appDeployments.map((deployment) => deployment.metadata.name).sort()).toEqual([GATEWAY_NAME, ...nodes.map((node) => node.name)].sort());
    const services = new Map(ofKind('Service').map((service) => [service.metadata.name, service]));
    for (const { name, port } of [{ name: GATEWAY_NAME, port: GATEWAY_DEFAULT_PORT }, ...nodes]) {
      expect(services.get(name)?.spec.ports.map((entry: any) => entry.port), name).toEqual([port]);
    }
  });

  it('each workload selects its own pods, and each Service selects the pods of exactly one workload, on a port they declare', () => {
    for (const workload of workloads) expect(matches(workload.spec.selector.matchLabels, podLabels(workload)), workload.metadata.name).toBe(true);
    for (const service of ofKind('Service')) {
      const selected = workloads.filter((workload) => matches(service.spec.selector, podLabels(workload)));
      expect(selected.map((workload) => workload.metadata.name), `Service ${service.metadata.name}`).toEqual([service.metadata.name]);
      const declared = containers(selected[0]!).flatMap((container) => (container.ports ?? []).map((port: any) => port.name));
      for (const port of service.spec.ports) expect(declared, `Service ${service.metadata.name} targets ${port.targetPort}`).toContain(port.targetPort);
    }
  });

  it('probes readiness on /ready and liveness on /health, on the port the server listens on (its PORT)', () => {
    for (const deployment of appDeployments) {
      for (const container of containers(deployment)) {
        const http = container.ports.find((port: any) => port.name === container.readinessProbe.httpGet.port);
        expect(http, `${deployment.metadata.name}: the readiness probe's port is a container port`).toBeDefined();
        expect(String(http.containerPort)).toBe(envOf(container).get('PORT')?.value);
        expect(container.readinessProbe.httpGet.path).toBe('/ready');
        expect(container.livenessProbe.httpGet).toEqual({ path: '/health', port: container.readinessProbe.httpGet.port });
        expect(container.startupProbe.httpGet.path).toBe('/health');
        // the pod keeps serving until it has drained: grace above the pause and SHUTDOWN_TIMEOUT_MS (10 s)
        expect(deployment.spec.template.spec.terminationGracePeriodSeconds).toBeGreaterThan(10 + Number(container.lifecycle.preStop.exec.command[1]));
      }
    }
  });

  it('gives every container CPU and memory requests and limits (the autoscaler needs CPU requests)', () => {
    for (const workload of [...workloads, ...jobs]) {
      for (const container of containers(workload)) {
        for (const kind of ['requests', 'limits']) for (const resource of ['cpu', 'memory']) expect(container.resources?.[kind]?.[resource], `${workload.metadata.name} ${kind}.${resource}`).toBeDefined();
      }
    }
  });

  it('scales the gateway Deployment on CPU, from at least two replicas, and keeps one of every app Deployment through disruptions', () => {
    const [autoscaler, ...others] = ofKind('HorizontalPodAutoscaler');
    expect(others).toEqual([]);
    expect(autoscaler!.apiVersion).toBe('autoscaling/v2');
    expect(autoscaler!.spec.scaleTargetRef).toEqual({ apiVersion: 'apps/v1', kind: 'Deployment', name: GATEWAY_NAME });
    expect(autoscaler!.spec.minReplicas).toBeGreaterThanOrEqual(2);
    expect(autoscaler!.spec.maxReplicas).toBeGreaterThan(autoscaler!.spec.minReplicas);
    expect(autoscaler!.spec.metrics).toEqual([{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: expect.any(Number) } } }]);
    const gateway = appDeployments.find((deployment) => deployment.metadata.name === GATEWAY_NAME)!;
    expect(gateway.spec.replicas).toBe(autoscaler!.spec.minReplicas);
    const budgets = ofKind('PodDisruptionBudget');
    for (const deployment of appDeployments) {
      const budget = budgets.filter((candidate) => matches(candidate.spec.selector.matchLabels, podLabels(deployment)));
      expect(budget, deployment.metadata.name).toHaveLength(1);
      expect(budget[0]!.spec.minAvailable).toBeLessThan(deployment.spec.replicas);
    }
  });

  it('wires the gateway to every subgraph of the supergraph by its Service name and port', () => {
    const env = envOf(containers(appDeployments.find((deployment) => deployment.metadata.name === GATEWAY_NAME)!)[0]);
    const supergraph = readFileSync(join(ROOT, env.get('SUPERGRAPH_PATH').value), 'utf8');
    const names = [...supergraph.matchAll(/@join__graph\(name: "([^"]+)"/g)].map((match) => match[1]!).sort();
    const urls = Object.fromEntries([...env].filter(([name]) => name.startsWith('SUBGRAPH_URL_')).map(([name, entry]) => [name, entry.value]));
    const services = new Map(ofKind('Service').map((service) => [service.metadata.name, service.spec.ports[0].port]));
    expect(urls).toEqual(Object.fromEntries(names.map((name) => [`SUBGRAPH_URL_${name.toUpperCase()}`, `http://${name}:${services.get(name)}/graphql`])));
  });

  it('runs the same commands as docker-compose.yml, from the app image', () => {
    const compose = parse(readFileSync(join(ROOT, 'docker-compose.yml'), 'utf8')) as { services: Record<string, { command?: string[] }> };
    for (const deployment of [...appDeployments, ...jobs]) {
      const [container] = containers(deployment);
      expect(container.image).toBe(APP_IMAGE);
      const composeService = deployment.metadata.name === GATEWAY_NAME ? 'gateway-1' : deployment.metadata.name;
      expect(container.command, deployment.metadata.name).toEqual(compose.services[composeService]?.command);
    }
  });

  it('sets only environment variables the server it runs reads (the gateway its own, a subgraph its own)', () => {
    const sources = { gateway: serverSourceText('gateway'), subgraph: serverSourceText('subgraph') };
    const unread = new Set<string>();
    for (const deployment of appDeployments) {
      const source = deployment.metadata.name === GATEWAY_NAME ? sources.gateway : sources.subgraph;
      for (const name of envOf(containers(deployment)[0]).keys()) {
        const read = name.startsWith('SUBGRAPH_URL_') ? source.includes("'SUBGRAPH_URL_'") : new RegExp(`env\\.${name}\\b|env\\[['"\`]${name}['"\`]\\]|['"\`]${name}['"\`]`).test(source);
        if (!read) unread.add(`${deployment.metadata.name}: ${name}`);
      }
    }
    expect([...unread]).toEqual([]);
  });

  it('takes every setting from the ConfigMap the manifests define, with its key', () => {
    const configMaps = new Map(ofKind('ConfigMap').map((configMap) => [configMap.metadata.name, configMap.data ?? {}]));
    for (const deployment of appDeployments) {
      for (const entry of envOf(containers(deployment)[0]).values()) {
        const ref = entry.valueFrom?.configMapKeyRef;
        if (ref?.name === KEY_SOURCES.settings) expect(Object.keys(configMaps.get(ref.name)!), `${deployment.metadata.name} ${entry.name}`).toContain(ref.key);
      }
    }
  });
});

describe('keys: referenced, never included, each role its own (docs/security.md)', () => {
  const keyReferences = (deployment: K8sObject) =>
    Object.fromEntries(
      [...envOf(containers(deployment)[0])]
        .filter(([, entry]) => entry.valueFrom?.secretKeyRef || entry.valueFrom?.configMapKeyRef?.name === KEY_SOURCES.publicKeys)
        .map(([name, entry]) => [name, entry.valueFrom.secretKeyRef?.name ?? entry.valueFrom.configMapKeyRef.name]),
    );
  const deploymentNamed = (name: string) => appDeployments.find((deployment) => deployment.metadata.name === name)!;

  it('the seed Job gets the database and nothing else, may run again, and is cleaned up', () => {
    expect(jobs.map((job) => job.metadata.name)).toEqual(['seed']);
    const [seed] = jobs;
    expect([...envOf(containers(seed!)[0]).entries()]).toEqual([['MONGODB_URI', { name: 'MONGODB_URI', valueFrom: { secretKeyRef: { name: KEY_SOURCES.mongodb, key: 'uri' } } }]]);
    expect(seed!.spec.template.spec.restartPolicy).toBe('OnFailure');
    expect(seed!.spec.ttlSecondsAfterFinished).toBeGreaterThan(0);
    expect(readFileSync(join(ROOT, 'scripts', 'seed.ts'), 'utf8')).toContain('process.env.MONGODB_URI');
  });

  it('commits no Secret and no key material; the settings hold no key', () => {
    expect(ofKind('Secret')).toEqual([]);
    for (const file of MANIFEST_FILES) expect(readFileSync(join(KUBERNETES_DIR, file), 'utf8'), file).not.toMatch(/"kty"|"d":|BEGIN [A-Z ]*KEY|"x":/);
    for (const configMap of ofKind('ConfigMap')) expect(Object.keys(configMap.data ?? {}).filter((name) => /KEY|TOKEN|SECRET|URI/.test(name)), configMap.metadata.name).toEqual([]);
    for (const deployment of appDeployments) {
      for (const [name, entry] of envOf(containers(deployment)[0])) if (/KEY|TOKEN|SECRET|MONGODB_URI/.test(name)) expect(entry.value, `${deployment.metadata.name} ${name} is a reference`).toBeUndefined();
    }
  });

  it('the gateway: its signing key, the token verification key; no signing key of a subsidiary or headquarters, no database', () => {
    expect(keyReferences(deploymentNamed(GATEWAY_NAME))).toEqual({ AUTH_JWT_PUBLIC_KEY: KEY_SOURCES.publicKeys, METRICS_TOKEN: KEY_SOURCES.metricsToken, GATEWAY_SIGNING_KEY: KEY_SOURCES.gatewaySigningKey });
  });

  it("headquarters: its signing key and the regions' public keys; every region: its own signing key and headquarters' public keys", () => {
    const common = { AUTH_JWT_PUBLIC_KEY: KEY_SOURCES.publicKeys, METRICS_TOKEN: KEY_SOURCES.metricsToken, MONGODB_URI: KEY_SOURCES.mongodb, GATEWAY_PUBLIC_KEYS: KEY_SOURCES.publicKeys };
    expect(keyReferences(deploymentNamed('group'))).toEqual({ ...common, REGIONAL_PUBLIC_KEYS: KEY_SOURCES.publicKeys, HEADQUARTERS_SIGNING_KEY: KEY_SOURCES.headquartersSigningKey });
    for (const subsidiary of SUBSIDIARIES) {
      expect(keyReferences(deploymentNamed(subsidiary.key)), subsidiary.key).toEqual({ ...common, REGIONAL_SIGNING_KEY: KEY_SOURCES.regionalSigningKey(subsidiary), HEADQUARTERS_PUBLIC_KEYS: KEY_SOURCES.publicKeys });
    }
    const secretsUsed = appDeployments.flatMap((deployment) => Object.values(keyReferences(deployment)).filter((source) => source.includes('signing-key')).map((source) => `${deployment.metadata.name}:${source}`));
    expect(new Set(secretsUsed.map((entry) => entry.split(':')[1])).size, 'no two deployments share a signing key').toBe(secretsUsed.length);
  });
});

describe('the keys `npm run -s kubernetes-keys` makes, and the servers started from the manifests', () => {
  const MONGODB_URI = 'mongodb://mongodb-0.mongodb:27017,mongodb-1.mongodb:27017,mongodb-2.mongodb:27017/?replicaSet=rs0&w=majority';
  const keyDocuments = kubernetesKeyDocuments({ ...deploymentKeys(), MONGODB_URI }) as K8sObject[];
  const sources = new Map([...ofKind('ConfigMap'), ...keyDocuments].map((object) => [`${object.kind}/${object.metadata.name}`, (object as any).data ?? (object as any).stringData] as const));

  /** A container's environment as the kubelet would set it from these ConfigMaps and Secrets. */
  function resolvedEnvironment(deployment: K8sObject): NodeJS.ProcessEnv {
    const env: NodeJS.ProcessEnv = {};
    for (const entry of envOf(containers(deployment)[0]).values()) {
      const ref = entry.valueFrom?.configMapKeyRef ?? entry.valueFrom?.secretKeyRef;
      if (!ref) {
        env[entry.name] = entry.value;
        continue;
      }
      const data = sources.get(`${entry.valueFrom.configMapKeyRef ? 'ConfigMap' : 'Secret'}/${ref.name}`);
      if (data === undefined && ref.optional) continue;
      expect(data?.[ref.key], `${deployment.metadata.name}: ${entry.name} from ${ref.name}/${ref.key}`).toBeDefined();
      env[entry.name] = data[ref.key];
    }
    return env;
  }

  it('are valid Secrets and a ConfigMap, one Secret per private key', async () => {
    for (const document of keyDocuments) await expect(validate(document), `${document.kind} ${document.metadata.name}`).resolves.toBeUndefined();
    for (const document of keyDocuments.filter((candidate) => candidate.kind === 'Secret')) expect(Object.keys((document as any).stringData), document.metadata.name).toHaveLength(1);
    expect(() => kubernetesKeyDocuments({ MONGODB_URI })).toThrow(/npm run -s keys/);
  });

  it('the gateway starts in production with its signing key, the shared cache, the operational port and every subgraph', () => {
    const env = resolvedEnvironment(appDeployments.find((deployment) => deployment.metadata.name === GATEWAY_NAME)!);
    const config = loadGatewayConfig(env, []);
    expect(config.production).toBe(true);
    expect(config.signing.key).not.toBeNull();
    expect(config.auth).toBeDefined();
    expect(config.responseCache.redisUrl).toBe('redis://redis:6379');
    expect(config.ops.port).toBe(9464);
    expect(config.port).toBe(GATEWAY_DEFAULT_PORT);
    expect(config.host).toBe('0.0.0.0');
    expect(Object.keys(config.subgraphUrls).sort()).toEqual(subgraphNodes().map((node) => node.name).sort());
  });

  it.each(subgraphNodes().map((node) => [node.name]))('subgraph %s starts in production: the gateway checked, its own keys, majority writes', (name) => {
    const env = resolvedEnvironment(appDeployments.find((deployment) => deployment.metadata.name === name)!);
    expect(env.MONGODB_URI).toBe(MONGODB_URI);
    expect(loadSubgraphEdge(env, true).ops.port).toBe(9464);
    expect(loadMongoTuning(env).writeConcern).toBe('majority');
    const reporting = loadSubgraphReporting(name, env, true);
    if (name === 'group') {
      expect(reporting.group?.signingKey?.keyId).toBe('HQ');
    } else {
      const subsidiary = SUBSIDIARIES.find((candidate) => candidate.key === name)!;
      expect(reporting.regional?.signingKey?.keyId).toBe(subsidiary.code);
    }
  });
});
