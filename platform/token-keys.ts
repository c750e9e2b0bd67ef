/**
 * Public keys that verify user tokens without a JWKS endpoint: AUTH_JWT_PUBLIC_KEY holds a JWKS
 * (`{"keys":[…]}`, several keys for a rotation), one public JWK, or a PEM public key (SPKI).
 * Services hold only these: a private key given here is refused, since whoever holds it mints
 * tokens for anyone with any scope.
 */
import { createPublicKey, type KeyObject } from 'node:crypto';
import { errors, type JWTHeaderParameters } from 'jose';

export type TokenAlgorithm = 'ES256' | 'RS256' | 'EdDSA';

export interface TokenVerificationKey {
  /** The `kid` tokens name it by; null for a PEM key (it matches any kid). */
  kid: string | null;
  alg: TokenAlgorithm;
  key: KeyObject;
}

export class TokenKeyError extends Error {}

const MAX_KEYS = 8;

/** The algorithm a public key verifies: ES256 for P-256, RS256 for RSA, EdDSA for Ed25519. */
function algorithmOf(key: KeyObject, name: string): TokenAlgorithm {
  const type = key.asymmetricKeyType;
  if (type === 'ec' && key.asymmetricKeyDetails?.namedCurve === 'prime256v1') return 'ES256';
  if (type === 'rsa') return 'RS256';
  if (type === 'ed25519') return 'EdDSA';
  throw new TokenKeyError(`${name}: a ${type}${type === 'ec' ? ` (${key.asymmetricKeyDetails?.namedCurve})` : ''} key is not accepted; use ES256 (P-256), RS256 or EdDSA (Ed25519)`);
}

function fromJwk(value: unknown, name: string): TokenVerificationKey {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new TokenKeyError(`${name}: a key must be a JSON object (a JWK)`);
  const jwk = value as Record<string, unknown>;
  if (['d', 'p', 'q', 'dp', 'dq', 'qi'].some((field) => field in jwk)) {
    throw new TokenKeyError(`${name} holds a private key: services get the identity provider's public key only (drop "d"; keep the private key for the token script, AUTH_JWT_PRIVATE_KEY)`);
  }
  if (jwk.kid !== undefined && (typeof jwk.kid !== 'string' || jwk.kid.length === 0 || jwk.kid.length > 200)) throw new TokenKeyError(`${name}: "kid" must be a string of 1 to 200 characters`);
  let key: KeyObject;
  try {
    key = createPublicKey({ key: jwk as never, format: 'jwk' });
  } catch {
    throw new TokenKeyError(`${name}: key ${jwk.kid ? `"${String(jwk.kid)}" ` : ''}is not a valid public JWK`);
  }
  const alg = algorithmOf(key, name);
  if (jwk.alg !== undefined && jwk.alg !== alg) throw new TokenKeyError(`${name}: key ${jwk.kid ? `"${String(jwk.kid)}" ` : ''}says alg ${JSON.stringify(jwk.alg)} but is a ${alg} key`);
  return { kid: typeof jwk.kid === 'string' ? jwk.kid : null, alg, key };
}

/** Parses AUTH_JWT_PUBLIC_KEY. */
export function parseTokenPublicKeys(text: string, name = 'AUTH_JWT_PUBLIC_KEY'): TokenVerificationKey[] {
  const trimmed = text.trim();
  if (trimmed.startsWith('-----BEGIN')) {
    if (/PRIVATE KEY/.test(trimmed)) throw new TokenKeyError(`${name} holds a private key: services get the identity provider's public key only`);
    let key: KeyObject;
    try {
      key = createPublicKey(trimmed);
    } catch {
      throw new TokenKeyError(`${name} is not a PEM public key`);
    }
    return [{ kid: null, alg: algorithmOf(key, name), key }];
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(trimmed);
  } catch {
    throw new TokenKeyError(`${name} must be a JWKS ({"keys":[…]}), a public JWK or a PEM public key`);
  }
  const list = Array.isArray(parsed) ? parsed : typeof parsed === 'object' && parsed !== null && Array.isArray((parsed as { keys?: unknown }).keys) ? (parsed as { keys: unknown[] }).keys : [parsed];
  if (list.length === 0 || list.length > MAX_KEYS) throw new TokenKeyError(`${name} must list 1 to ${MAX_KEYS} keys, got ${list.length}`);
  const keys = list.map((item) => fromJwk(item, name));
  const kids = keys.map((key) => key.kid).filter((kid): kid is string => kid !== null);
  if (new Set(kids).size !== kids.length) throw new TokenKeyError(`${name} lists a kid twice`);
  if (keys.length > 1 && kids.length !== keys.length) throw new TokenKeyError(`${name}: with several keys, every key needs a "kid"`);
  return keys;
}

/**
 * The key that verifies a token with this header: the one named by its kid (of its algorithm),
 * or the only key of that algorithm. jose's "no matching key" error otherwise.
 */
export function selectTokenKey(keys: readonly TokenVerificationKey[], header: JWTHeaderParameters): KeyObject {
  const candidates = keys.filter((key) => key.alg === header.alg);
  const named = header.kid === undefined ? [] : candidates.filter((key) => key.kid === header.kid);
  const chosen = named.length === 1 ? named[0] : candidates.length === 1 && (header.kid === undefined || candidates[0]!.kid === null) ? candidates[0] : undefined;
  if (!chosen) throw new errors.JWKSNoMatchingKey();
  return chosen.key;
}
