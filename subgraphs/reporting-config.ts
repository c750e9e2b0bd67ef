import { SigningKeyError, parseSigningKey, parseVerificationKeys, type SigningKey, type VerificationKey } from '../platform/signing-keys';
import { GROUP_SUBGRAPH, SUBSIDIARIES, type SubsidiaryConfig } from './common/registry';
import { MAX_REGIONAL_KEYS, RegionalKeys } from './common/statements';
import { SubgraphConfigError } from './config';
import { DEFAULT_SYNC_INTERVAL_MS, type RegionalReporting } from './kit/closes';

/**
 * The keys of headquarters' reporting (docs/reporting.md, docs/security.md), read once at start:
 *
 *   each regional subgraph   REGIONAL_SIGNING_KEY (or REGIONAL_SIGNING_KEY_<CODE>, e.g. _IN, where one
 *                            process runs several subgraphs): its own Ed25519 private JWK, kid = its
 *                            code ("IN") or its code, a dot and a version ("IN.2026-04"); signs the
 *                            figures it hands to consolidation. Required in production.
 *                            HEADQUARTERS_PUBLIC_KEYS, HEADQUARTERS_URL: headquarters' fiscal-year orders.
 *   the group subgraph       REGIONAL_PUBLIC_KEYS: every subsidiary's public key (a JWKS, kids as
 *                            above; during a rotation the old and the new). Required in production,
 *                            with a key for every subsidiary of the registry.
 *                            HEADQUARTERS_SIGNING_KEY: signs fiscal-year orders and published reports.
 *                            FIGURES_MAX_AGE_S: how old signed figures may be when they arrive.
 *
 * A regional subgraph never holds another subsidiary's key or headquarters'; the group subgraph never
 * a subsidiary's private key: a production process that does refuses to start.
 */
export interface GroupReporting {
  regionalKeys: RegionalKeys;
  signingKey: SigningKey | null;
  /** Signed figures older than this (by their asOf) are refused as replayed. */
  figuresMaxAgeSeconds: number;
}

/** The kid of headquarters' key ("HQ", or "HQ.<version>" during a rotation); the subsidiaries' kids are their codes. */
export const HEADQUARTERS_KEY_ID = 'HQ';

/** Five minutes: a read's figures travel through the gateway within seconds. */
export const DEFAULT_FIGURES_MAX_AGE_S = 300;

export const NO_GROUP_REPORTING: GroupReporting = { regionalKeys: new RegionalKeys([]), signingKey: null, figuresMaxAgeSeconds: DEFAULT_FIGURES_MAX_AGE_S };

function checked<T>(parse: () => T): T {
  try {
    return parse();
  } catch (error) {
    if (error instanceof SigningKeyError) throw new SubgraphConfigError(error.message);
    throw error;
  }
}

function whole(env: NodeJS.ProcessEnv, name: string, fallback: number, min: number, max: number): number {
  const value = env[name]?.trim();
  if (!value) return fallback;
  const parsed = Number(value);
  if (!Number.isInteger(parsed) || parsed < min || parsed > max) throw new SubgraphConfigError(`${name} must be a whole number from ${min} to ${max}, got "${value}"`);
  return parsed;
}

/** The variable that holds a subsidiary's signing key in `env`, if any: REGIONAL_SIGNING_KEY_<CODE>, else REGIONAL_SIGNING_KEY. */
export function regionalSigningKeyVariable(env: NodeJS.ProcessEnv, code: string): string | null {
  if (env[`REGIONAL_SIGNING_KEY_${code}`]?.trim()) return `REGIONAL_SIGNING_KEY_${code}`;
  return env.REGIONAL_SIGNING_KEY?.trim() ? 'REGIONAL_SIGNING_KEY' : null;
}

/** Its signing key, or null; refused when its kid names another subsidiary. */
export function regionalSigningKey(env: NodeJS.ProcessEnv, subsidiary: SubsidiaryConfig): SigningKey | null {
  const variable = regionalSigningKeyVariable(env, subsidiary.code);
  if (!variable) return null;
  const key = checked(() => parseSigningKey(env[variable]!, variable));
  if (RegionalKeys.codeOf(key.keyId) !== subsidiary.code) {
    throw new SubgraphConfigError(`${variable}: key "${key.keyId}" is not ${subsidiary.name}'s: its kid must be "${subsidiary.code}" (or "${subsidiary.code}.<version>" during a rotation)`);
  }
  return key;
}

function verificationKeys(env: NodeJS.ProcessEnv, name: string, max: number): VerificationKey[] {
  const text = env[name]?.trim();
  return text ? checked(() => parseVerificationKeys(text, name, max)) : [];
}

export function loadRegionalReporting(env: NodeJS.ProcessEnv, production: boolean, subsidiary: SubsidiaryConfig): RegionalReporting {
  if (production && env.HEADQUARTERS_SIGNING_KEY?.trim()) {
    throw new SubgraphConfigError("HEADQUARTERS_SIGNING_KEY is set: a regional subgraph must not hold the key that signs headquarters' orders; give it HEADQUARTERS_PUBLIC_KEYS only");
  }
  const others = production ? Object.keys(env).filter((name) => name.startsWith('REGIONAL_SIGNING_KEY_') && name !== `REGIONAL_SIGNING_KEY_${subsidiary.code}` && env[name]?.trim()) : [];
  if (others.length > 0) throw new SubgraphConfigError(`${others[0]} is set: ${subsidiary.name}'s subgraph must not hold another subsidiary's signing key; give it its own REGIONAL_SIGNING_KEY only`);
  const signingKey = regionalSigningKey(env, subsidiary);
  if (production && !signingKey) {
    throw new SubgraphConfigError(
      `REGIONAL_SIGNING_KEY must be set in production: ${subsidiary.name}'s Ed25519 private JWK with kid "${subsidiary.code}" (npm run -s keys prints REGIONAL_SIGNING_KEY_${subsidiary.code}); headquarters consolidates only figures its subsidiaries signed`,
    );
  }
  const url = env.HEADQUARTERS_URL?.trim() || null;
  if (url !== null && !URL.canParse(url)) throw new SubgraphConfigError(`HEADQUARTERS_URL must be a URL such as http://group:4001, got "${url.slice(0, 80)}"`);
  return {
    signingKey,
    headquartersKeys: verificationKeys(env, 'HEADQUARTERS_PUBLIC_KEYS', 4),
    headquartersUrl: () => url,
    syncIntervalMs: whole(env, 'FISCAL_YEAR_SYNC_INTERVAL_MS', DEFAULT_SYNC_INTERVAL_MS, 100, 3_600_000),
  };
}

export function loadGroupReporting(env: NodeJS.ProcessEnv, production: boolean, subsidiaries: readonly SubsidiaryConfig[]): GroupReporting {
  if (production) {
    const held = Object.keys(env).find((name) => (name === 'REGIONAL_SIGNING_KEY' || name.startsWith('REGIONAL_SIGNING_KEY_')) && env[name]?.trim());
    if (held) throw new SubgraphConfigError(`${held} is set: headquarters must not hold a key that signs as a subsidiary; give it REGIONAL_PUBLIC_KEYS (the public keys) only`);
  }
  const regionalKeys = new RegionalKeys(verificationKeys(env, 'REGIONAL_PUBLIC_KEYS', MAX_REGIONAL_KEYS));
  const stranger = regionalKeys.keys.find((key) => !subsidiaries.some((subsidiary) => subsidiary.code === RegionalKeys.codeOf(key.keyId)));
  if (stranger) throw new SubgraphConfigError(`REGIONAL_PUBLIC_KEYS: key "${stranger.keyId}" names no subsidiary of the registry (${subsidiaries.map((subsidiary) => subsidiary.code).join(', ')}): a key's kid is its subsidiary's code`);
  const keyless = subsidiaries.filter((subsidiary) => regionalKeys.of(subsidiary.code).length === 0);
  if (production && keyless.length > 0) {
    throw new SubgraphConfigError(
      `REGIONAL_PUBLIC_KEYS must hold a public key for every subsidiary in production; none for ${keyless.map((subsidiary) => `${subsidiary.name} (${subsidiary.code})`).join(', ')} (npm run -s keys prints them)`,
    );
  }
  const signingKey = env.HEADQUARTERS_SIGNING_KEY?.trim() ? checked(() => parseSigningKey(env.HEADQUARTERS_SIGNING_KEY!, 'HEADQUARTERS_SIGNING_KEY')) : null;
  if (signingKey && RegionalKeys.codeOf(signingKey.keyId) !== HEADQUARTERS_KEY_ID) {
    throw new SubgraphConfigError(`HEADQUARTERS_SIGNING_KEY: key "${signingKey.keyId}" must have kid "${HEADQUARTERS_KEY_ID}" (or "${HEADQUARTERS_KEY_ID}.<version>" during a rotation): an auditor tells headquarters' key from the subsidiaries' by it`);
  }
  return { regionalKeys, signingKey, figuresMaxAgeSeconds: whole(env, 'FIGURES_MAX_AGE_S', DEFAULT_FIGURES_MAX_AGE_S, 1, 86_400) };
}

/** The reporting keys of the subgraph `name` (group or a region's key) from its environment. */
export function loadSubgraphReporting(name: string, env: NodeJS.ProcessEnv, production: boolean): { group?: GroupReporting; regional?: RegionalReporting } {
  if (name === GROUP_SUBGRAPH.key) return { group: loadGroupReporting(env, production, SUBSIDIARIES) };
  const subsidiary = SUBSIDIARIES.find((candidate) => candidate.key === name);
  return subsidiary ? { regional: loadRegionalReporting(env, production, subsidiary) } : {};
}
