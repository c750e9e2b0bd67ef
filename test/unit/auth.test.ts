import { describe, expect, it } from 'vitest';
import { SignJWT, UnsecuredJWT } from 'jose';
import {
  AuthConfigError,
  AuthenticationError,
  DEVELOPMENT_AUDIENCE,
  DEVELOPMENT_ISSUER,
  authEnabled,
  createAuthenticator,
  generateSecret,
  loadAuthConfig,
  type AuthConfig,
} from '../../platform/auth';
import { createPublicKey } from 'node:crypto';
import { es256Issuer, hs256Issuer } from '../../platform/token-issuer';
import { ConfigError, loadGatewayConfig } from '../../gateway/src/config';

const SECRET = 'a-test-secret-that-is-long-enough-0123456789';
const ENV = { AUTH_JWT_SECRET: SECRET, AUTH_ISSUER: 'https://issuer.test', AUTH_AUDIENCE: 'csr-api' };
const config = loadAuthConfig(ENV);
const authenticate = createAuthenticator(config);
const minter = hs256Issuer(SECRET, { issuer: ENV.AUTH_ISSUER, audience: ENV.AUTH_AUDIENCE });
const forger = hs256Issuer(`${SECRET}-forged`, { issuer: ENV.AUTH_ISSUER, audience: ENV.AUTH_AUDIENCE });
const bearer = (token: string) => `Bearer ${token}`;

async function refusal(authorization: string | undefined, using: (header: string | undefined) => Promise<unknown> = authenticate): Promise<string> {
  try {
    await using(authorization);
  } catch (error) {
    expect(error).toBeInstanceOf(AuthenticationError);
    return (error as Error).message;
  }
  throw new Error('the token was accepted');
}

/** A token signed with the test secret, claims given explicitly. */
function signed(claims: Record<string, unknown>, secret: string = SECRET, alg = 'HS256'): Promise<string> {
  return new SignJWT(claims).setProtectedHeader({ alg }).sign(new TextEncoder().encode(secret));
}
const now = () => Math.floor(Date.now() / 1000);
const valid = () => ({ sub: 'alice', iss: 'https://issuer.test', aud: 'csr-api', exp: now() + 600, scope: 'group:read' });

describe('loadAuthConfig', () => {
  it('is disabled when neither a secret nor a JWKS URL is set, with development issuer and audience', () => {
    const empty = loadAuthConfig({});
    expect(authEnabled(empty)).toBe(false);
    expect(empty).toMatchObject({ issuer: DEVELOPMENT_ISSUER, audience: DEVELOPMENT_AUDIENCE, allowAnonymous: false });
    expect(authEnabled(config)).toBe(true);
  });

  it.each<[string, NodeJS.ProcessEnv, RegExp]>([
    ['a short secret', { AUTH_JWT_SECRET: 'short' }, /at least 32/],
    ['a JWKS URL that is not a URL', { AUTH_JWKS_URL: 'keys' }, /not a URL/],
    ['a JWKS URL that is not http(s)', { AUTH_JWKS_URL: 'file:///etc/keys.json' }, /http\(s\)/],
    ['plain http JWKS in production', { NODE_ENV: 'production', AUTH_JWKS_URL: 'http://idp/keys', AUTH_ISSUER: 'i', AUTH_AUDIENCE: 'a' }, /https in production/],
    ['production without issuer and audience', { NODE_ENV: 'production', AUTH_JWT_SECRET: SECRET, AUTH_ALLOW_SHARED_SECRET: 'true' }, /AUTH_ISSUER and AUTH_AUDIENCE/],
    ['anonymous access in production', { NODE_ENV: 'production', AUTH_ALLOW_ANONYMOUS: 'true' }, /local demos only/],
    ['a flag that is not a boolean', { AUTH_ALLOW_ANONYMOUS: 'maybe' }, /true or false/],
    ['an absurd clock tolerance', { AUTH_CLOCK_TOLERANCE_S: '9999' }, /AUTH_CLOCK_TOLERANCE_S/],
  ])('refuses %s', (_name, env, message) => {
    expect(() => loadAuthConfig(env)).toThrow(AuthConfigError);
    expect(() => loadAuthConfig(env)).toThrow(message);
  });

  it('allows anonymous demo access outside production, with group:read by default', async () => {
    const demo = loadAuthConfig({ ...ENV, AUTH_ALLOW_ANONYMOUS: 'true' });
    const principal = await createAuthenticator(demo)(undefined);
    expect(principal).toMatchObject({ subject: 'anonymous', anonymous: true });
    expect([...principal.scopes]).toEqual(['group:read']);
    // a token that is sent is still verified
    expect(await refusal(bearer('not.a.token'), createAuthenticator(demo))).toMatch(/malformed/);
  });

  it('generates secrets long enough for HS256', () => {
    expect(generateSecret().length).toBeGreaterThanOrEqual(32);
    expect(generateSecret()).not.toBe(generateSecret());
  });
});

describe('createAuthenticator (HS256)', () => {
  it('accepts a minted token and reads subject and scopes', async () => {
    const token = await minter.mint({ subject: 'priya', scopes: ['group:read', 'subsidiary:IN:write'] });
    const principal = await authenticate(bearer(token));
    expect(principal.subject).toBe('priya');
    expect(principal.anonymous).toBe(false);
    expect([...principal.scopes].sort()).toEqual(['group:read', 'subsidiary:IN:write']);
  });

  it('reads scopes from an scp array or string as well', async () => {
    const { scope: _scope, ...claims } = valid();
    expect([...(await authenticate(bearer(await signed({ ...claims, scp: ['bi:read', 'group:read'] })))).scopes]).toEqual(['bi:read', 'group:read']);
    expect([...(await authenticate(bearer(await signed({ ...claims, scp: 'bi:read' })))).scopes]).toEqual(['bi:read']);
    expect((await authenticate(bearer(await signed(claims)))).scopes.size).toBe(0);
  });

  it('accepts the scheme in any case and ignores ignorable noise in scopes', async () => {
    const token = await signed({ ...valid(), scope: '  group:read   bi:read ' });
    expect([...(await authenticate(`bearer ${token}`)).scopes]).toEqual(['group:read', 'bi:read']);
  });

  const cases: [string, () => Promise<string | undefined>, RegExp][] = [
    ['no Authorization header', async () => undefined, /Authentication required/],
    ['an empty header', async () => '', /Authentication required/],
    ['another scheme', async () => 'Basic YWxpY2U6c2VjcmV0', /Bearer <token>/],
    ['a bearer without token', async () => 'Bearer ', /Bearer <token>/],
    ['garbage', async () => bearer('not-a-jwt'), /malformed/],
    ['an oversized token', async () => bearer('a'.repeat(9_000)), /Bearer <token>/],
    ['an expired token', async () => bearer(await minter.mint({ subject: 'a', scopes: [], ttlSeconds: -3600 })), /expired/],
    ['a token for another audience', async () => bearer(await minter.mint({ subject: 'a', scopes: [], audience: 'another-api' })), /audience/],
    ['a token from another issuer', async () => bearer(await minter.mint({ subject: 'a', scopes: [], issuer: 'https://evil.test' })), /issuer/],
    ['a token signed with another secret', async () => bearer(await forger.mint({ subject: 'a', scopes: [] })), /signature/],
    ['an unsigned token (alg: none)', async () => bearer(new UnsecuredJWT(valid()).encode()), /algorithm/],
    ['alg: none with a signature part', async () => bearer(`${new UnsecuredJWT(valid()).encode()}c2ln`), /malformed|algorithm/],
    ['HS512 with the right secret', async () => bearer(await signed(valid(), SECRET, 'HS512')), /algorithm/],
    ['a token without sub', async () => { const { sub: _sub, ...claims } = valid(); return bearer(await signed(claims)); }, /"sub"/],
    ['a token without exp', async () => { const { exp: _exp, ...claims } = valid(); return bearer(await signed(claims)); }, /"exp"/],
    ['a token not valid yet', async () => bearer(await signed({ ...valid(), nbf: now() + 3600 })), /not valid yet/],
    ['a token with an empty subject', async () => bearer(await signed({ ...valid(), sub: '' })), /sub|subject/],
    ['a token with too many scopes', async () => bearer(await signed({ ...valid(), scope: Array.from({ length: 101 }, (_, i) => `s${i}`).join(' ') })), /too many/],
    // finding 7: claims of the wrong type, in a validly signed token
    ['a subject that is a list', async () => bearer(await signed({ ...valid(), sub: ['admin'] })), /"sub" claim must be a string, not a list/],
    ['a subject that is a number', async () => bearer(await signed({ ...valid(), sub: 12345 })), /"sub" claim must be a string, not a number/],
    ['a subject that is an object', async () => bearer(await signed({ ...valid(), sub: { id: 'admin' } })), /"sub" claim must be a string, not an object/],
    ['a subject of 201 characters', async () => bearer(await signed({ ...valid(), sub: 'a'.repeat(201) })), /1 to 200 characters/],
    ['a subject with a line break', async () => bearer(await signed({ ...valid(), sub: 'alice\nactor: root' })), /control characters/],
    ['a scope that is a list', async () => bearer(await signed({ ...valid(), scope: ['group:read'] })), /"scope" claim must be a space-separated string/],
    ['a scope that is a number', async () => bearer(await signed({ ...valid(), scope: 7 })), /"scope" claim/],
    ['a scope with a quote', async () => bearer(await signed({ ...valid(), scope: 'group:read "x"' })), /malformed scope/],
    ['a scope with a backslash', async () => bearer(await signed({ ...valid(), scope: 'group\\read' })), /malformed scope/],
    ['a scope with a non-ASCII character', async () => bearer(await signed({ ...valid(), scope: 'group:réad' })), /malformed scope/],
    ['an scp list holding a number', async () => bearer(await signed({ ...valid(), scp: ['group:read', 3] })), /"scp" claim must list strings only/],
    ['an scp that is an object', async () => bearer(await signed({ ...valid(), scp: { 'group:read': true } })), /"scp" claim must be a string or a list of strings/],
  ];

  it.each(cases)('refuses %s', async (_name, header, message) => {
    expect(await refusal(await header())).toMatch(message);
  });

  it('allows a little clock skew, not more', async () => {
    const skewed = loadAuthConfig({ ...ENV, AUTH_CLOCK_TOLERANCE_S: '60' });
    const justExpired = await signed({ ...valid(), exp: now() - 30 });
    await expect(createAuthenticator(skewed)(bearer(justExpired))).resolves.toMatchObject({ subject: 'alice' });
    expect(await refusal(bearer(justExpired), createAuthenticator(loadAuthConfig({ ...ENV, AUTH_CLOCK_TOLERANCE_S: '0' })))).toMatch(/expired/);
  });

  it('accepts no token at all when nothing is configured', async () => {
    const none: AuthConfig = loadAuthConfig({});
    expect(await refusal(bearer(await signed(valid())), createAuthenticator(none))).toMatch(/not configured/);
  });
});

describe('keys: services verify, only the identity provider mints', () => {
  it('verifies ES256 tokens with AUTH_JWT_PUBLIC_KEY (a JWKS, a JWK or a PEM), without a JWKS endpoint', async () => {
    const provider = es256Issuer({ issuer: 'https://idp.test', audience: 'csr-api' });
    const jwks = provider.verifierEnv.AUTH_JWT_PUBLIC_KEY!;
    const jwk = JSON.stringify((JSON.parse(jwks) as { keys: unknown[] }).keys[0]);
    const pem = createPublicKey({ key: JSON.parse(jwk) as never, format: 'jwk' }).export({ type: 'spki', format: 'pem' }).toString();
    const token = await provider.mint({ subject: 'priya', scopes: ['group:read'] });
    for (const publicKey of [jwks, jwk, pem]) {
      const verify = createAuthenticator(loadAuthConfig({ AUTH_JWT_PUBLIC_KEY: publicKey, AUTH_ISSUER: 'https://idp.test', AUTH_AUDIENCE: 'csr-api' }));
      await expect(verify(bearer(token))).resolves.toMatchObject({ subject: 'priya' });
      // another key under the same kid, and HS256 signed with the public key as its secret
      const stranger = es256Issuer({ issuer: 'https://idp.test', audience: 'csr-api' });
      const kid = (JSON.parse(jwk) as { kid: string }).kid;
      expect(await refusal(bearer(await stranger.mint({ subject: 'mallory', scopes: ['group:read'], header: { kid } })), verify)).toMatch(/signature/);
      expect(await refusal(bearer(await hs256Issuer(publicKey.padEnd(32, '.'), { issuer: 'https://idp.test', audience: 'csr-api' }).mint({ subject: 'mallory', scopes: ['group:read'] })), verify)).toMatch(/algorithm/);
    }
  });

  it.each<[string, NodeJS.ProcessEnv, RegExp]>([
    ['a private key as the public key', { AUTH_JWT_PUBLIC_KEY: es256Issuer().privateEnv.AUTH_JWT_PRIVATE_KEY }, /holds a private key/],
    ['a private PEM as the public key', { AUTH_JWT_PUBLIC_KEY: '-----BEGIN PRIVATE KEY-----\nMC4CAQAwBQYDK2VwBCIEIJ+DYvh6SEqVTm50DFtMDoQikTmiCqirVv9mWG9qfSnF\n-----END PRIVATE KEY-----' }, /holds a private key/],
    ['a public key that is not one', { AUTH_JWT_PUBLIC_KEY: 'key' }, /JWKS/],
    ['HS256 in production', { NODE_ENV: 'production', AUTH_JWT_SECRET: SECRET, AUTH_ISSUER: 'i', AUTH_AUDIENCE: 'a' }, /AUTH_ALLOW_SHARED_SECRET/],
    ['a minting key in a production service', { NODE_ENV: 'production', AUTH_JWKS_URL: 'https://idp/keys', AUTH_ISSUER: 'i', AUTH_AUDIENCE: 'a', AUTH_JWT_PRIVATE_KEY: '{}' }, /must not hold the key that mints tokens/],
  ])('refuses %s', (_name, env, message) => {
    expect(() => loadAuthConfig(env)).toThrow(AuthConfigError);
    expect(() => loadAuthConfig(env)).toThrow(message);
  });

  it('accepts HS256 in production only when told it is one trust domain', () => {
    expect(authEnabled(loadAuthConfig({ NODE_ENV: 'production', AUTH_JWT_SECRET: SECRET, AUTH_ISSUER: 'i', AUTH_AUDIENCE: 'a', AUTH_ALLOW_SHARED_SECRET: 'true' }))).toBe(true);
  });
});

describe('gateway configuration of access and exposure', () => {
  it('checks tokens only when configured, so that any supergraph can be served without auth', () => {
    expect(authEnabled(loadGatewayConfig({}, []).auth)).toBe(false);
    expect(authEnabled(loadGatewayConfig(ENV, []).auth)).toBe(true);
  });

  it('turns introspection and the landing page off in production unless asked, and CORS off unless origins are listed', () => {
    expect(loadGatewayConfig({}, [])).toMatchObject({ introspection: true, landingPage: true, corsOrigins: [] });
    const production = { NODE_ENV: 'production' };
    expect(loadGatewayConfig(production, [])).toMatchObject({ introspection: false, landingPage: false, corsOrigins: [] });
    expect(loadGatewayConfig({ ...production, INTROSPECTION: 'true', LANDING_PAGE: 'true' }, [])).toMatchObject({ introspection: true, landingPage: true });
    expect(loadGatewayConfig({ CORS_ORIGINS: 'https://bi.example.com, http://localhost:3000' }, []).corsOrigins).toEqual(['https://bi.example.com', 'http://localhost:3000']);
  });

  it.each<[NodeJS.ProcessEnv, RegExp]>([
    [{ AUTH_JWT_SECRET: 'short' }, /AUTH_JWT_SECRET/],
    [{ NODE_ENV: 'production', AUTH_ALLOW_ANONYMOUS: 'true' }, /AUTH_ALLOW_ANONYMOUS/],
    [{ CORS_ORIGINS: '*' }, /CORS_ORIGINS/],
    [{ CORS_ORIGINS: 'https://bi.example.com/' }, /did you mean "https:\/\/bi\.example\.com"/],
    [{ LANDING_PAGE: 'sometimes' }, /LANDING_PAGE/],
  ])('refuses %o with a configuration error', (env, message) => {
    expect(() => loadGatewayConfig(env, [])).toThrow(ConfigError);
    expect(() => loadGatewayConfig(env, [])).toThrow(message);
  });
});
