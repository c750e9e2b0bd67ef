import type { Db } from 'mongodb';
import type { SubsidiaryConfig } from '../../common/registry';
import { AuditStore } from './audit';
import { DatasetStore } from './dataset';
import { ExpenseStore } from './expenses';
import { FigureReader } from './figures';
import { InitiativeStore } from './initiatives';
import { DEFAULT_JOURNAL_SETTINGS, WriteJournal, type JournalSettings } from './journal';
import { RollupStore } from './rollups';
import { VolunteeringStore } from './volunteering';
import { RegionalWrites } from './writes';

/** The data access of one regional subgraph, over its own database. */
export interface RegionalStore {
  db: Db;
  initiatives: InitiativeStore;
  expenses: ExpenseStore;
  volunteering: VolunteeringStore;
  rollups: RollupStore;
  audit: AuditStore;
  dataset: DatasetStore;
  journal: WriteJournal;
  /** Report cells and initiative totals, exact at the instant they are read. */
  figures: FigureReader;
  /** Every write of the regional template, journalled. */
  writes: RegionalWrites;
}

export function createRegionalStore(db: Db, subsidiary: SubsidiaryConfig, journalSettings: JournalSettings = DEFAULT_JOURNAL_SETTINGS): RegionalStore {
  const rollups = new RollupStore(db);
  const journal = new WriteJournal(db, subsidiary.code, rollups, journalSettings);
  const volunteering = new VolunteeringStore(db);
  const dataset = new DatasetStore(db, subsidiary);
  return {
    db,
    initiatives: new InitiativeStore(db, subsidiary),
    expenses: new ExpenseStore(db, subsidiary),
    volunteering,
    rollups,
    audit: new AuditStore(db, subsidiary.code),
    dataset,
    journal,
    figures: new FigureReader(db, rollups, journal, volunteering, dataset),
    writes: new RegionalWrites(db, subsidiary, journal, dataset),
  };
}
