import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = resolve(fileURLToPath(new URL('.', import.meta.url)), '..', '..');

/** The folders whose code runs in a gateway process, and in a subgraph process. */
const SERVER_FOLDERS = {
  gateway: ['gateway/src', 'platform', 'shared'],
  subgraph: ['subgraphs', 'platform', 'shared'],
} as const;

function typeScriptFiles(folder: string): string[] {
  return readdirSync(folder, { withFileTypes: true }).flatMap((entry) => {
    const path = join(folder, entry.name);
    if (entry.isDirectory()) return typeScriptFiles(path);
    return entry.name.endsWith('.ts') && !entry.name.endsWith('.d.ts') ? [path] : [];
  });
}

/** The text of every source file of that server, comments stripped (a variable only mentioned in a comment is not read). */
export function serverSourceText(server: keyof typeof SERVER_FOLDERS): string {
  return SERVER_FOLDERS[server].flatMap((folder) => typeScriptFiles(join(ROOT, folder)))
    .map((file) => readFileSync(file, 'utf8').replace(/\/\*[\s\S]*?\*\//g, '').replace(/^\s*\/\/.*$/gm, ''))
    .join('\n');
}
