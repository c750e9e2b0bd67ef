/**
 * Bulk import in the browser: a regional team uploads a CSV, the dry run lists each problem by row
 * and column with the API's own message and writes nothing (counted in India's MongoDB); a clean
 * file is committed once and the dashboard's group total grows by exactly its converted sum; the
 * same file committed again adds nothing; the screen works with the keyboard alone.
 */
import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import ExcelJS from 'exceljs';
import type { Page } from 'playwright-core';
import { ROLES } from '../../subgraphs/common/scopes';
import { SUBSIDIARIES } from '../../subgraphs/common/registry';
import { EXPENSE_COLUMNS, PARTICIPATION_COLUMNS, REGISTRATION_COLUMNS } from '../../subgraphs/kit/import/columns';
import { openApp, useBrowser } from '../harness/browser';
import { fraction, jpyExact, roundHalfUp } from '../harness/independent-sums';
import { useSeededStack } from '../harness/stack';

// the dashboard must show the total as it is now, not a cached answer of before the import
const stack = useSeededStack('browser_import', { gatewayEnv: { RESPONSE_CACHE: 'false' } });
const browser = useBrowser();
/** Waits for what the page shows (a loaded 2-core machine can take seconds where expect.poll waits one by default). */
const eventually = <T>(read: () => T | Promise<T>) => expect.poll(read, { timeout: 30_000, interval: 50 });
const CODES = SUBSIDIARIES.map((subsidiary) => subsidiary.code);

const HEADER = EXPENSE_COLUMNS.join(',');
const csv = (rows: readonly string[]) => `${[HEADER, ...rows].join('\r\n')}\r\n`;

/** Every collection the import may write in India's database, counted. */
async function indiaCounts(): Promise<Record<string, number>> {
  const db = stack.db('india');
  const counts: Record<string, number> = {};
  for (const collection of ['expenses', 'audit_log', 'write_journal', 'import_staging', 'idempotency_keys', 'report_cells']) counts[collection] = await db.collection(collection).countDocuments();
  return counts;
}

async function openImport(page: Page) {
  await openApp(page, stack.gatewayUrl, await stack.token(ROLES.regional('IN'), { subject: 'in-priya' }), 'import');
  await eventually(() => page.locator('main').innerText()).toContain('Subsidiary: NEC India (IN)');
  expect(await page.getByRole('heading', { name: 'Bulk import' }).count()).toBe(1);
}

async function choose(page: Page, name: string, content: string) {
  await page.getByLabel('File (CSV or XLSX)').setInputFiles({ name, mimeType: 'text/csv', buffer: Buffer.from(content, 'utf8') });
}

/** Moves to another screen the way a link does (a hash route). */
const goTo = (page: Page, hash: string) => page.evaluate(`location.hash = ${JSON.stringify(hash)}`);

const outcome = (page: Page) => page.getByTestId('import-outcome');

async function dashboardTotal(page: Page): Promise<string> {
  await goTo(page, '#/dashboard?fy=2024&currency=JPY');
  const total = page.getByTestId('group-total');
  await eventually(() => total.getAttribute('data-complete')).toBe('true');
  return (await total.getAttribute('data-amount'))!;
}

/** The exact JPY sum of India's FY2024 expenses plus `inr` at FY2024's INR rate, rounded once (the tests' own arithmetic). */
async function expectedTotal(exactBefore: [bigint, bigint], inr: string): Promise<string> {
  const rate = fraction((await stack.db('group').collection('exchange_rates').findOne({ fiscalYear: 2024, currency: 'INR' }))!.jpyPerUnit.toString());
  const [fileN, fileD] = fraction(inr);
  return roundHalfUp([exactBefore[0] * fileD * rate[1] + fileN * rate[0] * exactBefore[1], exactBefore[1] * fileD * rate[1]]).toString();
}

describe('bulk import in the browser', { timeout: 120_000 }, () => {
  it('shows a bad row by number, column and the API\'s message, offers no commit, and writes nothing', async () => {
    const page = await browser.page();
    await openImport(page);
    const before = await indiaCounts();
    await choose(page, 'june.csv', csv(['IN-I0001,2023-06-01,CASH,1500.00,,,,INR,,Browser import: fine row,,', 'IN-I0002,2023-06-02,CASH,-50,,,,INR,,Browser import: negative,,', 'IN-I0003,2023-06-03,CASH,10,,,,,,Browser import: fine too,,']));
    await page.getByRole('button', { name: 'Check the file (dry run)' }).click();
    await eventually(() => outcome(page).getAttribute('data-status')).toBe('REJECTED');
    const problems = page.getByTestId('import-problems').locator('tbody tr');
    expect(await problems.count()).toBe(1);
    expect(await problems.first().locator('td').allTextContents()).toEqual(['3', 'amount', 'BAD_USER_INPUT', 'input.amount must be greater than zero (got -50)']);
    expect(await page.getByRole('alert').filter({ hasText: 'problems in 3 rows' }).textContent()).toContain('nothing was written');
    expect(await page.getByRole('button', { name: 'Commit the import' }).count()).toBe(0);
    expect(await indiaCounts()).toEqual(before);
  });

  it('commits a clean file: the dashboard total grows by exactly its sum at FY2024\'s rate; committing it again adds nothing', async () => {
    const page = await browser.page();
    await openImport(page);
    const exactBefore = await jpyExact((name) => stack.db(name), CODES, 2024);
    expect(await dashboardTotal(page)).toBe(roundHalfUp(exactBefore).toString());

    await goTo(page, '#/import');
    const rows = [
      'IN-I0003,2023-07-01,CASH,12345.67,,,,INR,,Browser import: cash grant,,',
      'IN-I0004,2023-08-15,IN_KIND_PRODUCT,,120,blanket,349.99,,,"Blankets, monsoon drive",,',
      'IN-I0004,2024-02-28,EMPLOYEE_TIME,,12.5,hour,1000.005,INR,Internal rate,Browser import: mentoring,,',
    ];
    // 12345.67 + 120 × 349.99 + 12.5 × 1000.005 (12500.0625, rounded once to 12500.06)
    const fileSum = '66844.53';
    await choose(page, 'july.csv', csv(rows));
    const before = await indiaCounts();
    await page.getByRole('button', { name: 'Check the file (dry run)' }).click();
    await eventually(() => outcome(page).getAttribute('data-status')).toBe('VALID');
    expect(await page.getByTestId('import-total').getAttribute('data-amount')).toBe(fileSum);
    expect(await page.getByTestId('import-total').textContent()).toBe('₹66,844.53');
    expect(await indiaCounts()).toEqual(before);

    await page.getByRole('button', { name: 'Commit the import' }).click();
    await eventually(() => outcome(page).getAttribute('data-status')).toBe('COMMITTED');
    expect(await outcome(page).getAttribute('data-replayed')).toBe('false');
    expect(await outcome(page).getByRole('status').textContent()).toMatch(/^Imported 3 rows \(import /);
    const after = await indiaCounts();
    expect(after.expenses! - before.expenses!).toBe(3);
    const stored = await stack.db('india').collection('expenses').find({ description: { $in: ['Browser import: cash grant', 'Blankets, monsoon drive', 'Browser import: mentoring'] } }).toArray();
    expect(stored.map((expense) => expense.amount.toString()).sort()).toEqual(['12345.67', '12500.06', '41998.80']);

    // the same file again: the first commit's answer, nothing added
    await page.getByRole('button', { name: 'Commit the import' }).click();
    await eventually(() => outcome(page).getAttribute('data-replayed')).toBe('true');
    expect(await outcome(page).getByRole('status').textContent()).toMatch(/^Already imported: this file was committed as import .* Nothing was added now\./);
    expect(await indiaCounts()).toEqual(after);

    const expected = await expectedTotal(exactBefore, fileSum);
    expect(BigInt(expected)).toBeGreaterThan(roundHalfUp(exactBefore));
    expect(await dashboardTotal(page)).toBe(expected);
    // and what the records now hold, summed by the test
    expect(roundHalfUp(await jpyExact((name) => stack.db(name), CODES, 2024)).toString()).toBe(expected);
  });

  it('reads an XLSX workbook in the browser and sends it as the import expects (base64)', async () => {
    const page = await browser.page();
    await openImport(page);
    const workbook = new ExcelJS.Workbook();
    const sheet = workbook.addWorksheet('Expenses');
    sheet.addRow(['initiativeId', 'date', 'contributionType', 'amount', 'quantity', 'unit', 'unitPrice', 'description']);
    sheet.addRow(['IN-I0002', new Date(Date.UTC(2023, 8, 10)), 'CASH', 2500.5, null, null, null, 'XLSX in the browser: cash']);
    sheet.addRow(['IN-I9999', '2023-09-11', 'FACILITY_USE', null, 3, 'day', 1200.25, 'XLSX in the browser: unknown initiative']);
    const before = await indiaCounts();
    await page.getByLabel('File (CSV or XLSX)').setInputFiles({ name: 'september.xlsx', mimeType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet', buffer: Buffer.from(await workbook.xlsx.writeBuffer()) });
    await page.getByRole('button', { name: 'Check the file (dry run)' }).click();
    await eventually(() => outcome(page).getAttribute('data-status')).toBe('REJECTED');
    expect(await page.getByTestId('import-problems').locator('tbody tr td').allTextContents()).toEqual(['3', 'initiativeId', 'NOT_FOUND', 'Initiative IN-I9999 does not exist in NEC India']);
    // the clean row's total, as the API summed it
    expect(await page.getByTestId('import-total').getAttribute('data-amount')).toBe('2500.50');
    expect(await indiaCounts()).toEqual(before);
  });

  it('imports volunteer participation: the dry run\'s totals per fiscal year, then the records', async () => {
    const page = await browser.page();
    await openImport(page);
    await page.getByLabel('Volunteer participation', { exact: true }).check();
    const before = await stack.db('india').collection('volunteer_participation').countDocuments();
    await choose(page, 'participation.csv', `${PARTICIPATION_COLUMNS.join(',')}\r\nIN-I0005,2023-10-07,14,42.5,Tree planting,,\r\nIN-I0005,2024-01-13,9,27,Tree planting,,\r\n`);
    await page.getByRole('button', { name: 'Check the file (dry run)' }).click();
    await eventually(() => outcome(page).getAttribute('data-status')).toBe('VALID');
    expect(await page.getByTestId('import-totals').locator('tbody tr td').allTextContents()).toEqual(['FY2024', '2', '23', '69.5', '0']);
    expect(await stack.db('india').collection('volunteer_participation').countDocuments()).toBe(before);
    await page.getByRole('button', { name: 'Commit the import' }).click();
    await eventually(() => outcome(page).getAttribute('data-status')).toBe('COMMITTED');
    const stored = await stack.db('india').collection('volunteer_participation').find({ note: 'Tree planting' }).sort({ _id: 1 }).toArray();
    expect(stored.map((record) => [record.date, record.people, record.hours.toString()])).toEqual([['2023-10-07', 14, '42.5'], ['2024-01-13', 9, '27']]);
  });

  it('offers a template per kind whose header is the import\'s own columns and which the import accepts', async () => {
    const page = await browser.page();
    await openImport(page);
    const india = stack.as(await stack.token(ROLES.regional('IN')));
    const samples = {
      Expenses: [EXPENSE_COLUMNS, 'IN-I0005,2023-09-01,CASH,10,,,,INR,,Template row,,', 'ImportExpenses'],
      'Volunteer participation': [PARTICIPATION_COLUMNS, 'IN-I0005,2023-09-01,4,10.5,Template row,,', 'ImportVolunteerParticipation'],
      'Volunteer registrations': [REGISTRATION_COLUMNS, '2023-09-30,3,Template row,,', 'ImportVolunteerRegistrations'],
    } as const;
    for (const [label, [columns, row, action]] of Object.entries(samples)) {
      await page.getByLabel(label, { exact: true }).check();
      const download = page.waitForEvent('download');
      await page.getByRole('button', { name: `Download the ${label} template (CSV)` }).click();
      const file = await download;
      const text = await readFile((await file.path())!, 'utf8');
      expect(text.split('\r\n')[0]).toBe(columns.join(','));
      const dry = await india.data(`mutation($input: ImportFileInput!) { result: india${action}(input: $input, mode: DRY_RUN) { status rows problems { row column code message } } }`, { input: { content: `${text}${row}\r\n` } });
      expect(dry.result, label).toEqual({ status: 'VALID', rows: 1, problems: [] });
    }
  });

  it('works with the keyboard alone: tab to the file input, open it, run the dry run and the commit', async () => {
    const page = await browser.page();
    await openImport(page);
    // evaluated in the page (the tests' own TypeScript has no DOM types)
    const focused = () => page.evaluate<string>('`${document.activeElement?.tagName.toLowerCase()}#${document.activeElement?.id ?? ""}|${document.activeElement?.textContent ?? ""}`');
    const tabTo = async (matches: (description: string) => boolean) => {
      for (let presses = 0; presses < 30; presses += 1) {
        await page.keyboard.press('Tab');
        if (matches(await focused())) return;
      }
      throw new Error(`Tab never reached the control (last focus: ${await focused()})`);
    };
    await tabTo((description) => description.startsWith('input#import-file'));
    const chooser = page.waitForEvent('filechooser');
    await page.keyboard.press('Space');
    await (await chooser).setFiles({ name: 'keyboard.csv', mimeType: 'text/csv', buffer: Buffer.from(csv(['IN-I0005,2023-10-01,CASH,777.77,,,,INR,,Keyboard import,,'])) });
    await tabTo((description) => description.endsWith('|Check the file (dry run)'));
    await page.keyboard.press('Enter');
    await eventually(() => outcome(page).getAttribute('data-status')).toBe('VALID');
    await tabTo((description) => description.endsWith('|Commit the import'));
    await page.keyboard.press('Enter');
    await eventually(() => outcome(page).getAttribute('data-status')).toBe('COMMITTED');
    expect(await stack.db('india').collection('expenses').countDocuments({ description: 'Keyboard import' })).toBe(1);
  });
});
