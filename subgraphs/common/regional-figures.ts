import type { CauseArea, ContributionType, Motivation } from './catalog';

/**
 * What a subsidiary signs (statements.ts, purpose csr-regional-figures/1) when it hands its figures
 * to consolidation, exactly as they travel through the gateway: the report key it answered, its
 * currency, the dataset and the instant of the read, the cells with their counts, the volunteering
 * and the adjustments restating the report's years. Amounts and hours are decimal strings as the
 * `Decimal` scalar writes them; years and counts are whole numbers.
 */
export interface FigureCell {
  groupFiscalYear: number;
  causeArea: CauseArea;
  contributionType: ContributionType;
  motivation: Motivation;
  amount: string;
  expenseCount: number;
}

export interface FigureVolunteering {
  groupFiscalYear: number;
  newRegistrations: number;
  participants: number;
  hours: string;
}

/**
 * A correction of a record of a closed year, booked in an open year (kit/store/adjustments.ts):
 * the restated figures of `restatedFiscalYear` change by `amountChange` in the original's cell.
 */
export interface FigureAdjustment {
  id: string;
  originalExpenseId: string;
  initiativeId: string;
  /** When it was booked: a date in an open group fiscal year. */
  date: string;
  groupFiscalYear: number;
  /** The closed group fiscal year of the original record, whose figures it restates. */
  restatedFiscalYear: number;
  causeArea: CauseArea;
  contributionType: ContributionType;
  /** Signed decimal in the subsidiary's currency. */
  amountChange: string;
  /** The close in force when it was recorded: it restates that close's published figures. */
  closeId: string;
  reason: string;
  recordedBy: string;
  recordedAt: string;
}

export interface RegionalFigures {
  subsidiary: string;
  reportKey: string;
  currency: string;
  dataset: string;
  asOf: string;
  cells: FigureCell[];
  volunteering: FigureVolunteering[];
  adjustments: FigureAdjustment[];
}

/**
 * A subsidiary's confirmation (purpose csr-fiscal-year-lock/1) that it holds one of headquarters'
 * fiscal-year orders, applied at `appliedAt`: for a CLOSE, its figures of the year read after that
 * instant (their `asOf`) are final. A published report keeps it beside the figures.
 */
export interface LockStatement {
  type: 'fiscal-year-lock';
  subsidiary: string;
  /** The order as headquarters signed it (canonical JSON). */
  order: string;
  fiscalYear: number;
  sequence: number;
  action: 'CLOSE' | 'REOPEN';
  closeId: string;
  appliedAt: string;
}

/** The statement of a lock, from what a lock entity serves (the subsidiary signs it; the group subgraph rebuilds it). */
export function lockStatement(subsidiary: string, lock: Omit<LockStatement, 'type' | 'subsidiary'>): LockStatement {
  const { order, fiscalYear, sequence, action, closeId, appliedAt } = lock;
  return { type: 'fiscal-year-lock', subsidiary, order, fiscalYear, sequence, action, closeId, appliedAt };
}

/** Adjustments one report carries at most (the group subgraph refuses longer lists). */
export const MAX_ADJUSTMENTS_PER_REPORT = 1_000;
