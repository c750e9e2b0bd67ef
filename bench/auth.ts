/**
 * Every server of the benchmark checks bearer tokens and signed subgraph calls, as in production:
 * a fresh ES256 key pair per run mints one token with the admin role's scopes for the load
 * generators (the servers get only its public key, AUTH_JWT_PUBLIC_KEY), and a fresh Ed25519
 * key signs every subgraph call (GATEWAY_SIGNING_KEY for the gateways and the floor's replay,
 * GATEWAY_PUBLIC_KEYS for the subgraphs). Both gateways forward the token and sign their calls;
 * the subgraphs verify both.
 */
import { generateSigningKey, privateJwkText, publicKeySet, type SigningKey } from '../platform/signing-keys';
import { es256Issuer } from '../platform/token-issuer';
import { ROLES } from '../subgraphs/common/scopes';
import { GROUP_SUBGRAPH, SUBSIDIARIES } from '../subgraphs/common/registry';

export interface BenchAuth {
  /** AUTH_* and GATEWAY_PUBLIC_KEYS for every server process. */
  env: Record<string, string>;
  /** GATEWAY_SIGNING_KEY: for gateway processes only. */
  gatewayEnv: Record<string, string>;
  /** A subgraph process's reporting keys (subgraphs/reporting-config.ts): a region its own signing key, the group the regions' public keys. */
  reportingEnv(subgraph: string): Record<string, string>;
  /** The key the floor's replay signs with, as the gateways do. */
  signingKey: SigningKey;
  /** The header every benchmark request carries. */
  headers: { authorization: string };
  description: string;
}

export async function benchAuth(): Promise<BenchAuth> {
  const issuer = es256Issuer({ issuer: 'csr-bench', audience: 'csr-federation' });
  const signingKey = generateSigningKey('bench-gateway');
  const token = await issuer.mint({ subject: 'bench', scopes: [...ROLES.admin], ttlSeconds: 12 * 3600 });
  const regional = new Map(SUBSIDIARIES.map((subsidiary) => [subsidiary.key, generateSigningKey(subsidiary.code)]));
  const headquarters = generateSigningKey('HQ');
  const reportingEnv = (subgraph: string): Record<string, string> => {
    if (subgraph === GROUP_SUBGRAPH.key) return { REGIONAL_PUBLIC_KEYS: publicKeySet([...regional.values()]), HEADQUARTERS_SIGNING_KEY: privateJwkText(headquarters) };
    const key = regional.get(subgraph);
    return key ? { REGIONAL_SIGNING_KEY: privateJwkText(key), HEADQUARTERS_PUBLIC_KEYS: publicKeySet([headquarters]) } : {};
  };
  return {
    env: { ...issuer.verifierEnv, GATEWAY_PUBLIC_KEYS: publicKeySet([signingKey]) },
    gatewayEnv: { GATEWAY_SIGNING_KEY: privateJwkText(signingKey) },
    reportingEnv,
    signingKey,
    headers: { authorization: `Bearer ${token}` },
    description: 'JWT (ES256) checked by the gateway and by every subgraph, admin-role token; every subgraph call signed (Ed25519, RFC 9421) and verified',
  };
}
