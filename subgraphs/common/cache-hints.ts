/**
 * Cache hints (Apollo's `@cacheControl`): how long an answer stays good, in seconds. Each subgraph's
 * Apollo Server turns the hints of what it resolved into the `Cache-Control` header of its
 * response; the gateway takes the most restrictive over all subgraph responses of an operation and
 * caches the whole response that long (gateway/src/plugins/response-cache.ts), until a mutation
 * through the gateway empties its cache. A field returning an object without a hint, or inheriting
 * none, makes the whole operation uncacheable: mutations, initiatives, expenses and the audit trail
 * carry none.
 *
 * Writes made directly to a subgraph or its database show through the gateway after at most
 * these many seconds.
 */
export const CACHE_MAX_AGE = {
  /** Consolidated and regional report figures: they change with every recorded expense. */
  report: 60,
  /** Reference data: the registry of subsidiaries, cause areas, exchange rates and goals. */
  reference: 600,
} as const;

/**
 * Apollo Server's definition; every subgraph that uses the directive declares it. The directive is
 * not composed (the gateway reads the subgraphs' Cache-Control headers, not the supergraph), and its
 * enum is @inaccessible: neither is part of the API.
 */
export const CACHE_CONTROL_SDL = `enum CacheControlScope @inaccessible {
  PUBLIC
  PRIVATE
}

directive @cacheControl(maxAge: Int, scope: CacheControlScope, inheritMaxAge: Boolean) on FIELD_DEFINITION | OBJECT | INTERFACE | UNION`;

/** Answers good for `seconds`, the same for every caller allowed to see them (PUBLIC). */
export function cacheFor(seconds: number): string {
  return `@cacheControl(maxAge: ${seconds})`;
}

/** A value type: as long as the field that holds it. */
export const CACHE_INHERIT = '@cacheControl(inheritMaxAge: true)';
