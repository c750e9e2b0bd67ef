/**
 * CSV and XLSX exports through the gateway (GET /exports/…, docs/exports.md), on the seed: the
 * FY2024 expenses add up, exactly, to the group report's 828,006,924 JPY and to each subsidiary's
 * local total; the workbook holds the same rows; the report's lines add up to its total; bad
 * requests are refused with a code before any byte; a subsidiary that is down makes the export
 * visibly incomplete, never a short file that looks whole.
 */
import ExcelJS from 'exceljs';
import { describe, expect, it } from 'vitest';
import { ROLES } from '../../subgraphs/common/scopes';
import { SUBSIDIARIES } from '../../subgraphs/common/registry';
import { csvObjects, download, errorOf, exactSum, fractionText, type Downloaded } from '../harness/downloads';
import { jpyExact, jpyTotal, roundHalfUp } from '../harness/independent-sums';
import { useSeededStack } from '../harness/stack';

// every answer from the subgraphs: a cached report would hide the outage below
const stack = useSeededStack('e2e_exports', { gatewayEnv: { RESPONSE_CACHE: 'false' } });

const REPORT = `{ groupReport(fiscalYear: 2024) { total { amount currency } bySubsidiary { code local { amount currency } expenseCount } } }`;

function exportUrl(path: string): string {
  return new URL(path, stack.gatewayUrl).toString();
}

async function hqToken(): Promise<string> {
  return stack.token(ROLES.hq, { subject: 'hq-exports' });
}

/** Rows of a workbook's first sheet as objects keyed by its header row, each cell as ExcelJS reads it. */
async function sheetObjects(body: Buffer, sheet = 1): Promise<{ sheets: string[]; rows: Record<string, ExcelJS.CellValue>[] }> {
  const workbook = new ExcelJS.Workbook();
  await workbook.xlsx.load(body as unknown as ArrayBuffer);
  const worksheet = workbook.worksheets[sheet - 1]!;
  const header = (worksheet.getRow(1).values as ExcelJS.CellValue[]).slice(1).map(String);
  const rows: Record<string, ExcelJS.CellValue>[] = [];
  worksheet.eachRow((row, number) => {
    if (number === 1) return;
    const values = (row.values as ExcelJS.CellValue[]).slice(1);
    rows.push(Object.fromEntries(header.map((name, index) => [name, values[index] ?? null])));
  });
  return { sheets: workbook.worksheets.map((candidate) => candidate.name), rows };
}

/** A spreadsheet decimal back as the exact text it was written from (numbers of at most 15 digits print as written). */
function decimalText(value: ExcelJS.CellValue): string {
  if (typeof value === 'number') return String(value);
  if (typeof value === 'string') return value;
  throw new Error(`not a decimal: ${JSON.stringify(value)}`);
}

function expectComplete(downloaded: Downloaded) {
  expect(downloaded.status).toBe(200);
  expect(downloaded.complete).toBe(true);
  expect(downloaded.trailers['x-export-status']).toBe('complete');
}

describe('the expenses export', () => {
  it('CSV of FY2024: every expense once, the converted amounts adding up exactly to the report total, the local ones to each subsidiary', async () => {
    const token = await hqToken();
    const report = (await stack.data(REPORT)).groupReport;
    expect(report.total).toEqual({ amount: '828006924', currency: 'JPY' });

    const csv = await download(exportUrl('/exports/expenses.csv?fiscalYear=2024'), token);
    expectComplete(csv);
    expect(csv.headers['content-type']).toMatch(/^text\/csv; charset=utf-8/);
    expect(csv.headers['content-disposition']).toBe('attachment; filename="expenses-FY2024.csv"');
    expect(csv.headers['x-report-total']).toBe('828006924 JPY');
    expect(csv.body.subarray(0, 3)).toEqual(Buffer.from([0xef, 0xbb, 0xbf]));
    const rows = csvObjects(csv.body.toString('utf8'));

    // the very records of the databases, each once
    const stored: string[] = [];
    for (const subsidiary of SUBSIDIARIES) {
      for (const expense of await stack.db(subsidiary.key).collection('expenses').find({ groupFiscalYear: 2024 }).toArray()) stored.push(String(expense._id));
    }
    expect(rows.map((row) => row.expense_id).sort()).toEqual(stored.sort());
    expect(csv.trailers['x-export-rows']).toBe(String(rows.length));
    expect(csv.headers['x-export-expected-rows']).toBe(String(rows.length));

    // converted: unrounded, exact; rounded once they are the report's total and the databases' own
    const exact = exactSum(rows.map((row) => row.converted_amount!));
    expect(roundHalfUp(exact).toString()).toBe('828006924');
    const fromRecords = await jpyExact((name) => stack.db(name), SUBSIDIARIES.map((subsidiary) => subsidiary.code), 2024);
    expect(exact[0] * fromRecords[1]).toBe(fromRecords[0] * exact[1]);
    expect(new Set(rows.map((row) => row.converted_currency))).toEqual(new Set(['JPY']));

    // local: per subsidiary, in its currency, the report's local line exactly
    for (const line of report.bySubsidiary as { code: string; local: { amount: string; currency: string }; expenseCount: number }[]) {
      const own = rows.filter((row) => row.subsidiary === line.code);
      expect(own).toHaveLength(line.expenseCount);
      expect(new Set(own.map((row) => row.local_currency))).toEqual(new Set([line.local.currency]));
      expect(fractionText(exactSum(own.map((row) => row.local_amount!)))).toBe(fractionText(exactSum([line.local.amount])));
      // each row: local × the stated rate of its year, exactly
      for (const row of own) expect(fractionText(exactSum([row.converted_amount!]))).toBe(fractionText(multiply(row.local_amount!, row.rate!)));
    }

    // B4SI fields, the graph's: input type from the contribution type, motivation from the initiative, issue from the cause area
    const inputTypes: Record<string, string> = { CASH: 'CASH', IN_KIND_PRODUCT: 'IN_KIND', FACILITY_USE: 'IN_KIND', EMPLOYEE_TIME: 'TIME', MANAGEMENT_COST: 'MANAGEMENT_COSTS' };
    expect(rows.every((row) => row.b4si_input_type === inputTypes[row.contribution_type!])).toBe(true);
    expect(rows.every((row) => ['CHARITABLE_GIFT', 'COMMUNITY_INVESTMENT', 'COMMERCIAL_INITIATIVE'].includes(row.b4si_motivation!) && row.b4si_issue !== '' && row.b4si_issue_name !== '')).toBe(true);
    expect(new Set(rows.map((row) => row.b4si_valuation))).toEqual(new Set(['B4SI_BASIS', 'GROUP_POLICY']));
    expect(rows.every((row) => row.group_fiscal_year === '2024' && /^\d{4}-\d{2}-\d{2}$/.test(row.date!))).toBe(true);
  });

  it('XLSX of FY2024 opens, holds the same rows and adds up the same', async () => {
    const token = await hqToken();
    const [csv, xlsx] = await Promise.all([download(exportUrl('/exports/expenses.csv?fiscalYear=2024'), token), download(exportUrl('/exports/expenses.xlsx?fiscalYear=2024'), token)]);
    expectComplete(xlsx);
    expect(xlsx.headers['content-type']).toBe('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
    const csvRows = csvObjects(csv.body.toString('utf8'));
    const { sheets, rows } = await sheetObjects(xlsx.body);
    expect(sheets).toEqual(['Expenses']);
    expect(rows.map((row) => row.expense_id)).toEqual(csvRows.map((row) => row.expense_id));
    // local amounts are numbers (exact: at most 15 digits), converted ones text (every digit kept)
    expect(rows.every((row) => typeof row.local_amount === 'number' && typeof row.converted_amount === 'string')).toBe(true);
    expect(rows.map((row) => decimalText(row.local_amount!))).toEqual(csvRows.map((row) => fractionText(exactSum([row.local_amount!]))));
    expect(rows.map((row) => row.converted_amount)).toEqual(csvRows.map((row) => row.converted_amount));
    expect(roundHalfUp(exactSum(rows.map((row) => decimalText(row.converted_amount!)))).toString()).toBe('828006924');
    expect(rows.every((row) => row.date instanceof Date)).toBe(true);
  });

  it('narrows to dates and subsidiaries', async () => {
    const token = await hqToken();
    const csv = await download(exportUrl('/exports/expenses.csv?from=2023-04-01&to=2023-09-30&subsidiary=IN,JP'), token);
    expectComplete(csv);
    const rows = csvObjects(csv.body.toString('utf8'));
    expect(rows.length).toBeGreaterThan(0);
    expect(new Set(rows.map((row) => row.subsidiary))).toEqual(new Set(['JP', 'IN']));
    expect(rows.every((row) => row.date! >= '2023-04-01' && row.date! <= '2023-09-30')).toBe(true);
    const stored = (await Promise.all(['japan', 'india'].map((key) => stack.db(key).collection('expenses').countDocuments({ date: { $gte: '2023-04-01', $lte: '2023-09-30' } })))).reduce((a, b) => a + b, 0);
    expect(rows).toHaveLength(stored);
  });

  it('runs for a bi:read token (the exports run the manifest operations)', async () => {
    const bi = await stack.token(ROLES.bi, { subject: 'powerbi-service' });
    const csv = await download(exportUrl('/exports/expenses.csv?fiscalYear=2024&subsidiary=TH'), bi);
    expectComplete(csv);
    expect(csvObjects(csv.body.toString('utf8')).length).toBeGreaterThan(0);
  });
});

function multiply(a: string, b: string): [bigint, bigint] {
  const [an, ad] = exactSum([a]);
  const [bn, bd] = exactSum([b]);
  return [an * bn, ad * bd];
}

describe('the report lines export', () => {
  it('one row per subsidiary × cause area × contribution type × motivation, adding up to the report total (CSV and XLSX)', async () => {
    const token = await hqToken();
    const csv = await download(exportUrl('/exports/report-lines.csv?fiscalYear=2024'), token);
    expectComplete(csv);
    const rows = csvObjects(csv.body.toString('utf8'));
    expect(new Set(rows.map((row) => `${row.subsidiary}|${row.cause_area}|${row.contribution_type}|${row.b4si_motivation}`)).size).toBe(rows.length);
    expect(roundHalfUp(exactSum(rows.map((row) => row.converted_amount!))).toString()).toBe(await jpyTotal((name) => stack.db(name), SUBSIDIARIES.map((subsidiary) => subsidiary.code), 2024));
    expect(roundHalfUp(exactSum(rows.map((row) => row.converted_amount!))).toString()).toBe('828006924');
    const expenses = csvObjects((await download(exportUrl('/exports/expenses.csv?fiscalYear=2024'), token)).body.toString('utf8'));
    expect(rows.reduce((sum, row) => sum + Number(row.expense_count), 0)).toBe(expenses.length);

    const xlsx = await download(exportUrl('/exports/report-lines.xlsx?fiscalYear=2024'), token);
    expectComplete(xlsx);
    const sheet = await sheetObjects(xlsx.body);
    expect(sheet.rows).toHaveLength(rows.length);
    expect(roundHalfUp(exactSum(sheet.rows.map((row) => decimalText(row.converted_amount!)))).toString()).toBe('828006924');
  });
});

describe('the activity feed export', () => {
  it('every item of FY2024 once, in the feed\'s order, its expenses adding up to the report total', async () => {
    const token = await stack.token(ROLES.bi, { subject: 'powerbi-service' });
    const csv = await download(exportUrl('/exports/activities.csv?fiscalYear=2024&pageSize=25'), token);
    expectComplete(csv);
    const rows = csvObjects(csv.body.toString('utf8'));
    const keys = rows.map((row) => `${row.subsidiary}|${row.kind}|${row.id}`);
    expect(new Set(keys).size).toBe(rows.length);
    for (let index = 1; index < rows.length; index += 1) expect(rows[index]!.date! >= rows[index - 1]!.date!, `row ${index}`).toBe(true);
    const expenses = rows.filter((row) => row.kind === 'EXPENSE');
    const stored = (await Promise.all(SUBSIDIARIES.map((subsidiary) => stack.db(subsidiary.key).collection('expenses').countDocuments({ groupFiscalYear: 2024 })))).reduce((a, b) => a + b, 0);
    expect(expenses).toHaveLength(stored);
    expect(roundHalfUp(exactSum(expenses.map((row) => row.converted_amount!))).toString()).toBe('828006924');
    expect(new Set(rows.map((row) => row.kind)).size).toBeGreaterThan(1);

    const xlsx = await download(exportUrl('/exports/activities.xlsx?fiscalYear=2024'), token);
    expectComplete(xlsx);
    const sheet = await sheetObjects(xlsx.body);
    expect(sheet.sheets).toEqual(['Activities']);
    expect(sheet.rows.map((row) => `${row.subsidiary}|${row.kind}|${row.id}`)).toEqual(keys);
  });
});

describe('refused export requests', () => {
  it('answer before any byte of a file, as JSON with a code: bad range, huge page, unknown parameter or subsidiary, no token, wrong scope, wrong method', async () => {
    const token = await hqToken();
    const cases: [string, string | null, number, string, RegExp][] = [
      ['/exports/expenses.csv?fromFiscalYear=2025&toFiscalYear=2024', token, 400, 'BAD_USER_INPUT', /ends \(2024\) before it starts \(2025\)/],
      ['/exports/expenses.csv?fromFiscalYear=1990&toFiscalYear=2030', token, 400, 'BAD_USER_INPUT', /at most 30 fiscal years/],
      ['/exports/expenses.csv?fiscalYear=abc', token, 400, 'BAD_USER_INPUT', /fiscalYear must be a whole number/],
      ['/exports/expenses.csv?from=2024-02-30', token, 400, 'BAD_USER_INPUT', /from must be a date/],
      ['/exports/expenses.csv', token, 400, 'BAD_USER_INPUT', /Say which period/],
      ['/exports/expenses.csv?fiscalYear=2024&pageSize=1000000', token, 400, 'BAD_USER_INPUT', /pageSize must be between 1 and 100/],
      ['/exports/expenses.csv?fiscalYear=2024&limit=5', token, 400, 'BAD_USER_INPUT', /Unknown parameter "limit"/],
      ['/exports/expenses.csv?fiscalYear=2024&subsidiary=XX', token, 400, 'BAD_USER_INPUT', /Unknown subsidiary XX/],
      ['/exports/expenses.csv?fiscalYear=2024&incomplete=ignore', token, 400, 'BAD_USER_INPUT', /incomplete must be fail or mark/],
      ['/exports/expenses.csv?fiscalYear=2024', null, 401, 'UNAUTHENTICATED', /./],
      ['/exports/expenses.csv?fiscalYear=2024', 'not-a-token', 401, 'UNAUTHENTICATED', /./],
      ['/exports/secrets.csv?fiscalYear=2024', token, 404, 'NOT_FOUND', /No export at \/exports\/secrets.csv/],
    ];
    for (const [path, caller, status, code, message] of cases) {
      const refused = await download(exportUrl(path), caller);
      expect(refused.status, path).toBe(status);
      expect(refused.headers['content-type'], path).toMatch(/^application\/json/);
      expect(errorOf(refused).extensions.code, path).toBe(code);
      expect(errorOf(refused).message, path).toMatch(message);
    }
    // a valid token without group:read or bi:read
    const scopeless = await stack.token([], { subject: 'nobody' });
    const forbidden = await download(exportUrl('/exports/expenses.xlsx?fiscalYear=2024'), scopeless);
    expect(forbidden.status).toBe(403);
    expect(errorOf(forbidden).extensions.code).toBe('FORBIDDEN');

    const posted = await fetch(exportUrl('/exports/expenses.csv?fiscalYear=2024'), { method: 'POST', headers: { authorization: `Bearer ${token}` } });
    expect(posted.status).toBe(405);
  });
});

// last: it stops India
describe('a subsidiary that is down', () => {
  it('refuses the export before its first byte by default, and with incomplete=mark gives a file that says what it lacks', { timeout: 60_000 }, async () => {
    const token = await hqToken();
    await stack.stack.stop('india');

    const refused = await download(exportUrl('/exports/expenses.csv?fiscalYear=2024'), token);
    expect(refused.status).toBe(503);
    expect(refused.headers['retry-after']).toBe('30');
    expect(errorOf(refused).extensions).toMatchObject({ code: 'EXPORT_INCOMPLETE', missingSubsidiaries: ['IN'] });
    expect(errorOf(refused).message).toMatch(/no figures from IN/);
    for (const other of ['/exports/report-lines.xlsx?fiscalYear=2024', '/exports/activities.csv?fiscalYear=2024']) {
      const refusedToo = await download(exportUrl(other), token);
      expect(refusedToo.status, other).toBe(503);
      expect(errorOf(refusedToo).extensions.missingSubsidiaries, other).toEqual(['IN']);
    }

    const marked = await download(exportUrl('/exports/expenses.csv?fiscalYear=2024&incomplete=mark'), token);
    expect(marked.status).toBe(200);
    expect(marked.complete).toBe(true);
    expect(marked.trailers['x-export-status']).toBe('incomplete');
    expect(marked.trailers['x-export-problems']).toMatch(/^UNAVAILABLE IN/);
    expect(marked.headers['x-report-total']).toBeUndefined();
    const rows = csvObjects(marked.body.toString('utf8'));
    const last = rows.at(-1)!;
    expect(last.subsidiary).toBe('INCOMPLETE');
    expect(last.expense_id).toMatch(/^This export is incomplete .*UNAVAILABLE IN/);
    expect(new Set(rows.slice(0, -1).map((row) => row.subsidiary))).toEqual(new Set(['JP', 'US', 'TH']));

    const workbook = await download(exportUrl('/exports/expenses.xlsx?fiscalYear=2024&incomplete=mark'), token);
    expect(workbook.trailers['x-export-status']).toBe('incomplete');
    const { sheets, rows: sheetRows } = await sheetObjects(workbook.body);
    expect(sheets).toEqual(['Expenses', 'Incomplete']);
    expect(sheetRows.at(-1)!.subsidiary).toBe('INCOMPLETE');
    const incomplete = await sheetObjects(workbook.body, 2);
    expect(JSON.stringify(incomplete.rows)).toMatch(/UNAVAILABLE/);

    await stack.stack.start('india');
  });
});
