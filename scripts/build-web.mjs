/**
 * `npm run build:web`: the web app (web/) built by Vite into web/dist, which the gateway serves
 * under /app.
 *
 *   node scripts/build-web.mjs              build now
 *   node scripts/build-web.mjs --if-stale   build only if a file the last build read changed since
 *                                           (npm start and the tests run this first)
 *
 * The last build's inputs (every source module Vite loaded, web/ and the project's modules it
 * imports) are listed in .cache/web-build.json, stamped with the time the build began: a file
 * edited during a build is newer, so the next check builds again.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import process from 'node:process';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const INPUTS = path.join(ROOT, '.cache', 'web-build-inputs.json');
const STAMP = path.join(ROOT, '.cache', 'web-build.json');
const BUILT = path.join(ROOT, 'web', 'dist', 'index.html');
const ALWAYS_READ = ['web/index.html', 'web/vite.config.ts', 'package.json', 'scripts/build-web.mjs'];

function isStale() {
  if (!existsSync(BUILT) || !existsSync(STAMP)) return true;
  const { startedAt, inputs } = JSON.parse(readFileSync(STAMP, 'utf8'));
  return [...ALWAYS_READ, ...inputs].some((file) => !existsSync(path.join(ROOT, file)) || statSync(path.join(ROOT, file)).mtimeMs > startedAt);
}

if (process.argv.includes('--if-stale') && !isStale()) process.exit(0);

const startedAt = Date.now();
mkdirSync(path.dirname(STAMP), { recursive: true });
execFileSync(process.execPath, [path.join(ROOT, 'node_modules', 'vite', 'bin', 'vite.js'), 'build', '--config', path.join(ROOT, 'web', 'vite.config.ts'), '--logLevel', 'warn'], {
  cwd: ROOT,
  stdio: ['ignore', process.stderr, 'inherit'],
  env: { ...process.env, WEB_BUILD_INPUTS: INPUTS },
});
writeFileSync(STAMP, JSON.stringify({ startedAt, inputs: JSON.parse(readFileSync(INPUTS, 'utf8')) }, null, 2));
