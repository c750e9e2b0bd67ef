import { execFileSync } from 'node:child_process';

/** Builds the web app (scripts/build-web.mjs) when web/dist is missing or a file it was built from changed. */
export function ensureWebAppBuilt(): void {
  execFileSync(process.execPath, ['scripts/build-web.mjs', '--if-stale'], { stdio: 'inherit' });
}
