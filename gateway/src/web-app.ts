import { createReadStream, existsSync, statSync } from 'node:fs';
import { extname, join, normalize, sep } from 'node:path';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { sendJson, type Route } from '../../platform/http';

/**
 * The web app (web/, built by `npm run build:web` into web/dist) served under /app from the
 * gateway's own port: static files only; the app calls /graphql with the user's token like any
 * client, so the gateway's CSRF and CORS rules apply to it unchanged.
 */
export interface WebAppOptions {
  /** The built app (index.html and assets/). */
  dir: string;
  /** What the sign-in screen says (GET /app/config.json). */
  signIn: { issuer: string; audience: string; devSignIn: boolean };
}

const PREFIX = '/app';

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.json': 'application/json; charset=utf-8',
  '.csv': 'text/csv; charset=utf-8',
  '.xlsx': 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  '.woff2': 'font/woff2',
};

/** Scripts, styles and data from the gateway only; the page may not be framed. */
const SECURITY_HEADERS = {
  'content-security-policy': "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; connect-src 'self'; frame-ancestors 'none'; base-uri 'self'; form-action 'self'",
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
};

export function webAppRoute(options: WebAppOptions): Route {
  const root = normalize(options.dir);
  return (request, response) => {
    const pathname = new URL(request.url ?? '/', 'http://localhost').pathname;
    if (pathname !== PREFIX && !pathname.startsWith(`${PREFIX}/`)) return false;
    if (request.method !== 'GET' && request.method !== 'HEAD') {
      sendJson(response, 405, { error: 'The web app is read with GET' }, { allow: 'GET, HEAD' });
      return true;
    }
    if (pathname === PREFIX) {
      response.writeHead(308, { location: `${PREFIX}/` }).end();
      return true;
    }
    const relative = decodedPath(pathname.slice(PREFIX.length + 1));
    if (relative === null) {
      sendJson(response, 400, { error: `Not a valid path: ${pathname}` });
      return true;
    }
    if (relative === 'config.json') {
      sendJson(response, 200, { ...options.signIn, oidc: null }, { 'cache-control': 'no-store' });
      return true;
    }
    if (!existsSync(join(root, 'index.html'))) {
      sendJson(response, 503, { error: `The web app is not built: run npm run build:web (looked in ${root})` });
      return true;
    }
    // a path with an extension is a file; anything else is a screen of the app
    const file = extname(relative) ? normalize(join(root, relative)) : join(root, 'index.html');
    if (!file.startsWith(root + sep) || !isFile(file)) {
      sendJson(response, 404, { error: `No such file in the web app: ${pathname}` });
      return true;
    }
    sendFile(request, response, file, relative.startsWith('assets/'));
    return true;
  };
}

function decodedPath(encoded: string): string | null {
  try {
    return decodeURIComponent(encoded);
  } catch {
    return null;
  }
}

function isFile(path: string): boolean {
  try {
    return statSync(path).isFile();
  } catch {
    return false;
  }
}

function sendFile(request: IncomingMessage, response: ServerResponse, file: string, fingerprinted: boolean): void {
  response.writeHead(200, {
    'content-type': CONTENT_TYPES[extname(file)] ?? 'application/octet-stream',
    'content-length': statSync(file).size,
    // assets carry a content hash in their names; index.html must be fetched anew after a deploy
    'cache-control': fingerprinted ? 'public, max-age=31536000, immutable' : 'no-cache',
    ...SECURITY_HEADERS,
  });
  if (request.method === 'HEAD') {
    response.end();
    return;
  }
  createReadStream(file).pipe(response);
}
