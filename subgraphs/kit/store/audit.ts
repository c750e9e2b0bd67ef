import type { Collection, Db, Filter } from 'mongodb';
import { badInput } from '../../common/errors';
import { REGIONAL_COLLECTIONS, type AuditEntryDocument } from '../documents';
import { decodeCursor, encodeCursor } from './cursor';
import { ID_FORMATS, insertWithNextId } from './ids';

export interface AuditPage {
  nodes: AuditEntryDocument[];
  pageInfo: { endCursor: string | null; hasNextPage: boolean };
}

export type AuditRecord = Omit<AuditEntryDocument, '_id'>;

/** An audit trail in its owner's own database (a subsidiary's, or headquarters'): append-only, newest first. */
export class AuditStore {
  private readonly collection: Collection<AuditEntryDocument>;
  private readonly idPattern: RegExp;

  constructor(
    private readonly db: Db,
    /** Prefix of the entries' ids: the subsidiary's code, or "HQ". */
    private readonly code: string,
  ) {
    this.collection = db.collection<AuditEntryDocument>(REGIONAL_COLLECTIONS.audit);
    this.idPattern = new RegExp(`^${code}-${ID_FORMATS.audit.letter}\\d{${ID_FORMATS.audit.width}}$`);
  }

  async append(record: AuditRecord): Promise<AuditEntryDocument> {
    return insertWithNextId(this.db, this.code, 'audit', this.collection, (id): AuditEntryDocument => ({ _id: id, ...record }));
  }

  /**
   * One page, newest first. The cursor is the id of the last entry shown; ids only grow, so pages
   * stay stable while new entries arrive.
   */
  async page(query: { entityId: string | null; first: number; after: string | null }): Promise<AuditPage> {
    const filter: Filter<AuditEntryDocument> = {};
    if (query.entityId !== null) filter.entityId = query.entityId;
    if (query.after !== null) {
      const [id] = decodeCursor(query.after, 1, 'after') as [string];
      if (!this.idPattern.test(id)) badInput('after is not a cursor returned by this API', 'after');
      filter._id = { $lt: id };
    }
    const found = await this.collection.find(filter).sort({ _id: -1 }).limit(query.first + 1).toArray();
    const nodes = found.slice(0, query.first);
    const last = nodes.at(-1);
    return { nodes, pageInfo: { endCursor: last ? encodeCursor([last._id]) : null, hasNextPage: found.length > query.first } };
  }
}
