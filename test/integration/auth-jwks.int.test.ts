/**
 * Production-style verification: RS256 and ES256 tokens of an identity provider, checked against
 * its JWKS endpoint (a real HTTP server on loopback serving the public keys).
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SignJWT, exportJWK, exportSPKI, generateKeyPair, type CryptoKey } from 'jose';
import { AuthenticationError, createAuthenticator, loadAuthConfig, type Authenticator } from '../../platform/auth';

const ISSUER = 'https://idp.example.test/';
const AUDIENCE = 'csr-api';

interface Key {
  kid: string;
  alg: string;
  privateKey: CryptoKey;
  publicKey: CryptoKey;
}

let server: Server;
let authenticate: Authenticator;
let rsa: Key;
let ec: Key;
let stranger: Key;
let jwksRequests = 0;

async function key(kid: string, alg: string): Promise<Key> {
  const { privateKey, publicKey } = await generateKeyPair(alg, { extractable: true });
  return { kid, alg, privateKey, publicKey };
}

function sign(with_: Key, claims: Record<string, unknown> = {}, kid = with_.kid): Promise<string> {
  return new SignJWT({ scope: 'bi:read', ...claims })
    .setProtectedHeader({ alg: with_.alg, kid })
    .setSubject('powerbi-service')
    .setIssuer(ISSUER)
    .setAudience(AUDIENCE)
    .setExpirationTime('10m')
    .sign(with_.privateKey);
}

async function refused(token: string): Promise<string> {
  try {
    await authenticate(`Bearer ${token}`);
  } catch (error) {
    expect(error).toBeInstanceOf(AuthenticationError);
    return (error as Error).message;
  }
  throw new Error('the token was accepted');
}

beforeAll(async () => {
  [rsa, ec, stranger] = await Promise.all([key('rsa-1', 'RS256'), key('ec-1', 'ES256'), key('rsa-unknown', 'RS256')]);
  const keys = await Promise.all([rsa, ec].map(async ({ kid, alg, publicKey }) => ({ ...(await exportJWK(publicKey)), kid, alg, use: 'sig' })));
  server = createServer((request, response) => {
    jwksRequests += 1;
    response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ keys }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/.well-known/jwks.json`;
  authenticate = createAuthenticator(loadAuthConfig({ AUTH_JWKS_URL: url, AUTH_ISSUER: ISSUER, AUTH_AUDIENCE: AUDIENCE }));
});

afterAll(async () => {
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

describe('tokens verified with a JWKS URL', () => {
  it('accepts RS256 and ES256 tokens signed by the provider, fetching its keys once', async () => {
    expect(await authenticate(`Bearer ${await sign(rsa)}`)).toMatchObject({ subject: 'powerbi-service', anonymous: false });
    const principal = await authenticate(`Bearer ${await sign(ec, { scope: 'group:read' })}`);
    expect([...principal.scopes]).toEqual(['group:read']);
    expect(jwksRequests).toBe(1);
  });

  it('refuses a key the provider does not publish, and a token claiming a published kid with another key', async () => {
    expect(await refused(await sign(stranger))).toMatch(/unknown key/);
    expect(await refused(await sign(stranger, {}, 'rsa-1'))).toMatch(/signature/);
  });

  it('refuses HS256 tokens, including one whose "secret" is the public key (algorithm confusion)', async () => {
    const pem = await exportSPKI(rsa.publicKey);
    const confused = await new SignJWT({ scope: 'group:read' })
      .setProtectedHeader({ alg: 'HS256', kid: 'rsa-1' })
      .setSubject('mallory')
      .setIssuer(ISSUER)
      .setAudience(AUDIENCE)
      .setExpirationTime('10m')
      .sign(new TextEncoder().encode(pem));
    expect(await refused(confused)).toMatch(/algorithm/);
  });

  it('checks issuer and audience as for HS256', async () => {
    const other = await new SignJWT({}).setProtectedHeader({ alg: 'RS256', kid: 'rsa-1' }).setSubject('x').setIssuer('https://other.test/').setAudience(AUDIENCE).setExpirationTime('10m').sign(rsa.privateKey);
    expect(await refused(other)).toMatch(/issuer/);
  });
});
