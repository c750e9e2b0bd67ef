/**
 * Signed subgraph calls: the gateway signs every request it sends to a subgraph, and a subgraph
 * verifies the signature before it runs anything that only the gateway may ask for.
 *
 * Profile (RFC 9421 HTTP Message Signatures, RFC 9530 Content-Digest, Ed25519):
 *
 *   Content-Digest:  sha-256=:…:                 over the body as sent
 *   X-Subgraph-Name: india                        the subgraph the gateway meant to call
 *   Signature-Input: gateway=("@method" "@path" "@query" "content-digest" "content-type"
 *                    "authorization" "x-subgraph-name");created=…;expires=…;keyid="…";
 *                    alg="ed25519";nonce="…";tag="csr-gateway"
 *   Signature:       gateway=:…:
 *
 * A subgraph accepts a signature when: its tag is ours; its key id is one of its keys; `created` is
 * at most `maxAgeSeconds` old and not in the future (beyond `clockSkewSeconds`), `expires` not
 * passed; it covers at least the method, path, query, Content-Digest, the target subgraph and, when
 * the request has them, its Authorization and Content-Type; the Ed25519 signature verifies over the
 * signature base; the body's SHA-256 equals Content-Digest; it names this subgraph; and its nonce
 * was not seen before within the window. Each check failing has a reason of its own.
 */
import type { IncomingHttpHeaders } from 'node:http';
import { randomFillSync, sign as signBytes, verify as verifyBytes } from 'node:crypto';
import {
  SignatureFormatError,
  contentDigest,
  parseByteDictionary,
  parseSignatureInput,
  serializeSignature,
  serializeSignatureParams,
  signatureBase,
  type SignatureInput,
  type SignatureParams,
} from './http-signatures';
import type { SigningKey, VerificationKey } from './signing-keys';

export const SIGNATURE_LABEL = 'gateway';
export const SIGNATURE_TAG = 'csr-gateway';
export const SIGNATURE_ALGORITHM = 'ed25519';
export const TARGET_HEADER = 'x-subgraph-name';
/** The headers a signature adds: a deduplication key or a log leaves them out. */
export const SIGNATURE_HEADERS = ['signature-input', 'signature', 'content-digest', TARGET_HEADER] as const;

/** Components every signature covers; Authorization and Content-Type too when the request has them. */
const ALWAYS_COVERED = ['@method', '@path', '@query', 'content-digest', TARGET_HEADER] as const;
const COVERED_WHEN_PRESENT = ['content-type', 'authorization'] as const;

export const DEFAULT_SIGNATURE_LIFETIME_S = 30;
export const DEFAULT_SIGNATURE_MAX_AGE_S = 30;
export const DEFAULT_SIGNATURE_CLOCK_SKEW_S = 5;
/** Nonces remembered at most; past it the oldest are forgotten first (they are the next to expire anyway). */
const MAX_REMEMBERED_NONCES = 200_000;

/** A request as the gateway is about to send it. */
export interface OutgoingRequest {
  method: string;
  url: string;
  /** Header names in lower case, as @apollo/gateway builds them. */
  headers: Readonly<Record<string, string>>;
  body: string | Uint8Array | undefined;
  /** The subgraph's name in the supergraph. */
  target: string;
}

export interface SignOptions {
  /** Seconds since the epoch (tests sign in the past or the future). */
  now?: number;
  lifetimeSeconds?: number;
  nonce?: string;
  /** Sign for another path than the URL's (tests: a signature over another path). */
  path?: string;
}

function derived(url: URL, component: string): string | undefined {
  if (component === '@path') return url.pathname || '/';
  if (component === '@query') return url.search || '?';
  return undefined;
}

/** Signs requests with the gateway's key. */
export class RequestSigner {
  constructor(
    readonly key: SigningKey,
    private readonly lifetimeSeconds = DEFAULT_SIGNATURE_LIFETIME_S,
  ) {}

  /** The headers to add to the request: Content-Digest, X-Subgraph-Name, Signature-Input and Signature. */
  sign(request: OutgoingRequest, options: SignOptions = {}): Record<string, string> {
    const url = parsedUrl(request.url);
    const added: Record<string, string> = { 'content-digest': contentDigest(request.body ?? ''), [TARGET_HEADER]: request.target };
    const headers: Record<string, string> = { ...lowerCased(request.headers), ...added };
    const components = [...ALWAYS_COVERED.slice(0, 4), ...COVERED_WHEN_PRESENT.filter((name) => headers[name] !== undefined), TARGET_HEADER];
    const created = Math.floor(options.now ?? Date.now() / 1000);
    const params: SignatureParams = {
      created,
      expires: created + (options.lifetimeSeconds ?? this.lifetimeSeconds),
      keyid: this.key.keyId,
      alg: SIGNATURE_ALGORITHM,
      nonce: options.nonce ?? freshNonce(),
      tag: SIGNATURE_TAG,
    };
    const base = signatureBase(components, params, (component) => {
      if (component === '@method') return request.method.toUpperCase();
      if (component === '@path' && options.path !== undefined) return options.path;
      return derived(url, component) ?? headers[component]?.trim();
    });
    return {
      ...added,
      'signature-input': `${SIGNATURE_LABEL}=${serializeSignatureParams(components, params)}`,
      signature: serializeSignature(SIGNATURE_LABEL, signBytes(null, Buffer.from(base), this.key.privateKey)),
    };
  }
}

/** The few URLs a gateway signs for (its subgraphs), each parsed once. */
const parsedUrls = new Map<string, URL>();
function parsedUrl(text: string): URL {
  let url = parsedUrls.get(text);
  if (!url) {
    url = new URL(text);
    if (parsedUrls.size >= 1_000) parsedUrls.clear();
    parsedUrls.set(text, url);
  }
  return url;
}

/** 16 random bytes per nonce, drawn from a buffer filled 256 nonces at a time (one system call, not one per signature); each byte is used once. */
const NONCE_BYTES = 16;
const randomPool = Buffer.alloc(NONCE_BYTES * 256);
let randomOffset = randomPool.length;
function freshNonce(): string {
  if (randomOffset === randomPool.length) {
    randomFillSync(randomPool);
    randomOffset = 0;
  }
  const nonce = randomPool.toString('base64url', randomOffset, randomOffset + NONCE_BYTES);
  randomOffset += NONCE_BYTES;
  return nonce;
}

function lowerCased(headers: Readonly<Record<string, string>>): Record<string, string> {
  return Object.fromEntries(Object.entries(headers).map(([name, value]) => [name.toLowerCase(), value]));
}

/** Why a signature was refused. */
export type SignatureRefusalReason =
  | 'malformed'
  | 'unknown_key'
  | 'algorithm'
  | 'not_covered'
  | 'stale'
  | 'future'
  | 'expired'
  | 'bad_signature'
  | 'digest_mismatch'
  | 'wrong_subgraph'
  | 'replayed';

/** A request that carries a gateway signature which does not hold; the message says what to fix. */
export class SignatureRefusal extends Error {
  constructor(
    readonly reason: SignatureRefusalReason,
    message: string,
  ) {
    super(message);
  }
}

/** A request as a subgraph received it. */
export interface IncomingRequestParts {
  method: string;
  /** The request target as received: path and query. */
  url: string;
  headers: IncomingHttpHeaders;
}

/** What a verified signature proves. */
export interface GatewaySignature {
  keyId: string;
  created: number;
}

export interface VerifierOptions {
  keys: readonly VerificationKey[];
  /** This subgraph's name: a signature made for another subgraph is refused. */
  subgraph: string;
  maxAgeSeconds?: number;
  clockSkewSeconds?: number;
  /** Seconds since the epoch (tests). */
  now?: () => number;
}

function headerValue(headers: IncomingHttpHeaders, name: string): string | undefined {
  const value = headers[name];
  if (value === undefined) return undefined;
  return (Array.isArray(value) ? value.map((item) => item.trim()).join(', ') : value).trim();
}

/** Verifies the gateway's signatures on a subgraph; one per subgraph server. */
export class RequestVerifier {
  private readonly keys: Map<string, VerificationKey>;
  private readonly maxAge: number;
  private readonly skew: number;
  private readonly now: () => number;
  /** nonce → until when it is remembered (seconds). */
  private readonly nonces = new Map<string, number>();

  constructor(private readonly options: VerifierOptions) {
    this.keys = new Map(options.keys.map((key) => [key.keyId, key]));
    this.maxAge = options.maxAgeSeconds ?? DEFAULT_SIGNATURE_MAX_AGE_S;
    this.skew = options.clockSkewSeconds ?? DEFAULT_SIGNATURE_CLOCK_SKEW_S;
    this.now = options.now ?? (() => Date.now() / 1000);
  }

  /** Does the request claim a gateway signature at all (checked before its body is read)? */
  static claimsSignature(headers: IncomingHttpHeaders): boolean {
    return headers['signature-input'] !== undefined || headers.signature !== undefined;
  }

  get keyIds(): string[] {
    return [...this.keys.keys()];
  }

  /**
   * Null when the request carries no gateway signature; the signature's key and time when it holds;
   * a SignatureRefusal when it claims one that does not hold.
   */
  verify(request: IncomingRequestParts, body: Uint8Array): GatewaySignature | null {
    if (!RequestVerifier.claimsSignature(request.headers)) return null;
    const input = this.input(request.headers);
    const { params } = input;
    const key = this.checkParams(params);
    this.checkTime(params);
    const present = new Set(Object.keys(request.headers));
    const required = [...ALWAYS_COVERED, ...COVERED_WHEN_PRESENT.filter((name) => present.has(name))];
    const missing = required.filter((component) => !input.components.includes(component));
    if (missing.length > 0) throw new SignatureRefusal('not_covered', `The gateway signature does not cover ${missing.map((name) => `"${name}"`).join(', ')}: it must cover ${required.join(', ')}`);
    const url = new URL(request.url, 'http://subgraph.invalid');
    let base: string;
    let signature: Buffer | undefined;
    try {
      base = signatureBase(input.components, params, (component) => {
        if (component === '@method') return request.method.toUpperCase();
        return derived(url, component) ?? (component.startsWith('@') ? undefined : headerValue(request.headers, component));
      });
      signature = parseByteDictionary(headerValue(request.headers, 'signature') ?? '').get(SIGNATURE_LABEL);
    } catch (error) {
      if (error instanceof SignatureFormatError) throw new SignatureRefusal('malformed', `The gateway signature cannot be checked: ${error.message}`);
      throw error;
    }
    if (!signature) throw new SignatureRefusal('malformed', `The Signature header has no "${SIGNATURE_LABEL}" signature`);
    if (!verifyBytes(null, Buffer.from(base), key.publicKey, signature)) {
      throw new SignatureRefusal('bad_signature', `The gateway signature does not verify with key "${key.keyId}": the request was changed after signing (method, path, headers), or signed with another key under this id`);
    }
    this.checkDigest(request.headers, body);
    const target = headerValue(request.headers, TARGET_HEADER);
    if (target !== this.options.subgraph) throw new SignatureRefusal('wrong_subgraph', `The gateway signed this request for the "${target}" subgraph, not for "${this.options.subgraph}"`);
    this.remember(params.nonce!, params);
    return { keyId: key.keyId, created: params.created! };
  }

  private input(headers: IncomingHttpHeaders): SignatureInput {
    let inputs: SignatureInput[];
    try {
      inputs = parseSignatureInput(headerValue(headers, 'signature-input') ?? '');
    } catch (error) {
      if (error instanceof SignatureFormatError) throw new SignatureRefusal('malformed', `The Signature-Input header is malformed: ${error.message}`);
      throw error;
    }
    const ours = inputs.filter((input) => input.params.tag === SIGNATURE_TAG);
    if (ours.length !== 1 || ours[0]!.label !== SIGNATURE_LABEL) {
      throw new SignatureRefusal('malformed', `Signature-Input must hold one signature labelled "${SIGNATURE_LABEL}" with tag="${SIGNATURE_TAG}"`);
    }
    return ours[0]!;
  }

  private checkParams(params: SignatureParams): VerificationKey {
    if (params.alg !== undefined && params.alg !== SIGNATURE_ALGORITHM) throw new SignatureRefusal('algorithm', `The gateway signature uses alg "${params.alg}"; only "${SIGNATURE_ALGORITHM}" is accepted`);
    if (params.created === undefined || params.keyid === undefined || params.nonce === undefined) {
      throw new SignatureRefusal('malformed', 'The gateway signature must carry created, keyid and nonce parameters');
    }
    const key = this.keys.get(params.keyid);
    if (!key) throw new SignatureRefusal('unknown_key', `The gateway signed with key "${params.keyid.slice(0, 64)}", which this subgraph does not accept (it accepts ${this.keyIds.map((id) => `"${id}"`).join(', ') || 'no key'}; see GATEWAY_PUBLIC_KEYS)`);
    return key;
  }

  private checkTime(params: SignatureParams): void {
    const now = this.now();
    const created = params.created!;
    if (created > now + this.skew) throw new SignatureRefusal('future', `The gateway signature was created ${Math.round(created - now)} s in the future: check the clocks of the gateway and this subgraph`);
    if (now - created > this.maxAge) throw new SignatureRefusal('stale', `The gateway signature is ${Math.round(now - created)} s old; at most ${this.maxAge} s are accepted (a replayed request, or clocks apart)`);
    if (params.expires !== undefined && now > params.expires + this.skew) throw new SignatureRefusal('expired', `The gateway signature expired ${Math.round(now - params.expires)} s ago`);
  }

  private checkDigest(headers: IncomingHttpHeaders, body: Uint8Array): void {
    let digests: Map<string, Buffer>;
    try {
      digests = parseByteDictionary(headerValue(headers, 'content-digest') ?? '');
    } catch (error) {
      if (error instanceof SignatureFormatError) throw new SignatureRefusal('malformed', `The Content-Digest header is malformed: ${error.message}`);
      throw error;
    }
    const expected = digests.get('sha-256');
    if (!expected) throw new SignatureRefusal('malformed', 'Content-Digest must carry a sha-256 digest of the body');
    if (contentDigest(body) !== `sha-256=:${expected.toString('base64')}:`) {
      throw new SignatureRefusal('digest_mismatch', 'The body does not match its Content-Digest: it was changed after the gateway signed it');
    }
  }

  private remember(nonce: string, params: SignatureParams): void {
    const now = this.now();
    const known = this.nonces.get(nonce);
    if (known !== undefined && known >= now) throw new SignatureRefusal('replayed', 'This gateway signature was already used: a request is signed once, for one call');
    // forget what has expired: insertion order is nearly expiry order
    for (const [old, until] of this.nonces) {
      if (until >= now && this.nonces.size < MAX_REMEMBERED_NONCES) break;
      this.nonces.delete(old);
    }
    this.nonces.set(nonce, Math.max(params.created! + this.maxAge, params.expires ?? 0) + this.skew);
  }
}
