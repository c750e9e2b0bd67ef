import type { Decimal128 } from 'mongodb';
import type { CauseArea, ContributionType, InitiativeStatus, Motivation, PartnerKind } from '../common/catalog';

/** MongoDB documents of a regional subgraph's database. Money is Decimal128 in the subsidiary's currency. */

export interface Partner {
  name: string;
  kind: PartnerKind;
}

export interface Outcome {
  description: string;
  value: number | null;
  unit: string | null;
}

/** Marks records that are not from the published report but fill gaps for illustration. */
export interface Provenance {
  illustrative: boolean;
  source: string | null;
}

export interface InitiativeDocument extends Provenance, JournalMarks {
  _id: string; // "IN-I0001"
  title: string;
  description: string;
  causeArea: CauseArea;
  motivation: Motivation;
  status: InitiativeStatus;
  startDate: string; // YYYY-MM-DD, local
  endDate: string | null;
  partners: Partner[];
  beneficiaries: number | null;
  participants: number | null;
  outcomes: Outcome[];
  tags: string[];
  /** Lower-cased title, description and tags, for the text filter. */
  searchText: string;
  createdAt: Date;
  updatedAt: Date;
  updatedBy: string;
  version: number;
}

/** Bookkeeping of the write journal (store/journal.ts) on every record it writes. */
export interface JournalMarks {
  /** The operation that last wrote the record: lets a repeated step tell it already happened. */
  lastOp?: string;
  /** The operation holding the record while it changes or deletes it; no other writer touches it meanwhile. */
  pendingOp?: string;
}

/**
 * An expense. Its cause area is its initiative's, read when a report is made, so moving an initiative
 * to another cause area is one single-document write that every figure follows at once.
 */
export interface ExpenseDocument extends Provenance, JournalMarks {
  _id: string; // "IN-X000001"
  initiativeId: string;
  date: string; // YYYY-MM-DD, local
  fiscalYear: number; // the subsidiary's own fiscal year
  groupFiscalYear: number; // the group's fiscal year (April–March, named by end year)
  contributionType: ContributionType;
  quantity: Decimal128 | null;
  unit: string | null;
  unitPrice: Decimal128 | null;
  amount: Decimal128;
  currency: string;
  valuationBasis: string;
  description: string;
  /** Set on expenses recorded with a key before every write took one (the key now lives in idempotency_keys). */
  idempotencyKey?: string;
  createdAt: Date;
  updatedAt: Date;
  updatedBy: string;
}

/** New registrations in the volunteer database over a period (counts, not people: no personal data). */
export interface VolunteerRegistrationDocument extends Provenance, JournalMarks {
  _id: string; // "IN-R000001"
  date: string; // end of the period the count covers
  fiscalYear: number;
  groupFiscalYear: number;
  count: number;
  note: string;
  createdAt: Date;
  updatedBy: string;
}

/** People and hours taking part in an initiative's volunteering on a date or period. */
export interface VolunteerParticipationDocument extends Provenance, JournalMarks {
  _id: string; // "IN-P000001"
  initiativeId: string;
  date: string;
  fiscalYear: number;
  groupFiscalYear: number;
  people: number;
  hours: Decimal128;
  note: string;
  createdAt: Date;
  updatedBy: string;
}

/**
 * A report cell kept up to date on every expense write (store/rollups.ts): the local-currency total of
 * one initiative in one group fiscal year and contribution type. `ops` lists the journal operations
 * already added to it, so that applying one again changes nothing.
 */
export interface ReportRollupDocument {
  _id: string; // "2025|IN-I0001|CASH"
  groupFiscalYear: number;
  initiativeId: string;
  contributionType: ContributionType;
  amount: Decimal128;
  expenseCount: number;
  ops: string[];
}

/** The answer of a write made with a client's idempotency key, kept so that a retry gets it again. */
export interface IdempotencyKeyDocument {
  _id: string; // the client's key
  /** The mutation, without the subsidiary's prefix: "RecordExpense". Absent on keys kept before every write took one. */
  action?: string;
  requestHash: string;
  /** The record the write answered with, as it was then. */
  result?: Record<string, unknown>;
  /** Before every write took a key, only RecordExpense did, and kept the id of its expense. */
  expenseId?: string;
  createdAt: Date;
}

/**
 * A fiscal-year order of headquarters as this subsidiary applied it (kit/closes.ts): one document
 * per order, "2024#3" for fiscal year 2024's third. The year's state is its order of highest
 * sequence: locked after a CLOSE, open after a REOPEN (or without any order).
 */
export interface FiscalYearOrderDocument extends JournalMarks {
  _id: string;
  fiscalYear: number;
  sequence: number;
  action: 'CLOSE' | 'REOPEN';
  closeId: string;
  orderedAt: string;
  /** The order as headquarters signed it (common/fiscal-year-orders.ts), kept as evidence. */
  order: string;
  appliedAt: Date;
  /** The token subject that brought it (headquarters' close), or "headquarters-sync" (the pull). */
  appliedBy: string;
}

/**
 * A correction of an expense of a closed group fiscal year, booked in an open year: the closed
 * year's records stay as published, and its restated figures change by `amountChange` in the
 * original expense's cell (initiative and contribution type). Never changed once recorded.
 */
export interface AdjustmentDocument extends JournalMarks {
  _id: string; // "IN-J000001"
  originalExpenseId: string;
  initiativeId: string;
  contributionType: ContributionType;
  /** The booking date, in an open group fiscal year. */
  date: string;
  fiscalYear: number;
  groupFiscalYear: number;
  /** The original expense's group fiscal year: the closed year these figures restate. */
  restatedFiscalYear: number;
  amountChange: Decimal128;
  currency: string;
  /** The close in force when it was recorded (it restates that close's published figures). */
  closeId: string;
  reason: string;
  createdAt: Date;
  createdBy: string;
}

/** One document change of a journalled write, replayable by itself (store/journal.ts). */
export type JournalChange =
  | { kind: 'insert'; collection: string; document: { _id: string } & Record<string, unknown> }
  | { kind: 'update'; collection: string; id: string; set: Record<string, unknown>; inc?: Record<string, number> }
  | { kind: 'delete'; collection: string; id: string }
  /** Records staged before the commit (a bulk import: store/imports.ts), inserted from their staging documents. */
  | { kind: 'staged'; stageId: string; records: number };

/** What a journalled write adds to (or takes from) one report cell. */
export interface JournalDelta {
  cell: string;
  groupFiscalYear: number;
  initiativeId: string;
  contributionType: ContributionType;
  amount: Decimal128;
  expenseCount: number;
}

/**
 * A write in progress (store/journal.ts). Prepared: it holds its key and its record, nothing is
 * changed yet, and it can still be abandoned. Committed: its changes, report-cell deltas and audit
 * entry are decided and will be applied, by the writer or, after a crash, by whichever process
 * recovers it; reports count a committed write's deltas until they are in the cells.
 */
export interface JournalEntryDocument {
  _id: string; // the operation's id
  /** The client's idempotency key, or "op:<_id>" for a write sent without one (unique among entries). */
  key: string;
  clientKey: boolean;
  action: string;
  requestHash: string;
  state: 'prepared' | 'committed';
  /** Until then the writer is presumed alive; afterwards any process may finish or abandon the write. */
  leaseUntil: Date;
  /** The record held with `pendingOp` while the write decides what to change. */
  lock: { collection: string; id: string } | null;
  changes: JournalChange[];
  deltas: JournalDelta[];
  audit: AuditEntryDocument | null;
  /** What the mutation answers with. */
  result: Record<string, unknown> | null;
  createdAt: Date;
}

/**
 * Marks a regional database as holding the subsidiary's dataset. A database without it (never
 * seeded, wiped, restored empty) is reported missing rather than read as zero spending, and
 * refuses writes until an operator initialises or restores it.
 */
export interface DatasetDocument {
  _id: typeof DATASET_ID;
  datasetId: string;
  subsidiary: string;
  createdAt: Date;
  createdBy: string;
}

/**
 * One write to the subsidiary's data, recorded right after the change (kit/audit.ts). Snapshots
 * are the stored documents, BSON types included (Decimal128 amounts, dates).
 */
export interface AuditEntryDocument {
  _id: string; // "IN-A0000000042": a counter, so newest first is _id descending
  at: Date;
  /** The token's subject. */
  actor: string;
  /** The mutation: "indiaRecordExpense". */
  action: string;
  entity: string;
  entityId: string | null;
  before: Record<string, unknown> | null;
  after: Record<string, unknown> | null;
  changedFields: string[];
  requestId: string | null;
}

export interface CounterDocument {
  _id: string;
  seq: number;
}

export const DATASET_ID = 'dataset';

/** Which layout the report cells are in; cells of another layout are rebuilt at start-up. */
export interface RollupFormatDocument {
  _id: 'rollups';
  format: number;
}

export const REGIONAL_COLLECTIONS = {
  initiatives: 'initiatives',
  expenses: 'expenses',
  registrations: 'volunteer_registrations',
  participation: 'volunteer_participation',
  counters: 'counters',
  idempotencyKeys: 'idempotency_keys',
  reportCells: 'report_cells',
  audit: 'audit_log',
  journal: 'write_journal',
  meta: 'meta',
  fiscalYearOrders: 'fiscal_year_orders',
  adjustments: 'adjustments',
  importStaging: 'import_staging',
} as const;
