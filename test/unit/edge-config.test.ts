/**
 * The HTTP edge's settings, parsed once with messages that name the variable: the gateway's
 * signing key, what a subgraph accepts from whom (GATEWAY_PUBLIC_KEYS, SUBGRAPH_DIRECT_ACCESS),
 * HTTP timeouts and the connection cap, and who reads /metrics.
 */
import { describe, expect, it } from 'vitest';
import { ConfigError, loadGatewayConfig } from '../../gateway/src/config';
import { DEFAULT_HTTP_LIMITS, loadHttpLimits } from '../../platform/http-limits';
import { loadOpsAccess } from '../../platform/ops-access';
import { generateSigningKey, privateJwkText, publicKeySet } from '../../platform/signing-keys';
import { SubgraphConfigError, loadGatewayCallPolicy, loadSubgraphEdge } from '../../subgraphs/config';

const key = generateSigningKey('gateway-a');
const PUBLIC = publicKeySet([key]);

describe('a subgraph’s gateway-call policy', () => {
  it('answers the gateway only in production, and anyone with a token in development (entities and schema aside)', () => {
    expect(loadGatewayCallPolicy({ GATEWAY_PUBLIC_KEYS: PUBLIC }, true)).toMatchObject({ directAccess: 'none', maxAgeSeconds: 30, clockSkewSeconds: 5 });
    expect(loadGatewayCallPolicy({ GATEWAY_PUBLIC_KEYS: PUBLIC }, true).keys.map((verification) => verification.keyId)).toEqual(['gateway-a']);
    expect(loadGatewayCallPolicy({}, false)).toMatchObject({ directAccess: 'all', keys: [] });
    expect(loadGatewayCallPolicy({ GATEWAY_PUBLIC_KEYS: PUBLIC, SUBGRAPH_DIRECT_ACCESS: 'read' }, true).directAccess).toBe('read');
  });

  it.each<[string, NodeJS.ProcessEnv, RegExp]>([
    ['no gateway key in production', {}, /GATEWAY_PUBLIC_KEYS must be set in production/],
    ['the gateway’s private key in production', { GATEWAY_PUBLIC_KEYS: PUBLIC, GATEWAY_SIGNING_KEY: privateJwkText(key) }, /must not hold the key that signs as the gateway/],
    ['a private key among the public keys', { GATEWAY_PUBLIC_KEYS: JSON.stringify({ keys: [JSON.parse(privateJwkText(key))] }) }, /private part/],
    ['direct writes in production', { GATEWAY_PUBLIC_KEYS: PUBLIC, SUBGRAPH_DIRECT_ACCESS: 'all' }, /for development/],
    ['an unknown direct access', { GATEWAY_PUBLIC_KEYS: PUBLIC, SUBGRAPH_DIRECT_ACCESS: 'some' }, /none, read, all/],
    ['a replay window of an hour', { GATEWAY_PUBLIC_KEYS: PUBLIC, GATEWAY_SIGNATURE_MAX_AGE_S: '3600' }, /GATEWAY_SIGNATURE_MAX_AGE_S/],
  ])('refuses to start with %s', (_name, env, message) => {
    expect(() => loadGatewayCallPolicy(env, true)).toThrow(SubgraphConfigError);
    expect(() => loadGatewayCallPolicy(env, true)).toThrow(message);
  });

  it('reports the edge’s other settings as subgraph configuration errors', () => {
    expect(() => loadSubgraphEdge({ HTTP_BODY_TIMEOUT_S: 'soon' }, false)).toThrow(SubgraphConfigError);
    expect(() => loadSubgraphEdge({ METRICS_TOKEN: 'short' }, false)).toThrow(/METRICS_TOKEN/);
  });
});

describe('the gateway’s signing key', () => {
  it('is read from GATEWAY_SIGNING_KEY; without it calls go unsigned (a graph whose subgraphs verify none)', () => {
    expect(loadGatewayConfig({ GATEWAY_SIGNING_KEY: privateJwkText(key) }, []).signing.key?.keyId).toBe('gateway-a');
    expect(loadGatewayConfig({ NODE_ENV: 'production' }, []).signing).toEqual({ key: null, lifetimeSeconds: 30 });
  });

  it.each<[string, NodeJS.ProcessEnv, RegExp]>([
    ['a public key', { GATEWAY_SIGNING_KEY: JSON.stringify(JSON.parse(PUBLIC).keys[0]) }, /private part/],
    ['not a key', { GATEWAY_SIGNING_KEY: 'secret' }, /not JSON/],
    ['an absurd lifetime', { GATEWAY_SIGNATURE_LIFETIME_S: '0' }, /GATEWAY_SIGNATURE_LIFETIME_S/],
    ['a bad header timeout', { HTTP_HEADERS_TIMEOUT_S: '-1' }, /HTTP_HEADERS_TIMEOUT_S/],
    ['a bad connection cap', { HTTP_MAX_CONNECTIONS: '1.5' }, /HTTP_MAX_CONNECTIONS/],
    ['a short metrics token', { METRICS_TOKEN: 'abc' }, /METRICS_TOKEN/],
    ['a metrics port that is not one', { METRICS_PORT: 'ninety' }, /METRICS_PORT/],
  ])('refuses %s with a configuration error', (_name, env, message) => {
    expect(() => loadGatewayConfig(env, [])).toThrow(ConfigError);
    expect(() => loadGatewayConfig(env, [])).toThrow(message);
  });
});

describe('HTTP limits and operational access', () => {
  it('defaults to 10 s for headers, 30 s for a body, 1000 connections, in seconds with decimals', () => {
    expect(loadHttpLimits({})).toEqual(DEFAULT_HTTP_LIMITS);
    expect(DEFAULT_HTTP_LIMITS).toEqual({ headersTimeoutMs: 10_000, bodyTimeoutMs: 30_000, maxConnections: 1_000 });
    expect(loadHttpLimits({ HTTP_HEADERS_TIMEOUT_S: '2.5', HTTP_BODY_TIMEOUT_S: '60', HTTP_MAX_CONNECTIONS: '50' })).toEqual({ headersTimeoutMs: 2_500, bodyTimeoutMs: 60_000, maxConnections: 50 });
  });

  it('serves /metrics openly in development, nowhere on the service port in production, behind METRICS_TOKEN or on METRICS_PORT when set', () => {
    expect(loadOpsAccess({}, false)).toMatchObject({ onServicePort: true, token: null, port: null });
    expect(loadOpsAccess({}, true)).toMatchObject({ onServicePort: false });
    expect(loadOpsAccess({ METRICS_TOKEN: 'x'.repeat(32) }, true)).toMatchObject({ onServicePort: true, token: 'x'.repeat(32) });
    expect(loadOpsAccess({ METRICS_PORT: '9464' }, false)).toMatchObject({ onServicePort: false, port: 9464 });
  });
});
