import type { Db } from 'mongodb';
import type { SubsidiaryConfig } from '../../common/registry';
import { AdjustmentStore } from './adjustments';
import { AuditStore } from './audit';
import { DatasetStore } from './dataset';
import { FiscalYearLocks } from './fiscal-years';
import { ExpenseStore } from './expenses';
import { ExpensePageReader } from './expense-pages';
import { FigureReader } from './figures';
import { InitiativeStore } from './initiatives';
import { DEFAULT_JOURNAL_SETTINGS, WriteJournal, type JournalSettings } from './journal';
import { RollupStore } from './rollups';
import { VolunteeringStore } from './volunteering';
import { RegionalWrites } from './writes';
import { ExpenseImports } from './imports';

/** The data access of one regional subgraph, over its own database. */
export interface RegionalStore {
  db: Db;
  initiatives: InitiativeStore;
  expenses: ExpenseStore;
  /** A subsidiary's expenses as one flat list in (date, id) order, writes in flight laid over (store/expense-pages.ts). */
  expensePages: ExpensePageReader;
  volunteering: VolunteeringStore;
  rollups: RollupStore;
  audit: AuditStore;
  dataset: DatasetStore;
  journal: WriteJournal;
  /** Which group fiscal years headquarters closed (the orders this subsidiary applied). */
  fiscalYears: FiscalYearLocks;
  adjustments: AdjustmentStore;
  /** Report cells and initiative totals, exact at the instant they are read. */
  figures: FigureReader;
  /** Every write of the regional template, journalled. */
  writes: RegionalWrites;
  /** Bulk imports of expenses: one journalled write per file (store/imports.ts). */
  imports: ExpenseImports;
}

export function createRegionalStore(db: Db, subsidiary: SubsidiaryConfig, journalSettings: JournalSettings = DEFAULT_JOURNAL_SETTINGS): RegionalStore {
  const rollups = new RollupStore(db);
  const journal = new WriteJournal(db, subsidiary.code, rollups, journalSettings);
  const volunteering = new VolunteeringStore(db);
  const dataset = new DatasetStore(db, subsidiary);
  const fiscalYears = new FiscalYearLocks(db, subsidiary);
  const adjustments = new AdjustmentStore(db);
  return {
    db,
    initiatives: new InitiativeStore(db, subsidiary),
    expenses: new ExpenseStore(db, subsidiary),
    expensePages: new ExpensePageReader(db, dataset, journal),
    volunteering,
    rollups,
    audit: new AuditStore(db, subsidiary.code),
    dataset,
    journal,
    fiscalYears,
    adjustments,
    figures: new FigureReader(db, rollups, journal, volunteering, dataset, adjustments),
    writes: new RegionalWrites(db, subsidiary, journal, dataset, fiscalYears, adjustments, rollups),
    imports: new ExpenseImports(db, subsidiary, journal, dataset, fiscalYears),
  };
}
