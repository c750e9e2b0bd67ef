import type { CauseArea, ContributionType, Motivation } from '../common/catalog';
import type { FigureAdjustment, RegionalFigures } from '../common/regional-figures';
import type { StatementSignature } from '../common/statements';

/*
 * What the group subgraph receives of each subsidiary's report through @requires, at each step:
 * shaped (representation.ts), verified (figure-signatures.ts), consolidated (consolidation.ts).
 * The types live here, apart from the modules that produce and use them, so that none of those
 * imports another in a circle.
 */

/** One subsidiary's figures as they arrive through @requires (amounts are decimal strings, local currency). */
export interface ArrivedReport {
  currency: string;
  cells: { groupFiscalYear: number; causeArea: CauseArea; contributionType: ContributionType; motivation: Motivation; amount: string; expenseCount: number }[];
  volunteering: { groupFiscalYear: number; newRegistrations: number; participants: number; hours: string }[];
  /** When the subsidiary read them (ISO 8601). */
  asOf: string | null;
  /** Adjustments restating the report's years (not part of these figures: see `restated`). */
  adjustments?: FigureAdjustment[];
  /** The statement its subsidiary signed and the signature that holds for it (group/figure-signatures.ts), as a published report keeps them. */
  signed?: SignedFigures;
}

/** A subsidiary that answered, but whose database holds no dataset: its figures are missing, not zero. */
export const NO_DATASET = { missing: 'NO_DATASET' } as const;
export type Arrival = ArrivedReport | typeof NO_DATASET | null;

/** What arrived for a subsidiary, with the parts that are signed but not consolidated. */
export interface ArrivedSignedReport extends ArrivedReport {
  asOf: string;
  dataset: string;
  adjustments: FigureAdjustment[];
  signature: unknown;
}

/** Figures with the signature that holds for them, as a published report keeps them. */
export interface SignedFigures {
  figures: RegionalFigures;
  signature: StatementSignature;
}

/** An arrival whose shape is checked (its signature is not, yet: figure-signatures.ts). */
export type ShapedArrival = ArrivedSignedReport | typeof NO_DATASET | null;
