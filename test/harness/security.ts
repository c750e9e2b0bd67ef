import { createHash } from 'node:crypto';
import { BSON } from 'mongodb';
import { SignJWT, UnsecuredJWT } from 'jose';
import { es256Issuer } from '../../platform/token-issuer';
import { ROLES } from '../../subgraphs/common/scopes';
import type { GraphQLResponse } from './graphql';
import type { RawResponse } from './raw-response';
import type { SeededStack } from './stack';

export type { RawResponse } from './raw-response';

/** POSTs one operation with a bearer token (none for null) and keeps the HTTP status. */
export async function post(url: string, query: string, variables: Record<string, unknown> = {}, token: string | null = null, headers: Record<string, string> = {}): Promise<RawResponse> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token === null ? {} : { authorization: `Bearer ${token}` }), ...headers },
    body: JSON.stringify({ query, variables }),
  });
  const text = await response.text();
  let body: GraphQLResponse;
  try {
    body = JSON.parse(text) as GraphQLResponse;
  } catch {
    body = { errors: [{ message: `not JSON: ${text.slice(0, 200)}` }] };
  }
  return { status: response.status, headers: response.headers, body };
}

export const SUBGRAPH_DATABASES = ['group', 'japan', 'india', 'america', 'thailand'] as const;

/**
 * Every document of every collection of the stack's databases, as "count:sha1" per collection:
 * equal snapshots mean nothing was written (counters and the audit trail included).
 */
export async function databaseSnapshot(stack: SeededStack, subgraphs: readonly string[] = SUBGRAPH_DATABASES): Promise<Record<string, string>> {
  const snapshot: Record<string, string> = {};
  for (const subgraph of subgraphs) {
    const db = stack.db(subgraph);
    const names = (await db.listCollections({}, { nameOnly: true }).toArray()).map((collection) => collection.name).sort();
    for (const name of names) {
      const documents = await db.collection(name).find().sort({ _id: 1 }).toArray();
      snapshot[`${subgraph}.${name}`] = `${documents.length}:${createHash('sha1').update(BSON.EJSON.stringify(documents, { relaxed: false })).digest('hex')}`;
    }
  }
  return snapshot;
}

export interface Caller {
  name: string;
  /** null: no Authorization header. */
  token: string | null;
}

/** The key id the stack's identity provider signs with (from its public JWKS). */
function stackKid(stack: SeededStack): string {
  return (JSON.parse(stack.issuer.verifierEnv.AUTH_JWT_PUBLIC_KEY!) as { keys: { kid: string }[] }).keys[0]!.kid;
}

/** The callers of the role matrix: real roles, and every way a token can be wrong. */
export async function callers(stack: SeededStack) {
  const { issuer, audience } = stack.stack.auth;
  const now = Math.floor(Date.now() / 1000);
  // another key under the stack's key id: a forged signature
  const stranger = es256Issuer({ issuer, audience });
  const publicKeyText = stack.issuer.verifierEnv.AUTH_JWT_PUBLIC_KEY!;
  return {
    admin: await stack.token(ROLES.admin, { subject: 'ops-admin' }),
    hq: await stack.token(ROLES.hq, { subject: 'hq-alice' }),
    india: await stack.token(ROLES.regional('IN'), { subject: 'in-priya' }),
    japan: await stack.token(ROLES.regional('JP'), { subject: 'jp-kenji' }),
    bi: await stack.token(ROLES.bi, { subject: 'powerbi-service' }),
    noScopes: await stack.token([], { subject: 'nobody' }),
    anonymous: null,
    expired: await stack.token(ROLES.admin, { subject: 'ops-admin', ttlSeconds: -3600 }),
    wrongAudience: await stack.token(ROLES.admin, { subject: 'ops-admin', audience: 'another-api' }),
    wrongIssuer: await stack.token(ROLES.admin, { subject: 'ops-admin', issuer: 'https://evil.example' }),
    badSignature: await stranger.mint({ subject: 'ops-admin', scopes: ROLES.admin, header: { kid: stackKid(stack) } }),
    algNone: new UnsecuredJWT({ scope: ROLES.admin.join(' ') }).setSubject('ops-admin').setIssuer(issuer).setAudience(audience).setIssuedAt(now).setExpirationTime(now + 600).encode(),
    // HS256 with the published public key as its "secret" (algorithm confusion): services hold no secret
    publicKeyAsSecret: await new SignJWT({ scope: ROLES.admin.join(' ') })
      .setProtectedHeader({ alg: 'HS256', kid: stackKid(stack) })
      .setSubject('ops-admin')
      .setIssuer(issuer)
      .setAudience(audience)
      .setExpirationTime(now + 600)
      .sign(new TextEncoder().encode(publicKeyText)),
    // validly signed, claims of the wrong type (finding 7)
    subjectList: await stack.token(ROLES.admin, { claims: { sub: ['admin'] } }),
    subjectNumber: await stack.token(ROLES.hq, { claims: { sub: 12345 } }),
    scopeList: await stack.token([], { claims: { scope: ROLES.admin } }),
    malformedScope: await stack.token([], { claims: { scope: 'group:read "subsidiary:IN:write"' } }),
  } as const;
}

export type CallerName = keyof Awaited<ReturnType<typeof callers>>;

/** Callers whose token must be refused as UNAUTHENTICATED (HTTP 401) everywhere. */
export const UNAUTHENTICATED_CALLERS: readonly CallerName[] = [
  'anonymous',
  'expired',
  'wrongAudience',
  'wrongIssuer',
  'badSignature',
  'algNone',
  'publicKeyAsSecret',
  'subjectList',
  'subjectNumber',
  'scopeList',
  'malformedScope',
];

export function firstCode(response: RawResponse): string | undefined {
  return response.body.errors?.[0]?.extensions?.code as string | undefined;
}
