import ExcelJS from 'exceljs';

/** A file's cells as text, row by row; row 1 is the header. */
export type Table = string[][];

/** Why a file could not be read at all, with where (1-based row) when known. */
export class UnreadableFile extends Error {
  constructor(
    message: string,
    readonly row: number | null = null,
  ) {
    super(message);
  }
}

/**
 * CSV as RFC 4180 writes it (and spreadsheets save it): comma-separated, fields with commas, quotes
 * or line breaks in double quotes, a quote inside doubled; CRLF or LF; a UTF-8 byte order mark
 * ignored. Each record is one row, blank ones too, so that row numbers are the spreadsheet's.
 */
export function parseCsv(text: string): Table {
  const rows: Table = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  let line = 1;
  let startedQuoteAt = 0;
  const body = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  const endRow = () => {
    row.push(field);
    rows.push(row);
    row = [];
    field = '';
  };
  for (let index = 0; index < body.length; index += 1) {
    const char = body[index]!;
    if (quoted) {
      if (char === '"') {
        if (body[index + 1] === '"') {
          field += '"';
          index += 1;
        } else quoted = false;
      } else {
        if (char === '\n') line += 1;
        field += char;
      }
      continue;
    }
    if (char === '"' && field === '') {
      quoted = true;
      startedQuoteAt = line;
    } else if (char === ',') {
      row.push(field);
      field = '';
    } else if (char === '\n' || char === '\r') {
      if (char === '\r' && body[index + 1] === '\n') index += 1;
      endRow();
      line += 1;
    } else field += char;
  }
  if (quoted) throw new UnreadableFile(`a quoted field opened on line ${startedQuoteAt} is never closed (a missing " ?)`, startedQuoteAt);
  if (field !== '' || row.length > 0) endRow();
  return rows;
}

/** The text a spreadsheet cell shows, for the columns of an import (dates as YYYY-MM-DD, numbers in full). */
function cellText(value: ExcelJS.CellValue): string {
  if (value === null || value === undefined) return '';
  if (value instanceof Date) return value.toISOString().slice(0, 10);
  if (typeof value === 'number') return numberText(value);
  if (typeof value === 'string') return value;
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  if ('richText' in value) return value.richText.map((part) => part.text).join('');
  if ('result' in value) return cellText((value.result ?? null) as ExcelJS.CellValue);
  if ('text' in value) return String(value.text);
  if ('error' in value) return String(value.error);
  return '';
}

/** A number as its shortest exact decimal text (no exponent): 1234.5, 0.0001. */
function numberText(value: number): string {
  const text = String(value);
  if (!/e/i.test(text)) return text;
  return value.toFixed(20).replace(/0+$/, '').replace(/\.$/, '');
}

/** The first worksheet of an XLSX workbook, as text cells; the workbook arrives base64-encoded. */
export async function parseXlsx(base64: string): Promise<Table> {
  const bytes = Buffer.from(base64, 'base64');
  if (bytes.length === 0) throw new UnreadableFile('the XLSX content is empty (it is sent base64-encoded)');
  const workbook = new ExcelJS.Workbook();
  try {
    await workbook.xlsx.load(bytes as unknown as ExcelJS.Buffer);
  } catch {
    throw new UnreadableFile('the content is not an XLSX workbook (save the sheet as .xlsx and send the file base64-encoded)');
  }
  const sheet = workbook.worksheets[0];
  if (!sheet) throw new UnreadableFile('the workbook has no worksheet');
  const rows: Table = [];
  sheet.eachRow({ includeEmpty: true }, (row, rowNumber) => {
    const values = Array.isArray(row.values) ? row.values.slice(1) : [];
    while (rows.length < rowNumber - 1) rows.push(['']);
    rows.push(values.length > 0 ? values.map((value) => cellText(value ?? null)) : ['']);
  });
  return rows;
}
