/**
 * The regional workspace in the browser: a regional team writes its own subsidiary's data only
 * (another subsidiary's, and headquarters' view of every one, have no write control at all); the
 * expense form shows quantity × unit price exactly while typing; API errors appear next to their
 * field; an edit at a stale version is refused clearly; the audit trail says who changed what.
 */
import { describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { ROLES } from '../../subgraphs/common/scopes';
import { openApp, useBrowser } from '../harness/browser';
import { useSeededStack } from '../harness/stack';

const stack = useSeededStack('browser_workspace');
const browser = useBrowser();
/** Waits for what the page shows (a loaded 2-core machine can take seconds where expect.poll waits one by default). */
const eventually = <T>(read: () => T | Promise<T>) => expect.poll(read, { timeout: 30_000, interval: 50 });

/** Every control that writes: none of them may exist in a read-only view. */
async function writeControls(page: Page) {
  return {
    newInitiative: await page.getByRole('button', { name: 'New initiative' }).count(),
    edit: await page.getByRole('button', { name: 'Edit initiative' }).count(),
    record: await page.getByRole('button', { name: 'Record expense' }).count(),
    forms: await page.locator('form.expense-form, form.initiative-form').count(),
    amountInputs: await page.getByLabel(/^(Amount|Quantity|Unit price)/).count(),
  };
}
const NONE = { newInitiative: 0, edit: 0, record: 0, forms: 0, amountInputs: 0 };

/** Moves to another screen the way a link does (a hash route). */
const goTo = (page: Page, hash: string) => page.evaluate(`location.hash = ${JSON.stringify(hash)}`);

/**
 * Opens a screen by its address, then signs in with a pasted token: the screen is the first one
 * shown (headquarters' home, the dashboard, never mounts to settle its own route meanwhile).
 */
async function signInAt(page: Page, token: string, hash: string) {
  await page.goto(`${new URL(stack.gatewayUrl).origin}/app/${hash}`);
  await page.getByLabel('Bearer token').fill(token);
  await page.getByRole('button', { name: 'Sign in' }).click();
}

async function openInitiative(page: Page, id: string) {
  await goTo(page, `#/workspace?sub=${id.slice(0, 2)}&initiative=${id}`);
  await eventually(() => page.getByTestId('initiative-panel').getByText(id).count()).toBeGreaterThan(0);
}

describe('the regional workspace', { timeout: 120_000 }, () => {
  it('lists the own subsidiary\'s initiatives with search, filters and pages', async () => {
    const page = await browser.page();
    await openApp(page, stack.gatewayUrl, await stack.token(ROLES.regional('IN'), { subject: 'in-priya' }), 'workspace');
    await eventually(() => page.getByLabel('Subsidiary').inputValue()).toBe('IN');
    const list = page.getByTestId('initiative-list');
    await eventually(() => list.locator('tbody tr').count()).toBe(5);
    expect(await page.getByText('5 of 5 initiatives').count()).toBe(1);
    await page.getByLabel('Cause area').selectOption('HEALTH_WELFARE');
    await eventually(async () => (await list.locator('tbody tr td:first-child').allTextContents()).sort()).toEqual(['IN-I0001', 'IN-I0002']);
    await page.getByLabel('Search', { exact: true }).fill('ashram');
    await page.getByRole('button', { name: 'Search', exact: true }).click();
    await eventually(() => list.locator('tbody tr td:first-child').allTextContents()).toEqual(['IN-I0002']);
    // running in FY2021 (April 2020 – March 2021): the three begun by then
    await page.getByLabel('Search', { exact: true }).fill('');
    await page.getByRole('button', { name: 'Search', exact: true }).click();
    await page.getByLabel('Cause area').selectOption('');
    await page.getByLabel('Group fiscal year').selectOption('2021');
    await eventually(async () => (await list.locator('tbody tr td:first-child').allTextContents()).sort()).toEqual(['IN-I0001', 'IN-I0002', 'IN-I0003']);

    // pages of ten, by cursor: Japan has more initiatives than one page
    const japan = (await stack.data(`{ subsidiary(code: "JP") { initiatives(first: 100) { totalCount nodes { id } } } }`)).subsidiary.initiatives;
    await page.getByLabel('Subsidiary').selectOption('JP');
    await eventually(() => page.getByText(`of ${japan.totalCount} initiatives`).count()).toBe(1);
    const seen: string[] = [];
    for (let pages = 0; pages < 20; pages += 1) {
      seen.push(...(await list.locator('tbody tr td:first-child').allTextContents()));
      const next = page.getByRole('button', { name: 'Next page' });
      if (await next.isDisabled()) break;
      const first = await list.locator('tbody tr td:first-child').first().textContent();
      await next.click();
      await eventually(() => list.locator('tbody tr td:first-child').first().textContent()).not.toBe(first);
    }
    expect(seen).toEqual(japan.nodes.map((node: { id: string }) => node.id));
    expect(japan.totalCount).toBeGreaterThan(10);
  });

  it('shows no write control for another subsidiary, and every one in its own', async () => {
    const page = await browser.page();
    await openApp(page, stack.gatewayUrl, await stack.token(ROLES.regional('IN'), { subject: 'in-priya' }), 'workspace');
    await openInitiative(page, 'IN-I0001');
    await eventually(() => page.getByRole('button', { name: 'Record expense' }).count()).toBe(1);
    expect(await writeControls(page)).toMatchObject({ newInitiative: 1, edit: 1, record: 1, forms: 1 });
    expect(await page.getByTestId('read-only-banner').count()).toBe(0);

    const japanese = (await stack.data(`{ subsidiary(code: "JP") { initiatives(first: 1) { nodes { id } } } }`)).subsidiary.initiatives.nodes[0].id;
    await openInitiative(page, japanese);
    await eventually(() => page.getByTestId('read-only-banner').textContent()).toContain('read only');
    await eventually(() => page.getByTestId('expense-list').count()).toBe(1);
    expect(await writeControls(page)).toEqual(NONE);
    // and the import screen offers only India
    await goTo(page, '#/import');
    await eventually(() => page.getByText('Subsidiary: NEC India (IN)').count()).toBe(1);
  });

  it('headquarters sees every subsidiary read only', async () => {
    const page = await browser.page();
    await signInAt(page, await stack.token(ROLES.hq, { subject: 'hq-akiko' }), '#/workspace?sub=IN&initiative=IN-I0001');
    await eventually(() => page.getByTestId('expense-list').count()).toBe(1);
    expect(await page.getByTestId('read-only-banner').textContent()).toContain('Headquarters sees every subsidiary read only');
    expect(await writeControls(page)).toEqual(NONE);
    expect(await page.getByRole('link', { name: 'Bulk import' }).count()).toBe(0);
  });

  it('creates an initiative, records an expense showing quantity × unit price while typing, and lists it', async () => {
    const page = await browser.page();
    await openApp(page, stack.gatewayUrl, await stack.token(ROLES.regional('IN'), { subject: 'in-priya' }), 'workspace');
    await page.getByRole('button', { name: 'New initiative' }).click();
    const create = page.locator('form.initiative-form');
    await create.getByLabel('Title').fill('Browser test: library corners');
    await create.getByLabel('Cause area').selectOption('EDUCATION_RESEARCH');
    await create.getByLabel('Start date').fill('2023-04-01');
    await create.getByLabel('Description').fill('Reading corners in partner schools');
    await create.getByRole('button', { name: 'Create initiative' }).click();
    await eventually(() => page.getByRole('status').filter({ hasText: /Initiative IN-I\d+ created/ }).count()).toBe(1);
    const id = /IN-I\d+/.exec((await page.getByRole('status').filter({ hasText: 'created' }).textContent())!)![0];
    await eventually(() => page.getByTestId('initiative-panel').getByText(id).count()).toBeGreaterThan(0);
    await eventually(() => page.getByText('No expenses recorded.').count()).toBe(1);

    const form = page.locator('form.expense-form');
    await form.getByLabel('Date').fill('2023-11-20');
    await form.getByLabel('Contribution type').selectOption('IN_KIND_PRODUCT');
    expect(await form.getByLabel(/^Amount/).count()).toBe(0);
    const product = page.getByTestId('expense-product');
    await form.getByLabel('Quantity').pressSequentially('12.5');
    expect(await product.textContent()).toContain('Enter quantity and unit price');
    await form.getByLabel('Unit price (INR)').pressSequentially('1000.00');
    await eventually(() => product.getAttribute('data-amount')).toBe('12500.00');
    await form.getByLabel('Unit price (INR)').pressSequentially('5');
    // 12.5 × 1000.005 = 12500.0625 exactly (a float gives 12500.062499999998); shown rounded once
    await eventually(() => product.getAttribute('data-amount')).toBe('12500.06');
    expect(await product.textContent()).toContain('12.5 × 1,000.005 INR = ₹12,500.06');
    expect(await product.textContent()).toContain('exact product 12500.0625');
    await form.getByLabel('Unit', { exact: true }).fill('book');
    await form.getByLabel('Description').fill('Books for the reading corners');
    await form.getByRole('button', { name: 'Record expense' }).click();

    const list = page.getByTestId('expense-list');
    await eventually(() => list.locator('tbody tr').count()).toBe(1);
    expect(await list.locator('td.amount').getAttribute('data-amount')).toBe('12500.06');
    expect(await list.locator('td.amount').textContent()).toBe('₹12,500.06');
    const stored = await stack.db('india').collection('expenses').findOne({ initiativeId: id });
    expect([stored?.amount.toString(), stored?.quantity.toString(), stored?.unitPrice.toString(), stored?.updatedBy]).toEqual(['12500.06', '12.5', '1000.005', 'in-priya']);
  });

  it('shows the API\'s error next to the field it names, and writes nothing', async () => {
    const page = await browser.page();
    await openApp(page, stack.gatewayUrl, await stack.token(ROLES.regional('IN')), 'workspace');
    await openInitiative(page, 'IN-I0005');
    const before = await stack.db('india').collection('expenses').countDocuments();
    const form = page.locator('form.expense-form');
    await form.getByLabel('Date').fill('2023-11-21');
    await form.getByLabel('Contribution type').selectOption('CASH');
    await form.getByLabel('Amount (INR)').fill('-5');
    await form.getByLabel('Description').fill('Negative on purpose');
    await form.getByRole('button', { name: 'Record expense' }).click();
    const error = page.locator('#expense-amount-error');
    await eventually(() => error.textContent()).toBe('BAD_USER_INPUT input.amount must be greater than zero (got -5)');
    expect(await form.getByLabel('Amount (INR)').getAttribute('aria-describedby')).toBe('expense-amount-error');
    expect(await stack.db('india').collection('expenses').countDocuments()).toBe(before);
    // corrected, the same form records it once, and the error goes
    await form.getByLabel('Amount (INR)').fill('5');
    await form.getByRole('button', { name: 'Record expense' }).click();
    await eventually(() => page.getByRole('status').filter({ hasText: /Expense IN-X\d+ recorded: ₹5\.00/ }).count()).toBe(1);
    expect(await error.count()).toBe(0);
    expect(await stack.db('india').collection('expenses').countDocuments({ description: 'Negative on purpose' })).toBe(1);
  });

  it('refuses an edit of a version someone else changed, saying so; headquarters reads who changed what', async () => {
    const page = await browser.page();
    await openApp(page, stack.gatewayUrl, await stack.token(ROLES.regional('IN'), { subject: 'in-priya' }), 'workspace');
    await openInitiative(page, 'IN-I0004');
    await page.getByRole('button', { name: 'Edit initiative' }).click();
    const edit = page.locator('form.initiative-form');
    await edit.getByLabel('Title').fill('Education for rural children (edited in the browser)');
    // meanwhile a colleague saves the same initiative
    const colleague = stack.as(await stack.token(ROLES.regional('IN'), { subject: 'in-ravi' }));
    await colleague.data(`mutation { indiaUpdateInitiative(id: "IN-I0004", changes: { beneficiaries: 321 }) { version } }`);
    await page.getByRole('button', { name: 'Save changes' }).click();
    await eventually(() => page.getByTestId('version-conflict').textContent()).toContain('Someone else changed this initiative');
    expect((await stack.db('india').collection('initiatives').findOne({ _id: 'IN-I0004' as never }))?.title).toBe('Education for rural children');

    // read again, the form holds the colleague's version; edited again, it saves
    await page.getByRole('button', { name: 'Reload the initiative' }).click();
    await eventually(() => page.getByText('version 2', { exact: true }).count()).toBe(1);
    await eventually(() => page.getByTestId('version-conflict').count()).toBe(0);
    await edit.getByLabel('Title').fill('Education for rural children (edited in the browser)');
    await page.getByRole('button', { name: 'Save changes' }).click();
    await eventually(() => page.getByRole('status').filter({ hasText: 'Initiative IN-I0004 saved' }).count()).toBe(1);

    // the regional team reads its own subsidiary's trail (not another's), headquarters every one
    await goTo(page, '#/workspace?sub=JP&initiative=JP-I0001');
    await eventually(() => page.getByText('The audit trail is readable by this subsidiary').count()).toBe(1);
    expect(await page.getByTestId('audit-trail').count()).toBe(0);
    await goTo(page, '#/workspace?sub=IN&initiative=IN-I0004');
    const trail = page.getByTestId('audit-trail').locator('tbody tr');
    await eventually(() => trail.count()).toBeGreaterThanOrEqual(2);
    const [latest, earlier] = [await trail.nth(0).locator('td').allTextContents(), await trail.nth(1).locator('td').allTextContents()];
    expect(latest.slice(1)).toEqual(['in-priya', 'indiaUpdateInitiative', 'title: "Education for rural children" → "Education for rural children (edited in the browser)"']);
    expect(earlier.slice(1, 3)).toEqual(['in-ravi', 'indiaUpdateInitiative']);
    expect(earlier[3]).toContain('beneficiaries');

    // an expense's own trail: the one recorded through the form in the test before
    const expense = await stack.db('india').collection('expenses').findOne({ description: 'Negative on purpose' });
    const hq = await browser.page();
    await signInAt(hq, await stack.token(ROLES.hq), '#/workspace?sub=IN&initiative=IN-I0005');
    await hq.getByRole('button', { name: `Audit trail of ${String(expense!._id)}` }).click();
    await eventually(() => hq.getByRole('heading', { name: `Audit trail of ${String(expense!._id)}` }).count()).toBe(1);
    await eventually(() => hq.getByTestId('audit-trail').locator('tbody tr td').allTextContents()).toEqual([expect.any(String), 'test-user', 'indiaRecordExpense', 'created']);
  });
});
