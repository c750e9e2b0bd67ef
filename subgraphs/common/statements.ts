import { sign as signBytes, verify as verifyBytes } from 'node:crypto';
import { canonicalJson } from './canonical-json';
import type { SigningKey, VerificationKey } from '../../platform/signing-keys';

/**
 * Signed statements: a JSON value signed with Ed25519 over its canonical serialisation
 * (canonical-json.ts), prefixed by what the statement is for, so that a signature made for one
 * purpose never verifies as another:
 *
 *   signed bytes = UTF-8 of  "<purpose>\n" + canonicalJson(statement)
 *
 * Purposes:
 *   csr-regional-figures/1   a subsidiary's report figures (its regional key; kit/resolvers.ts)
 *   csr-fiscal-year-lock/1   a subsidiary's confirmation that it holds a fiscal-year order (kit/closes.ts)
 *   csr-fiscal-year-order/1  headquarters' order to close or reopen a group fiscal year
 *   csr-published-report/1   headquarters' published report (its hash is over the same bytes
 *                            without the prefix)
 *
 * The signature travels beside the statement as { keyId, algorithm: "Ed25519", value } with the
 * value in base64url without padding.
 */
export const PURPOSES = {
  figures: 'csr-regional-figures/1',
  lock: 'csr-fiscal-year-lock/1',
  order: 'csr-fiscal-year-order/1',
  report: 'csr-published-report/1',
} as const;

export type Purpose = (typeof PURPOSES)[keyof typeof PURPOSES];

export interface StatementSignature {
  keyId: string;
  algorithm: 'Ed25519';
  value: string;
}

export function signedBytes(purpose: Purpose, statement: unknown): Buffer {
  return Buffer.from(`${purpose}\n${canonicalJson(statement)}`, 'utf8');
}

export function signStatement(key: SigningKey, purpose: Purpose, statement: unknown): StatementSignature {
  return { keyId: key.keyId, algorithm: 'Ed25519', value: signBytes(null, signedBytes(purpose, statement), key.privateKey).toString('base64url') };
}

const BASE64URL = /^[A-Za-z0-9_-]{86}$/;

/** Why a signature does not hold, or null when it does. `keys` are those that may have signed it. */
export function signatureProblem(keys: readonly VerificationKey[], purpose: Purpose, statement: unknown, signature: unknown): string | null {
  if (typeof signature !== 'object' || signature === null) return 'carries no signature';
  const { keyId, algorithm, value } = signature as Partial<StatementSignature>;
  if (algorithm !== 'Ed25519') return `is signed with ${JSON.stringify(algorithm)?.slice(0, 20)}, not Ed25519`;
  if (typeof value !== 'string' || !BASE64URL.test(value)) return 'carries a malformed signature value';
  const key = keys.find((candidate) => candidate.keyId === keyId);
  if (!key) return `is signed with key ${JSON.stringify(keyId)?.slice(0, 70)}, which is not one of ${keys.length === 0 ? 'any key configured' : keys.map((candidate) => `"${candidate.keyId}"`).join(', ')}`;
  let bytes: Buffer;
  try {
    bytes = signedBytes(purpose, statement);
  } catch (error) {
    return `cannot be serialised canonically: ${(error as Error).message}`;
  }
  return verifyBytes(null, bytes, key.publicKey, Buffer.from(value, 'base64url')) ? null : `does not verify with key "${key.keyId}": the figures were changed after they were signed, or signed with another key`;
}

/**
 * The subsidiaries' public keys (REGIONAL_PUBLIC_KEYS, held by headquarters): a key's id is the
 * subsidiary's code ("IN"), or its code, a dot and a version ("IN.2026-04") during a rotation.
 */
export class RegionalKeys {
  constructor(readonly keys: readonly VerificationKey[]) {}

  static codeOf(keyId: string): string {
    return keyId.split('.', 1)[0]!;
  }

  /** The keys that may sign a subsidiary's statements. */
  of(code: string): VerificationKey[] {
    return this.keys.filter((key) => RegionalKeys.codeOf(key.keyId) === code);
  }

  get size(): number {
    return this.keys.length;
  }
}

/** At most this many regional public keys (two per subsidiary of a large group, during rotations). */
export const MAX_REGIONAL_KEYS = 64;
