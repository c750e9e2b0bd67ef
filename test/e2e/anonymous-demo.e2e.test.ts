/**
 * AUTH_ALLOW_ANONYMOUS (local demos only; refused in production): a request without a token reads
 * the group view, through the gateway and at a subgraph alike, and can do nothing else. A token
 * that is sent is still verified.
 */
import { describe, expect, it } from 'vitest';
import { es256Issuer } from '../../platform/token-issuer';
import { testIdentity, useSeededStack } from '../harness/stack';
import { databaseSnapshot, firstCode, post } from '../harness/security';

const stack = useSeededStack('e2e_anonymous', testIdentity({ AUTH_ALLOW_ANONYMOUS: 'true' }));

describe('anonymous demo access', () => {
  it('reads the group view without a token', async () => {
    const answer = await post(stack.gatewayUrl, `{ subsidiaries { code initiatives(first: 1) { totalCount } } }`, {}, null);
    expect(answer.body.errors).toBeUndefined();
    expect(answer.body.data?.subsidiaries).toHaveLength(4);
    const direct = await post(stack.stack.subgraphs.get('group')!.server.url, `{ causeAreas { code } }`, {}, null);
    expect(direct.body.errors).toBeUndefined();
  });

  it('writes nothing and reads no audit trail', async () => {
    const before = await databaseSnapshot(stack);
    for (const url of [stack.gatewayUrl, stack.stack.subgraphs.get('india')!.server.url]) {
      const write = await post(url, `mutation { indiaRecordVolunteerRegistrations(input: { date: "2024-10-31", count: 1 }) { id } }`, {}, null);
      expect(firstCode(write)).toBe('FORBIDDEN');
    }
    expect(firstCode(await post(stack.gatewayUrl, `{ subsidiaries { auditLog { nodes { id } } } }`, {}, null))).toBe('FORBIDDEN');
    expect(await databaseSnapshot(stack)).toEqual(before);
  });

  it('still refuses a token that does not verify', async () => {
    const forged = await es256Issuer({ issuer: stack.issuer.issuer, audience: stack.issuer.audience }).mint({ subject: 'mallory', scopes: ['group:read'] });
    const answer = await post(stack.gatewayUrl, `{ causeAreas { code } }`, {}, forged);
    expect(answer.status).toBe(401);
    expect(firstCode(answer)).toBe('UNAUTHENTICATED');
  });
});
