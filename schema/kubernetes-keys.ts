import type { IConfigMap } from 'kubernetes-models/v1/ConfigMap';
import type { ISecret } from 'kubernetes-models/v1/Secret';
import { stringify } from 'yaml';
import { SUBSIDIARIES, type SubsidiaryConfig } from '../subgraphs/common/registry';
import { KEY_SOURCES, NAMESPACE, PART_OF } from './kubernetes';

/**
 * The keys of deploy/kubernetes/, from the variables `npm run -s keys` prints (and MONGODB_URI,
 * METRICS_TOKEN): one Secret per private key, so that each Deployment can be handed its own and
 * nothing else, and one ConfigMap of the public keys. Printed, never written to the repository.
 */
export class KubernetesKeysError extends Error {}

const PUBLIC_KEYS = ['AUTH_JWT_PUBLIC_KEY', 'GATEWAY_PUBLIC_KEYS', 'REGIONAL_PUBLIC_KEYS', 'HEADQUARTERS_PUBLIC_KEYS'] as const;

const metadata = (name: string) => ({ name, namespace: NAMESPACE, labels: { 'app.kubernetes.io/part-of': PART_OF } });

function required(env: NodeJS.ProcessEnv, name: string, hint: string): string {
  const text = env[name]?.trim();
  if (!text) throw new KubernetesKeysError(`${name} is not set: ${hint}`);
  return text;
}

const KEYS_HINT = 'run `npm run -s keys > .env` and `set -a; . ./.env; set +a` first';

function secret(name: string, data: Record<string, string>): ISecret {
  return { apiVersion: 'v1', kind: 'Secret', type: 'Opaque', metadata: metadata(name), stringData: data };
}

export function kubernetesKeyDocuments(env: NodeJS.ProcessEnv, subsidiaries: readonly SubsidiaryConfig[] = SUBSIDIARIES): (ISecret | IConfigMap)[] {
  const publicKeys: IConfigMap = {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: metadata(KEY_SOURCES.publicKeys),
    data: Object.fromEntries(PUBLIC_KEYS.map((name) => [name, required(env, name, KEYS_HINT)])),
  };
  const documents: (ISecret | IConfigMap)[] = [
    publicKeys,
    secret(KEY_SOURCES.mongodb, { uri: required(env, 'MONGODB_URI', 'the replica set the subgraphs use, e.g. mongodb://…/?replicaSet=rs0&w=majority (docs/scaling.md)') }),
    secret(KEY_SOURCES.gatewaySigningKey, { GATEWAY_SIGNING_KEY: required(env, 'GATEWAY_SIGNING_KEY', KEYS_HINT) }),
    secret(KEY_SOURCES.headquartersSigningKey, { HEADQUARTERS_SIGNING_KEY: required(env, 'HEADQUARTERS_SIGNING_KEY', KEYS_HINT) }),
    ...subsidiaries.map((subsidiary) => secret(KEY_SOURCES.regionalSigningKey(subsidiary), { REGIONAL_SIGNING_KEY: required(env, `REGIONAL_SIGNING_KEY_${subsidiary.code}`, KEYS_HINT) })),
  ];
  const metricsToken = env.METRICS_TOKEN?.trim();
  if (metricsToken) documents.push(secret(KEY_SOURCES.metricsToken, { METRICS_TOKEN: metricsToken }));
  return documents;
}

export function renderKubernetesKeys(env: NodeJS.ProcessEnv): string {
  return kubernetesKeyDocuments(env)
    .map((document) => stringify(document, { lineWidth: 0 }))
    .join('---\n');
}
