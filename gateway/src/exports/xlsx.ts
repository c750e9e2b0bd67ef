import { Writable } from 'node:stream';
import type ExcelJS from 'exceljs';
import { lazyModule } from '../../../platform/lazy-module';
import { ClientGone, type Download } from './download';
import { INCOMPLETE_MARK, incompleteMessage, type Cell, type Column, type ExportOutcome, type Row, type TableSink } from './table';

/** A stream of Node's or of readable-stream 2 (archiver's, whose streams lack `writableLength`): what its buffers hold. */
interface QueuedStream {
  _writableState?: { length?: number };
  _readableState?: { length?: number };
}

function queued(stream: QueuedStream): number {
  return (stream._writableState?.length ?? 0) + (stream._readableState?.length ?? 0);
}

const excel = lazyModule<typeof ExcelJS>('exceljs');

/** Rows of a worksheet, the header included (Excel's limit): more rows continue on another sheet. */
export const XLSX_MAX_ROWS = 1_048_576;

/** Bytes the workbook may hold between its rows and the client before it waits (the zip's buffers). */
const BUFFERED_BYTES = 1 << 20;

/** The name of the sheet that says what an incomplete workbook lacks. */
export const INCOMPLETE_SHEET = 'Incomplete';

const PLAIN_DECIMAL = /^[+-]?\d+(\.\d+)?$/;

/**
 * A decimal as Excel should hold it: a number when a double holds it exactly as written (15
 * significant digits or fewer: Excel shows and sums the very digits of the file), else text, so no
 * digit of an exact amount is lost.
 */
export function spreadsheetDecimal(text: string): number | string {
  if (!PLAIN_DECIMAL.test(text)) return text;
  const significant = text.replace(/^[+-]/, '').replace('.', '').replace(/^0+/, '').replace(/0+$/, '');
  return significant.length > 15 ? text : Number(text);
}

function isoDate(text: string): Date | string {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text);
  return match ? new Date(Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3]))) : text;
}

function valueOf(cell: Cell, kind: Column['kind']): ExcelJS.CellValue {
  if (cell === null) return null;
  if (typeof cell === 'string' && kind === 'decimal') return spreadsheetDecimal(cell);
  if (typeof cell === 'string' && kind === 'exact') return cell;
  if (typeof cell === 'string' && kind === 'date') return isoDate(cell);
  return cell;
}

export interface XlsxOptions {
  /** The data sheet's name ("Expenses"); its continuations are "Expenses 2", … */
  sheetName: string;
  /** Rows per sheet, header included (default Excel's limit). */
  maxRowsPerSheet?: number;
}

/**
 * An Office Open XML workbook written as it goes (ExcelJS's streaming writer: each committed row
 * leaves memory; no shared strings table, so nothing grows with the file): a header row, frozen;
 * decimals as numbers when Excel holds them exactly, else text; dates as dates. An incomplete
 * export ends its data with an INCOMPLETE row and gets an "Incomplete" sheet, opened first,
 * listing what is missing.
 */
export class XlsxSink implements TableSink {
  private readonly output: Writable;
  private readonly workbook: ExcelJS.stream.xlsx.WorkbookWriter;
  private sheet: ExcelJS.Worksheet | undefined;
  private sheets = 0;
  private rowsInSheet = 0;
  private readonly maxRows: number;

  constructor(
    private readonly download: Download,
    private readonly columns: readonly Column[],
    private readonly options: XlsxOptions,
  ) {
    this.maxRows = options.maxRowsPerSheet ?? XLSX_MAX_ROWS;
    // the zip goes to the response through this stream, whose writes wait for the socket
    this.output = new Writable({
      write: (chunk: Buffer, _encoding, done) => {
        download.write(chunk).then(() => done(), (error: unknown) => done(error as Error));
      },
    });
    this.output.on('error', () => undefined); // surfaced by write() and finish() as ClientGone
    this.workbook = new (excel().stream.xlsx.WorkbookWriter)({ stream: this.output, useStyles: true, useSharedStrings: false });
    this.workbook.creator = 'CSR federation gateway';
  }

  private newSheet(): ExcelJS.Worksheet {
    this.sheet?.commit();
    this.sheets += 1;
    const name = this.sheets === 1 ? this.options.sheetName : `${this.options.sheetName} ${this.sheets}`;
    const sheet = this.workbook.addWorksheet(name, { views: [{ state: 'frozen', ySplit: 1 }] });
    this.columns.forEach((column, index) => {
      const target = sheet.getColumn(index + 1);
      target.width = column.width ?? Math.max(10, Math.min(40, column.name.length + 2));
      if (column.kind === 'date') target.numFmt = 'yyyy-mm-dd';
    });
    const header = sheet.addRow(this.columns.map((column) => column.name));
    header.font = { bold: true };
    header.commit();
    this.rowsInSheet = 1;
    this.sheet = sheet;
    return sheet;
  }

  async write(rows: readonly Row[]): Promise<void> {
    if (this.download.closed) throw new ClientGone();
    let sheet = this.sheet ?? this.newSheet();
    for (const row of rows) {
      if (this.rowsInSheet >= this.maxRows) sheet = this.newSheet();
      sheet.addRow(row.map((cell, index) => valueOf(cell, this.columns[index]?.kind ?? 'text'))).commit();
      this.rowsInSheet += 1;
    }
    await this.flowed();
  }

  /**
   * Bytes between the rows and the client: ExcelJS's sheet stream hands its XML to the zip entry's
   * deflate stream without waiting (a write never says "full"), so what waits is counted here —
   * the entry's deflate stream, the zip, and the stream to the response.
   */
  private buffered(): number {
    const zip = (this.workbook as unknown as { zip: QueuedStream }).zip;
    const entries = (this.sheet as unknown as { stream?: { pipes?: QueuedStream[] } } | undefined)?.stream?.pipes ?? [];
    return entries.reduce((sum, entry) => sum + queued(entry), 0) + queued(zip) + this.output.writableLength;
  }

  /** Waits until the rows written so far have mostly left for the client (backpressure; polled, since nothing upstream signals it). */
  private async flowed(): Promise<void> {
    for (;;) {
      if (this.download.closed) throw new ClientGone();
      if (this.buffered() < BUFFERED_BYTES && !this.output.writableNeedDrain) return;
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
  }

  async finish(outcome: ExportOutcome): Promise<void> {
    const sheet = this.sheet ?? this.newSheet();
    if (outcome.problems.length > 0) {
      const mark: Cell[] = this.columns.map(() => null);
      mark[0] = INCOMPLETE_MARK;
      mark[1] = incompleteMessage(outcome.problems);
      sheet.addRow(mark).commit();
      sheet.commit();
      const incomplete = this.workbook.addWorksheet(INCOMPLETE_SHEET, { properties: { tabColor: { argb: 'FFC00000' } } });
      incomplete.getColumn(1).width = 28;
      incomplete.getColumn(2).width = 12;
      incomplete.getColumn(3).width = 12;
      incomplete.getColumn(4).width = 100;
      const title = incomplete.addRow([`This export is incomplete: ${outcome.rows} rows were written, and the following could not be included. Do not use it as a complete extract.`]);
      title.font = { bold: true, color: { argb: 'FFC00000' } };
      title.commit();
      const header = incomplete.addRow(['code', 'subsidiary', 'fiscal_year', 'message']);
      header.font = { bold: true };
      header.commit();
      for (const problem of outcome.problems) incomplete.addRow([problem.code, problem.subsidiary ?? null, problem.fiscalYear ?? null, problem.message]).commit();
      incomplete.commit();
      // Excel opens the workbook on the Incomplete sheet
      this.workbook.views = [{ x: 0, y: 0, width: 20000, height: 12000, firstSheet: 0, activeTab: this.sheets, visibility: 'visible' }];
    }
    await this.workbook.commit();
  }
}
