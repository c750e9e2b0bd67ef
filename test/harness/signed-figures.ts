/**
 * Hand-written GroupReport representations signed as each subsidiary signs its figures
 * (kit/closes.ts, group/figure-signatures.ts), for tests that reach the group subgraph's
 * `_entities` directly and test something other than the signatures: what they send is signed by
 * its subsidiary's key, read "now" unless told, with no adjustments unless given.
 */
import type { SigningKey } from '../../platform/signing-keys';
import { SUBSIDIARIES } from '../../subgraphs/common/registry';
import { PURPOSES, signStatement } from '../../subgraphs/common/statements';
import { figuresOf, type ArrivedSignedReport } from '../../subgraphs/group/figure-signatures';
import { parseReportId } from '../../subgraphs/group/report-params';

type Json = Record<string, any>;

export interface SignOptions {
  /** The instant the figures claim to be read at (default: now). */
  asOf?: string;
  /** Sign a subsidiary's figures with this key instead of its own (by code). */
  keyOf?: (code: string) => SigningKey | undefined;
}

/** Signs, in place, every subsidiary report of `representation` that carries figures; returns it. */
export function signRepresentation(representation: Json, keys: ReadonlyMap<string, SigningKey>, options: SignOptions = {}): Json {
  const params = parseReportId(String(representation.id));
  const asOf = options.asOf ?? new Date().toISOString();
  (representation.subsidiaries as (Json | null)[]).forEach((report, index) => {
    if (!report || !Array.isArray(report.cells) || !Array.isArray(report.volunteering)) return;
    const subsidiary = SUBSIDIARIES[index]!;
    report.asOf = asOf;
    report.adjustments ??= [];
    const key = options.keyOf?.(subsidiary.code) ?? keys.get(subsidiary.code);
    if (!key) throw new Error(`no signing key for ${subsidiary.code}`);
    const arrived: ArrivedSignedReport = { currency: report.currency, cells: report.cells, volunteering: report.volunteering, asOf, dataset: report.dataset?.id, adjustments: report.adjustments, signature: null };
    report.signature = signStatement(key, PURPOSES.figures, figuresOf(subsidiary, params, arrived));
  });
  return representation;
}
