import { signal } from '@preact/signals';

/**
 * Who is signed in: a bearer token kept in sessionStorage only (gone when the tab closes, never in
 * localStorage or a cookie). A link `…/app/#token=<jwt>` (printed by `npm start` in development)
 * signs in and the token leaves the address bar at once.
 *
 * The scopes read from the token only shape the screens (which write controls to show); the
 * gateway and the subgraphs check every call.
 */
export interface Session {
  token: string;
  subject: string;
  scopes: readonly string[];
  /** Seconds since the epoch; undefined when the token says nothing. */
  expiresAt: number | undefined;
}

const STORAGE_KEY = 'csr.session.token';

export class TokenFormatError extends Error {}

/** The claims of a JWT, unverified (the gateway verifies). */
export function readToken(token: string): Session {
  const parts = token.trim().split('.');
  if (parts.length !== 3) throw new TokenFormatError('not a JWT (three parts separated by dots)');
  let claims: Record<string, unknown>;
  try {
    const json = atob(parts[1]!.replace(/-/g, '+').replace(/_/g, '/'));
    claims = JSON.parse(new TextDecoder().decode(Uint8Array.from(json, (c) => c.charCodeAt(0)))) as Record<string, unknown>;
  } catch {
    throw new TokenFormatError('its payload is not JSON');
  }
  const scope = typeof claims.scope === 'string' ? claims.scope : Array.isArray(claims.scp) ? claims.scp.join(' ') : '';
  return {
    token: token.trim(),
    subject: typeof claims.sub === 'string' ? claims.sub : '',
    scopes: scope.split(/\s+/).filter(Boolean),
    expiresAt: typeof claims.exp === 'number' ? claims.exp : undefined,
  };
}

function restore(): Session | null {
  const fromLink = new URLSearchParams(location.hash.slice(1)).get('token');
  if (fromLink) {
    history.replaceState(null, '', location.pathname + location.search);
    try {
      const session = readToken(fromLink);
      sessionStorage.setItem(STORAGE_KEY, session.token);
      return session;
    } catch {
      return null;
    }
  }
  const stored = sessionStorage.getItem(STORAGE_KEY);
  if (!stored) return null;
  try {
    return readToken(stored);
  } catch {
    sessionStorage.removeItem(STORAGE_KEY);
    return null;
  }
}

export const session = signal<Session | null>(restore());

export function signIn(token: string): Session {
  const next = readToken(token);
  sessionStorage.setItem(STORAGE_KEY, next.token);
  session.value = next;
  return next;
}

export function signOut(): void {
  sessionStorage.removeItem(STORAGE_KEY);
  session.value = null;
}

/** The subsidiary codes whose data this session may write (`subsidiary:<CODE>:write`). */
export function writableSubsidiaries(current: Session | null): string[] {
  return (current?.scopes ?? []).map((scope) => /^subsidiary:([A-Z]{2}):write$/.exec(scope)?.[1]).filter((code): code is string => code !== undefined);
}

export function isHeadquarters(current: Session | null): boolean {
  return current?.scopes.includes('group:read') === true && writableSubsidiaries(current).length === 0;
}
