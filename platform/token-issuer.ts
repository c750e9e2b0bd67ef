/**
 * A development identity provider: what mints user tokens for `npm start`, `npm run token`, the
 * test stacks and the benchmark. It holds the private key; the gateway and the subgraphs get only
 * `verifierEnv` (the public key, issuer and audience), so no service can mint a token.
 *
 *   ES256 (default)  a P-256 key pair; AUTH_JWT_PRIVATE_KEY is the private JWK (token script only),
 *                    AUTH_JWT_PUBLIC_KEY the public JWKS every service verifies with
 *   HS256            AUTH_JWT_SECRET: whoever verifies can also mint (one trust domain; see docs/security.md)
 *
 * `npm start` writes its private key to .cache/dev-identity.json (mode 600), where
 * `npm run token` finds it, so that tokens for a running development stack need no export.
 */
import { createPrivateKey, createPublicKey, generateKeyPairSync, randomBytes, type KeyObject } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { SignJWT } from 'jose';
import { DEVELOPMENT_AUDIENCE, DEVELOPMENT_ISSUER } from './auth';
import { fromRoot } from '../shared/repo-root';

export interface MintOptions {
  subject: string;
  scopes: readonly string[];
  /** Lifetime in seconds (default one hour); negative gives an already expired token. */
  ttlSeconds?: number;
  issuer?: string;
  audience?: string;
  /** Claims set as given, over the usual ones (tests: `{ sub: ["admin"] }`). */
  claims?: Record<string, unknown>;
  /** Header fields over the usual ones (tests: another kid). */
  header?: Record<string, unknown>;
}

export interface TokenIssuer {
  readonly algorithm: 'ES256' | 'HS256';
  readonly issuer: string;
  readonly audience: string;
  /** AUTH_* variables a service verifies this issuer's tokens with: public key (or the HS256 secret), issuer, audience. */
  readonly verifierEnv: Readonly<Record<string, string>>;
  /** AUTH_JWT_PRIVATE_KEY (ES256) or AUTH_JWT_SECRET (HS256): for the token script, never for a service. */
  readonly privateEnv: Readonly<Record<string, string>>;
  mint(options: MintOptions): Promise<string>;
}

export class TokenIssuerError extends Error {}

export interface IssuerSettings {
  issuer?: string;
  audience?: string;
}

async function sign(key: KeyObject | Uint8Array, header: Record<string, unknown>, defaults: { issuer: string; audience: string }, options: MintOptions): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  const payload = {
    sub: options.subject,
    scope: options.scopes.join(' '),
    iss: options.issuer ?? defaults.issuer,
    aud: options.audience ?? defaults.audience,
    iat: now,
    exp: now + (options.ttlSeconds ?? 3_600),
    ...options.claims,
  };
  return new SignJWT(payload as never).setProtectedHeader({ typ: 'JWT', ...header, ...options.header } as never).sign(key);
}

/** An ES256 issuer over a private JWK (AUTH_JWT_PRIVATE_KEY), or over a fresh key pair. */
export function es256Issuer(settings: IssuerSettings = {}, privateJwkText?: string): TokenIssuer {
  const issuer = settings.issuer ?? DEVELOPMENT_ISSUER;
  const audience = settings.audience ?? DEVELOPMENT_AUDIENCE;
  let privateKey: KeyObject;
  let kid: string;
  if (privateJwkText === undefined) {
    privateKey = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey;
    kid = `dev-${randomBytes(4).toString('hex')}`;
  } else {
    let jwk: Record<string, unknown>;
    try {
      jwk = JSON.parse(privateJwkText) as Record<string, unknown>;
      privateKey = createPrivateKey({ key: jwk as never, format: 'jwk' });
    } catch {
      throw new TokenIssuerError('AUTH_JWT_PRIVATE_KEY must be a private EC P-256 JWK (npm run -s keys prints one)');
    }
    if (privateKey.asymmetricKeyType !== 'ec' || privateKey.asymmetricKeyDetails?.namedCurve !== 'prime256v1') throw new TokenIssuerError('AUTH_JWT_PRIVATE_KEY must be an EC P-256 key (ES256)');
    kid = typeof jwk.kid === 'string' && jwk.kid ? jwk.kid : 'dev';
  }
  const publicJwk = { ...(createPublicKey(privateKey).export({ format: 'jwk' }) as Record<string, unknown>), kid, alg: 'ES256', use: 'sig' };
  const privateJwk = { ...(privateKey.export({ format: 'jwk' }) as Record<string, unknown>), kid, alg: 'ES256', use: 'sig' };
  return {
    algorithm: 'ES256',
    issuer,
    audience,
    verifierEnv: { AUTH_JWT_PUBLIC_KEY: JSON.stringify({ keys: [publicJwk] }), AUTH_ISSUER: issuer, AUTH_AUDIENCE: audience },
    privateEnv: { AUTH_JWT_PRIVATE_KEY: JSON.stringify(privateJwk) },
    mint: (options) => sign(privateKey, { alg: 'ES256', kid }, { issuer, audience }, options),
  };
}

/** An HS256 issuer over a shared secret: every service that verifies its tokens can mint them too. */
export function hs256Issuer(secret: string, settings: IssuerSettings = {}): TokenIssuer {
  const issuer = settings.issuer ?? DEVELOPMENT_ISSUER;
  const audience = settings.audience ?? DEVELOPMENT_AUDIENCE;
  const key = new TextEncoder().encode(secret);
  return {
    algorithm: 'HS256',
    issuer,
    audience,
    verifierEnv: { AUTH_JWT_SECRET: secret, AUTH_ISSUER: issuer, AUTH_AUDIENCE: audience },
    privateEnv: { AUTH_JWT_SECRET: secret },
    mint: (options) => sign(key, { alg: 'HS256' }, { issuer, audience }, options),
  };
}

/** Where `npm start` leaves its identity provider's key for `npm run token` (.cache/ is not committed). */
export const DEV_IDENTITY_FILE = fromRoot('.cache', 'dev-identity.json');

/** What that file holds. */
export interface DevIdentityFile {
  issuer: string;
  audience: string;
  privateJwk: string;
  writtenAt: string;
}

export function saveDevIdentity(path: string, issuer: TokenIssuer): void {
  if (issuer.algorithm !== 'ES256') return;
  mkdirSync(dirname(path), { recursive: true });
  const file: DevIdentityFile = { issuer: issuer.issuer, audience: issuer.audience, privateJwk: issuer.privateEnv.AUTH_JWT_PRIVATE_KEY!, writtenAt: new Date().toISOString() };
  writeFileSync(path, `${JSON.stringify(file, null, 2)}\n`, { mode: 0o600 });
  chmodSync(path, 0o600);
}

export function loadDevIdentity(path: string): TokenIssuer | null {
  if (!existsSync(path)) return null;
  const file = JSON.parse(readFileSync(path, 'utf8')) as DevIdentityFile;
  return es256Issuer({ issuer: file.issuer, audience: file.audience }, file.privateJwk);
}

/**
 * The issuer the token script mints with: AUTH_JWT_PRIVATE_KEY, else AUTH_JWT_SECRET (HS256), else
 * the key `npm start` left in `devFile`; issuer and audience from AUTH_ISSUER/AUTH_AUDIENCE, else
 * the file's, else the development defaults.
 */
export function issuerFromEnv(env: NodeJS.ProcessEnv, devFile: string): TokenIssuer {
  const settings = { ...(env.AUTH_ISSUER?.trim() ? { issuer: env.AUTH_ISSUER.trim() } : {}), ...(env.AUTH_AUDIENCE?.trim() ? { audience: env.AUTH_AUDIENCE.trim() } : {}) };
  if (env.AUTH_JWT_PRIVATE_KEY?.trim()) return es256Issuer(settings, env.AUTH_JWT_PRIVATE_KEY.trim());
  if (env.AUTH_JWT_SECRET?.trim()) return hs256Issuer(env.AUTH_JWT_SECRET.trim(), settings);
  const saved = loadDevIdentity(devFile);
  if (!saved) {
    throw new TokenIssuerError(
      `No key to mint with: start the stack with npm start (it leaves its development key in ${devFile}), or set AUTH_JWT_PRIVATE_KEY (npm run -s keys prints one; services get only AUTH_JWT_PUBLIC_KEY)`,
    );
  }
  return settings.issuer || settings.audience ? es256Issuer({ issuer: settings.issuer ?? saved.issuer, audience: settings.audience ?? saved.audience }, saved.privateEnv.AUTH_JWT_PRIVATE_KEY) : saved;
}
