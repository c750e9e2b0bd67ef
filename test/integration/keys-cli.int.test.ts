/**
 * The keys as an operator makes and hands them out: `npm run keys` prints a working .env (the
 * gateway's signing key, the subgraphs' public keys, the identity provider's pair), the token
 * script mints with the private key only, and a production subgraph without the gateway's public
 * keys (or holding its private key) refuses to start.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createAuthenticator, loadAuthConfig } from '../../platform/auth';
import { REPO_ROOT } from '../../platform/mongo-server';
import { RequestSigner, RequestVerifier } from '../../platform/request-signing';
import { parseSigningKey, parseVerificationKeys } from '../../platform/signing-keys';
import { es256Issuer, issuerFromEnv, loadDevIdentity, saveDevIdentity } from '../../platform/token-issuer';
import { useIsolatedDatabases } from '../harness/mongo';
import { SUBSIDIARIES } from '../../subgraphs/common/registry';
import { PURPOSES, signStatement, signatureProblem } from '../../subgraphs/common/statements';
import { startSubgraphProcess } from '../harness/subgraph-process';

const databases = useIsolatedDatabases('keys_cli');
const run = (script: string, args: string[], env: NodeJS.ProcessEnv = {}) =>
  execFileSync(process.execPath, ['--import', 'tsx', script, ...args], { cwd: REPO_ROOT, env: { PATH: process.env.PATH, ...env }, encoding: 'utf8' });

/** A .env file's variables (single-quoted values as docker compose reads them). */
function dotenv(text: string): Record<string, string> {
  const values: Record<string, string> = {};
  for (const line of text.split('\n')) {
    const match = /^([A-Z_]+)=(.*)$/.exec(line);
    if (match) values[match[1]!] = match[2]!.replace(/^'(.*)'$/, '$1');
  }
  return values;
}

const printed = dotenv(run('scripts/keys.ts', []));
const dirs: string[] = [];
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

describe('npm run keys', () => {
  it('prints every key a deployment needs, each a working one', async () => {
    expect(Object.keys(printed).sort()).toEqual(
      [
        'AUTH_AUDIENCE',
        'AUTH_ISSUER',
        'AUTH_JWT_PRIVATE_KEY',
        'AUTH_JWT_PUBLIC_KEY',
        'GATEWAY_PUBLIC_KEYS',
        'GATEWAY_SIGNING_KEY',
        'HEADQUARTERS_PUBLIC_KEYS',
        'HEADQUARTERS_SIGNING_KEY',
        'METRICS_TOKEN',
        'REGIONAL_PUBLIC_KEYS',
        ...SUBSIDIARIES.map((subsidiary) => `REGIONAL_SIGNING_KEY_${subsidiary.code}`),
      ].sort(),
    );
    const key = parseSigningKey(printed.GATEWAY_SIGNING_KEY!);
    const verifier = new RequestVerifier({ keys: parseVerificationKeys(printed.GATEWAY_PUBLIC_KEYS!), subgraph: 'india' });
    const body = '{"query":"{ __typename }"}';
    const signature = new RequestSigner(key).sign({ method: 'POST', url: 'http://india:4003/graphql', headers: { 'content-type': 'application/json' }, body, target: 'india' });
    expect(verifier.verify({ method: 'POST', url: '/graphql', headers: { 'content-type': 'application/json', ...signature } }, Buffer.from(body))?.keyId).toBe(key.keyId);
    // what services get holds no private part
    expect(printed.GATEWAY_PUBLIC_KEYS).not.toMatch(/"d"/);
    expect(printed.AUTH_JWT_PUBLIC_KEY).not.toMatch(/"d"/);
    expect(printed.METRICS_TOKEN!.length).toBeGreaterThanOrEqual(32);
  });

  it("prints each subsidiary's figure signing key (kid = its code) and the public keys headquarters verifies them with", () => {
    const published = parseVerificationKeys(printed.REGIONAL_PUBLIC_KEYS!, 'REGIONAL_PUBLIC_KEYS', 64);
    expect(published.map((key) => key.keyId)).toEqual(SUBSIDIARIES.map((subsidiary) => subsidiary.code));
    for (const subsidiary of SUBSIDIARIES) {
      const key = parseSigningKey(printed[`REGIONAL_SIGNING_KEY_${subsidiary.code}`]!, 'REGIONAL_SIGNING_KEY');
      expect(key.keyId).toBe(subsidiary.code);
      const figures = { subsidiary: subsidiary.code, cells: [] };
      const signature = signStatement(key, PURPOSES.figures, figures);
      expect(signatureProblem(published.filter((candidate) => candidate.keyId === subsidiary.code), PURPOSES.figures, figures, signature)).toBeNull();
    }
    expect(printed.REGIONAL_PUBLIC_KEYS).not.toMatch(/"d"/);
    expect(printed.HEADQUARTERS_PUBLIC_KEYS).not.toMatch(/"d"/);
  });

  it('prints a rotation: both keys for the subgraphs, the new one for the gateway', () => {
    const rotated = dotenv(run('scripts/keys.ts', ['--rotate-from', printed.GATEWAY_SIGNING_KEY!]));
    const accepted = parseVerificationKeys(rotated.GATEWAY_PUBLIC_KEYS!).map((key) => key.keyId);
    expect(accepted).toEqual([parseSigningKey(printed.GATEWAY_SIGNING_KEY!).keyId, parseSigningKey(rotated.GATEWAY_SIGNING_KEY!).keyId]);
  });
});

describe('npm run token', () => {
  it('mints with AUTH_JWT_PRIVATE_KEY a token that services verify with the public key alone', async () => {
    const token = run('scripts/token.ts', ['--role', 'regional:IN', '--sub', 'priya'], { AUTH_JWT_PRIVATE_KEY: printed.AUTH_JWT_PRIVATE_KEY, AUTH_ISSUER: printed.AUTH_ISSUER, AUTH_AUDIENCE: printed.AUTH_AUDIENCE }).trim();
    const services = loadAuthConfig({ AUTH_JWT_PUBLIC_KEY: printed.AUTH_JWT_PUBLIC_KEY, AUTH_ISSUER: printed.AUTH_ISSUER, AUTH_AUDIENCE: printed.AUTH_AUDIENCE });
    const principal = await createAuthenticator(services)(`Bearer ${token}`);
    expect(principal.subject).toBe('priya');
    expect([...principal.scopes].sort()).toEqual(['group:read', 'subsidiary:IN:write']);
  });

  it('with --link prints the web app link of the gateway at GATEWAY_URL, the token in its fragment only', async () => {
    const env = { AUTH_JWT_PRIVATE_KEY: printed.AUTH_JWT_PRIVATE_KEY, AUTH_ISSUER: printed.AUTH_ISSUER, AUTH_AUDIENCE: printed.AUTH_AUDIENCE, GATEWAY_URL: 'http://127.0.0.1:4100/graphql' };
    const link = new URL(run('scripts/token.ts', ['--role', 'regional:IN', '--sub', 'priya', '--link'], env).trim());
    expect(`${link.origin}${link.pathname}${link.search}`).toBe('http://127.0.0.1:4100/app/');
    const token = new URLSearchParams(link.hash.slice(1)).get('token') ?? '';
    const services = loadAuthConfig({ AUTH_JWT_PUBLIC_KEY: printed.AUTH_JWT_PUBLIC_KEY, AUTH_ISSUER: printed.AUTH_ISSUER, AUTH_AUDIENCE: printed.AUTH_AUDIENCE });
    expect((await createAuthenticator(services)(`Bearer ${token}`)).subject).toBe('priya');
  });

  it('finds the key npm start left (mode 600), so a running stack needs no export', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'dev-identity-'));
    dirs.push(dir);
    const file = join(dir, 'dev-identity.json');
    const started = es256Issuer();
    saveDevIdentity(file, started);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(loadDevIdentity(file)?.verifierEnv).toEqual(started.verifierEnv);
    const token = await issuerFromEnv({}, file).mint({ subject: 'priya', scopes: ['group:read'] });
    expect(await createAuthenticator(loadAuthConfig(started.verifierEnv))(`Bearer ${token}`)).toMatchObject({ subject: 'priya' });
    expect(() => issuerFromEnv({}, join(dir, 'none.json'))).toThrow(/npm start/);
  });
});

describe('a production subgraph', () => {
  const production = () => ({
    NODE_ENV: 'production',
    MONGODB_URI: databases.uri,
    DATABASE_PREFIX: `${databases.namePrefix}_`,
    AUTH_JWT_PUBLIC_KEY: printed.AUTH_JWT_PUBLIC_KEY,
    AUTH_ISSUER: printed.AUTH_ISSUER,
    AUTH_AUDIENCE: printed.AUTH_AUDIENCE,
  });

  it('refuses to start without the gateway’s public keys', { timeout: 60_000 }, async () => {
    await expect(startSubgraphProcess({ name: 'india', env: production() })).rejects.toThrow(/exited \(code 2[\s\S]*GATEWAY_PUBLIC_KEYS must be set in production/);
  });

  it('refuses to start holding the gateway’s private key, or the token signing key', { timeout: 60_000 }, async () => {
    await expect(startSubgraphProcess({ name: 'india', env: { ...production(), GATEWAY_PUBLIC_KEYS: printed.GATEWAY_PUBLIC_KEYS, GATEWAY_SIGNING_KEY: printed.GATEWAY_SIGNING_KEY } })).rejects.toThrow(
      /exited \(code 2[\s\S]*must not hold the key that signs as the gateway/,
    );
    await expect(startSubgraphProcess({ name: 'india', env: { ...production(), GATEWAY_PUBLIC_KEYS: printed.GATEWAY_PUBLIC_KEYS, AUTH_JWT_PRIVATE_KEY: printed.AUTH_JWT_PRIVATE_KEY } })).rejects.toThrow(
      /exited \(code 2[\s\S]*must not hold the key that mints tokens/,
    );
  });

  it('refuses to start without its own figure signing key, or with another subsidiary’s', { timeout: 60_000 }, async () => {
    await expect(startSubgraphProcess({ name: 'india', env: { ...production(), GATEWAY_PUBLIC_KEYS: printed.GATEWAY_PUBLIC_KEYS } })).rejects.toThrow(
      /exited \(code 2[\s\S]*REGIONAL_SIGNING_KEY must be set in production/,
    );
    await expect(
      startSubgraphProcess({ name: 'india', env: { ...production(), GATEWAY_PUBLIC_KEYS: printed.GATEWAY_PUBLIC_KEYS, REGIONAL_SIGNING_KEY: printed.REGIONAL_SIGNING_KEY_JP } }),
    ).rejects.toThrow(/exited \(code 2[\s\S]*key "JP" is not NEC India's/);
  });

  it('the group subgraph refuses to start in production without every subsidiary’s public key, or holding a subsidiary’s private key', { timeout: 60_000 }, async () => {
    const group = { ...production(), GATEWAY_PUBLIC_KEYS: printed.GATEWAY_PUBLIC_KEYS, HEADQUARTERS_SIGNING_KEY: printed.HEADQUARTERS_SIGNING_KEY };
    await expect(startSubgraphProcess({ name: 'group', env: group })).rejects.toThrow(/exited \(code 2[\s\S]*REGIONAL_PUBLIC_KEYS must hold a public key for every subsidiary/);
    await expect(startSubgraphProcess({ name: 'group', env: { ...group, REGIONAL_PUBLIC_KEYS: printed.REGIONAL_PUBLIC_KEYS, REGIONAL_SIGNING_KEY_IN: printed.REGIONAL_SIGNING_KEY_IN } })).rejects.toThrow(
      /exited \(code 2[\s\S]*must not hold a key that signs as a subsidiary/,
    );
  });

  it('starts with its public keys, and answers only signed calls', { timeout: 60_000 }, async () => {
    const india = await startSubgraphProcess({
      name: 'india',
      env: { ...production(), GATEWAY_PUBLIC_KEYS: printed.GATEWAY_PUBLIC_KEYS, REGIONAL_SIGNING_KEY: printed.REGIONAL_SIGNING_KEY_IN, HEADQUARTERS_PUBLIC_KEYS: printed.HEADQUARTERS_PUBLIC_KEYS },
    });
    try {
      const token = await issuerFromEnv({ AUTH_JWT_PRIVATE_KEY: printed.AUTH_JWT_PRIVATE_KEY, AUTH_ISSUER: printed.AUTH_ISSUER, AUTH_AUDIENCE: printed.AUTH_AUDIENCE }, '/nonexistent').mint({ subject: 'powerbi', scopes: ['bi:read'] });
      const body = JSON.stringify({ query: '{ __typename }' });
      const headers = { 'content-type': 'application/json', authorization: `Bearer ${token}` };
      const unsigned = await fetch(india.url, { method: 'POST', headers, body });
      expect(unsigned.status).toBe(401);
      const signature = new RequestSigner(parseSigningKey(printed.GATEWAY_SIGNING_KEY!)).sign({ method: 'POST', url: india.url, headers, body, target: 'india' });
      const signed = await fetch(india.url, { method: 'POST', headers: { ...headers, ...signature }, body });
      expect(await signed.json()).toEqual({ data: { __typename: 'Query' } });
    } finally {
      await india.stop();
    }
  });
});
