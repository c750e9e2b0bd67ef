/**
 * Requests signed as the gateway signs its subgraph calls (platform/request-signing.ts), for tests
 * that reach a subgraph directly: the gateway's own calls, and every way to get a signature wrong.
 */
import { RequestSigner, type SignOptions } from '../../platform/request-signing';
import type { SigningKey } from '../../platform/signing-keys';
import type { GraphQLResponse } from './graphql';
import type { RawResponse } from './raw-response';

export interface SignedRequestOptions {
  /** How to sign: in the past or future (`now`), over another path, with a given nonce, for how long. */
  sign?: SignOptions;
  /** The subgraph the signature names (default: the one called). */
  target?: string;
  /** Changes the body after it was signed. */
  alterBody?: (body: string) => string;
  /** Headers set after signing (overriding what was signed). */
  headers?: Record<string, string>;
  /** Headers set before signing (signed with the rest, e.g. another content type). */
  signedHeaders?: Record<string, string>;
  /** Sent with the headers of an earlier signature (a replay). */
  reuse?: Record<string, string>;
  /** Headers sent but left out of the signature (as a signer that covers too little would). */
  unsignedHeaders?: string[];
}

/** The signature headers a request would carry, and the body they were made for. */
export function signRequest(key: SigningKey, url: string, target: string, body: string, headers: Record<string, string>, options: SignOptions = {}): Record<string, string> {
  return new RequestSigner(key).sign({ method: 'POST', url, headers, body, target }, options);
}

/** POSTs one operation to `url` (subgraph `subgraph`) signed with `key`; keeps the status and headers. */
export async function signedPost(
  url: string,
  subgraph: string,
  key: SigningKey,
  query: string,
  variables: Record<string, unknown> = {},
  token: string | null = null,
  options: SignedRequestOptions = {},
): Promise<RawResponse & { signature: Record<string, string> }> {
  const body = JSON.stringify({ query, variables });
  const headers: Record<string, string> = { 'content-type': 'application/json', ...(token === null ? {} : { authorization: `Bearer ${token}` }), ...options.signedHeaders };
  const covered = Object.fromEntries(Object.entries(headers).filter(([name]) => !options.unsignedHeaders?.includes(name)));
  const signature = options.reuse ?? signRequest(key, url, options.target ?? subgraph, body, covered, options.sign);
  const response = await fetch(url, { method: 'POST', headers: { ...headers, ...signature, ...options.headers }, body: options.alterBody ? options.alterBody(body) : body });
  const text = await response.text();
  let parsed: GraphQLResponse;
  try {
    parsed = JSON.parse(text) as GraphQLResponse;
  } catch {
    parsed = { errors: [{ message: `not JSON: ${text.slice(0, 200)}` }] };
  }
  return { status: response.status, headers: response.headers, body: parsed, signature };
}
