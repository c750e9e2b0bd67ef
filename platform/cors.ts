import type { Route } from './http';

const ALLOWED_HEADERS = 'content-type, authorization, apollo-require-preflight, x-apollo-operation-name, x-request-id';

/**
 * CORS for an allow-list of origins (CORS_ORIGINS), as a route placed before GraphQL: a preflight
 * from a listed origin is answered 204 with the allowed methods and headers, one from any other
 * origin 403; an actual request from a listed origin gets Access-Control-Allow-Origin and goes on.
 * Requests from other origins get no CORS headers, so browsers keep their answers from the page.
 * Credentials (cookies) are never allowed: callers authenticate with bearer tokens.
 */
export function corsRoute(origins: readonly string[]): Route {
  const allowed = new Set(origins);
  return (request, response) => {
    const origin = request.headers.origin;
    if (typeof origin !== 'string') return false;
    const listed = allowed.has(origin);
    if (request.method === 'OPTIONS') {
      if (!listed) {
        response.writeHead(403, { vary: 'Origin' }).end();
        return true;
      }
      response
        .writeHead(204, {
          'access-control-allow-origin': origin,
          'access-control-allow-methods': 'GET, POST, OPTIONS',
          'access-control-allow-headers': ALLOWED_HEADERS,
          'access-control-max-age': '600',
          vary: 'Origin',
        })
        .end();
      return true;
    }
    response.setHeader('vary', 'Origin');
    if (listed) response.setHeader('access-control-allow-origin', origin);
    return false;
  };
}

/** Parses CORS_ORIGINS: comma-separated origins such as "https://bi.example.com"; empty turns CORS off. */
export function parseCorsOrigins(value: string | undefined): string[] {
  const origins = (value ?? '').split(',').map((origin) => origin.trim()).filter(Boolean);
  for (const origin of origins) {
    let url: URL;
    try {
      url = new URL(origin);
    } catch {
      throw new RangeError(`CORS_ORIGINS: "${origin}" is not an origin such as https://bi.example.com`);
    }
    if (url.origin !== origin) throw new RangeError(`CORS_ORIGINS: "${origin}" is not an origin (scheme://host[:port], no path or trailing slash); did you mean "${url.origin}"?`);
  }
  return origins;
}
