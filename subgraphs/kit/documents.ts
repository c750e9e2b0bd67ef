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

export interface InitiativeDocument extends Provenance {
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

export interface ExpenseDocument extends Provenance {
  _id: string; // "IN-X000001"
  initiativeId: string;
  /** Copied from the initiative so reports group without a join; kept in step on initiative updates. */
  causeArea: CauseArea;
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
  /** The client's idempotency key, when the expense was recorded with one. */
  idempotencyKey?: string;
  createdAt: Date;
  updatedAt: Date;
  updatedBy: string;
}

/** New registrations in the volunteer database over a period (counts, not people: no personal data). */
export interface VolunteerRegistrationDocument extends Provenance {
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
export interface VolunteerParticipationDocument extends Provenance {
  _id: string; // "IN-P000001"
  initiativeId: string;
  causeArea: CauseArea;
  date: string;
  fiscalYear: number;
  groupFiscalYear: number;
  people: number;
  hours: Decimal128;
  note: string;
  createdAt: Date;
  updatedBy: string;
}

/** A report cell kept up to date on every expense write (see store/rollups.ts). */
export interface ReportRollupDocument {
  _id: string; // "2025|EDUCATION_RESEARCH|CASH"
  groupFiscalYear: number;
  causeArea: CauseArea;
  contributionType: ContributionType;
  amount: Decimal128;
  expenseCount: number;
}

/** Reserves an expense id for an idempotency key, so a retried request finds the expense it created. */
export interface IdempotencyKeyDocument {
  _id: string; // the client's key
  expenseId: string;
  requestHash: string;
  createdAt: Date;
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

export const REGIONAL_COLLECTIONS = {
  initiatives: 'initiatives',
  expenses: 'expenses',
  registrations: 'volunteer_registrations',
  participation: 'volunteer_participation',
  counters: 'counters',
  idempotencyKeys: 'idempotency_keys',
  reportCells: 'report_cells',
  audit: 'audit_log',
} as const;
