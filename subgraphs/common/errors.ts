import { GraphQLError } from 'graphql';

/**
 * Every error code the product raises on purpose, declared once. Resolvers throw through
 * `raise`, so each error carries `extensions.code` from this table and nothing invents codes inline.
 */
export const ERRORS = {
  UNAUTHENTICATED: { status: 401, description: 'No valid bearer token: missing, expired, forged, or for another issuer or audience.' },
  FORBIDDEN: { status: 403, description: "The token's scopes do not allow this field or mutation (see @requiresScopes in the schema)." },
  BAD_USER_INPUT: { status: 400, description: 'An argument is malformed or out of range; the message names it.' },
  NOT_FOUND: { status: 404, description: 'The record does not exist in this subsidiary.' },
  WRONG_SUBSIDIARY: { status: 403, description: 'The id or data belongs to another subsidiary.' },
  VERSION_CONFLICT: { status: 409, description: 'The record changed since the version the caller read.' },
  IDEMPOTENCY_KEY_REUSED: { status: 409, description: 'The idempotency key was already used for a different request.' },
  INVALID_STATE: { status: 409, description: 'The record is in a state that does not allow this change (e.g. archived).' },
  RECORD_BUSY: { status: 409, description: 'Another write is changing the same record right now; retry in a moment (with the same idempotencyKey).' },
  WRITE_INTERRUPTED: { status: 503, description: 'The write stopped before it was decided and was not applied; retry it (with the same idempotencyKey).' },
  DATASET_MISSING: { status: 409, description: "The subsidiary's database holds no dataset (never seeded, wiped or restored empty): its figures are reported missing and it takes no writes until an operator initialises or restores it." },
  FISCAL_YEAR_CLOSED: { status: 409, description: 'The write is dated in (or changes figures of) a group fiscal year headquarters has closed or is closing; extensions.fiscalYear names it. Record an adjustment in an open year instead (<subsidiary>RecordAdjustment).' },
  CLOSE_INCOMPLETE: { status: 409, description: "A fiscal year cannot be closed (yet): a subsidiary's figures or an exchange rate is missing, or a subsidiary did not confirm the lock; extensions.missingSubsidiaries / missingRates name what. Nothing is published; the close resumes when asked again." },
  FISCAL_YEAR_ALREADY_CLOSED: { status: 409, description: 'The group fiscal year is closed and its report published; reopen it (reopenFiscalYear) before closing it again.' },
  FIGURES_NOT_SIGNED: { status: 502, description: "A subsidiary's figures arrived without its signature (REGIONAL_SIGNING_KEY): headquarters consolidates only figures their subsidiary signed; extensions.subsidiary names it." },
  FIGURES_SIGNATURE_INVALID: { status: 502, description: "A subsidiary's figures arrived with a signature that does not hold (changed after signing, signed with another subsidiary's key, for another report, or too old: extensions.reason); extensions.subsidiary names it." },
  DUPLICATE_RECORD: { status: 409, description: 'An import row repeats a stored record or an earlier row of the file (an expense: same initiative, date, contribution type, amount and description; volunteering: the same fields but provenance); import with allowDuplicates: true when it really is another record (docs/import.md).' },
  IMPORT_TOO_LARGE: { status: 413, description: 'An import file has more rows or bytes than the subsidiary accepts in one import (IMPORT_MAX_ROWS, IMPORT_MAX_BYTES); split it into several files.' },
  EXCHANGE_RATE_MISSING: { status: 422, description: 'No exchange rate is recorded for a currency and fiscal year the report needs.' },
  CONSOLIDATION_INCOMPLETE: { status: 503, description: 'A subsidiary is missing from a consolidated figure; ask with allowPartial for a partial figure.' },
  SUBSIDIARY_UNAVAILABLE: { status: 503, description: "A subsidiary's subgraph or database did not answer; extensions.subsidiary names it." },
  SUBGRAPH_UNAVAILABLE: { status: 503, description: 'A subgraph that is not a subsidiary (or its database) did not answer; extensions.serviceName names it.' },
  QUERY_TOO_DEEP: { status: 400, description: 'The operation nests fields deeper than the subgraph allows (subgraphs/common/limits.ts).' },
  TOO_MANY_ALIASES: { status: 400, description: 'The operation has more aliased fields than the subgraph allows.' },
  QUERY_TOO_COSTLY: { status: 400, description: "The operation's estimated cost (fields resolved) is above the subgraph's limit." },
  TOO_MANY_REPRESENTATIONS: { status: 400, description: 'More entity representations in one request than the subgraph resolves.' },
  REPRESENTATION_TOO_LARGE: { status: 400, description: 'An entity representation, or all of them together, is larger or deeper than the subgraph accepts.' },
  INTERNAL_SERVER_ERROR: { status: 500, description: 'Unexpected failure; details are logged, not returned.' },
} as const;

export type ErrorCode = keyof typeof ERRORS;

export function raise(code: ErrorCode, message: string, details: Record<string, unknown> = {}): never {
  throw new GraphQLError(message, { extensions: { code, ...details } });
}

/**
 * An error that refuses the whole request, with the registry's HTTP status (used before execution:
 * authentication in the context factory, scopes in a plugin).
 */
export function refusal(code: ErrorCode, message: string, headers?: Record<string, string>): GraphQLError {
  const http = { status: ERRORS[code].status, ...(headers ? { headers: new Map(Object.entries(headers)) } : {}) };
  return new GraphQLError(message, { extensions: { code, http } });
}

export function badInput(message: string, field?: string): never {
  return raise('BAD_USER_INPUT', message, field ? { field } : {});
}
