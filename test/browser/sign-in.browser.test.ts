/**
 * The web app is served by the gateway under /app and signs in with a token the way a person
 * does: the link printed by npm start (#token=…), or a pasted token; the token stays in the tab.
 */
import { describe, expect, it } from 'vitest';
import { ROLES } from '../../subgraphs/common/scopes';
import { openApp, useBrowser } from '../harness/browser';
import { useSeededStack } from '../harness/stack';

describe('signing in to the web app', () => {
  const stack = useSeededStack('browser_sign_in');
  const browser = useBrowser();

  it('opens signed in from a #token= link, drops the token from the address, and keeps it only in sessionStorage', async () => {
    const page = await browser.page();
    const token = await stack.token(ROLES.hq, { subject: 'hq-akiko' });
    await openApp(page, stack.gatewayUrl, token);
    await expect.poll(() => page.getByText('Signed in as hq-akiko').count()).toBe(1);
    expect(page.url()).not.toContain(token);
    expect(await page.evaluate(() => ({ session: Object.keys(sessionStorage), local: JSON.stringify(localStorage), cookies: document.cookie }))).toEqual({
      session: ['csr.session.token'],
      local: expect.not.stringContaining('eyJ'),
      cookies: '',
    });
  });

  it('without a token shows the sign-in form; a pasted non-token is refused with a reason', async () => {
    const page = await browser.page();
    await page.goto(`${new URL(stack.gatewayUrl).origin}/app/`);
    await page.getByLabel('Bearer token').fill('not-a-token');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expect.poll(() => page.getByRole('alert').textContent()).toContain('not a JWT');
    const token = await stack.token(ROLES.regional('IN'), { subject: 'priya' });
    await page.getByLabel('Bearer token').fill(token);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expect.poll(() => page.getByText('Signed in as priya').count()).toBe(1);
  });

  it('speaks Japanese when the person picks it', async () => {
    const page = await browser.page();
    await openApp(page, stack.gatewayUrl, await stack.token(ROLES.hq, { subject: 'hq-akiko' }));
    await page.getByLabel('Language').selectOption('ja');
    await expect.poll(() => page.getByText('hq-akiko としてサインイン中').count()).toBe(1);
    expect(await page.evaluate(() => document.documentElement.lang)).toBe('ja');
  });
});

describe('the gateway serving /app', () => {
  const stack = useSeededStack('browser_static');
  const origin = () => new URL(stack.gatewayUrl).origin;

  it('serves index.html for screens, fingerprinted assets for a year, and nothing outside the build', async () => {
    const index = await fetch(`${origin()}/app/workspace`);
    expect(index.status).toBe(200);
    expect(index.headers.get('content-security-policy')).toContain("default-src 'self'");
    expect(index.headers.get('cache-control')).toBe('no-cache');
    const html = await index.text();
    const script = /src="(\/app\/assets\/[^"]+\.js)"/.exec(html)?.[1];
    expect(script).toBeDefined();
    const asset = await fetch(`${origin()}${script}`);
    expect(asset.headers.get('cache-control')).toContain('immutable');
    expect(asset.headers.get('content-type')).toContain('text/javascript');
    expect((await fetch(`${origin()}/app/%2e%2e/package.json`)).status).toBe(404);
    expect((await fetch(`${origin()}/app/nothing.js`)).status).toBe(404);
    expect((await fetch(`${origin()}/app/`, { method: 'POST' })).status).toBe(405);
    expect((await fetch(`${origin()}/app/assets/%E0%A4%A.js`)).status).toBe(400);
  });

  it('tells the sign-in screen who issues tokens', async () => {
    const config = await (await fetch(`${origin()}/app/config.json`)).json();
    expect(config).toEqual({ issuer: 'csr-test-issuer', audience: 'csr-test', devSignIn: true, oidc: null });
  });
});
