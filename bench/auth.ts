/**
 * Every server of the benchmark checks bearer tokens, as in production: a fresh HS256 secret per
 * run (AUTH_JWT_SECRET, with an issuer and audience of the benchmark's own) is handed to the
 * gateways' and subgraphs' processes, and one token with the admin role's scopes is minted for
 * the load generators. Both gateways forward it to the subgraphs, which verify it again.
 */
import { generateSecret, loadAuthConfig, mintToken } from '../platform/auth';
import { ROLES } from '../subgraphs/common/scopes';

export interface BenchAuth {
  /** AUTH_* variables for every server process. */
  env: Record<string, string>;
  /** The header every benchmark request carries. */
  headers: { authorization: string };
  description: string;
}

export async function benchAuth(): Promise<BenchAuth> {
  const env = { AUTH_JWT_SECRET: generateSecret(), AUTH_ISSUER: 'csr-bench', AUTH_AUDIENCE: 'csr-federation' };
  const token = await mintToken(loadAuthConfig(env), { subject: 'bench', scopes: [...ROLES.admin], ttlSeconds: 12 * 3600 });
  return { env, headers: { authorization: `Bearer ${token}` }, description: 'JWT (HS256) checked by the gateway and by every subgraph; admin-role token' };
}
