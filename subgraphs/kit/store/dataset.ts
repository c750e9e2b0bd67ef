import { randomUUID } from 'node:crypto';
import type { Collection, Db } from 'mongodb';
import { raise } from '../../common/errors';
import type { SubsidiaryConfig } from '../../common/registry';
import { DATASET_ID, REGIONAL_COLLECTIONS, type DatasetDocument } from '../documents';

/**
 * Whether the regional database holds the subsidiary's dataset (kit/documents.ts DatasetDocument).
 * Only a deliberate act creates the mark (the seed, a bulk load, `npm run dataset -- init`): a write
 * never does, so a database that lost its data cannot quietly start over as if it had none.
 */
export class DatasetStore {
  private readonly meta: Collection<DatasetDocument>;

  constructor(
    db: Db,
    private readonly subsidiary: Pick<SubsidiaryConfig, 'code' | 'name'>,
  ) {
    this.meta = db.collection<DatasetDocument>(REGIONAL_COLLECTIONS.meta);
  }

  async current(): Promise<DatasetDocument | null> {
    return this.meta.findOne({ _id: DATASET_ID });
  }

  /** Marks the database as holding the dataset; keeps the mark (and its id) if there is one. */
  async initialise(createdBy: string): Promise<DatasetDocument> {
    const mark: DatasetDocument = { _id: DATASET_ID, datasetId: randomUUID(), subsidiary: this.subsidiary.code, createdAt: new Date(), createdBy };
    await this.meta.updateOne({ _id: DATASET_ID }, { $setOnInsert: mark }, { upsert: true });
    return (await this.current()) ?? mark;
  }

  /** Refuses a write into a database without the dataset. */
  async requirePresent(): Promise<void> {
    if (await this.current()) return;
    raise(
      'DATASET_MISSING',
      `${this.subsidiary.name}'s database holds no dataset (never seeded, wiped or restored empty), so it takes no writes: ` +
        'an operator restores its backup or initialises it (npm run dataset -- init) first',
      { subsidiary: this.subsidiary.code },
    );
  }
}
