/**
 * The dashboard with India's subgraph stopped, on a stack of its own without the response cache (a
 * cached complete answer cannot mask the outage): the banner names India with its reason, the total
 * is not shown as complete, and partial figures appear only when asked for, marked partial.
 */
import { describe, expect, it } from 'vitest';
import { ROLES } from '../../subgraphs/common/scopes';
import { openApp, useBrowser } from '../harness/browser';
import { jpyTotal } from '../harness/independent-sums';
import { useSeededStack } from '../harness/stack';

/** Waits for what the page shows, long enough for a loaded machine (expect.poll's default is 1 s). */
const poll = <T,>(read: () => T | Promise<T>) => expect.poll(read, { timeout: 15_000, interval: 100 });

describe("the dashboard while India's subgraph is down", () => {
  const stack = useSeededStack('browser_dashboard_missing', { gatewayEnv: { RESPONSE_CACHE: 'false' } });
  const browser = useBrowser();

  it('names India in the banner, shows no complete total, and partial figures only once asked for, marked partial', { timeout: 90_000 }, async () => {
    const page = await browser.page();
    const token = await stack.token(ROLES.hq, { subject: 'hq-akiko' });
    await openApp(page, stack.gatewayUrl, token, 'dashboard?fy=2024&currency=JPY');
    const total = page.getByTestId('group-total');
    await poll(() => total.getAttribute('data-complete')).toBe('true');

    await stack.stack.stop('india');
    try {
      await page.reload();
      const banner = page.getByTestId('missing-banner');
      await poll(() => banner.count()).toBe(1);
      expect(await banner.getAttribute('role')).toBe('alert');
      expect(await banner.locator('li').allTextContents()).toEqual([expect.stringMatching(/^NEC India \(IN\): .+/)]);
      expect(await banner.locator('li').getAttribute('data-reason-code')).toBe('UNAVAILABLE');
      expect(await total.getAttribute('data-complete')).toBe('false');
      expect(await total.getAttribute('data-amount')).toBeNull();
      expect(await total.textContent()).toBe('Not shown: the figures are incomplete');
      expect(await page.getByTestId('chart-by-subsidiary').count()).toBe(0);

      // the export of an incomplete report is refused, and the app says why
      await page.getByRole('button', { name: 'Download CSV' }).click();
      await poll(() => page.getByRole('alert').filter({ hasText: 'The download failed' }).textContent()).toContain('NEC India');

      await page.getByLabel('Show partial figures').check();
      await poll(() => new URL(page.url()).hash).toBe('#/dashboard?fy=2024&currency=JPY&partial=1');
      await poll(() => total.getAttribute('data-amount')).toBe(await jpyTotal((name) => stack.db(name), ['JP', 'US', 'TH'], 2024));
      expect(await total.getAttribute('data-complete')).toBe('false');
      expect(await total.locator('.badge').textContent()).toBe('Partial');
      expect(await banner.locator('li').count()).toBe(1);
      for (const id of ['chart-by-subsidiary', 'chart-by-cause-area', 'chart-by-contribution-type', 'chart-by-year']) {
        expect(await page.getByTestId(id).getAttribute('data-partial'), id).toBe('true');
        expect(await page.getByTestId(id).getByRole('heading').textContent(), id).toContain('Partial');
      }
      const india = page.getByTestId('chart-by-subsidiary').getByRole('row', { name: /NEC India/ });
      expect(await india.locator('td.amount').first().textContent()).toBe('missing');

      // the drill-down of the partial report says so too
      await page.getByTestId('chart-by-contribution-type').getByRole('link', { name: 'Cash' }).click();
      await poll(() => page.getByTestId('missing-banner').locator('li').allTextContents()).toEqual([expect.stringMatching(/^NEC India \(IN\): /)]);
      expect(await page.getByTestId('records-amount').locator('.badge').textContent()).toBe('Partial');
      expect(await page.getByTestId('records-table').locator('tbody tr[data-subsidiary="IN"]').count()).toBe(0);
    } finally {
      await stack.stack.start('india');
    }
  });
});
