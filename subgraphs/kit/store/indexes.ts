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
    { key: { groupFiscalYear: 1, causeArea: 1, contributionType: 1 }, name: 'report_cells' },
    { key: { initiativeId: 1, groupFiscalYear: 1 }, name: 'initiative_fiscalYear' },
  ],
  [REGIONAL_COLLECTIONS.reportCells]: [{ key: { groupFiscalYear: 1, causeArea: 1, contributionType: 1 }, name: 'groupFiscalYear_cell' }],
  [REGIONAL_COLLECTIONS.registrations]: [{ key: { groupFiscalYear: 1 }, name: 'groupFiscalYear' }],
  [REGIONAL_COLLECTIONS.participation]: [
    { key: { groupFiscalYear: 1, causeArea: 1 }, name: 'groupFiscalYear_causeArea' },
    { key: { initiativeId: 1 }, name: 'initiative' },
  ],
  [REGIONAL_COLLECTIONS.audit]: [{ key: { entityId: 1, _id: -1 }, name: 'entity_newest' }],
};

export async function ensureIndexes(db: Db, indexes: Record<string, IndexDescription[]>): Promise<void> {
  await Promise.all(Object.entries(indexes).map(([collection, specs]) => db.collection(collection).createIndexes(specs)));
}
