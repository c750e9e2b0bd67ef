import type { Download } from './download';
import { INCOMPLETE_MARK, incompleteMessage, type Cell, type Column, type ExportOutcome, type Row, type TableSink } from './table';

/** UTF-8's byte order mark: Excel reads a CSV without it in the machine's legacy code page. */
export const UTF8_BOM = '\uFEFF';

/**
 * Characters that make a spreadsheet read a text cell as a formula (CSV injection): a text value
 * starting with one gets a leading apostrophe, as OWASP recommends. Only text columns: decimals
 * such as "-12.50" are numbers and stay as they are.
 */
const FORMULA_START = /^[=+\-@\t\r]/;

/** One RFC 4180 field: quoted when it holds a comma, a quote or a line break, quotes doubled. */
export function csvField(cell: Cell, kind: Column['kind'] = 'text'): string {
  if (cell === null) return '';
  let text = typeof cell === 'string' ? cell : String(cell);
  if (kind === 'text' && FORMULA_START.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

/** One record, CRLF-terminated (RFC 4180). */
export function csvRecord(cells: Row, columns?: readonly Column[]): string {
  return `${cells.map((cell, index) => csvField(cell, columns?.[index]?.kind)).join(',')}\r\n`;
}

/**
 * CSV for Excel and BI tools: UTF-8 with a byte order mark, a header record, CRLF records
 * (RFC 4180). An incomplete export ends with one more record: INCOMPLETE in its first field and
 * what is missing in its second.
 */
export class CsvSink implements TableSink {
  private started = false;

  constructor(
    private readonly download: Download,
    private readonly columns: readonly Column[],
  ) {}

  async write(rows: readonly Row[]): Promise<void> {
    let text = '';
    if (!this.started) {
      this.started = true;
      text = UTF8_BOM + csvRecord(this.columns.map((column) => column.name));
    }
    for (const row of rows) text += csvRecord(row, this.columns);
    if (text) await this.download.write(text);
  }

  async finish(outcome: ExportOutcome): Promise<void> {
    await this.write([]);
    if (outcome.problems.length > 0) {
      const mark: Cell[] = this.columns.map(() => null);
      mark[0] = INCOMPLETE_MARK;
      mark[1] = incompleteMessage(outcome.problems);
      await this.download.write(csvRecord(mark));
    }
  }
}
