/**
 * Tokens already verified, so that a caller sending the same token request after request costs one
 * signature check, not one per request. An entry is the principal a successful verification gave;
 * it is used until the token expires (its `exp`, with the clock tolerance the verifier allows) and
 * at most `maxAgeMs` after the check, so that a key removed from a JWKS stops being trusted soon.
 * Refusals are never kept. Least recently used tokens go first beyond `maxEntries`.
 */
export interface VerifiedTokensOptions {
  maxEntries?: number;
  maxAgeMs?: number;
  now?: () => number;
}

interface Entry<T> {
  value: T;
  /** Epoch milliseconds until which the entry may be used. */
  until: number;
}

export const DEFAULT_VERIFIED_TOKENS = 1_000;
export const DEFAULT_VERIFIED_TOKEN_AGE_MS = 60_000;

export class VerifiedTokens<T> {
  private readonly entries = new Map<string, Entry<T>>();
  private readonly maxEntries: number;
  private readonly maxAgeMs: number;
  private readonly now: () => number;

  constructor(options: VerifiedTokensOptions = {}) {
    this.maxEntries = options.maxEntries ?? DEFAULT_VERIFIED_TOKENS;
    this.maxAgeMs = options.maxAgeMs ?? DEFAULT_VERIFIED_TOKEN_AGE_MS;
    this.now = options.now ?? Date.now;
  }

  get size(): number {
    return this.entries.size;
  }

  /** What verifying `token` gave, while it still holds. */
  get(token: string): T | undefined {
    const entry = this.entries.get(token);
    if (!entry) return undefined;
    this.entries.delete(token);
    if (this.now() >= entry.until) return undefined;
    this.entries.set(token, entry);
    return entry.value;
  }

  /** Keeps a verification's result; `acceptedUntilMs` is when the verifier would start refusing the token. */
  remember(token: string, value: T, acceptedUntilMs: number): void {
    const until = Math.min(acceptedUntilMs, this.now() + this.maxAgeMs);
    if (until <= this.now()) return;
    this.entries.delete(token);
    if (this.entries.size >= this.maxEntries) this.entries.delete(this.entries.keys().next().value!);
    this.entries.set(token, { value, until });
  }
}
