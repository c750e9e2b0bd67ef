/**
 * Signed subgraph calls (platform/http-signatures.ts, request-signing.ts, signing-keys.ts): the
 * RFC 9421 wire format against the RFC's own Ed25519 example, and every refusal of the verifier.
 */
import { createPrivateKey } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { contentDigest, parseByteDictionary, parseSignatureInput, signatureBase } from '../../platform/http-signatures';
import { RequestSigner, RequestVerifier, SignatureRefusal, type IncomingRequestParts } from '../../platform/request-signing';
import { SigningKeyError, generateSigningKey, parseSigningKey, parseVerificationKeys, privateJwkText, publicKeySet, verificationKeysOf } from '../../platform/signing-keys';

/** RFC 9421 appendix B.1.4, test-key-ed25519. */
const RFC_KEY = createPrivateKey(`-----BEGIN PRIVATE KEY-----
MC4CAQAwBQYDK2VwBCIEIJ+DYvh6SEqVTm50DFtMDoQikTmiCqirVv9mWG9qfSnF
-----END PRIVATE KEY-----`);

describe('the RFC 9421 wire format', () => {
  it('builds the signature base of the RFC example B.2.6 and signs it to the RFC signature (Ed25519 is deterministic)', async () => {
    const components = ['date', '@method', '@path', '@authority', 'content-type', 'content-length'];
    const values: Record<string, string> = {
      date: 'Tue, 20 Apr 2021 02:07:55 GMT',
      '@method': 'POST',
      '@path': '/foo',
      '@authority': 'example.com',
      'content-type': 'application/json',
      'content-length': '18',
    };
    const base = signatureBase(components, { created: 1618884473, keyid: 'test-key-ed25519' }, (component) => values[component]);
    expect(base).toBe(
      [
        '"date": Tue, 20 Apr 2021 02:07:55 GMT',
        '"@method": POST',
        '"@path": /foo',
        '"@authority": example.com',
        '"content-type": application/json',
        '"content-length": 18',
        '"@signature-params": ("date" "@method" "@path" "@authority" "content-type" "content-length");created=1618884473;keyid="test-key-ed25519"',
      ].join('\n'),
    );
    const { sign } = await import('node:crypto');
    expect(sign(null, Buffer.from(base), RFC_KEY).toString('base64')).toBe('wqcAqbmYJ2ji2glfAMaRy4gruYYnx2nEFN2HN6jrnDnQCK1u02Gb04v9EDgwUPiu4A0w6vuQv5lIp5WPpBKRCw==');
  });

  it('parses the RFC Signature-Input and Signature headers', () => {
    const [input] = parseSignatureInput('sig-b26=("date" "@method" "@path" "@authority" "content-type" "content-length");created=1618884473;keyid="test-key-ed25519"');
    expect(input).toEqual({ label: 'sig-b26', components: ['date', '@method', '@path', '@authority', 'content-type', 'content-length'], params: { created: 1618884473, keyid: 'test-key-ed25519' } });
    const signature = parseByteDictionary('sig-b26=:wqcAqbmYJ2ji2glfAMaRy4gruYYnx2nEFN2HN6jrnDnQCK1u02Gb04v9EDgwUPiu4A0w6vuQv5lIp5WPpBKRCw==:');
    expect(signature.get('sig-b26')?.length).toBe(64);
  });

  it('computes Content-Digest as RFC 9530 does', () => {
    // RFC 9530 §2: sha-256 of {"hello": "world"}
    expect(contentDigest('{"hello": "world"}')).toBe('sha-256=:X48E9qOokqqrvdts8nOJRJN3OWDUoyWxBf7kbu9DBPE=:');
  });

  it.each([
    ['a list that is not closed', 'gateway=("@method" "@path";created=1'],
    ['an unknown parameter', 'gateway=("@method");created=1;colour="red"'],
    ['a parameter given twice', 'gateway=("@method");created=1;created=2'],
    ['a component covered twice', 'gateway=("@method" "@method");created=1'],
    ['a string with a line break', 'gateway=("@method\n");created=1'],
    ['garbage', '}{'],
    ['a trailing comma', 'gateway=("@method");created=1,'],
  ])('refuses a malformed Signature-Input: %s', (_name, header) => {
    expect(() => parseSignatureInput(header)).toThrow();
  });
});

describe('gateway signing keys', () => {
  it('round-trips a key through GATEWAY_SIGNING_KEY and GATEWAY_PUBLIC_KEYS', () => {
    const key = generateSigningKey('gateway-test');
    expect(parseSigningKey(privateJwkText(key)).keyId).toBe('gateway-test');
    const next = generateSigningKey('gateway-next');
    expect(parseVerificationKeys(publicKeySet([key, next])).map((verification) => verification.keyId)).toEqual(['gateway-test', 'gateway-next']);
  });

  it.each<[string, () => string, RegExp]>([
    ['a private key among the public keys', () => JSON.stringify({ keys: [JSON.parse(privateJwkText(generateSigningKey('k1')))] }), /private part/],
    ['a key without an id', () => JSON.stringify({ keys: [{ ...JSON.parse(publicKeySet([generateSigningKey('k1')])).keys[0], kid: undefined }] }), /kid/],
    ['the same id twice', () => publicKeySet([generateSigningKey('k1'), generateSigningKey('k1')]), /twice/],
    ['five keys', () => publicKeySet(['a', 'b', 'c', 'd', 'e'].map((id) => generateSigningKey(id))), /at most 4/],
    ['an RSA key', () => JSON.stringify({ keys: [{ kty: 'RSA', n: 'x', e: 'AQAB', kid: 'r' }] }), /Ed25519/],
    ['not JSON', () => 'gateway:abc', /not JSON/],
  ])('refuses GATEWAY_PUBLIC_KEYS with %s', (_name, text, message) => {
    expect(() => parseVerificationKeys(text())).toThrow(SigningKeyError);
    expect(() => parseVerificationKeys(text())).toThrow(message);
  });

  it('refuses a GATEWAY_SIGNING_KEY without its private part, or whose halves belong to two keys', () => {
    const one = JSON.parse(privateJwkText(generateSigningKey('k1'))) as Record<string, string>;
    const other = JSON.parse(privateJwkText(generateSigningKey('k2'))) as Record<string, string>;
    expect(() => parseSigningKey(JSON.stringify({ ...one, d: undefined }))).toThrow(/private part/);
    expect(() => parseSigningKey(JSON.stringify({ ...one, x: other.x }))).toThrow(/not the public part/);
  });
});

describe('signing and verifying a subgraph call', () => {
  const key = generateSigningKey('gateway-1');
  const signer = new RequestSigner(key);
  const url = 'http://127.0.0.1:4003/graphql';
  const body = JSON.stringify({ query: '{ _service { sdl } }' });
  const headers = { 'content-type': 'application/json', authorization: 'Bearer a.b.c' };
  let clock = 1_750_000_000;
  const verifier = (keys = verificationKeysOf([key]), subgraph = 'india') => new RequestVerifier({ keys, subgraph, now: () => clock });
  const incoming = (signature: Record<string, string>, change: Partial<IncomingRequestParts> = {}): IncomingRequestParts => ({
    method: 'POST',
    url: '/graphql',
    headers: { ...headers, ...signature, host: '127.0.0.1:4003' },
    ...change,
  });
  const refusal = (run: () => unknown): string => {
    try {
      run();
    } catch (error) {
      expect(error).toBeInstanceOf(SignatureRefusal);
      return (error as SignatureRefusal).reason;
    }
    throw new Error('the signature was accepted');
  };
  const sign = (options: Parameters<RequestSigner['sign']>[1] = {}) => signer.sign({ method: 'POST', url, headers, body, target: 'india' }, { now: clock, ...options });

  it('covers the method, path, query, digest, content type, token and target subgraph, with a key id, times and a nonce', () => {
    const signature = sign();
    const [input] = parseSignatureInput(signature['signature-input']!);
    expect(input!.components).toEqual(['@method', '@path', '@query', 'content-digest', 'content-type', 'authorization', 'x-subgraph-name']);
    expect(input!.params).toMatchObject({ created: clock, expires: clock + 30, keyid: 'gateway-1', alg: 'ed25519', tag: 'csr-gateway' });
    expect(input!.params.nonce).toMatch(/^[A-Za-z0-9_-]{22}$/);
    expect(signature['content-digest']).toBe(contentDigest(body));
    expect(verifier().verify(incoming(signature), Buffer.from(body))).toEqual({ keyId: 'gateway-1', created: clock });
  });

  it('treats a request without a signature as unsigned, not as refused', () => {
    expect(verifier().verify(incoming({}), Buffer.from(body))).toBeNull();
  });

  it('accepts both keys of a rotation, and refuses a key taken off the list', () => {
    const next = generateSigningKey('gateway-2');
    const both = verifier(verificationKeysOf([key, next]));
    expect(both.verify(incoming(sign()), Buffer.from(body))?.keyId).toBe('gateway-1');
    const fromNext = new RequestSigner(next).sign({ method: 'POST', url, headers, body, target: 'india' }, { now: clock });
    expect(both.verify(incoming(fromNext), Buffer.from(body))?.keyId).toBe('gateway-2');
    expect(refusal(() => verifier(verificationKeysOf([next])).verify(incoming(sign()), Buffer.from(body)))).toBe('unknown_key');
  });

  it.each<[string, () => string]>([
    ['the body changed', () => refusal(() => verifier().verify(incoming(sign()), Buffer.from(body.replace('sdl', 'sdl __typename'))))],
    ['another path', () => refusal(() => verifier().verify(incoming(sign(), { url: '/other' }), Buffer.from(body)))],
    ['another query string', () => refusal(() => verifier().verify(incoming(sign(), { url: '/graphql?x=1' }), Buffer.from(body)))],
    ['another method', () => refusal(() => verifier().verify(incoming(sign(), { method: 'PUT' }), Buffer.from(body)))],
    ['another token', () => refusal(() => verifier().verify(incoming({ ...sign(), authorization: 'Bearer x.y.z' }), Buffer.from(body)))],
    ['another subgraph', () => refusal(() => verifier(undefined, 'japan').verify(incoming(sign()), Buffer.from(body)))],
    ['created 31 s ago', () => refusal(() => verifier().verify(incoming(sign({ now: clock - 31 })), Buffer.from(body)))],
    ['created 6 s ahead', () => refusal(() => verifier().verify(incoming(sign({ now: clock + 6 })), Buffer.from(body)))],
    ['expired', () => refusal(() => verifier().verify(incoming(sign({ now: clock - 10, lifetimeSeconds: 2 })), Buffer.from(body)))],
    ['another key under the same id', () => refusal(() => verifier(verificationKeysOf([generateSigningKey('gateway-1')])).verify(incoming(sign()), Buffer.from(body)))],
    ['a Signature header without ours', () => refusal(() => verifier().verify(incoming({ ...sign(), signature: 'other=:AAAA:' }), Buffer.from(body)))],
    ['a Signature-Input without our tag', () => refusal(() => verifier().verify(incoming({ ...sign(), 'signature-input': sign()['signature-input']!.replace('csr-gateway', 'other') }), Buffer.from(body)))],
    ['another algorithm', () => refusal(() => verifier().verify(incoming({ ...sign(), 'signature-input': sign()['signature-input']!.replace('alg="ed25519"', 'alg="hmac-sha256"') }), Buffer.from(body)))],
    ['the token left out of the coverage', () => refusal(() => verifier().verify(incoming({ ...signer.sign({ method: 'POST', url, headers: { 'content-type': 'application/json' }, body, target: 'india' }, { now: clock }) }), Buffer.from(body)))],
    ['no Content-Digest', () => refusal(() => verifier().verify(incoming({ ...sign(), 'content-digest': '' }), Buffer.from(body)))],
  ])('refuses a signature over %s', (_name, reasonOf) => {
    expect(reasonOf()).toMatch(/^(digest_mismatch|bad_signature|wrong_subgraph|stale|future|expired|malformed|algorithm|not_covered)$/);
  });

  it('names each refusal by its reason', () => {
    const reasons = {
      digest: refusal(() => verifier().verify(incoming(sign()), Buffer.from(`${body} `))),
      path: refusal(() => verifier().verify(incoming(sign(), { url: '/other' }), Buffer.from(body))),
      subgraph: refusal(() => verifier(undefined, 'japan').verify(incoming(sign()), Buffer.from(body))),
      stale: refusal(() => verifier().verify(incoming(sign({ now: clock - 31 })), Buffer.from(body))),
      future: refusal(() => verifier().verify(incoming(sign({ now: clock + 6 })), Buffer.from(body))),
      expired: refusal(() => verifier().verify(incoming(sign({ now: clock - 10, lifetimeSeconds: 2 })), Buffer.from(body))),
      coverage: refusal(() => verifier().verify(incoming({ ...signer.sign({ method: 'POST', url, headers: { 'content-type': 'application/json' }, body, target: 'india' }, { now: clock }) }), Buffer.from(body))),
    };
    expect(reasons).toEqual({ digest: 'digest_mismatch', path: 'bad_signature', subgraph: 'wrong_subgraph', stale: 'stale', future: 'future', expired: 'expired', coverage: 'not_covered' });
  });

  it('accepts a nonce once within the window', () => {
    const once = verifier();
    const signature = sign();
    expect(once.verify(incoming(signature), Buffer.from(body))).not.toBeNull();
    expect(refusal(() => once.verify(incoming(signature), Buffer.from(body)))).toBe('replayed');
    // a fresh signature of the same request is another call
    expect(once.verify(incoming(sign()), Buffer.from(body))).not.toBeNull();
    // past the window the replay is refused as stale
    clock += 40;
    expect(refusal(() => once.verify(incoming(signature), Buffer.from(body)))).toBe('stale');
    clock -= 40;
  });

  it('costs tens of microseconds per request, signing and verifying', () => {
    const rounds = 500;
    const signatures: Record<string, string>[] = [];
    let started = performance.now();
    for (let i = 0; i < rounds; i += 1) signatures.push(sign());
    const signMs = (performance.now() - started) / rounds;
    const check = verifier();
    started = performance.now();
    for (const signature of signatures) check.verify(incoming(signature), Buffer.from(body));
    const verifyMs = (performance.now() - started) / rounds;
    console.log(`[request-signing] Ed25519: sign ${(signMs * 1000).toFixed(0)} µs, verify ${(verifyMs * 1000).toFixed(0)} µs per request (${body.length}-byte body)`);
    // a generous bound (shared CI machines): well under a millisecond each
    expect(signMs).toBeLessThan(2);
    expect(verifyMs).toBeLessThan(2);
  });
});
