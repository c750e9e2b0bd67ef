/**
 * The keys of signed subgraph calls (platform/request-signing.ts): Ed25519, as JSON Web Keys
 * (RFC 7517, OKP keys of RFC 8037), each with a key id.
 *
 *   the gateway     GATEWAY_SIGNING_KEY   one private JWK: {"kty":"OKP","crv":"Ed25519","x":"…","d":"…","kid":"gateway-2025-06"}
 *   each subgraph   GATEWAY_PUBLIC_KEYS   the public JWKs it accepts: {"keys":[{"kty":"OKP","crv":"Ed25519","x":"…","kid":"…"}, …]}
 *
 * Rotation: a subgraph accepts every key of its list (up to MAX_PUBLIC_KEYS, so the old and the new
 * key during a change-over); the gateway signs with one. A subgraph's list must hold public keys
 * only: a private key there is refused, so that no regional team ever holds what signs as the gateway.
 */
import { createPrivateKey, createPublicKey, generateKeyPairSync, randomBytes, type KeyObject } from 'node:crypto';

export interface SigningKey {
  keyId: string;
  privateKey: KeyObject;
}

export interface VerificationKey {
  keyId: string;
  publicKey: KeyObject;
}

/** A public JWK as published in GATEWAY_PUBLIC_KEYS. */
export interface PublicJwk {
  kty: 'OKP';
  crv: 'Ed25519';
  x: string;
  kid: string;
  alg: 'EdDSA';
  use: 'sig';
}

export class SigningKeyError extends Error {}

export const MAX_PUBLIC_KEYS = 4;
const KEY_ID = /^[A-Za-z0-9._:-]{1,64}$/;
const BASE64URL = /^[A-Za-z0-9_-]{43}$/;

function parseJson(text: string, name: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    throw new SigningKeyError(`${name} is not JSON: give a JSON Web Key (npm run -s keys prints one)`);
  }
}

/** The fields of an Ed25519 JWK, checked; `role` says which part the variable must hold. */
function ed25519Jwk(value: unknown, name: string, role: 'private' | 'public'): { x: string; d?: string; kid: string } {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new SigningKeyError(`${name}: a key must be a JSON object (a JWK)`);
  const jwk = value as Record<string, unknown>;
  if (jwk.kty !== 'OKP' || jwk.crv !== 'Ed25519') throw new SigningKeyError(`${name}: only Ed25519 keys are used ("kty": "OKP", "crv": "Ed25519"), got kty ${JSON.stringify(jwk.kty)} crv ${JSON.stringify(jwk.crv)}`);
  if (typeof jwk.kid !== 'string' || !KEY_ID.test(jwk.kid)) throw new SigningKeyError(`${name}: every key needs a "kid" of 1 to 64 letters, digits, ".", "_", ":" or "-"`);
  if (typeof jwk.x !== 'string' || !BASE64URL.test(jwk.x)) throw new SigningKeyError(`${name}: key "${jwk.kid}" has no valid "x" (its public part, 32 bytes base64url)`);
  if (role === 'public' && jwk.d !== undefined) {
    throw new SigningKeyError(`${name}: key "${jwk.kid}" holds a private part ("d"): a subgraph gets the gateway's public keys only; remove "d"`);
  }
  if (role === 'private' && (typeof jwk.d !== 'string' || !BASE64URL.test(jwk.d))) throw new SigningKeyError(`${name}: key "${jwk.kid}" has no valid private part ("d")`);
  return { x: jwk.x, kid: jwk.kid, ...(role === 'private' ? { d: jwk.d as string } : {}) };
}

/** PKCS#8 DER of an Ed25519 private key, before its 32-byte seed (RFC 8410). */
const ED25519_PKCS8_PREFIX = Buffer.from('302e020100300506032b657004220420', 'hex');

/** The gateway's signing key from GATEWAY_SIGNING_KEY (a private Ed25519 JWK with a kid). */
export function parseSigningKey(text: string, name = 'GATEWAY_SIGNING_KEY'): SigningKey {
  const { x, d, kid } = ed25519Jwk(parseJson(text, name), name, 'private');
  let privateKey: KeyObject;
  try {
    // from "d" alone (the 32-byte seed in PKCS#8): Node 24 refuses a JWK whose "x" does not match, Node 20 takes it
    privateKey = createPrivateKey({ key: Buffer.concat([ED25519_PKCS8_PREFIX, Buffer.from(d ?? '', 'base64url')]), format: 'der', type: 'pkcs8' });
  } catch {
    throw new SigningKeyError(`${name}: key "${kid}" is not a valid Ed25519 key`);
  }
  // "x" must be the public part of "d": a key pasted together from two keys would sign what no subgraph verifies
  if ((createPublicKey(privateKey).export({ format: 'jwk' }) as { x?: string }).x !== x) throw new SigningKeyError(`${name}: key "${kid}": "x" is not the public part of "d"`);
  return { keyId: kid, privateKey };
}

/** The keys a subgraph accepts, from GATEWAY_PUBLIC_KEYS: a JWKS {"keys":[…]}, a list of JWKs, or one JWK. */
export function parseVerificationKeys(text: string, name = 'GATEWAY_PUBLIC_KEYS', max = MAX_PUBLIC_KEYS): VerificationKey[] {
  const parsed = parseJson(text, name);
  const list = Array.isArray(parsed) ? parsed : typeof parsed === 'object' && parsed !== null && Array.isArray((parsed as { keys?: unknown }).keys) ? (parsed as { keys: unknown[] }).keys : [parsed];
  if (list.length === 0) throw new SigningKeyError(`${name} lists no key`);
  if (list.length > max) throw new SigningKeyError(`${name} lists ${list.length} keys; at most ${max} (the current key and the next, during a rotation)`);
  const keys = list.map((item) => {
    const { x, kid } = ed25519Jwk(item, name, 'public');
    try {
      return { keyId: kid, publicKey: createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x }, format: 'jwk' }) };
    } catch {
      throw new SigningKeyError(`${name}: key "${kid}" is not a valid Ed25519 public key`);
    }
  });
  const ids = keys.map((key) => key.keyId);
  const repeated = ids.find((id, index) => ids.indexOf(id) !== index);
  if (repeated) throw new SigningKeyError(`${name} lists key "${repeated}" twice`);
  return keys;
}

/** The public JWK of a signing key, for a subgraph's GATEWAY_PUBLIC_KEYS. */
export function publicJwkOf(key: SigningKey): PublicJwk {
  const { x } = createPublicKey(key.privateKey).export({ format: 'jwk' }) as { x: string };
  return { kty: 'OKP', crv: 'Ed25519', x, kid: key.keyId, alg: 'EdDSA', use: 'sig' };
}

/** The public JWK of a verification key (a published report carries those its signatures verify with). */
export function publicJwkOfVerificationKey(key: VerificationKey): PublicJwk {
  const { x } = key.publicKey.export({ format: 'jwk' }) as { x: string };
  return { kty: 'OKP', crv: 'Ed25519', x, kid: key.keyId, alg: 'EdDSA', use: 'sig' };
}

/** GATEWAY_PUBLIC_KEYS for these signing keys (the current one and, during a rotation, the next). */
export function publicKeySet(keys: readonly SigningKey[]): string {
  return JSON.stringify({ keys: keys.map(publicJwkOf) });
}

/** GATEWAY_SIGNING_KEY for a key: its private JWK with its kid. */
export function privateJwkText(key: SigningKey): string {
  const jwk = key.privateKey.export({ format: 'jwk' }) as { x: string; d: string };
  return JSON.stringify({ kty: 'OKP', crv: 'Ed25519', x: jwk.x, d: jwk.d, kid: key.keyId, alg: 'EdDSA', use: 'sig' });
}

/** The public keys a subgraph would accept for these signing keys (tests, in-process stacks). */
export function verificationKeysOf(keys: readonly SigningKey[]): VerificationKey[] {
  return keys.map((key) => ({ keyId: key.keyId, publicKey: createPublicKey(key.privateKey) }));
}

/** A fresh Ed25519 key; its id names the day it was made unless given. */
export function generateSigningKey(keyId = `gateway-${new Date().toISOString().slice(0, 10)}-${randomBytes(3).toString('hex')}`): SigningKey {
  if (!KEY_ID.test(keyId)) throw new SigningKeyError(`key id "${keyId}" must be 1 to 64 letters, digits, ".", "_", ":" or "-"`);
  return { keyId, privateKey: generateKeyPairSync('ed25519').privateKey };
}
