/**
 * `npm run build`: the serving entry points as plain JavaScript in dist/, so that production
 * processes run `node dist/…` with no TypeScript loader. esbuild bundles the project's own modules
 * (ES modules, Node, source maps beside them) and leaves every package to node_modules; the entry
 * points share their common modules through chunks, so each module exists once per process.
 *
 *   node scripts/build.mjs              build now
 *   node scripts/build.mjs --if-stale   build only if a source file changed since the last build
 *                                       (npm start, npm run gateway, … run this first)
 *
 * Writes only to stderr (stdout is the entry point's, e.g. `npm run -s keys > .env`). Builds are
 * serialised by a lock; each file is replaced whole (written aside, then renamed), so a process
 * starting during a rebuild reads one build or the other.
 */
import { existsSync, mkdirSync, readFileSync, readdirSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import process from 'node:process';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const DIST = path.join(ROOT, 'dist');
const STAMP = path.join(DIST, 'build.json');
const LOCK = path.join(ROOT, '.cache', 'build.lock');
const LOCK_WAIT_MS = 120_000;
/** Files of an earlier build that this one no longer makes are removed once this old (a process may still be loading them). */
const LEFTOVER_AGE_MS = 10 * 60_000;

/** What a person or a container runs; subgraphs/<name>/extension.ts are loaded by path (subgraphs/regions.ts). */
const FIXED_ENTRIES = [
  'gateway/src/main.ts',
  'subgraphs/main.ts',
  'scripts/start.ts',
  'scripts/seed.ts',
  'scripts/token.ts',
  'scripts/keys.ts',
  'scripts/dataset.ts',
  'scripts/rollups.ts',
  'scripts/verify-report.ts',
  'scripts/kubernetes-keys.ts',
];
/** Read by the build itself: a change to them rebuilds too. */
const BUILD_INPUTS = ['scripts/build.mjs', 'tsconfig.json', 'package.json'];

const log = (message) => process.stderr.write(`[build] ${message}\n`);

function entryPoints() {
  const subgraphs = path.join(ROOT, 'subgraphs');
  const extensions = readdirSync(subgraphs, { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && existsSync(path.join(subgraphs, entry.name, 'extension.ts')))
    .map((entry) => `subgraphs/${entry.name}/extension.ts`)
    .sort();
  return [...FIXED_ENTRIES, ...extensions];
}

function readStamp() {
  try {
    return JSON.parse(readFileSync(STAMP, 'utf8'));
  } catch {
    return null;
  }
}

/** Why dist/ needs building, or null when it is up to date with every file the last build read. */
function staleness(entries) {
  const stamp = readStamp();
  if (!stamp) return 'no build yet';
  if (JSON.stringify(stamp.entries) !== JSON.stringify(entries)) return 'the entry points changed';
  for (const file of [...stamp.inputs, ...BUILD_INPUTS]) {
    let modified;
    try {
      modified = statSync(path.join(ROOT, file)).mtimeMs;
    } catch {
      return `${file} is gone`;
    }
    if (modified > stamp.startedAt) return `${file} changed`;
  }
  for (const output of stamp.outputs) if (!existsSync(path.join(ROOT, output))) return `${output} is missing`;
  return null;
}

function lockHolderAlive() {
  try {
    process.kill(Number(readFileSync(path.join(LOCK, 'pid'), 'utf8')), 0);
    return true;
  } catch (error) {
    // EPERM: alive, someone else's; no pid file yet: being taken right now
    return error.code === 'EPERM' || error.code === 'ENOENT';
  }
}

async function withLock(work) {
  mkdirSync(path.dirname(LOCK), { recursive: true });
  const deadline = Date.now() + LOCK_WAIT_MS;
  for (;;) {
    try {
      mkdirSync(LOCK);
      break;
    } catch (error) {
      if (error.code !== 'EEXIST') throw error;
      if (!lockHolderAlive()) rmSync(LOCK, { recursive: true, force: true });
      else if (Date.now() > deadline) throw new Error(`another build has held ${path.relative(ROOT, LOCK)} for ${LOCK_WAIT_MS / 1000} s`);
      else await sleep(100);
    }
  }
  try {
    writeFileSync(path.join(LOCK, 'pid'), String(process.pid));
    return await work();
  } finally {
    rmSync(LOCK, { recursive: true, force: true });
  }
}

function writeWhole(file, contents) {
  mkdirSync(path.dirname(file), { recursive: true });
  const aside = `${file}.${process.pid}.tmp`;
  writeFileSync(aside, contents);
  renameSync(aside, file);
}

function listFiles(dir) {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((entry) => entry.isFile())
    .map((entry) => path.join(entry.parentPath ?? entry.path, entry.name));
}

async function build(entries) {
  let esbuild;
  try {
    esbuild = await import('esbuild');
  } catch {
    throw new Error('esbuild is not installed (a dev dependency: npm ci installs it); build dist/ where it is');
  }
  const startedAt = Date.now();
  const result = await esbuild.build({
    absWorkingDir: ROOT,
    entryPoints: entries,
    outbase: '.',
    outdir: 'dist',
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'node',
    target: 'node20.19',
    packages: 'external',
    sourcemap: 'linked',
    // no keepNames: it wraps every closure in a call when it is created (per request on hot paths);
    // nothing here reads a function's or class's .name, and a bundle renames only clashing top-level ones
    metafile: true,
    write: false,
    logLevel: 'warning',
  });
  // shared chunks and source maps first, the entry points last: an entry never points at a chunk not yet written
  const entryOutputs = new Set(entries.map((entry) => path.join(DIST, entry.replace(/\.ts$/, '.js'))));
  const ordered = [...result.outputFiles].sort((a, b) => Number(entryOutputs.has(a.path)) - Number(entryOutputs.has(b.path)));
  for (const output of ordered) writeWhole(output.path, output.contents);
  const outputs = result.outputFiles.map((output) => path.relative(ROOT, output.path));
  const inputs = Object.keys(result.metafile.inputs).filter((input) => !input.startsWith('node_modules/'));
  writeWhole(STAMP, `${JSON.stringify({ startedAt, entries, inputs, outputs }, null, 1)}\n`);
  const current = new Set([...outputs.map((output) => path.join(ROOT, output)), STAMP]);
  for (const file of listFiles(DIST)) {
    if (!current.has(file) && Date.now() - statSync(file).mtimeMs > LEFTOVER_AGE_MS) rmSync(file, { force: true });
  }
  return { ms: Date.now() - startedAt, files: outputs.length };
}

async function main() {
  const ifStale = process.argv.includes('--if-stale');
  const entries = entryPoints();
  if (ifStale && staleness(entries) === null) return;
  await withLock(async () => {
    const reason = staleness(entries);
    // another process built it while this one waited for the lock
    if (ifStale && reason === null) return;
    const { ms, files } = await build(entries);
    log(`${entries.length} entry points into dist/ (${files} files) in ${ms} ms${reason ? `: ${reason}` : ''}`);
  });
}

try {
  await main();
} catch (error) {
  log(`failed: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
}
