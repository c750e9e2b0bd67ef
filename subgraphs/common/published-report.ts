import type { PublicJwk } from '../../platform/signing-keys';
import type { LockStatement, RegionalFigures } from './regional-figures';
import type { StatementSignature } from './statements';

/**
 * A published report (docs/reporting.md, "Published report format"): what headquarters stored when
 * it closed a group fiscal year, as canonical JSON (canonical-json.ts). `publishedReport` serves
 * that text byte for byte; its hash is contentHash() of the document, "sha256:<hex>".
 *
 * Every amount is a decimal string with its currency; the figures are groupReport's for the year in
 * JPY, computed by the same consolidation from the subsidiaries' signed figures (`subsidiaries[].
 * figures` with `signature`, exactly as each subsidiary signed them) and the stored rates (`rates`).
 */
export const PUBLISHED_REPORT_FORMAT = 'csr-published-report/1';

export interface PublishedMoney {
  amount: string;
  currency: string;
}

export interface PublishedRate {
  currency: string;
  fiscalYear: number;
  /** JPY for one unit of the currency, as recorded. */
  jpyPerUnit: string;
  source: string | null;
  asOf: string | null;
}

export interface PublishedSubsidiaryLine {
  code: string;
  name: string;
  local: PublishedMoney;
  converted: PublishedMoney;
  ratesUsed: { currency: string; fiscalYear: number; rate: string; source: string | null }[];
  expenseCount: number;
  asOf: string | null;
}

export interface PublishedGoal {
  goalId: string;
  title: string;
  metric: string;
  fiscalYear: number | null;
  target: number;
  actual: number;
  progressPercent: string;
  achieved: boolean;
  periodFullyCovered: boolean;
}

/** A subsidiary's signed confirmation that it held the close's order (purpose csr-fiscal-year-lock/1). */
export interface PublishedLock {
  statement: LockStatement;
  signature: StatementSignature;
}

export interface PublishedSubsidiary {
  code: string;
  name: string;
  currency: string;
  /** Its confirmation of the lock; its figures were read after `lock.statement.appliedAt`. */
  lock: PublishedLock;
  /** Its figures of the year as it signed them, read once the year was locked. */
  figures: RegionalFigures;
  /** Its signature over `figures` (purpose csr-regional-figures/1); null when it held no key. */
  signature: StatementSignature | null;
}

interface PublishedB4siLine {
  amount: PublishedMoney;
  expenseCount: number;
}

/** The B4SI summary of the year (docs/b4si.md), every line rounded once. */
export interface PublishedB4si {
  valuationBasis: string;
  total: PublishedMoney;
  cells: (PublishedB4siLine & { inputType: string; motivation: string; issue: string; issueName: string; valuation: string })[];
  byInputType: (PublishedB4siLine & { inputType: string; valuation: string })[];
  byMotivation: (PublishedB4siLine & { motivation: string })[];
  byIssue: (PublishedB4siLine & { issue: string; issueName: string })[];
}

/** The figures of a published report that follow from the signed regional figures and the stated rates. */
export interface PublishedFigures {
  /** The earliest of the subsidiaries' reads. */
  asOf: string | null;
  completeness: { complete: boolean; included: string[] };
  total: PublishedMoney;
  bySubsidiary: PublishedSubsidiaryLine[];
  byCauseArea: { causeArea: string; amount: PublishedMoney; expenseCount: number }[];
  byContributionType: { contributionType: string; amount: PublishedMoney; expenseCount: number }[];
  byFiscalYear: { fiscalYear: number; amount: PublishedMoney; expenseCount: number }[];
  volunteering: { newRegistrations: number; participants: number; hours: string };
  b4si: PublishedB4si;
}

export interface PublishedReportDocument extends PublishedFigures {
  format: typeof PUBLISHED_REPORT_FORMAT;
  fiscalYear: number;
  /** 1 for the first close of the year, 2 after a reopening and a new close, … */
  version: number;
  closeId: string;
  currency: string;
  closedBy: string;
  closedAt: string;
  /** The close order: when headquarters locked the year. */
  orderedAt: string;
  goals: PublishedGoal[];
  rates: PublishedRate[];
  subsidiaries: PublishedSubsidiary[];
  /**
   * The public keys its signatures verify with (each subsidiary's, kid = its code; headquarters',
   * kid "HQ"), covered by the hash and headquarters' signature; an auditor pins them with
   * `verify-report --keys` (docs/reporting.md, "Verifying a published report").
   */
  keys: PublicJwk[];
}
