import type { Db, IndexDescription } from 'mongodb';
import { REGIONAL_COLLECTIONS } from '../documents';

/** Every index a regional database needs, by collection; created at start-up. */
export const REGIONAL_INDEXES: Record<string, IndexDescription[]> = {
  [REGIONAL_COLLECTIONS.initiatives]: [
    { key: { status: 1, startDate: -1, _id: 1 }, name: 'status_startDate' },
    { key: { causeArea: 1, startDate: -1, _id: 1 }, name: 'causeArea_startDate' },
  ],
  [REGIONAL_COLLECTIONS.expenses]: [
    { key: { initiativeId: 1, date: 1, _id: 1 }, name: 'initiative_date' },
    { key: { initiativeId: 1, groupFiscalYear: 1 }, name: 'initiative_fiscalYear' },
    // the activity feed's keyset pages (kit/store/activities.ts): (date, _id) from a cursor
    { key: { date: 1, _id: 1 }, name: 'date_id' },
  ],
  [REGIONAL_COLLECTIONS.reportCells]: [
    { key: { groupFiscalYear: 1, initiativeId: 1, contributionType: 1 }, name: 'fiscalYear_initiative_type' },
    { key: { initiativeId: 1, groupFiscalYear: 1 }, name: 'initiative_fiscalYear' },
  ],
  [REGIONAL_COLLECTIONS.registrations]: [
    { key: { groupFiscalYear: 1 }, name: 'groupFiscalYear' },
    { key: { date: 1, _id: 1 }, name: 'date_id' },
  ],
  [REGIONAL_COLLECTIONS.participation]: [
    { key: { groupFiscalYear: 1, initiativeId: 1 }, name: 'groupFiscalYear_initiative' },
    { key: { initiativeId: 1 }, name: 'initiative' },
    { key: { date: 1, _id: 1 }, name: 'date_id' },
  ],
  [REGIONAL_COLLECTIONS.fiscalYearOrders]: [{ key: { fiscalYear: 1, sequence: -1 }, name: 'fiscalYear_sequence' }],
  [REGIONAL_COLLECTIONS.adjustments]: [
    { key: { restatedFiscalYear: 1 }, name: 'restatedFiscalYear' },
    { key: { originalExpenseId: 1 }, name: 'originalExpense' },
  ],
  [REGIONAL_COLLECTIONS.audit]: [
    { key: { entityId: 1, _id: -1 }, name: 'entity_newest' },
    // initiative events of the activity feed, in id order
    { key: { entity: 1, _id: 1 }, name: 'entity_id' },
  ],
  // one entry per idempotency key (a client's, or one made per write): the journal's guard against doing a write twice
  [REGIONAL_COLLECTIONS.journal]: [
    { key: { key: 1 }, name: 'key_unique', unique: true },
    { key: { state: 1 }, name: 'state' },
    { key: { leaseUntil: 1 }, name: 'leaseUntil' },
  ],
};

export async function ensureIndexes(db: Db, indexes: Record<string, IndexDescription[]>): Promise<void> {
  await Promise.all(Object.entries(indexes).map(([collection, specs]) => db.collection(collection).createIndexes(specs)));
}
