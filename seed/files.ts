/**
 * Reading the seed's data files: where a folder's seed/ is, CSV and JSON read as regional files are,
 * and the one error every problem of a seed file becomes (the file, row and column).
 */
import { existsSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { GraphQLError } from 'graphql';
import { SUBGRAPHS_DIR } from '../subgraphs/common/registry';
import type { ImportProblem } from '../subgraphs/kit/import/columns';
import { UnreadableFile, parseCsv, type Table } from '../subgraphs/kit/import/table';

export const SEED_FOLDER = 'seed';
const PROJECT_DIR = join(SUBGRAPHS_DIR, '..');
const MAX_LISTED = 20;

/** subgraphs/<key>/seed/ (the group's is subgraphs/group/seed/). */
export function seedFolderOf(key: string): string {
  return join(SUBGRAPHS_DIR, key, SEED_FOLDER);
}

/** The file as the project names it, e.g. subgraphs/india/seed/expenses.csv. */
export function displayName(file: string): string {
  return relative(PROJECT_DIR, file).split('\\').join('/');
}

/** A seed file with problems: each one at its row (the header is row 1; a JSON file's entries count from 1) and column. */
export class SeedFileError extends Error {
  constructor(
    readonly file: string,
    readonly problems: readonly ImportProblem[],
  ) {
    const listed = problems.slice(0, MAX_LISTED).map(({ row, column, code, message }) => `  row ${row}${column ? `, column ${column}` : ''}: ${code} ${message}`);
    const more = problems.length > MAX_LISTED ? [`  … and ${problems.length - MAX_LISTED} more`] : [];
    super(`${displayName(file)} has ${problems.length} problem${problems.length === 1 ? '' : 's'}:\n${[...listed, ...more].join('\n')}`);
    this.name = 'SeedFileError';
  }
}

/** Throws SeedFileError when the file has any problem. */
export function failOnProblems(file: string, problems: readonly ImportProblem[]): void {
  if (problems.length > 0) throw new SeedFileError(file, problems);
}

/** A problem from an API error (its code, message and `field`), or rethrows what is not one. */
export function problemOf(error: unknown, row: number, column: string | null): ImportProblem {
  if (!(error instanceof GraphQLError)) throw error;
  const field = error.extensions.field;
  return { row, column: typeof field === 'string' ? field.replace(/^input\./, '') : column, code: String(error.extensions.code ?? 'BAD_USER_INPUT'), message: error.message };
}

/** A CSV seed file as the bulk import reads it; null when the folder has no such file. */
export function readCsv(file: string): Table | null {
  if (!existsSync(file)) return null;
  try {
    return parseCsv(readFileSync(file, 'utf8'));
  } catch (error) {
    if (!(error instanceof UnreadableFile)) throw error;
    throw new SeedFileError(file, [{ row: error.row ?? 1, column: null, code: 'BAD_USER_INPUT', message: error.message }]);
  }
}

/** A JSON seed file's entries (an array of objects); null when the folder has no such file. */
export function readJsonEntries(file: string, parse: (text: string) => unknown = JSON.parse): Record<string, unknown>[] | null {
  if (!existsSync(file)) return null;
  let value: unknown;
  try {
    value = parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new SeedFileError(file, [{ row: 1, column: null, code: 'BAD_USER_INPUT', message: `not JSON: ${error instanceof Error ? error.message : String(error)}` }]);
  }
  if (!Array.isArray(value)) throw new SeedFileError(file, [{ row: 1, column: null, code: 'BAD_USER_INPUT', message: 'the file must hold a JSON array of records' }]);
  const problems = value.flatMap((entry, index) =>
    typeof entry === 'object' && entry !== null && !Array.isArray(entry) ? [] : [{ row: index + 1, column: null, code: 'BAD_USER_INPUT', message: 'each record must be a JSON object' }],
  );
  failOnProblems(file, problems);
  return value as Record<string, unknown>[];
}
