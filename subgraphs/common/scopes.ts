import { SUBSIDIARIES } from './registry';

/**
 * The scope model. Tokens carry scopes; the schema declares what each field needs with
 * `@requiresScopes` (SDL built by `requiresScopes` below), and the gateway and every subgraph
 * enforce it (platform/authorization.ts).
 *
 *   group:read                read the group view: registry, reference data, reports, initiatives
 *   bi:read                   the same reads, for BI tools' service tokens (never any write)
 *   group:audit               read the audit trail of every subsidiary (headquarters)
 *   group:write               maintain the group's reference data: exchange rates, goals (headquarters)
 *   group:close               close and reopen group fiscal years, publishing their reports (headquarters)
 *   subsidiary:<CODE>:write   write one subsidiary's data (its regional team)
 */
export const SCOPES = {
  groupRead: 'group:read',
  biRead: 'bi:read',
  audit: 'group:audit',
  groupWrite: 'group:write',
  close: 'group:close',
} as const;

export function writeScope(code: string): string {
  return `subsidiary:${code}:write`;
}

/** SDL of the directive: any of the alternatives, every scope of one alternative. */
export function requiresScopes(...alternatives: readonly (readonly string[])[]): string {
  return `@requiresScopes(scopes: [${alternatives.map((all) => `[${all.map((scope) => JSON.stringify(scope)).join(', ')}]`).join(', ')}])`;
}

/** Reading the group view: headquarters and regional teams (group:read) or BI tools (bi:read). */
export const READ_REQUIREMENT = requiresScopes([SCOPES.groupRead], [SCOPES.biRead]);

/** The scopes of each kind of user, for minting tokens (scripts/token.ts, tests). */
export const ROLES = {
  /** Headquarters: reads everything, including the audit trail, keeps rates and goals, closes fiscal years. */
  hq: [SCOPES.groupRead, SCOPES.audit, SCOPES.groupWrite, SCOPES.close],
  /** A BI tool's read-only service token. */
  bi: [SCOPES.biRead],
  /** Headquarters operations: every scope, writes to every subsidiary included. */
  admin: [SCOPES.groupRead, SCOPES.audit, SCOPES.groupWrite, SCOPES.close, ...SUBSIDIARIES.map((subsidiary) => writeScope(subsidiary.code))],
  /** A regional team: reads the group view, writes its own subsidiary only. */
  regional: (code: string) => [SCOPES.groupRead, writeScope(code)],
} as const;

/** Scopes of a role name: "hq", "bi", "admin" or "regional:<CODE>". */
export function roleScopes(role: string): string[] | null {
  if (role === 'hq' || role === 'bi' || role === 'admin') return [...ROLES[role]];
  const match = /^regional:([A-Z]{2})$/.exec(role);
  if (match && SUBSIDIARIES.some((subsidiary) => subsidiary.code === match[1])) return ROLES.regional(match[1]!);
  return null;
}
