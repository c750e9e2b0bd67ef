/** What the gateway remembers of one request's auth for the next: verified tokens and scope decisions. */
import { describe, expect, it } from 'vitest';
import { getOperationAST, parse } from 'graphql';
import { buildSubgraphSchema } from '@apollo/subgraph';
import { SignJWT } from 'jose';
import { AuthenticationError, createAuthenticator, loadAuthConfig } from '../../platform/auth';
import { ScopePolicy } from '../../platform/authorization';
import { ScopeDecisions } from '../../platform/scope-decisions';
import { VerifiedTokens } from '../../platform/verified-tokens';
import { requiresScopes } from '../../subgraphs/common/scopes';

describe('verified tokens', () => {
  it('keeps a verification until the token stops being accepted, at most maxAgeMs, least recently used out first', () => {
    let now = 1_000_000;
    const tokens = new VerifiedTokens<string>({ maxEntries: 2, maxAgeMs: 60_000, now: () => now });
    tokens.remember('a', 'alice', now + 5_000);
    tokens.remember('b', 'bob', now + 600_000);
    expect(tokens.get('a')).toBe('alice');
    now += 5_000;
    expect(tokens.get('a')).toBeUndefined(); // expired: gone
    expect(tokens.get('b')).toBe('bob');
    now += 55_000;
    expect(tokens.get('b')).toBeUndefined(); // a minute after the check, whatever exp says
    tokens.remember('c', 'carol', now + 600_000);
    tokens.remember('d', 'dave', now + 600_000);
    tokens.get('c');
    tokens.remember('e', 'erin', now + 600_000);
    expect([tokens.get('c'), tokens.get('d'), tokens.get('e')]).toEqual(['carol', undefined, 'erin']);
    tokens.remember('late', 'nobody', now); // already refused: not kept
    expect(tokens.get('late')).toBeUndefined();
  });

  it("refuses a token the authenticator accepted once as soon as it expires (exp and the clock tolerance)", async () => {
    const secret = 'a-test-secret-that-is-long-enough-0123456789';
    const authenticate = createAuthenticator(loadAuthConfig({ AUTH_JWT_SECRET: secret, AUTH_ISSUER: 'https://issuer.test', AUTH_AUDIENCE: 'csr-api', AUTH_CLOCK_TOLERANCE_S: '0' }));
    const exp = Math.floor(Date.now() / 1000) + 1;
    const token = await new SignJWT({ sub: 'alice', iss: 'https://issuer.test', aud: 'csr-api', exp, scope: 'group:read' }).setProtectedHeader({ alg: 'HS256' }).sign(new TextEncoder().encode(secret));
    const first = await authenticate(`Bearer ${token}`);
    expect(first).toMatchObject({ subject: 'alice' });
    expect(await authenticate(`Bearer ${token}`)).toBe(first); // the same principal: not verified again
    await new Promise((resolve) => setTimeout(resolve, exp * 1000 - Date.now() + 20));
    await expect(authenticate(`Bearer ${token}`)).rejects.toThrow(AuthenticationError);
    await expect(authenticate(`Bearer ${token}`)).rejects.toThrow(/expired/);
  });
});

describe('scope decisions', () => {
  const sdl = parse(`
    extend schema @link(url: "https://specs.apollo.dev/federation/v2.7", import: ["@key", "@requiresScopes"])
    type Box @key(fields: "id") ${requiresScopes(['box:read'])} { id: ID! label: String }
    type Crate @key(fields: "id") ${requiresScopes(['audit'])} { id: ID! secret: String }
    type Query { boxes: [Box!]! open: String }
  `);
  const policy = ScopePolicy.fromSdl(buildSubgraphSchema({ typeDefs: sdl, resolvers: {} }), sdl);

  it('decides as the policy does, per set of scopes, for the same document asked again', () => {
    const decisions = new ScopeDecisions(policy);
    const document = parse('{ boxes { label } open }');
    const operation = getOperationAST(document)!;
    const reader = new Set(['box:read']);
    const nobody = new Set<string>();
    for (let i = 0; i < 3; i += 1) {
      expect(decisions.check(reader, document, operation)).toBeNull();
      expect(decisions.check(nobody, document, operation)).toMatchObject({ coordinate: 'Query.boxes' });
      expect(decisions.check(new Set(['box:read']), document, operation)).toBeNull();
    }
  });

  it('decides _entities anew for each request: its needs come with the representations in the variables', () => {
    const decisions = new ScopeDecisions(policy);
    const document = parse('query($r: [_Any!]!) { _entities(representations: $r) { __typename } }');
    const operation = getOperationAST(document)!;
    const scopes = new Set(['box:read']);
    expect(decisions.check(scopes, document, operation, { r: [{ __typename: 'Box', id: '1' }] })).toBeNull();
    expect(decisions.check(scopes, document, operation, { r: [{ __typename: 'Crate', id: '1' }] })).toMatchObject({ coordinate: 'Crate' });
    expect(decisions.check(scopes, document, operation, { r: [{ __typename: 'Box', id: '2' }] })).toBeNull();
  });
});
