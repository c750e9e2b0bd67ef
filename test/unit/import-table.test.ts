import { describe, expect, it } from 'vitest';
import ExcelJS from 'exceljs';
import { UnreadableFile, parseCsv, parseXlsx } from '../../subgraphs/kit/import/table';
import { readHeader, rowCells } from '../../subgraphs/kit/import/columns';
import { loadImportLimits } from '../../subgraphs/kit/import/limits';

describe('CSV as spreadsheets save it', () => {
  it('reads quotes, doubled quotes, commas and line breaks in cells, CRLF and a byte order mark', () => {
    const text = '\ufeffa,b,c\r\n1,"x, y","say ""hi"""\r\n2,"two\nlines",\r\n';
    expect(parseCsv(text)).toEqual([['a', 'b', 'c'], ['1', 'x, y', 'say "hi"'], ['2', 'two\nlines', '']]);
  });

  it('keeps blank rows, so that row numbers are the spreadsheet\'s, and needs no final line break', () => {
    expect(parseCsv('h\n1\n\n3')).toEqual([['h'], ['1'], [''], ['3']]);
  });

  it('refuses a quote that is never closed, naming its line', () => {
    expect(() => parseCsv('h\n"open\nstill')).toThrow(UnreadableFile);
    expect(() => parseCsv('h\n"open\nstill')).toThrow(/line 2/);
  });
});

describe('XLSX', () => {
  it('reads the first worksheet as text: dates as YYYY-MM-DD, numbers as exact decimals, empty rows kept', async () => {
    const workbook = new ExcelJS.Workbook();
    const sheet = workbook.addWorksheet('s');
    sheet.getCell('A1').value = 'date';
    sheet.getCell('B1').value = 'amount';
    sheet.getCell('A2').value = new Date(Date.UTC(2024, 5, 15));
    sheet.getCell('B2').value = 0.1;
    sheet.getCell('A4').value = 'after a blank row';
    sheet.getCell('B4').value = { formula: 'B2*3', result: 0.3 };
    const rows = await parseXlsx(Buffer.from(await workbook.xlsx.writeBuffer()).toString('base64'));
    expect(rows).toEqual([['date', 'amount'], ['2024-06-15', '0.1'], [''], ['after a blank row', '0.3']]);
  });

  it('refuses content that is no workbook', async () => {
    await expect(parseXlsx(Buffer.from('plain text').toString('base64'))).rejects.toThrow(/not an XLSX workbook/);
  });
});

describe('the header', () => {
  it('matches names without regard to case, spaces, "_" or "-", and names what is wrong', () => {
    const header = readHeader([['Initiative ID', 'DATE', 'contribution_type', 'Amount', 'Description', 'Notes', 'amount']]);
    expect(header.problems.map((problem) => [problem.row, problem.column])).toEqual([[1, 'Notes'], [1, 'amount']]);
    expect(rowCells(['IN-I0001', '2024-06-01', 'CASH', ' 10 ', 'x', 'ignored', ''], header)).toMatchObject({ initiativeId: 'IN-I0001', amount: '10', quantity: null });
  });
});

describe('import limits', () => {
  it('are read from the environment and checked', () => {
    expect(loadImportLimits({})).toEqual({ maxRows: 20_000, maxBytes: 16 * 1024 * 1024, maxProblems: 1_000 });
    expect(loadImportLimits({ IMPORT_MAX_ROWS: '500' }).maxRows).toBe(500);
    expect(() => loadImportLimits({ IMPORT_MAX_ROWS: 'many' })).toThrow(/IMPORT_MAX_ROWS/);
  });
});

describe('the regional subgraphs\' body limit', () => {
  it('is MAX_BODY_BYTES, as on the gateway, and unset means the default (1 MiB)', async () => {
    const { loadSubgraphEdge } = await import('../../subgraphs/config');
    expect(loadSubgraphEdge({}, false).maxBodyBytes).toBeUndefined();
    expect(loadSubgraphEdge({ MAX_BODY_BYTES: '16777216' }, false).maxBodyBytes).toBe(16_777_216);
    expect(() => loadSubgraphEdge({ MAX_BODY_BYTES: '12' }, false)).toThrow(/MAX_BODY_BYTES/);
  });
});
