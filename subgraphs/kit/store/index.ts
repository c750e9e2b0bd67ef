import type { Db } from 'mongodb';
import type { SubsidiaryConfig } from '../../common/registry';
import { AuditStore } from './audit';
import { ExpenseStore } from './expenses';
import { InitiativeStore } from './initiatives';
import { ReportStore } from './reports';
import { VolunteeringStore } from './volunteering';

/** The data access of one regional subgraph, over its own database. */
export interface RegionalStore {
  db: Db;
  initiatives: InitiativeStore;
  expenses: ExpenseStore;
  volunteering: VolunteeringStore;
  reports: ReportStore;
  audit: AuditStore;
}

export function createRegionalStore(db: Db, subsidiary: SubsidiaryConfig): RegionalStore {
  return {
    db,
    initiatives: new InitiativeStore(db, subsidiary),
    expenses: new ExpenseStore(db, subsidiary),
    volunteering: new VolunteeringStore(db, subsidiary),
    reports: new ReportStore(db),
    audit: new AuditStore(db, subsidiary),
  };
}
