import { describe, expect, it } from 'vitest';
import { ConfigError, loadGatewayConfig } from '../../gateway/src/config';
import { callerKey } from '../../gateway/src/plugins/inbound-deduplication';

const principal = (subject: string, scopes: string[], anonymous = false) => ({ subject, scopes: new Set(scopes), anonymous });

describe('callerKey', () => {
  it('is the subject and the scopes, in any order, when the gateway verified the token', () => {
    expect(callerKey(principal('hq-1', ['group:read', 'india:read']), 'Bearer a')).toBe(callerKey(principal('hq-1', ['india:read', 'group:read']), 'Bearer b'));
    expect(callerKey(principal('hq-1', ['group:read']), 'Bearer a')).not.toBe(callerKey(principal('hq-2', ['group:read']), 'Bearer a'));
    expect(callerKey(principal('hq-1', ['group:read']), 'Bearer a')).not.toBe(callerKey(principal('hq-1', ['group:read', 'india:read']), 'Bearer a'));
  });

  it('never mixes a subject named "anonymous" with anonymous callers', () => {
    expect(callerKey(principal('anonymous', ['group:read']), 'Bearer a')).not.toBe(callerKey(principal('anonymous', ['group:read'], true), undefined));
  });

  it('is the exact credentials when the gateway does not verify them', () => {
    expect(callerKey(undefined, 'Bearer a')).toBe(callerKey(undefined, 'Bearer a'));
    expect(callerKey(undefined, 'Bearer a')).not.toBe(callerKey(undefined, 'Bearer b'));
    expect(callerKey(undefined, 'Bearer a')).not.toBe(callerKey(undefined, undefined));
    expect(callerKey(undefined, 'Bearer a')).not.toContain('Bearer a');
  });
});

describe('DEDUPLICATE_INBOUND_REQUESTS', () => {
  it('is on by default and read from the environment', () => {
    expect(loadGatewayConfig({}, []).deduplicateInboundRequests).toBe(true);
    expect(loadGatewayConfig({ DEDUPLICATE_INBOUND_REQUESTS: 'false' }, []).deduplicateInboundRequests).toBe(false);
    expect(() => loadGatewayConfig({ DEDUPLICATE_INBOUND_REQUESTS: 'sometimes' }, [])).toThrow(ConfigError);
  });
});
