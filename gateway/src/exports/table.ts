/**
 * What an export writes, whatever the file format: a header of typed columns, then rows, then —
 * when something could not be read — the marks of an incomplete file (csv.ts, xlsx.ts).
 */

/**
 * How a column's values are written: decimals stay exact (decimal strings), dates are YYYY-MM-DD.
 * `decimal`: a spreadsheet number when a double holds it as written (at most 15 significant
 * digits: every local amount, quantity and rate within the regional write limits), else text.
 * `exact`: a decimal that may carry more digits than a double (an unrounded converted amount):
 * always text in a spreadsheet, so no digit is lost.
 */
export type ColumnKind = 'text' | 'decimal' | 'exact' | 'integer' | 'date' | 'boolean';

export interface Column {
  name: string;
  kind: ColumnKind;
  /** Width in characters in a spreadsheet. */
  width?: number;
}

/** A value: text and decimals as strings (decimals exact, never floats), integers as numbers. */
export type Cell = string | number | boolean | null;
export type Row = readonly Cell[];

/** Something the export could not include, said in the file and in its HTTP trailer. */
export interface Problem {
  /** A stable code: SUBSIDIARY_UNAVAILABLE, CONTROL_TOTAL_MISMATCH, … */
  code: string;
  message: string;
  subsidiary?: string;
  fiscalYear?: number;
}

export interface ExportOutcome {
  rows: number;
  problems: readonly Problem[];
}

/** A file being written to the client, row batch after row batch. */
export interface TableSink {
  /** Writes rows; resolves once the client has taken enough for more to be produced (backpressure). */
  write(rows: readonly Row[]): Promise<void>;
  /** Ends the file; an incomplete one gets its marks first. Resolves once everything is handed to the HTTP response. */
  finish(outcome: ExportOutcome): Promise<void>;
}

/** The first cell of the row that ends an incomplete table (CSV and the spreadsheet's data sheet). */
export const INCOMPLETE_MARK = 'INCOMPLETE';

/** The sentence that ends an incomplete file. */
export function incompleteMessage(problems: readonly Problem[]): string {
  const list = problems.map((problem) => `${problem.code}${problem.subsidiary ? ` ${problem.subsidiary}` : ''}${problem.fiscalYear ? ` FY${problem.fiscalYear}` : ''}: ${problem.message}`);
  return `This export is incomplete (${problems.length} problem${problems.length === 1 ? '' : 's'}); do not use it as a complete extract. ${list.join(' | ')}`;
}
