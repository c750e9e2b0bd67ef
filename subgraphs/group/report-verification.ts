import type { VerificationKey } from '../../platform/signing-keys';
import { CanonicalJsonError, canonicalJson, textHash } from '../common/canonical-json';
import { Decimal } from '../common/decimal';
import { verifiedOrder } from '../common/fiscal-year-orders';
import type { PublishedReportDocument, PublishedSubsidiary } from '../common/published-report';
import { SUBSIDIARIES, type SubsidiaryConfig } from '../common/registry';
import { formatReportKey } from '../common/report-key';
import { PURPOSES, RegionalKeys, signatureProblem } from '../common/statements';
import { Consolidation, type ArrivedReport, type RateQuote } from './consolidation';
import { reportFigures } from './report-figures';
import { reportParams } from './report-params';

/**
 * The offline check of a published report (`npm run verify-report -- FILE`, docs/reporting.md,
 * "Verifying a published report"): no network, no database. It checks, in this order, and stops at
 * the first thing that does not hold:
 *
 *   1. the hash: SHA-256 over the document's text, which must be its canonical JSON;
 *   2. headquarters' signature over the document, whenever a key of headquarters (kid "HQ") is known:
 *      a report without it is refused then (a forger could otherwise re-make one from signed figures);
 *   3. every subsidiary's signature over its figures (purpose csr-regional-figures/1), with that
 *      subsidiary's key only (kid = its code), over the year's whole report (report key
 *      "<code>|<year>|<year>|*|*");
 *      and its signed confirmation that it held the close's order (headquarters' signed order) before
 *      it read them;
 *   4. every group figure, recomputed by the group subgraph's own consolidation (consolidation.ts)
 *      from the signed figures and the stated rates: the totals, each subsidiary's line, each cause
 *      area, contribution type and fiscal year, the volunteering, the completeness and asOf.
 *
 * The keys are those the document lists (`keys`), or those the auditor pins (`--keys FILE`, a JWKS):
 * pinned keys replace the document's, so a report re-signed with keys of a forger's own is refused.
 */

export class ReportVerificationError extends Error {
  constructor(
    readonly check: 'format' | 'keys' | 'hash' | 'headquarters-signature' | 'figures-signature' | 'figures',
    message: string,
  ) {
    super(message);
  }
}

export interface VerifiedReport {
  fiscalYear: number;
  version: number;
  closeId: string;
  hash: string;
  total: { amount: string; currency: string };
  /** Subsidiary code → the key id that signed its figures. */
  signedBy: Record<string, string>;
  headquartersSignature: 'verified' | 'absent' | 'no-key';
  keysFrom: 'pinned' | 'document';
  /** Figures compared with their recomputation. */
  figuresChecked: number;
}

type Json = Record<string, unknown>;

/** The publishedReport object inside what an auditor saved: the object itself, or a whole GraphQL response. */
export function envelopeOf(file: unknown): { document: string; hash: string; signature: unknown } {
  const root = file as Json | null;
  const data = root?.data as Json | undefined;
  const envelope = (data?.publishedReport ?? root?.publishedReport ?? root) as Json | null;
  if (typeof envelope !== 'object' || envelope === null) throw new ReportVerificationError('format', 'the file holds no published report (expected publishedReport { document hash signature } as the API returns it)');
  if (typeof envelope.document !== 'string') throw new ReportVerificationError('format', 'the published report has no "document" (the canonical JSON text publishedReport serves)');
  if (typeof envelope.hash !== 'string') throw new ReportVerificationError('format', 'the published report has no "hash"');
  return { document: envelope.document, hash: envelope.hash, signature: envelope.signature ?? null };
}

function checkedHash(text: string, stated: string): PublishedReportDocument {
  const actual = textHash(text);
  if (actual !== stated) throw new ReportVerificationError('hash', `hash: the file states ${stated}, the document hashes to ${actual}`);
  let document: PublishedReportDocument;
  try {
    document = JSON.parse(text) as PublishedReportDocument;
  } catch {
    throw new ReportVerificationError('format', 'document: not JSON');
  }
  try {
    if (canonicalJson(document) !== text) throw new ReportVerificationError('format', 'document: not in canonical JSON (the hash is over the canonical text only)');
  } catch (error) {
    if (error instanceof CanonicalJsonError) throw new ReportVerificationError('format', `document: ${error.message}`);
    throw error;
  }
  return document;
}

function subsidiaryOf(entry: PublishedSubsidiary, index: number): SubsidiaryConfig {
  const subsidiary = SUBSIDIARIES.find((candidate) => candidate.code === entry.code);
  if (!subsidiary) throw new ReportVerificationError('format', `subsidiaries[${index}]: "${String(entry.code).slice(0, 20)}" is no subsidiary of the registry`);
  if (subsidiary.currency !== entry.currency) throw new ReportVerificationError('figures', `subsidiaries[${index}].currency: ${entry.currency}, but ${subsidiary.name} records in ${subsidiary.currency}`);
  return subsidiary;
}

function checkFiguresSignature(document: PublishedReportDocument, entry: PublishedSubsidiary, index: number, subsidiary: SubsidiaryConfig, keys: RegionalKeys): string {
  const at = `subsidiaries[${index}] (${subsidiary.name})`;
  const { figures } = entry;
  const reportKey = formatReportKey({ code: subsidiary.code, span: { from: document.fiscalYear, to: document.fiscalYear }, causeArea: null, contributionType: null });
  if (figures?.subsidiary !== subsidiary.code) throw new ReportVerificationError('figures-signature', `${at}.figures.subsidiary: ${String(figures?.subsidiary)}, not ${subsidiary.code}`);
  if (figures.reportKey !== reportKey) throw new ReportVerificationError('figures-signature', `${at}.figures.reportKey: ${figures.reportKey}, not the year's whole report ${reportKey}`);
  if (figures.currency !== subsidiary.currency) throw new ReportVerificationError('figures-signature', `${at}.figures.currency: ${figures.currency}, not ${subsidiary.currency}`);
  const problem = signatureProblem(keys.of(subsidiary.code), PURPOSES.figures, figures, entry.signature);
  if (problem) throw new ReportVerificationError('figures-signature', `${at}: its figures' signature ${problem}`);
  return entry.signature!.keyId;
}

/**
 * Its confirmation that it held the close's order when it read the figures: signed with its key, for
 * this year and close, the order signed by headquarters (when a key of headquarters is known), and
 * the figures read at or after the lock.
 */
function checkLock(document: PublishedReportDocument, entry: PublishedSubsidiary, index: number, subsidiary: SubsidiaryConfig, keys: RegionalKeys, headquarters: readonly VerificationKey[]): void {
  const at = `subsidiaries[${index}] (${subsidiary.name})`;
  const { lock } = entry;
  if (!lock) throw new ReportVerificationError('figures-signature', `${at}: no confirmation of the lock (lock)`);
  const { statement } = lock;
  const claims: [string, unknown, unknown][] = [
    ['subsidiary', statement?.subsidiary, subsidiary.code],
    ['fiscalYear', statement?.fiscalYear, document.fiscalYear],
    ['closeId', statement?.closeId, document.closeId],
    ['action', statement?.action, 'CLOSE'],
  ];
  const wrong = claims.find(([, stated, expected]) => stated !== expected);
  if (wrong) throw new ReportVerificationError('figures-signature', `${at}.lock.statement.${wrong[0]}: ${JSON.stringify(wrong[1])}, not ${JSON.stringify(wrong[2])}`);
  const problem = signatureProblem(keys.of(subsidiary.code), PURPOSES.lock, statement, lock.signature);
  if (problem) throw new ReportVerificationError('figures-signature', `${at}: its confirmation of the lock ${problem}`);
  if (headquarters.length > 0) {
    try {
      const order = verifiedOrder(statement.order, headquarters, `${at}.lock.statement.order`);
      if (order.closeId !== document.closeId || order.action !== 'CLOSE') throw new ReportVerificationError('figures-signature', `${at}.lock.statement.order: an order of ${order.closeId} (${order.action}), not the close ${document.closeId}`);
    } catch (error) {
      if (error instanceof ReportVerificationError) throw error;
      throw new ReportVerificationError('headquarters-signature', (error as Error).message);
    }
  }
  if (!(Date.parse(entry.figures.asOf) >= Date.parse(statement.appliedAt))) {
    throw new ReportVerificationError('figures-signature', `${at}: its figures were read at ${entry.figures.asOf}, before it locked the year at ${statement.appliedAt}`);
  }
}

/** The report's figures as the consolidation computes them from the signed figures and the stated rates. */
function recomputed(document: PublishedReportDocument, subsidiaries: readonly SubsidiaryConfig[]) {
  const params = reportParams({ fiscalYear: document.fiscalYear, currency: document.currency });
  const arrivals: ArrivedReport[] = document.subsidiaries.map(({ figures }) => ({ currency: figures.currency, cells: figures.cells, volunteering: figures.volunteering, asOf: figures.asOf }));
  const quotes: RateQuote[] = document.rates.map((rate) => ({ currency: rate.currency, fiscalYear: rate.fiscalYear, jpyPerUnit: Decimal.parse(rate.jpyPerUnit), source: rate.source }));
  const consolidation = new Consolidation(params, subsidiaries, arrivals, quotes);
  return reportFigures(consolidation);
}

/** The first path where `stated` differs from `expected` (members of `expected` only), or null; counts the leaves compared. */
function firstDifference(stated: unknown, expected: unknown, path: string, counter: { leaves: number }): string | null {
  if (Array.isArray(expected)) {
    if (!Array.isArray(stated)) return `${path}: the document has ${JSON.stringify(stated)?.slice(0, 60)}, the signed figures give a list of ${expected.length}`;
    if (stated.length !== expected.length) return `${path}: the document lists ${stated.length} entries, the signed figures give ${expected.length}`;
    for (let index = 0; index < expected.length; index++) {
      const found = firstDifference(stated[index], expected[index], `${path}[${index}]`, counter);
      if (found) return found;
    }
    return null;
  }
  if (typeof expected === 'object' && expected !== null) {
    if (typeof stated !== 'object' || stated === null) return `${path}: the document has ${JSON.stringify(stated)?.slice(0, 60)}, the signed figures give an object`;
    for (const [key, value] of Object.entries(expected)) {
      const found = firstDifference((stated as Json)[key], value, `${path}.${key}`, counter);
      if (found) return found;
    }
    return null;
  }
  counter.leaves++;
  return Object.is(stated, expected) ? null : `${path}: the document says ${JSON.stringify(stated)}, the signed figures and the stated rates give ${JSON.stringify(expected)}`;
}

export interface VerifyOptions {
  /** Keys the auditor pins (a JWKS's keys); they replace the document's. */
  pinnedKeys?: readonly VerificationKey[];
  /** Parses the document's `keys` (JWKs) into verification keys. */
  parseKeys: (jwks: unknown) => VerificationKey[];
}

export function verifyPublishedReport(file: unknown, options: VerifyOptions): VerifiedReport {
  const envelope = envelopeOf(file);
  const document = checkedHash(envelope.document, envelope.hash);
  if (!Array.isArray(document.subsidiaries) || !Array.isArray(document.rates)) throw new ReportVerificationError('format', 'document: no subsidiaries or rates');
  const listed = (document as PublishedReportDocument & { keys?: unknown }).keys;
  const keys = options.pinnedKeys ?? (listed === undefined ? [] : options.parseKeys({ keys: listed }));
  if (keys.length === 0) throw new ReportVerificationError('keys', 'no public keys to check the signatures with: the document lists none; give them with --keys (a JWKS of every subsidiary\'s key and headquarters\')');
  const headquarters = keys.filter((key) => RegionalKeys.codeOf(key.keyId) === 'HQ');
  let headquartersSignature: VerifiedReport['headquartersSignature'] = 'absent';
  if (envelope.signature === null && headquarters.length > 0) {
    // a report re-made from signed figures (one dropped, say) and re-hashed is no report headquarters published
    throw new ReportVerificationError('headquarters-signature', "headquarters' signature over the document is missing, and a key of headquarters is known: every report headquarters publishes is signed");
  }
  if (envelope.signature !== null) {
    if (headquarters.length === 0) headquartersSignature = 'no-key';
    else {
      const problem = signatureProblem(headquarters, PURPOSES.report, document, envelope.signature);
      if (problem) throw new ReportVerificationError('headquarters-signature', `headquarters' signature over the document ${problem}`);
      headquartersSignature = 'verified';
    }
  }
  const regional = new RegionalKeys(keys);
  const subsidiaries = document.subsidiaries.map(subsidiaryOf);
  const absent = SUBSIDIARIES.filter((subsidiary) => !subsidiaries.includes(subsidiary));
  if (absent.length > 0 || subsidiaries.length !== SUBSIDIARIES.length) {
    throw new ReportVerificationError('figures', `document.subsidiaries: a published report holds every subsidiary of the group once; ${absent.length > 0 ? `missing ${absent.map((subsidiary) => `${subsidiary.name} (${subsidiary.code})`).join(', ')}` : 'one is listed twice'}`);
  }
  const signedBy: Record<string, string> = {};
  document.subsidiaries.forEach((entry, index) => {
    signedBy[entry.code] = checkFiguresSignature(document, entry, index, subsidiaries[index]!, regional);
    checkLock(document, entry, index, subsidiaries[index]!, regional, headquarters);
  });
  const counter = { leaves: 0 };
  let expected: ReturnType<typeof recomputed>;
  try {
    expected = recomputed(document, subsidiaries);
  } catch (error) {
    // the consolidation's own refusals: a rate missing, a subsidiary's figures missing, …
    throw new ReportVerificationError('figures', `the signed figures and the stated rates do not make a report: ${(error as Error).message}`);
  }
  const difference = firstDifference(document, expected, 'document', counter);
  if (difference) throw new ReportVerificationError('figures', difference);
  return {
    fiscalYear: document.fiscalYear,
    version: document.version,
    closeId: document.closeId,
    hash: envelope.hash,
    total: document.total,
    signedBy,
    headquartersSignature,
    keysFrom: options.pinnedKeys ? 'pinned' : 'document',
    figuresChecked: counter.leaves,
  };
}
