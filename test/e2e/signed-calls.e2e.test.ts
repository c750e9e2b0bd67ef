/**
 * Signed subgraph calls across the whole stack: the gateway's calls verify at every subgraph, a
 * key rotation (subgraphs accepting the current and the next key) takes nothing down, and a gateway
 * whose key the subgraphs do not accept, or that signs nothing, gets errors that name the subgraph
 * and say what to fix, never data.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadGatewayConfig } from '../../gateway/src/config';
import { createGateway } from '../../gateway/src/server';
import type { RunningServer } from '../../platform/http';
import { generateSigningKey, type SigningKey } from '../../platform/signing-keys';
import { SUPERGRAPH_PATH } from '../../scripts/stack';
import { ROLES } from '../../subgraphs/common/scopes';
import { graphql } from '../harness/graphql';
import { useSeededStack } from '../harness/stack';

const next = generateSigningKey('gateway-next');
const stack = useSeededStack('e2e_signed_calls', { acceptedKeys: [next], gatewayEnv: { RESPONSE_CACHE: 'false' } });
const DASHBOARD = `{ groupReport(fiscalYear: 2024) { total { amount currency } } subsidiaries { code initiatives(first: 1) { totalCount } } }`;
const gateways: RunningServer[] = [];
let token: string;

/** Another gateway over the stack's subgraphs, signing with `key` (none: unsigned). */
async function gatewayWith(key: SigningKey | null): Promise<string> {
  const urls = Object.fromEntries([...stack.stack.subgraphs.values()].map((subgraph) => [`SUBGRAPH_URL_${subgraph.name.toUpperCase()}`, subgraph.server.url]));
  const loaded = loadGatewayConfig({ WATCH_SUPERGRAPH: 'false', SUPERGRAPH_PATH, RESPONSE_CACHE: 'false', SUBGRAPH_RETRIES: '0', ...urls }, []);
  const running = await createGateway({ ...loaded, auth: stack.stack.auth, signing: { ...loaded.signing, key } }).listen(0, '127.0.0.1');
  gateways.push(running);
  return running.url;
}

beforeAll(async () => {
  token = await stack.token(ROLES.hq, { subject: 'hq-alice' });
});

afterAll(async () => {
  await Promise.all(gateways.map((gateway) => gateway.close()));
});

describe('signed calls through the stack', () => {
  it('answer the dashboard: every subgraph verified the gateway’s calls', async () => {
    const answer = await graphql(stack.gatewayUrl, DASHBOARD, {}, { authorization: `Bearer ${token}` });
    expect(answer.errors).toBeUndefined();
    expect(answer.data?.groupReport.total).toEqual({ amount: '828006924', currency: 'JPY' });
  });

  it('survive a key rotation: a gateway signing with the next key is answered alike', async () => {
    const rotated = await gatewayWith(next);
    const [before, after] = await Promise.all([graphql(stack.gatewayUrl, DASHBOARD, {}, { authorization: `Bearer ${token}` }), graphql(rotated, DASHBOARD, {}, { authorization: `Bearer ${token}` })]);
    expect(after.errors).toBeUndefined();
    expect(after.data).toEqual(before.data);
  });

  it('a gateway signing with a key no subgraph accepts gets no data, and errors naming the subgraph and the key', async () => {
    const stranger = await gatewayWith(generateSigningKey('gateway-unknown'));
    const answer = await graphql(stranger, DASHBOARD, {}, { authorization: `Bearer ${token}` });
    expect(answer.data?.groupReport ?? null).toBeNull();
    const group = answer.errors?.find((error) => error.extensions?.serviceName === 'group');
    expect(group?.extensions).toMatchObject({ code: 'UNAUTHENTICATED', reason: 'unknown_key' });
    expect(group?.message).toMatch(/The group subgraph refused the gateway's call: .*key "gateway-unknown", which this subgraph does not accept/);
  });

  it('a gateway that signs nothing reads the root fields of a development stack, and no entity: no figure, no consolidation', async () => {
    const unsigned = await gatewayWith(null);
    const answer = await graphql(unsigned, DASHBOARD, {}, { authorization: `Bearer ${token}` });
    expect(answer.data?.subsidiaries.map((subsidiary: { code: string }) => subsidiary.code)).toEqual(['JP', 'IN', 'US', 'TH']);
    // the regional initiatives and the consolidation come from _entities: refused, each naming its subgraph
    const refused = (answer.errors ?? []).filter((error) => error.extensions?.reason === 'gateway_signature_required');
    expect(new Set(refused.map((error) => error.extensions?.serviceName))).toEqual(new Set(['japan', 'india', 'america', 'thailand', 'group']));
    expect(answer.data?.groupReport?.total ?? null).toBeNull();
    expect(refused[0]?.message).toMatch(/answers _entities to the gateway only/);
    expect(answer.data?.subsidiaries.every((subsidiary: { initiatives: unknown }) => subsidiary.initiatives === null)).toBe(true);
  });
});
