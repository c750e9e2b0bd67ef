/**
 * Headquarters' dashboard in a real Chromium over a real stack: the FY2024 group total and its
 * charts, the drill-down from a bar to the records behind it, the Japanese UI, the CSV download
 * of what is shown, and a closed year's published and restated figures.
 */
import { readFile } from 'node:fs/promises';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { ROLES } from '../../subgraphs/common/scopes';
import { openApp, useBrowser } from '../harness/browser';
import { fraction, jpyTotal, roundHalfUp } from '../harness/independent-sums';
import { useSeededStack } from '../harness/stack';

/** Waits for what the page shows, long enough for a loaded machine (expect.poll's default is 1 s). */
const poll = <T,>(read: () => T | Promise<T>) => expect.poll(read, { timeout: 15_000, interval: 100 });

const SUBSIDIARY_NAMES = ['NEC Japan', 'NEC India', 'NEC America', 'NEC Platforms Thai'];

/** The labels the chart instance on a container's canvas draws (Chart.getChart, exposed by the app as csrChartOf). */
async function chartLabels(page: Page, testId: string): Promise<string[]> {
  const canvas = page.getByTestId(testId).locator('canvas');
  if ((await canvas.count()) === 0) return [];
  return canvas.evaluate((element) => ((globalThis as any).csrChartOf(element)?.data.labels as string[] | undefined) ?? []);
}

/** The app's route (its hash). */
const routeOf = (page: Page) => new URL(page.url()).hash;

/** Where a bar of a chart is drawn, in page coordinates: the middle of the bar. */
async function barPosition(page: Page, testId: string, index: number): Promise<{ x: number; y: number }> {
  const canvas = page.locator(`[data-testid="${testId}"] canvas`);
  const box = (await canvas.boundingBox())!;
  const bar = await canvas.evaluate((element, i) => {
    const meta = (globalThis as any).csrChartOf(element).getDatasetMeta(0);
    const drawn = meta.data[i];
    return { x: drawn.x as number, y: (drawn.y + drawn.base) / 2 };
  }, index);
  return { x: box.x + bar.x, y: box.y + bar.y };
}

/** An India expense converted into yen at FY2024's stated rate, rounded once (half up), as the records show it. */
function yen(amount: string, rate: string): string {
  const [an, ad] = fraction(amount);
  const [rn, rd] = fraction(rate);
  return roundHalfUp([an * rn, ad * rd]).toString();
}

describe('the headquarters dashboard', () => {
  const stack = useSeededStack('browser_dashboard');
  const browser = useBrowser();
  const openDashboard = async (page: Page, route = 'dashboard?fy=2024&currency=JPY') => openApp(page, stack.gatewayUrl, await stack.token(ROLES.hq, { subject: 'hq-akiko' }), route);
  const total = (page: Page) => page.getByTestId('group-total');

  it('shows the FY2024 group total, complete, and the four subsidiaries in the chart and its table', async () => {
    const page = await browser.page();
    await openDashboard(page);
    await poll(() => total(page).getAttribute('data-amount')).toBe('828006924');
    expect(await jpyTotal((name) => stack.db(name), ['JP', 'IN', 'US', 'TH'], 2024)).toBe('828006924');
    expect(await total(page).getAttribute('data-complete')).toBe('true');
    expect(await total(page).getAttribute('data-currency')).toBe('JPY');
    // en-GB writes the yen JP¥ (en-US: ¥); the figure is the API's, digit for digit
    expect(await total(page).textContent()).toBe('JP¥828,006,924');
    expect(await page.getByTestId('missing-banner').count()).toBe(0);

    await poll(() => chartLabels(page, 'chart-by-subsidiary')).toEqual(SUBSIDIARY_NAMES);
    const rows = page.getByTestId('chart-by-subsidiary').locator('tbody tr');
    expect(await rows.locator('th').allTextContents()).toEqual(SUBSIDIARY_NAMES);
    expect(await rows.nth(1).locator('td.amount').first().textContent()).toBe('JP¥11,760,112');
    expect(await page.getByTestId('chart-by-subsidiary').locator('canvas').getAttribute('aria-label')).toContain('By subsidiary');
    // the other breakdowns, goals and rates are there too
    for (const id of ['chart-by-year', 'chart-by-cause-area', 'chart-by-contribution-type', 'goals', 'rates-used']) expect(await page.getByTestId(id).count(), id).toBe(1);
    expect(await page.getByTestId('rates-used').getByRole('row', { name: /NEC India INR FY2024 1\.75/ }).count()).toBe(1);
  });

  it('lands headquarters on the newest fiscal year with records when the link names no year', async () => {
    const page = await browser.page();
    await openApp(page, stack.gatewayUrl, await stack.token(ROLES.hq, { subject: 'hq-akiko' }));
    const newest = (await stack.db('japan').collection('expenses').find().sort({ groupFiscalYear: -1 }).limit(1).toArray())[0]!.groupFiscalYear;
    await poll(() => routeOf(page)).toBe(`#/dashboard?fy=${newest}&currency=JPY`);
    await poll(() => total(page).getAttribute('data-complete')).toBe('true');
    expect(Number(await total(page).getAttribute('data-amount'))).toBeGreaterThan(0);
  });

  it('reports in another currency the group has rates for: the API\'s total and each rate digit for digit', async () => {
    const page = await browser.page();
    await openDashboard(page);
    await poll(() => total(page).getAttribute('data-amount')).toBe('828006924');
    const currency = page.getByLabel('Reporting currency');
    await poll(() => currency.locator('option').allTextContents()).toEqual(['JPY', 'INR', 'THB', 'USD']);
    await currency.selectOption('USD');
    const api = (await stack.data(`{ groupReport(fiscalYear: 2024, currency: "USD") { total { amount } bySubsidiary { code ratesUsed { rate } } } }`)).groupReport;
    await poll(() => total(page).getAttribute('data-amount')).toBe(api.total.amount);
    expect(await total(page).getAttribute('data-currency')).toBe('USD');
    expect(await total(page).textContent()).toBe(new Intl.NumberFormat('en-GB', { style: 'currency', currency: 'USD' }).format(api.total.amount));
    const indiaRate = api.bySubsidiary.find((line: { code: string }) => line.code === 'IN').ratesUsed[0].rate;
    expect(indiaRate).toMatch(/^0\.\d{6,}$/);
    expect(await page.getByTestId('rates-used').getByRole('row', { name: /NEC India/ }).textContent()).toContain(indiaRate);
  });

  it("drills down from India's bar to India's records, which are the expenses in its database", async () => {
    const page = await browser.page();
    await openDashboard(page);
    await poll(() => chartLabels(page, 'chart-by-subsidiary')).toEqual(SUBSIDIARY_NAMES);
    const bar = await barPosition(page, 'chart-by-subsidiary', SUBSIDIARY_NAMES.indexOf('NEC India'));
    await page.mouse.click(bar.x, bar.y);
    await poll(() => routeOf(page)).toBe('#/records?fy=2024&currency=JPY&subsidiary=IN');

    const expenses = await stack.db('india').collection('expenses').find({ groupFiscalYear: 2024 }).toArray();
    expect(expenses.length).toBeGreaterThan(0);
    await poll(() => page.getByTestId('records-count').getAttribute('data-count')).toBe(String(expenses.length));
    expect(await page.getByTestId('records-amount').getAttribute('data-amount')).toBe('11760112');
    const rows = page.getByTestId('records-table').locator('tbody tr');
    expect(await rows.count()).toBe(expenses.length);
    expect(new Set(await rows.evaluateAll((trs) => trs.map((tr) => tr.getAttribute('data-subsidiary'))))).toEqual(new Set(['IN']));
    const shown = await rows.evaluateAll((trs) => trs.map((tr) => `${tr.querySelector('th')?.textContent}=${tr.getAttribute('data-converted')}`));
    const expected = expenses.map((expense) => `${String(expense._id)}=${yen(expense.amount.toString(), '1.75')}`);
    expect([...shown].sort()).toEqual([...expected].sort());
    // each row names its initiative by its title
    const firstId = await rows.first().locator('th').textContent();
    const first = expenses.find((expense) => String(expense._id) === firstId)!;
    const initiative = await stack.db('india').collection('initiatives').findOne({ _id: first.initiativeId });
    expect(await rows.first().locator('td').nth(1).textContent()).toBe(String(initiative!.title));
  });

  it("pages through a line's records by cursor: Japan's FY2024 expenses, each once", async () => {
    const page = await browser.page();
    await openDashboard(page, 'records?fy=2024&currency=JPY&subsidiary=JP');
    const expenses = await stack.db('japan').collection('expenses').find({ groupFiscalYear: 2024 }).toArray();
    expect(expenses.length).toBeGreaterThan(50); // more than one page of 50
    await poll(() => page.getByTestId('records-count').getAttribute('data-count')).toBe(String(expenses.length));
    const ids = () => page.getByTestId('records-table').locator('tbody th').allTextContents();
    await poll(async () => (await ids()).length).toBe(50);
    const first = await ids();
    expect(await page.getByRole('button', { name: 'Previous page' }).isDisabled()).toBe(true);
    await page.getByRole('button', { name: 'Next page' }).click();
    await poll(async () => (await ids()).length).toBe(expenses.length - 50);
    expect(await page.getByRole('button', { name: 'Next page' }).isDisabled()).toBe(true);
    expect([...first, ...(await ids())].sort()).toEqual(expenses.map((expense) => String(expense._id)).sort());
    await page.getByRole('button', { name: 'Previous page' }).click();
    await poll(() => ids()).toEqual(first);
  });

  it('drills down with the keyboard: the chart table rows are links', async () => {
    const page = await browser.page();
    await openDashboard(page);
    const link = page.getByTestId('chart-by-cause-area').getByRole('link', { name: 'Disaster relief and recovery' });
    await link.focus();
    await page.keyboard.press('Enter');
    await poll(() => routeOf(page)).toBe('#/records?fy=2024&currency=JPY&causeArea=DISASTER_RELIEF');
    const line = (await stack.data(`{ groupReport(fiscalYear: 2024) { byCauseArea { causeArea amount { amount } expenseCount } } }`)).groupReport.byCauseArea.find(
      (candidate: { causeArea: string }) => candidate.causeArea === 'DISASTER_RELIEF',
    );
    await poll(() => page.getByTestId('records-count').getAttribute('data-count')).toBe(String(line.expenseCount));
    expect(await page.getByTestId('records-amount').getAttribute('data-amount')).toBe(line.amount.amount);
  });

  it('speaks Japanese: the total formatted for ja-JP and the labels in Japanese', async () => {
    const page = await browser.page();
    await openDashboard(page);
    await poll(() => total(page).getAttribute('data-amount')).toBe('828006924');
    await page.getByLabel('Language').selectOption('ja');
    await poll(() => page.getByRole('heading', { level: 1 }).textContent()).toContain('グループ ダッシュボード');
    expect(await total(page).textContent()).toMatch(/^[¥￥]828,006,924$/);
    expect(await total(page).textContent()).toBe(new Intl.NumberFormat('ja-JP', { style: 'currency', currency: 'JPY' }).format(828006924));
    expect(await page.getByRole('heading', { name: '子会社別' }).count()).toBe(1);
    await poll(() => chartLabels(page, 'chart-by-contribution-type')).toContain('現金');
    expect(await page.getByTestId('chart-by-cause-area').getByRole('link', { name: '災害救援・復興' }).count()).toBe(1);
    expect(await page.getByLabel('報告通貨').count()).toBe(1);
  });

  it('downloads the CSV of the report shown, holding the four subsidiaries', async () => {
    const page = await browser.page();
    await openDashboard(page);
    await poll(() => total(page).getAttribute('data-amount')).toBe('828006924');
    const download = page.waitForEvent('download');
    await page.getByRole('button', { name: 'Download CSV' }).click();
    const file = await download;
    expect(file.suggestedFilename()).toBe('report-lines-FY2024.csv');
    const [header, ...rows] = (await readFile((await file.path())!, 'utf8')).trim().split('\r\n');
    const columns = header!.split(',');
    expect(columns.slice(0, 3)).toEqual(['subsidiary', 'subsidiary_name', 'group_fiscal_year']);
    const cells = rows.map((row) => row.split(','));
    expect(new Set(cells.map((cell) => cell[0]))).toEqual(new Set(['JP', 'IN', 'US', 'TH']));
    expect(new Set(cells.map((cell) => cell[columns.indexOf('group_fiscal_year')]))).toEqual(new Set(['2024']));
    await poll(() => page.getByText('Downloaded report-lines-FY2024.csv.').count()).toBe(1);

    const workbook = page.waitForEvent('download');
    await page.getByRole('button', { name: 'Download XLSX' }).click();
    const xlsx = await workbook;
    expect(xlsx.suggestedFilename()).toBe('report-lines-FY2024.xlsx');
    expect((await readFile((await xlsx.path())!)).subarray(0, 2).toString('latin1')).toBe('PK'); // a zip: the workbook
  });

  it('for a closed year shows the published report (hash, total) and the restated total after an adjustment', { timeout: 60_000 }, async () => {
    const closed = await stack.data(`mutation { closeFiscalYear(fiscalYear: 2023) { outcome { complete published { hash total { amount } } } } }`);
    const published = closed.closeFiscalYear.outcome.published;
    const original = (await stack.db('india').collection('expenses').findOne({ groupFiscalYear: 2023 }, { sort: { _id: 1 } }))!;
    const india = stack.as(await stack.token(ROLES.regional('IN'), { subject: 'priya' }));
    await india.data(`mutation($id: ID!) { indiaRecordAdjustment(input: { originalExpenseId: $id, amountChange: "-1000.00", reason: "Receipt re-issued" }) { id } }`, { id: original._id });
    const restated = (await stack.data(`{ groupReport(fiscalYear: 2023) { restated { total { amount } } } }`)).groupReport.restated.total.amount;
    expect(restated).toBe(String(BigInt(published.total.amount) - 1700n)); // −1,000.00 INR at FY2023's 1.70

    const page = await browser.page();
    await openDashboard(page, 'dashboard?fy=2023&currency=JPY');
    await poll(() => page.getByTestId('published-hash').textContent()).toBe(published.hash);
    expect(await page.getByTestId('published-total').getAttribute('data-amount')).toBe(published.total.amount);
    expect(await page.getByTestId('restated-total').getAttribute('data-amount')).toBe(restated);
    expect(await page.getByTestId('published').getByRole('row', { name: /Receipt re-issued/ }).textContent()).toContain(String(original._id));
  });
});
