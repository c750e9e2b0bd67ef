/**
 * Bearer-token authentication shared by the gateway and every subgraph: one configuration read
 * from the environment, one verifier (jose). Services only verify: minting is the identity
 * provider's job (platform/token-issuer.ts for development).
 *
 *   AUTH_JWKS_URL            JWKS endpoint of an identity provider (RS256 / ES256 keys); production's choice
 *   AUTH_JWT_PUBLIC_KEY      the identity provider's public key(s) without an endpoint: a JWKS, a JWK or a PEM
 *   AUTH_JWT_SECRET          HS256 shared secret (at least 32 characters): whoever verifies can also mint
 *                            tokens (one trust domain); refused in production unless AUTH_ALLOW_SHARED_SECRET=true
 *   AUTH_ISSUER              expected `iss` (required in production)
 *   AUTH_AUDIENCE            expected `aud` (required in production)
 *   AUTH_ALLOW_ANONYMOUS     local demo only: requests without a token act as "anonymous" with
 *                            AUTH_ANONYMOUS_SCOPES (default "group:read"); refused in production
 *   AUTH_CLOCK_TOLERANCE_S   leeway on exp/nbf, default 30
 *
 * Authentication is enabled when a JWKS URL, a public key or a secret is configured. A token must
 * carry `exp` and a `sub` that is a string of 1 to 200 printable characters; its scopes are read
 * from `scope` (a space-separated string) or `scp` (a string or a list of strings), every scope a
 * well-formed scope token (RFC 6749 §3.3). Anything else is refused with a message saying which claim.
 */
import { randomBytes } from 'node:crypto';
import { createRemoteJWKSet, errors, jwtVerify, type JWTPayload, type JWTVerifyGetKey } from 'jose';
import { TokenKeyError, parseTokenPublicKeys, selectTokenKey, type TokenVerificationKey } from './token-keys';
import { VerifiedTokens } from './verified-tokens';

export interface AuthConfig {
  /** HS256 shared secret; null when tokens are verified with a JWKS only. */
  secret: Uint8Array | null;
  /** JWKS URL for RS256/ES256 tokens of an identity provider. */
  jwksUrl: string | null;
  /** The identity provider's public keys, given directly (AUTH_JWT_PUBLIC_KEY); null without. */
  publicKeys: readonly TokenVerificationKey[] | null;
  issuer: string;
  audience: string;
  /** Local demo only: a request without a token acts as "anonymous" with `anonymousScopes`. */
  allowAnonymous: boolean;
  anonymousScopes: readonly string[];
  clockToleranceSeconds: number;
}

/** Who is calling, as established from a verified token. */
export interface Principal {
  /** The token's `sub`, or "anonymous". */
  subject: string;
  scopes: ReadonlySet<string>;
  anonymous: boolean;
}

export class AuthConfigError extends Error {}

/** A request that did not prove who it is; the message is safe to show to the caller. */
export class AuthenticationError extends Error {}

export const DEVELOPMENT_ISSUER = 'csr-federation-dev';
export const DEVELOPMENT_AUDIENCE = 'csr-federation';
export const HS256_MIN_SECRET_LENGTH = 32;
const ASYMMETRIC_ALGORITHMS = ['RS256', 'ES256'];
const MAX_TOKEN_LENGTH = 8_192;
export const MAX_SUBJECT_LENGTH = 200;
const MAX_SCOPES = 100;
const MAX_SCOPE_LENGTH = 200;
/** A scope token of RFC 6749 §3.3: printable ASCII but space, `"` and `\`. */
const SCOPE_TOKEN = /^[\x21\x23-\x5b\x5d-\x7e]+$/;

function envFlag(value: string | undefined, name: string): boolean {
  if (value === undefined || value === '') return false;
  if (['1', 'true', 'yes'].includes(value.toLowerCase())) return true;
  if (['0', 'false', 'no'].includes(value.toLowerCase())) return false;
  throw new AuthConfigError(`${name} must be true or false, got "${value}"`);
}

export function authEnabled(config: AuthConfig): boolean {
  return config.secret !== null || config.jwksUrl !== null || config.publicKeys !== null;
}

/** Parses the AUTH_* variables once; throws AuthConfigError with a clear message on a bad value. */
export function loadAuthConfig(env: NodeJS.ProcessEnv = process.env): AuthConfig {
  const production = env.NODE_ENV === 'production';
  const secretText = env.AUTH_JWT_SECRET?.trim() || null;
  if (secretText !== null && secretText.length < HS256_MIN_SECRET_LENGTH) {
    throw new AuthConfigError(`AUTH_JWT_SECRET must be at least ${HS256_MIN_SECRET_LENGTH} characters (got ${secretText.length})`);
  }
  const jwksUrl = env.AUTH_JWKS_URL?.trim() || null;
  if (jwksUrl !== null) {
    let url: URL;
    try {
      url = new URL(jwksUrl);
    } catch {
      throw new AuthConfigError(`AUTH_JWKS_URL is not a URL: "${jwksUrl}"`);
    }
    if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new AuthConfigError(`AUTH_JWKS_URL must be an http(s) URL, got "${jwksUrl}"`);
    if (production && url.protocol !== 'https:') throw new AuthConfigError('AUTH_JWKS_URL must use https in production');
  }
  let publicKeys: TokenVerificationKey[] | null = null;
  if (env.AUTH_JWT_PUBLIC_KEY?.trim()) {
    try {
      publicKeys = parseTokenPublicKeys(env.AUTH_JWT_PUBLIC_KEY);
    } catch (error) {
      if (error instanceof TokenKeyError) throw new AuthConfigError(error.message);
      throw error;
    }
  }
  if (production && env.AUTH_JWT_PRIVATE_KEY?.trim()) {
    throw new AuthConfigError('AUTH_JWT_PRIVATE_KEY is set: a service must not hold the key that mints tokens; give it AUTH_JWKS_URL or AUTH_JWT_PUBLIC_KEY and keep the private key with the identity provider');
  }
  if (production && secretText !== null && !envFlag(env.AUTH_ALLOW_SHARED_SECRET, 'AUTH_ALLOW_SHARED_SECRET')) {
    throw new AuthConfigError(
      'AUTH_JWT_SECRET (HS256) lets every service that verifies tokens also mint them, for anyone with any scope: in production use AUTH_JWKS_URL or AUTH_JWT_PUBLIC_KEY, or set AUTH_ALLOW_SHARED_SECRET=true to accept one trust domain',
    );
  }
  const enabled = secretText !== null || jwksUrl !== null || publicKeys !== null;
  if (production && enabled && (!env.AUTH_ISSUER?.trim() || !env.AUTH_AUDIENCE?.trim())) {
    throw new AuthConfigError('AUTH_ISSUER and AUTH_AUDIENCE must be set in production');
  }
  const allowAnonymous = envFlag(env.AUTH_ALLOW_ANONYMOUS, 'AUTH_ALLOW_ANONYMOUS');
  if (allowAnonymous && production) throw new AuthConfigError('AUTH_ALLOW_ANONYMOUS is for local demos only and cannot be enabled when NODE_ENV=production');
  const tolerance = env.AUTH_CLOCK_TOLERANCE_S?.trim() ? Number(env.AUTH_CLOCK_TOLERANCE_S) : 30;
  if (!Number.isInteger(tolerance) || tolerance < 0 || tolerance > 300) {
    throw new AuthConfigError(`AUTH_CLOCK_TOLERANCE_S must be a whole number from 0 to 300, got "${env.AUTH_CLOCK_TOLERANCE_S}"`);
  }
  return {
    secret: secretText === null ? null : new TextEncoder().encode(secretText),
    jwksUrl,
    publicKeys,
    issuer: env.AUTH_ISSUER?.trim() || DEVELOPMENT_ISSUER,
    audience: env.AUTH_AUDIENCE?.trim() || DEVELOPMENT_AUDIENCE,
    allowAnonymous,
    anonymousScopes: (env.AUTH_ANONYMOUS_SCOPES ?? 'group:read').split(/\s+/).filter(Boolean),
    clockToleranceSeconds: tolerance,
  };
}

/** A fresh random HS256 secret as text (AUTH_JWT_SECRET: one trust domain, see the header). */
export function generateSecret(): string {
  return randomBytes(32).toString('base64url');
}

function describe(value: unknown): string {
  if (Array.isArray(value)) return 'a list';
  if (value === null) return 'null';
  return typeof value === 'object' ? 'an object' : `a ${typeof value}`;
}

/** C0 and C1 controls, DEL, and the line and paragraph separators: nothing a log line or an audit entry should hold. */
function isControl(character: string): boolean {
  const code = character.codePointAt(0)!;
  return code < 0x20 || (code >= 0x7f && code <= 0x9f) || code === 0x2028 || code === 0x2029;
}

/** The token's subject: a string of 1 to MAX_SUBJECT_LENGTH printable characters (it becomes the audit trail's actor). */
function subjectOf(payload: JWTPayload): string {
  const subject: unknown = payload.sub;
  if (typeof subject !== 'string') throw new AuthenticationError(`The token's "sub" claim must be a string, not ${describe(subject)}`);
  if (subject.length === 0 || subject.length > MAX_SUBJECT_LENGTH) throw new AuthenticationError(`The token's subject must be 1 to ${MAX_SUBJECT_LENGTH} characters`);
  if ([...subject].some((character) => isControl(character))) throw new AuthenticationError("The token's subject holds control characters");
  return subject;
}

function scopeList(value: unknown, claim: 'scope' | 'scp'): string[] {
  if (value === undefined) return [];
  if (typeof value === 'string') return value.split(/\s+/).filter(Boolean);
  if (claim === 'scp' && Array.isArray(value)) {
    if (value.some((item) => typeof item !== 'string')) throw new AuthenticationError('The token\'s "scp" claim must list strings only');
    return value as string[];
  }
  throw new AuthenticationError(claim === 'scope' ? 'The token\'s "scope" claim must be a space-separated string' : 'The token\'s "scp" claim must be a string or a list of strings');
}

function scopesOf(payload: JWTPayload): Set<string> {
  const scopes = [...scopeList(payload.scope, 'scope'), ...scopeList(payload.scp, 'scp')];
  if (scopes.length > MAX_SCOPES || scopes.some((scope) => scope.length > MAX_SCOPE_LENGTH)) {
    throw new AuthenticationError('The token carries too many or too long scopes');
  }
  const malformed = scopes.find((scope) => !SCOPE_TOKEN.test(scope));
  if (malformed !== undefined) throw new AuthenticationError(`The token carries a malformed scope ${JSON.stringify(malformed.slice(0, 40))}: scopes are printable ASCII without spaces, quotes or backslashes`);
  return new Set(scopes);
}

function reason(error: unknown): string {
  if (error instanceof AuthenticationError) return error.message;
  if (error instanceof errors.JWTExpired) return 'The token has expired';
  if (error instanceof errors.JWTClaimValidationFailed) {
    if (error.claim === 'aud') return 'The token is not meant for this service (audience)';
    if (error.claim === 'iss') return 'The token was not issued by the accepted issuer';
    if (error.claim === 'nbf') return 'The token is not valid yet';
    return `The token's "${error.claim}" claim is missing or invalid`;
  }
  if (error instanceof errors.JOSEAlgNotAllowed || error instanceof errors.JOSENotSupported) return 'The token is signed with an algorithm that is not accepted';
  if (error instanceof errors.JWSSignatureVerificationFailed) return "The token's signature is invalid";
  if (error instanceof errors.JWKSNoMatchingKey) return 'The token is signed with an unknown key';
  if (error instanceof errors.JWKSTimeout || error instanceof errors.JWKSInvalid) return 'The signing keys could not be fetched; try again later';
  return 'The token is malformed';
}

export type Authenticator = (authorization: string | undefined) => Promise<Principal>;

/**
 * Verifies the Authorization header of a request: signature (HS256 with the secret, RS256/ES256
 * with the public keys or the JWKS), expiry, issuer, audience and the claims' types. Throws
 * AuthenticationError with a safe message. A token verified once is trusted again without a new
 * signature check until it expires, for at most a minute (verified-tokens.ts).
 */
export function createAuthenticator(config: AuthConfig): Authenticator {
  const jwks = config.jwksUrl ? createRemoteJWKSet(new URL(config.jwksUrl), { timeoutDuration: 5_000, cooldownDuration: 30_000 }) : null;
  const localAlgorithms = [...new Set((config.publicKeys ?? []).map((key) => key.alg))];
  const algorithms = [...new Set([...(config.secret ? ['HS256'] : []), ...localAlgorithms, ...(jwks ? ASYMMETRIC_ALGORITHMS : [])])];
  const key: JWTVerifyGetKey = (header, token) => {
    if (header.alg === 'HS256' && config.secret) return config.secret;
    const local = (config.publicKeys ?? []).filter((candidate) => candidate.alg === header.alg);
    // a kid the local keys name, or no JWKS to ask: the local keys decide
    if (local.length > 0 && (!jwks || local.some((candidate) => candidate.kid === header.kid || candidate.kid === null))) return selectTokenKey(local, header);
    if (jwks && ASYMMETRIC_ALGORITHMS.includes(header.alg)) return jwks(header, token);
    throw new errors.JOSEAlgNotAllowed('"alg" (Algorithm) Header Parameter value not allowed');
  };
  const anonymous: Principal = { subject: 'anonymous', scopes: new Set(config.anonymousScopes), anonymous: true };
  const verified = new VerifiedTokens<Principal>();

  return async (authorization) => {
    if (authorization === undefined || authorization.trim() === '') {
      if (config.allowAnonymous) return anonymous;
      throw new AuthenticationError('Authentication required: send "Authorization: Bearer <token>"');
    }
    const match = /^Bearer[ ]+([A-Za-z0-9._~+/=-]+)[ ]*$/i.exec(authorization);
    if (!match || match[1]!.length > MAX_TOKEN_LENGTH) throw new AuthenticationError('The Authorization header must be "Bearer <token>"');
    if (algorithms.length === 0) throw new AuthenticationError('This service accepts no tokens (authentication is not configured)');
    const token = match[1]!;
    const known = verified.get(token);
    if (known) return known;
    try {
      const { payload } = await jwtVerify(token, key, {
        algorithms,
        issuer: config.issuer,
        audience: config.audience,
        clockTolerance: config.clockToleranceSeconds,
        requiredClaims: ['sub', 'exp'],
      });
      const principal: Principal = { subject: subjectOf(payload), scopes: scopesOf(payload), anonymous: false };
      // jose refuses once exp + tolerance is reached (requiredClaims makes exp a number here)
      verified.remember(token, principal, ((payload.exp as number) + config.clockToleranceSeconds) * 1000);
      return principal;
    } catch (error) {
      throw new AuthenticationError(reason(error));
    }
  };
}
