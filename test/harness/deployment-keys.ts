import { generateSigningKey, privateJwkText, publicKeySet } from '../../platform/signing-keys';
import { es256Issuer } from '../../platform/token-issuer';
import { SUBSIDIARIES } from '../../subgraphs/common/registry';

/** A fresh set of every key a deployment needs, named as `npm run -s keys` prints them. */
export function deploymentKeys(): Record<string, string> {
  const gateway = generateSigningKey('deploy-test');
  const identity = es256Issuer();
  const regional = SUBSIDIARIES.map((subsidiary) => generateSigningKey(subsidiary.code));
  const headquarters = generateSigningKey('HQ');
  return {
    GATEWAY_SIGNING_KEY: privateJwkText(gateway),
    GATEWAY_PUBLIC_KEYS: publicKeySet([gateway]),
    AUTH_JWT_PUBLIC_KEY: identity.verifierEnv.AUTH_JWT_PUBLIC_KEY!,
    ...Object.fromEntries(regional.map((key) => [`REGIONAL_SIGNING_KEY_${key.keyId}`, privateJwkText(key)])),
    REGIONAL_PUBLIC_KEYS: publicKeySet(regional),
    HEADQUARTERS_SIGNING_KEY: privateJwkText(headquarters),
    HEADQUARTERS_PUBLIC_KEYS: publicKeySet([headquarters]),
  };
}
