/**
 * Bearer-token authentication shared by the gateway and every subgraph: one configuration read
 * from the environment, one verifier (jose), one way to mint development tokens.
 *
 *   AUTH_JWT_SECRET        HS256 shared secret (at least 32 characters)
 *   AUTH_JWKS_URL          JWKS endpoint of an identity provider (RS256 / ES256 keys)
 *   AUTH_ISSUER            expected `iss` (required in production)
 *   AUTH_AUDIENCE          expected `aud` (required in production)
 *   AUTH_ALLOW_ANONYMOUS   local demo only: requests without a token act as "anonymous" with
 *                          AUTH_ANONYMOUS_SCOPES (default "group:read"); refused in production
 *   AUTH_CLOCK_TOLERANCE_S leeway on exp/nbf, default 30
 *
 * Authentication is enabled when a secret or a JWKS URL is configured. A token must carry `sub`
 * and `exp`; its scopes are read from `scope` (space-separated) or `scp` (array or string).
 */
import { randomBytes } from 'node:crypto';
import { SignJWT, createRemoteJWKSet, errors, jwtVerify, type JWTPayload, type JWTVerifyGetKey } from 'jose';

export interface AuthConfig {
  /** HS256 shared secret; null when tokens are verified with a JWKS only. */
  secret: Uint8Array | null;
  /** JWKS URL for RS256/ES256 tokens of an identity provider. */
  jwksUrl: string | null;
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
const MAX_SUBJECT_LENGTH = 200;
const MAX_SCOPES = 100;
const MAX_SCOPE_LENGTH = 200;

function envFlag(value: string | undefined, name: string): boolean {
  if (value === undefined || value === '') return false;
  if (['1', 'true', 'yes'].includes(value.toLowerCase())) return true;
  if (['0', 'false', 'no'].includes(value.toLowerCase())) return false;
  throw new AuthConfigError(`${name} must be true or false, got "${value}"`);
}

export function authEnabled(config: AuthConfig): boolean {
  return config.secret !== null || config.jwksUrl !== null;
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
  const enabled = secretText !== null || jwksUrl !== null;
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
    issuer: env.AUTH_ISSUER?.trim() || DEVELOPMENT_ISSUER,
    audience: env.AUTH_AUDIENCE?.trim() || DEVELOPMENT_AUDIENCE,
    allowAnonymous,
    anonymousScopes: (env.AUTH_ANONYMOUS_SCOPES ?? 'group:read').split(/\s+/).filter(Boolean),
    clockToleranceSeconds: tolerance,
  };
}

/** A fresh random HS256 secret as text, for development stacks and tests. */
export function generateSecret(): string {
  return randomBytes(32).toString('base64url');
}

/** The environment variables that reproduce a configuration's HS256 settings (for printing). */
export function secretText(config: AuthConfig): string | null {
  return config.secret ? new TextDecoder().decode(config.secret) : null;
}

function scopesOf(payload: JWTPayload): Set<string> {
  const raw: unknown[] = [];
  if (typeof payload.scope === 'string') raw.push(...payload.scope.split(/\s+/));
  if (Array.isArray(payload.scp)) raw.push(...(payload.scp as unknown[]));
  else if (typeof payload.scp === 'string') raw.push(...payload.scp.split(/\s+/));
  const scopes = raw.filter((scope): scope is string => typeof scope === 'string' && scope.length > 0);
  if (scopes.length > MAX_SCOPES || scopes.some((scope) => scope.length > MAX_SCOPE_LENGTH)) {
    throw new AuthenticationError('The token carries too many or too long scopes');
  }
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
 * with the JWKS), expiry, issuer and audience. Throws AuthenticationError with a safe message.
 */
export function createAuthenticator(config: AuthConfig): Authenticator {
  const jwks = config.jwksUrl ? createRemoteJWKSet(new URL(config.jwksUrl), { timeoutDuration: 5_000, cooldownDuration: 30_000 }) : null;
  const algorithms = [...(config.secret ? ['HS256'] : []), ...(jwks ? ASYMMETRIC_ALGORITHMS : [])];
  const key: JWTVerifyGetKey = (header, token) => {
    if (header.alg === 'HS256' && config.secret) return config.secret;
    if (jwks && ASYMMETRIC_ALGORITHMS.includes(header.alg)) return jwks(header, token);
    throw new errors.JOSEAlgNotAllowed('"alg" (Algorithm) Header Parameter value not allowed');
  };
  const anonymous: Principal = { subject: 'anonymous', scopes: new Set(config.anonymousScopes), anonymous: true };

  return async (authorization) => {
    if (authorization === undefined || authorization.trim() === '') {
      if (config.allowAnonymous) return anonymous;
      throw new AuthenticationError('Authentication required: send "Authorization: Bearer <token>"');
    }
    const match = /^Bearer[ ]+([A-Za-z0-9._~+/=-]+)[ ]*$/i.exec(authorization);
    if (!match || match[1]!.length > MAX_TOKEN_LENGTH) throw new AuthenticationError('The Authorization header must be "Bearer <token>"');
    if (algorithms.length === 0) throw new AuthenticationError('This service accepts no tokens (authentication is not configured)');
    try {
      const { payload } = await jwtVerify(match[1]!, key, {
        algorithms,
        issuer: config.issuer,
        audience: config.audience,
        clockTolerance: config.clockToleranceSeconds,
        requiredClaims: ['sub', 'exp'],
      });
      const subject = payload.sub ?? '';
      if (subject.length === 0 || subject.length > MAX_SUBJECT_LENGTH) throw new AuthenticationError(`The token's subject must be 1 to ${MAX_SUBJECT_LENGTH} characters`);
      return { subject, scopes: scopesOf(payload), anonymous: false };
    } catch (error) {
      throw new AuthenticationError(reason(error));
    }
  };
}

export interface MintOptions {
  subject: string;
  scopes: readonly string[];
  /** Lifetime in seconds (default one hour); negative gives an already expired token. */
  ttlSeconds?: number;
  issuer?: string;
  audience?: string;
  /** Signs with another secret than the configuration's (tests forge tokens with it). */
  secret?: Uint8Array;
}

/** Mints an HS256 token the configuration accepts (development, scripts and tests). */
export async function mintToken(config: AuthConfig, options: MintOptions): Promise<string> {
  const secret = options.secret ?? config.secret;
  if (!secret) throw new AuthConfigError('Minting a token needs an HS256 secret (AUTH_JWT_SECRET)');
  const now = Math.floor(Date.now() / 1000);
  return new SignJWT({ scope: options.scopes.join(' ') })
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setSubject(options.subject)
    .setIssuer(options.issuer ?? config.issuer)
    .setAudience(options.audience ?? config.audience)
    .setIssuedAt(now)
    .setExpirationTime(now + (options.ttlSeconds ?? 3_600))
    .sign(secret);
}
