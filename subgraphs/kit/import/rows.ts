import { GraphQLError } from 'graphql';
import { raise } from '../../common/errors';
import type { RegionalContext } from '../context';
import type { InitiativeDocument } from '../documents';
import { openInitiative } from '../mutations';
import type { InputChecks } from '../mutations';
import type { Header, ImportProblem } from './columns';
import { isBlank } from './columns';
import type { ImportLimits } from './limits';
import type { Table } from './table';

/** The column an error's `field` names ("input.amount" → "amount", "currency" → "currency"). */
function columnOf(error: GraphQLError, fallback: string): string {
  const field = error.extensions.field;
  return typeof field === 'string' ? field.replace(/^input\./, '') : fallback;
}

/**
 * Collects one row's problems, each with the code and message the single-row mutation answers; one
 * per cell (an empty required cell is not also "unknown"), and one for the row as a whole.
 */
export class RowProblems implements InputChecks {
  readonly found: ImportProblem[] = [];
  constructor(readonly row: number) {}

  run<T>(check: () => T, fallback: T, column = 'row'): T {
    try {
      return check();
    } catch (error) {
      if (!(error instanceof GraphQLError)) throw error;
      this.add(columnOf(error, column), String(error.extensions.code ?? 'BAD_USER_INPUT'), error.message);
      return fallback;
    }
  }

  add(column: string | null, code: string, message: string): void {
    if (!this.found.some((problem) => problem.column === column)) this.found.push({ row: this.row, column, code, message });
  }

  has(column: string): boolean {
    return this.found.some((problem) => problem.column === column);
  }
}

/** The data rows of a file (blank ones skipped) with their spreadsheet row numbers, within the row limit. */
export function dataRowsOf(table: Table, header: Header<string>, limits: ImportLimits, what: string): { row: number; cells: string[] }[] {
  const dataRows = table
    .map((cells, index) => ({ row: index + 1, cells }))
    .slice(1)
    .filter(({ cells }) => !isBlank(cells));
  if (dataRows.length > limits.maxRows) {
    raise('IMPORT_TOO_LARGE', `The file has ${dataRows.length} rows; one import takes at most ${limits.maxRows} (IMPORT_MAX_ROWS): split it into several files`, {
      rows: dataRows.length,
      maxRows: limits.maxRows,
    });
  }
  if (dataRows.length === 0 && header.problems.length === 0) header.problems.push({ row: 2, column: null, code: 'BAD_USER_INPUT', message: `the file has a header row but no ${what} rows` });
  return dataRows;
}

/** A row's problem collector, with the row's own problem when it has more cells than the header names. */
export function rowProblemsOf(row: number, cells: readonly string[], table: Table): RowProblems {
  const problems = new RowProblems(row);
  const width = (table[0] ?? []).length;
  const extra = cells.slice(width).filter((cell) => cell.trim() !== '');
  if (extra.length > 0) {
    problems.add(null, 'BAD_USER_INPUT', `the row has ${width + extra.length} cells but the header names ${width} columns: a comma inside a text cell needs the cell in double quotes ("Blankets, winter drive")`);
  }
  return problems;
}

/** The message FISCAL_YEAR_CLOSED gives a single write dated `date`, per closed group fiscal year. */
export async function closedYearMessages(context: RegionalContext, years: readonly number[], dated: string): Promise<Map<number, (date: string) => string>> {
  const messages = new Map<number, (date: string) => string>();
  const PLACEHOLDER = '\u0000';
  for (const year of years) {
    try {
      await context.store.fiscalYears.requireOpen([year], PLACEHOLDER);
    } catch (error) {
      if (!(error instanceof GraphQLError)) throw error;
      messages.set(year, (date) => error.message.replace(PLACEHOLDER, `${dated} ${date}, in`));
    }
  }
  return messages;
}


const TRUE = new Set(['true', 'yes', '1', 'y']);
const FALSE = new Set(['false', 'no', '0', 'n']);

export function illustrativeOf(text: string | null, problems: RowProblems): boolean {
  if (text === null) return false;
  const value = text.toLowerCase();
  if (TRUE.has(value)) return true;
  if (!FALSE.has(value)) problems.add('illustrative', 'BAD_USER_INPUT', `illustrative must be true or false (got "${text.slice(0, 20)}")`);
  return false;
}

export type InitiativeCheck = { initiative: InitiativeDocument } | { error: GraphQLError };

/** Each initiative the file names, opened as a single-row write opens it (own id, exists, not archived). */
export async function initiativesOf(ids: readonly string[], context: RegionalContext): Promise<Map<string, InitiativeCheck>> {
  const checked = new Map<string, InitiativeCheck>();
  const BATCH = 50;
  for (let start = 0; start < ids.length; start += BATCH) {
    await Promise.all(
      ids.slice(start, start + BATCH).map(async (id) => {
        try {
          checked.set(id, { initiative: await openInitiative(id, 'input.initiativeId', context) });
        } catch (error) {
          if (!(error instanceof GraphQLError)) throw error;
          checked.set(id, { error });
        }
      }),
    );
  }
  return checked;
}

