import { KubernetesKeysError, renderKubernetesKeys } from '../schema/kubernetes-keys';

/**
 * `npm run -s kubernetes-keys | kubectl apply -f -`: the Secrets and the public-key ConfigMap that
 * deploy/kubernetes/ refers to, from the keys in the environment (docs/scaling.md):
 *   npm run -s keys > .env && set -a && . ./.env && set +a
 *   MONGODB_URI='mongodb://…/?replicaSet=rs0&w=majority' npm run -s kubernetes-keys | kubectl apply -f -
 */
try {
  process.stdout.write(renderKubernetesKeys(process.env));
} catch (error) {
  if (!(error instanceof KubernetesKeysError)) throw error;
  console.error(error.message);
  process.exit(1);
}
