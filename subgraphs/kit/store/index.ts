import type { Db } from 'mongodb';
import type { SubsidiaryConfig } from '../../common/registry';
import { AuditStore } from './audit';
import { ExpenseStore } from './expenses';
import { InitiativeStore } from './initiatives';
import { RollupStore } from './rollups';
import { VolunteeringStore } from './volunteering';

/** The data access of one regional subgraph, over its own database. */
export interface RegionalStore {
  db: Db;
  initiatives: InitiativeStore;
  expenses: ExpenseStore;
  volunteering: VolunteeringStore;
  rollups: RollupStore;
  audit: AuditStore;
}

export function createRegionalStore(db: Db, subsidiary: SubsidiaryConfig): RegionalStore {
  const rollups = new RollupStore(db);
  return {
    db,
    initiatives: new InitiativeStore(db, subsidiary),
    expenses: new ExpenseStore(db, subsidiary, rollups),
    volunteering: new VolunteeringStore(db, subsidiary),
    rollups,
    audit: new AuditStore(db, subsidiary.code),
  };
}
