import { existsSync } from 'node:fs';
import { afterAll, beforeAll } from 'vitest';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';

/**
 * A real Chromium (Debian's `chromium` package; CHROMIUM_PATH overrides) driven by
 * playwright-core, for the web app's tests. .ci/run installs it.
 */
export function chromiumPath(): string {
  const path = process.env.CHROMIUM_PATH?.trim() || '/usr/bin/chromium';
  if (!existsSync(path)) throw new Error(`No Chromium at ${path}: install it (Debian: apt-get install -y chromium) or set CHROMIUM_PATH`);
  return path;
}

export interface BrowserSession {
  readonly browser: Browser;
  /** A fresh context (its own sessionStorage) and page; closed after the file's tests. */
  page(options?: { locale?: string }): Promise<Page>;
}

/** Registers beforeAll/afterAll: one Chromium for the test file, every context closed afterwards. */
export function useBrowser(): BrowserSession {
  let browser: Browser | undefined;
  const contexts: BrowserContext[] = [];
  beforeAll(async () => {
    // as root (CI), Chromium's sandbox cannot start
    browser = await chromium.launch({ executablePath: chromiumPath(), args: ['--no-sandbox', '--disable-dev-shm-usage'] });
  });
  afterAll(async () => {
    for (const context of contexts) await context.close().catch(() => undefined);
    await browser?.close();
  });
  return {
    get browser() {
      if (!browser) throw new Error('useBrowser(): used before its beforeAll ran');
      return browser;
    },
    async page(options = {}) {
      if (!browser) throw new Error('useBrowser(): used before its beforeAll ran');
      const context = await browser.newContext({ locale: options.locale ?? 'en-GB', viewport: { width: 1280, height: 900 }, acceptDownloads: true });
      contexts.push(context);
      const page = await context.newPage();
      page.on('pageerror', (error) => {
        throw new Error(`The web app threw: ${error.message}`);
      });
      return page;
    },
  };
}

/** Opens the app signed in with `token`, the way npm start's link does (#token=, taken out of the address at once). */
export async function openApp(page: Page, gatewayUrl: string, token: string, screen = ''): Promise<void> {
  const origin = new URL(gatewayUrl).origin;
  await page.goto(`${origin}/app/#token=${encodeURIComponent(token)}`);
  if (screen) await page.evaluate((hash) => (location.hash = hash), `#/${screen}`);
}
