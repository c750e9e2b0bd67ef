import { afterEach, describe, expect, it, vi } from 'vitest';
import { formatGatewayError } from '../../gateway/src/errors';
import { maskUnexpectedErrors } from '../../subgraphs/common/subgraph-server';
import { ERRORS, refusal } from '../../subgraphs/common/errors';

const stacktrace = ['TypeError: text.trim is not a function', '    at Decimal.parse (/app/subgraphs/common/decimal.ts:22:40)'];

afterEach(() => {
  vi.restoreAllMocks();
});

describe('subgraph errors in production', () => {
  const mask = maskUnexpectedErrors('india', true);

  it('replaces an unexpected error by a bare internal error, keeping the path', () => {
    vi.spyOn(console, 'error').mockImplementation(() => {});
    const masked = mask({ message: 'text.trim is not a function', path: ['a', 0], extensions: { code: 'INTERNAL_SERVER_ERROR', stacktrace } }, new TypeError('x'));
    expect(masked).toEqual({ message: 'Internal server error', path: ['a', 0], extensions: { code: 'INTERNAL_SERVER_ERROR' } });
  });

  it('passes the codes raised on purpose, authentication and authorization included', () => {
    for (const code of ['UNAUTHENTICATED', 'FORBIDDEN', 'BAD_USER_INPUT', 'WRONG_SUBSIDIARY']) {
      const formatted = { message: `refused: ${code}`, extensions: { code } };
      expect(mask(formatted, new Error())).toBe(formatted);
    }
  });

  it('declares the HTTP status of authentication and authorization refusals in the registry', () => {
    expect(ERRORS.UNAUTHENTICATED.status).toBe(401);
    expect(ERRORS.FORBIDDEN.status).toBe(403);
    const error = refusal('UNAUTHENTICATED', 'no token', { 'www-authenticate': 'Bearer' });
    expect(error.extensions).toMatchObject({ code: 'UNAUTHENTICATED', http: { status: 401 } });
    expect((error.extensions.http as { headers: Map<string, string> }).headers.get('www-authenticate')).toBe('Bearer');
  });
});

describe('gateway errors in production', () => {
  const format = formatGatewayError(true);

  it('drops a stack trace a subgraph in development sent along with a deliberate error', () => {
    expect(format({ message: 'Not allowed', extensions: { code: 'FORBIDDEN', stacktrace } })).toEqual({ message: 'Not allowed', extensions: { code: 'FORBIDDEN' } });
    expect(format({ message: 'Who are you?', extensions: { code: 'UNAUTHENTICATED' } })).toEqual({ message: 'Who are you?', extensions: { code: 'UNAUTHENTICATED' } });
  });

  it('replaces anything else, naming the subgraph that failed but not why', () => {
    expect(format({ message: 'connect ECONNREFUSED 10.0.0.7:4003', path: ['x'], extensions: { code: 'INTERNAL_SERVER_ERROR', serviceName: 'india', stacktrace } })).toEqual({
      message: 'Subgraph india failed',
      path: ['x'],
      extensions: { code: 'SUBGRAPH_FAILED', serviceName: 'india' },
    });
    expect(format({ message: 'Cannot read properties of undefined', extensions: { stacktrace } })).toEqual({ message: 'Internal server error', extensions: { code: 'INTERNAL_SERVER_ERROR' } });
  });
});
