/**
 * `npm run verify-report -- FILE` (docs/reporting.md, "Verifying a published report"), run as an
 * auditor runs it, as a process, offline: FY2024 is closed through the gateway, its published
 * report saved as `publishedReport` returned it, and the script accepts it (exit 0) and refuses it
 * (exit 1, naming what) with one digit changed: in a group figure, in a stated rate, in the hash,
 * and in a subsidiary's signed figures; also a figure re-signed with a forger's own key against the
 * pinned keys. A changed figure or rate is given a matching hash (and no headquarters signature), as
 * a forger would, so that what refuses it is the recomputation from the signed figures.
 */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateSigningKey, publicKeySet } from '../../platform/signing-keys';
import { REPO_ROOT } from '../../platform/mongo-server';
import { canonicalJson } from '../../subgraphs/common/canonical-json';
import { ROLES } from '../../subgraphs/common/scopes';
import { PURPOSES, signStatement } from '../../subgraphs/common/statements';
import { useSeededStack } from '../harness/stack';

const stack = useSeededStack('e2e_verify_report', { gatewayEnv: { RESPONSE_CACHE: 'false' } });
const dir = mkdtempSync(join(tmpdir(), 'verify-report-'));
let published: { document: string; hash: string; signature: unknown };
let keysFile: string;
/** The subsidiaries' keys only: an auditor without headquarters' key, so that a re-made report reaches the recomputation. */
let regionalKeysFile: string;

type Json = Record<string, any>;

const sha256 = (text: string) => `sha256:${createHash('sha256').update(text, 'utf8').digest('hex')}`;

function save(name: string, content: unknown): string {
  const file = join(dir, name);
  writeFileSync(file, JSON.stringify(content, null, 2));
  return file;
}

/** Runs the real script: `npm run -s verify-report -- <file> [args]`, no network needed. */
function verifyReport(file: string, ...args: string[]) {
  const result = spawnSync('npm', ['run', '-s', 'verify-report', '--', file, ...args], { cwd: REPO_ROOT, encoding: 'utf8', timeout: 60_000, env: { PATH: process.env.PATH, HOME: process.env.HOME } });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** The published report with its document changed by `change`, re-hashed as a forger would, without headquarters' signature. */
function forged(change: (document: Json) => void): Json {
  const document = JSON.parse(published.document) as Json;
  change(document);
  const text = canonicalJson(document);
  return { ...published, document: text, hash: sha256(text), signature: null };
}

/** One more on the last digit: 828006924 → 828006925. */
const nextDigit = (text: string) => text.replace(/(\d)(\D*)$/, (_, digit: string, rest: string) => `${(Number(digit) + 1) % 10}${rest}`);

beforeAll(async () => {
  const hq = stack.as(await stack.token(ROLES.hq, { subject: 'hq-closer' }));
  const close = await hq.query(`mutation { closeFiscalYear(fiscalYear: 2024) { outcome { complete } } }`);
  expect(close.errors).toBeUndefined();
  const answer = await hq.data(`{ publishedReport(fiscalYear: 2024) { fiscalYear version closeId document hash signature { keyId algorithm value } total { amount currency } } }`);
  published = answer.publishedReport;
  expect(published.document).toContain('"format":"csr-published-report/1"');
  keysFile = save('keys.json', JSON.parse(publicKeySet([...stack.stack.regionalKeys.values(), stack.stack.headquartersKey])));
  regionalKeysFile = save('regional-keys.json', JSON.parse(publicKeySet([...stack.stack.regionalKeys.values()])));
}, 120_000);

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('npm run verify-report', () => {
  it('accepts the published report as the API returned it (exit 0), with the keys pinned', () => {
    const result = verifyReport(save('published.json', { data: { publishedReport: published } }), '--keys', keysFile);
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
    expect(result.stdout).toMatch(/^OK: published report of fiscal year 2024/);
    expect(result.stdout).toContain('828006924 JPY');
    expect(result.stdout).toContain('JP (key JP), IN (key IN), US (key US), TH (key TH)');
    expect(result.stdout).toContain('signature over the document verified');
  });

  it('accepts it without --keys, with the keys the document lists (and says they are not pinned)', () => {
    const listed = (JSON.parse(published.document) as Json).keys.map((key: Json) => key.kid).sort();
    expect(listed).toEqual(['HQ', 'IN', 'JP', 'TH', 'US']);
    const result = verifyReport(save('published-object.json', published));
    expect(result.status).toBe(0);
    expect(result.stdout).toContain('as the document lists them; pin them with --keys');
  });

  it('refuses a group figure with one digit changed (the total), naming it', () => {
    const result = verifyReport(save('figure.json', forged((document) => (document.total.amount = nextDigit(document.total.amount)))), '--keys', regionalKeysFile);
    expect(result.status).toBe(1);
    expect(result.stderr).toMatch(/NOT VERIFIED \(figures\): document\.total\.amount: the document says "828006925", the signed figures and the stated rates give "828006924"/);
  });

  it('refuses a B4SI line with one digit changed: the summary is checked like every other figure', () => {
    const document = JSON.parse(published.document);
    expect(document.b4si.total).toEqual({ amount: '828006924', currency: 'JPY' });
    const result = verifyReport(save('b4si.json', forged((document) => (document.b4si.cells[0].amount.amount = nextDigit(document.b4si.cells[0].amount.amount)))), '--keys', regionalKeysFile);
    expect(result.status).toBe(1);
    expect(result.stderr).toMatch(/NOT VERIFIED \(figures\): document\.b4si\.cells\[0\]\.amount\.amount/);
  });

  it('refuses a stated rate with one digit changed: the figures no longer follow from it', () => {
    const result = verifyReport(save('rate.json', forged((document) => (document.rates[0].jpyPerUnit = nextDigit(document.rates[0].jpyPerUnit)))), '--keys', regionalKeysFile);
    expect(result.status).toBe(1);
    expect(result.stderr).toMatch(/NOT VERIFIED \(figures\): document\.total\.amount/);
  });

  it('refuses the hash with one digit changed', () => {
    const hex = published.hash.slice('sha256:'.length);
    const hash = `sha256:${hex.replace(/[0-8]/, (digit) => String(Number(digit) + 1))}`;
    expect(hash).not.toBe(published.hash);
    const result = verifyReport(save('hash.json', { ...published, hash }), '--keys', keysFile);
    expect(result.status).toBe(1);
    expect(result.stderr).toMatch(/NOT VERIFIED \(hash\): hash: the file states sha256:/);
  });

  it("refuses a subsidiary's signed figures with one digit changed, naming the subsidiary", () => {
    const result = verifyReport(save('cell.json', forged((document) => (document.subsidiaries[1].figures.cells[0].amount = nextDigit(document.subsidiaries[1].figures.cells[0].amount)))), '--keys', regionalKeysFile);
    expect(result.status).toBe(1);
    expect(result.stderr).toMatch(/NOT VERIFIED \(figures-signature\): subsidiaries\[1\] \(NEC India\): its figures' signature does not verify with key "IN"/);
  });

  it("refuses India's figures re-signed with a forger's key under India's key id, against the pinned keys", () => {
    const forger = generateSigningKey('IN');
    const result = verifyReport(
      save(
        'resigned.json',
        forged((document) => {
          const india = document.subsidiaries[1];
          india.figures.cells[0].amount = nextDigit(india.figures.cells[0].amount);
          india.signature = signStatement(forger, PURPOSES.figures, india.figures);
        }),
      ),
      '--keys',
      regionalKeysFile,
    );
    expect(result.status).toBe(1);
    expect(result.stderr).toContain('NOT VERIFIED (figures-signature): subsidiaries[1] (NEC India)');
  });

  it("refuses a subsidiary's confirmation of the lock with one digit changed (when it locked the year)", () => {
    const result = verifyReport(save('lock.json', forged((document) => (document.subsidiaries[2].lock.statement.appliedAt = document.subsidiaries[2].lock.statement.appliedAt.replace(/\d(?=\.\d{3}Z$)/, (digit: string) => String((Number(digit) + 1) % 10))))), '--keys', regionalKeysFile);
    expect(result.status).toBe(1);
    expect(result.stderr).toMatch(/NOT VERIFIED \(figures-signature\): subsidiaries\[2\] \([^)]+\): its confirmation of the lock does not verify with key "US"/);
  });

  it('refuses what changed after headquarters signed it, even re-hashed', () => {
    const document = JSON.parse(published.document) as Json;
    document.closedBy = 'someone-else';
    const text = canonicalJson(document);
    const result = verifyReport(save('resigned-hq.json', { ...published, document: text, hash: sha256(text) }), '--keys', keysFile);
    expect(result.status).toBe(1);
    expect(result.stderr).toMatch(/NOT VERIFIED \(headquarters-signature\)/);
  });

  it("refuses a report re-made without a subsidiary (every remaining figure signed), and one without headquarters' signature when its key is pinned", () => {
    const withoutIndia = forged((document) => {
      document.subsidiaries.splice(1, 1);
      document.bySubsidiary.splice(1, 1);
    });
    const dropped = verifyReport(save('without-india.json', withoutIndia), '--keys', regionalKeysFile);
    expect(dropped.status).toBe(1);
    expect(dropped.stderr).toContain('NOT VERIFIED (figures): document.subsidiaries: a published report holds every subsidiary of the group once; missing NEC India (IN)');
    const unsigned = verifyReport(save('unsigned.json', { ...published, signature: null }), '--keys', keysFile);
    expect(unsigned.status).toBe(1);
    expect(unsigned.stderr).toMatch(/NOT VERIFIED \(headquarters-signature\): headquarters' signature over the document is missing/);
  });

  it('exits 2 for a file it cannot read', () => {
    const result = verifyReport(join(dir, 'missing.json'));
    expect(result.status).toBe(2);
    expect(result.stderr).toMatch(/cannot read published report/);
  });
});
