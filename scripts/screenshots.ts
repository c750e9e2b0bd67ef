import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Page } from 'playwright-core';
import { startMongoServer } from '../platform/mongo-server';
import { es256Issuer } from '../platform/token-issuer';
import { loadAuthConfig } from '../platform/auth';
import { loadSeed, type SeedDatabases } from '../seed/load';
import { ROLES } from '../subgraphs/common/scopes';
import { EXPENSE_COLUMNS } from '../subgraphs/kit/import/columns';
import { SUBGRAPH_NAMES } from '../subgraphs/launch';
import { appLink } from './app-link';
import { startStack } from './stack';

/**
 * `npm run screenshots`: the web app's main screens as PNG files in docs/screenshots/, taken in
 * Chromium (CHROMIUM_PATH, default /usr/bin/chromium) from a freshly seeded throwaway stack over an
 * in-memory MongoDB (or MONGODB_URI, in databases of its own that are dropped afterwards).
 */
const OUT = 'docs/screenshots';
const PREFIX = `screens_${process.pid}_`;
const CHROMIUM = process.env.CHROMIUM_PATH?.trim() || '/usr/bin/chromium';

// the servers' request logs would bury the file names printed below
process.env.LOG_LEVEL ??= 'error';
const mongo = await startMongoServer();
const issuer = es256Issuer({ issuer: 'csr-screenshots', audience: 'csr' });
const names = Object.fromEntries(SUBGRAPH_NAMES.map((name) => [name, `${PREFIX}${name}`])) as unknown as SeedDatabases;
const { MongoClient } = await import('mongodb');
const client = new MongoClient(mongo.uri);
await client.connect();
await loadSeed(client, names);
const stack = await startStack({ mongoUri: mongo.uri, databasePrefix: PREFIX, issuer, auth: loadAuthConfig({ ...issuer.verifierEnv }), gatewayEnv: { RESPONSE_CACHE: 'false' } });
const browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox', '--disable-dev-shm-usage'] });
mkdirSync(OUT, { recursive: true });

async function page(role: readonly string[], subject: string, locale = 'en-GB'): Promise<Page> {
  const context = await browser.newContext({ locale, viewport: { width: 1280, height: 900 }, deviceScaleFactor: 1 });
  const opened = await context.newPage();
  await opened.goto(appLink(stack.gateway.url, await issuer.mint({ subject, scopes: role, ttlSeconds: 3600 })));
  return opened;
}

/** A screen of the app in the same tab (the session stays in its sessionStorage). */
async function show(opened: Page, screen: string): Promise<void> {
  await opened.goto(`${new URL(stack.gateway.url).origin}/app/#/${screen}`);
}

async function shot(opened: Page, name: string, fullPage = true): Promise<void> {
  await opened.waitForLoadState('networkidle');
  // charts animate in
  await opened.waitForTimeout(800);
  await opened.screenshot({ path: join(OUT, `${name}.png`), fullPage });
  console.log(`${OUT}/${name}.png`);
}

try {
  const signIn = await (await browser.newContext({ locale: 'en-GB', viewport: { width: 1280, height: 700 } })).newPage();
  await signIn.goto(`${new URL(stack.gateway.url).origin}/app/`);
  await signIn.getByLabel('Bearer token').waitFor();
  await shot(signIn, 'sign-in', false);

  const hq = await page(ROLES.hq, 'hq-akiko');
  await show(hq, 'dashboard?fy=2024&currency=JPY');
  await hq.getByTestId('group-total').waitFor();
  await shot(hq, 'dashboard');
  await hq.getByTestId('chart-by-subsidiary').getByRole('link', { name: /NEC India/ }).click();
  await hq.getByRole('table').last().waitFor();
  await shot(hq, 'drill-down');

  const ja = await page(ROLES.hq, 'hq-akiko', 'ja-JP');
  await show(ja, 'dashboard?fy=2024&currency=JPY');
  await ja.getByTestId('group-total').waitFor();
  await shot(ja, 'dashboard-ja');

  const regional = await page(ROLES.regional('IN'), 'priya');
  await show(regional, 'workspace?sub=IN&initiative=IN-I0004');
  await regional.getByTestId('initiative-panel').waitFor();
  await shot(regional, 'workspace');
  await show(regional, 'import');
  const header = EXPENSE_COLUMNS.join(',');
  const file = [header, 'IN-I0001,2023-06-01,CASH,1500.00,,,,INR,,June tutoring supplies,,', 'IN-I0002,2023-06-02,CASH,-50,,,,INR,,Typed with a minus,,', 'IN-I9999,2023-06-03,CASH,10,,,,INR,,An initiative that does not exist,,'].join('\r\n');
  await regional.getByLabel('File (CSV or XLSX)').setInputFiles({ name: 'june.csv', mimeType: 'text/csv', buffer: Buffer.from(`${file}\r\n`, 'utf8') });
  await regional.getByRole('button', { name: 'Check the file (dry run)' }).click();
  await regional.getByTestId('import-problems').waitFor();
  await shot(regional, 'import');

  await stack.stop('india');
  const missing = await page(ROLES.hq, 'hq-akiko');
  await show(missing, 'dashboard?fy=2024&currency=JPY');
  await missing.getByTestId('missing-banner').waitFor();
  await shot(missing, 'dashboard-india-down', false);
} finally {
  await browser.close();
  await stack.close();
  for (const name of Object.values(names)) await client.db(name).dropDatabase();
  await client.close();
  await mongo.stop();
}
