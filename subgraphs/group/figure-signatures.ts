import { publicJwkOf, publicJwkOfVerificationKey, type PublicJwk, type SigningKey, type VerificationKey } from '../../platform/signing-keys';
import { raise } from '../common/errors';
import type { RegionalFigures } from '../common/regional-figures';
import { formatReportKey } from '../common/report-key';
import type { SubsidiaryConfig } from '../common/registry';
import { PURPOSES, signatureProblem, type RegionalKeys, type StatementSignature } from '../common/statements';
import type { Arrival, ArrivedSignedReport, ShapedArrival, SignedFigures } from './arrivals';
import type { ReportParams } from './report-params';

export type { ArrivedSignedReport, SignedFigures } from './arrivals';

/**
 * Headquarters consolidates only figures their subsidiary signed (docs/reporting.md, "Signed
 * regional figures"). Each regional subgraph signs what its report entity serves
 * (kit/closes.ts `regionalFigures`, purpose csr-regional-figures/1); the group subgraph rebuilds
 * the same statement from the representation it received — the report key from its own report's
 * parameters, never from the representation, so a signature for one report is no signature for
 * another — and verifies it with that subsidiary's public keys only (REGIONAL_PUBLIC_KEYS, kid =
 * its code): a figure signed by another subsidiary's key is refused like a forged one. Signed
 * figures read longer ago than FIGURES_MAX_AGE_S (or later than the clock skew allows) are refused
 * too: an old signed read replayed after a correction would otherwise pass.
 */

/** How far a subsidiary's clock may run ahead of headquarters'. */
const CLOCK_SKEW_MS = 30_000;

export type SignatureRefusal = 'not_signed' | 'bad_signature' | 'stale' | 'future';

/** The statement a subsidiary signed for the report `params` asks, rebuilt from what arrived. */
export function figuresOf(subsidiary: SubsidiaryConfig, params: Pick<ReportParams, 'from' | 'to' | 'causeArea' | 'contributionType'>, report: ArrivedSignedReport): RegionalFigures {
  return {
    subsidiary: subsidiary.code,
    reportKey: formatReportKey({ code: subsidiary.code, span: { from: params.from, to: params.to }, causeArea: params.causeArea, contributionType: params.contributionType }),
    currency: report.currency,
    dataset: report.dataset,
    asOf: report.asOf,
    cells: report.cells.map(({ groupFiscalYear, causeArea, contributionType, motivation, amount, expenseCount }) => ({ groupFiscalYear, causeArea, contributionType, motivation, amount, expenseCount })),
    volunteering: report.volunteering.map(({ groupFiscalYear, newRegistrations, participants, hours }) => ({ groupFiscalYear, newRegistrations, participants, hours })),
    adjustments: report.adjustments.map((adjustment) => ({ ...adjustment })),
  };
}

function refuse(subsidiary: SubsidiaryConfig, reason: SignatureRefusal, detail: string): never {
  const code = reason === 'not_signed' ? 'FIGURES_NOT_SIGNED' : 'FIGURES_SIGNATURE_INVALID';
  return raise(code, `${subsidiary.name}'s (${subsidiary.code}) figures ${detail}. Headquarters consolidates only figures their subsidiary signed, so this report is refused rather than totalled without or with them.`, {
    subsidiary: subsidiary.code,
    reason,
  });
}

export class FigureVerifier {
  constructor(
    private readonly keys: RegionalKeys,
    private readonly maxAgeSeconds: number,
    private readonly now: () => number = Date.now,
  ) {}

  /** The public key of `code` with id `keyId` that its signatures verify with, if headquarters holds it. */
  keyOf(code: string, keyId: string): VerificationKey | undefined {
    return this.keys.of(code).find((key) => key.keyId === keyId);
  }

  /** The figures with their signature, or throws FIGURES_NOT_SIGNED / FIGURES_SIGNATURE_INVALID naming the subsidiary. */
  verify(subsidiary: SubsidiaryConfig, params: ReportParams, report: ArrivedSignedReport): SignedFigures {
    if (report.signature === null || report.signature === undefined) {
      refuse(subsidiary, 'not_signed', `arrived without ${subsidiary.name}'s signature (its subgraph holds no REGIONAL_SIGNING_KEY, or the signature was removed on the way)`);
    }
    const keys = this.keys.of(subsidiary.code);
    if (keys.length === 0) refuse(subsidiary, 'bad_signature', `cannot be checked: REGIONAL_PUBLIC_KEYS holds no key of ${subsidiary.name} (kid "${subsidiary.code}")`);
    const figures = figuresOf(subsidiary, params, report);
    const problem = signatureProblem(keys, PURPOSES.figures, figures, report.signature);
    if (problem) refuse(subsidiary, 'bad_signature', `are refused: their signature ${problem}`);
    const age = this.now() - Date.parse(report.asOf);
    if (age > this.maxAgeSeconds * 1000) refuse(subsidiary, 'stale', `were read at ${report.asOf}, more than ${this.maxAgeSeconds} s ago (FIGURES_MAX_AGE_S): an old signed read is not taken for a current one`);
    if (age < -CLOCK_SKEW_MS) refuse(subsidiary, 'future', `claim to be read at ${report.asOf}, later than headquarters' clock allows`);
    return { figures, signature: report.signature as StatementSignature };
  }
}

/** The arrivals with their signatures verified: each subsidiary's figures carry what it signed, or the whole report is refused. */
export function verifiedArrivals(verifier: FigureVerifier, subsidiaries: readonly SubsidiaryConfig[], params: ReportParams, arrivals: readonly ShapedArrival[]): Arrival[] {
  return arrivals.map((arrival, index) => (arrival !== null && 'cells' in arrival ? { ...arrival, signed: verifier.verify(subsidiaries[index]!, params, arrival) } : arrival));
}

/**
 * The public keys a published report's signatures verify with, for the report to carry (covered by
 * its hash and headquarters' signature): each subsidiary's keys that signed its entries, and
 * headquarters' key.
 */
export function publishedKeys(verifier: FigureVerifier, signers: readonly { code: string; keyIds: readonly (string | undefined)[] }[], headquarters: SigningKey | null): PublicJwk[] {
  const keys = new Map<string, PublicJwk>();
  for (const { code, keyIds } of signers) {
    for (const keyId of keyIds) {
      const key = keyId === undefined ? undefined : verifier.keyOf(code, keyId);
      if (key) keys.set(key.keyId, publicJwkOfVerificationKey(key));
    }
  }
  if (headquarters) keys.set(headquarters.keyId, publicJwkOf(headquarters));
  return [...keys.values()];
}
