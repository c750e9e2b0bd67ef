import type { Collection, Db, Filter } from 'mongodb';
import { raise } from '../../common/errors';
import { escapeRegex } from '../../common/mongo';
import { fiscalYearRange } from '../../common/fiscal-year';
import { GROUP_FISCAL_CALENDAR, type SubsidiaryConfig } from '../../common/registry';
import type { CauseArea, InitiativeStatus } from '../../common/catalog';
import { REGIONAL_COLLECTIONS, type InitiativeDocument } from '../documents';
import { decodeCursor, encodeCursor } from './cursor';

export interface InitiativeQuery {
  fiscalYear: number | null;
  causeArea: CauseArea | null;
  status: InitiativeStatus | null;
  words: string[];
}

export interface InitiativePage {
  nodes: InitiativeDocument[];
  totalCount: number;
  pageInfo: { endCursor: string | null; hasNextPage: boolean };
}

export type InitiativeFields = Omit<InitiativeDocument, '_id' | 'searchText' | 'createdAt' | 'updatedAt' | 'updatedBy' | 'version' | 'lastOp' | 'pendingOp'>;

export function searchTextOf(fields: Pick<InitiativeDocument, 'title' | 'description' | 'tags'>): string {
  return [fields.title, fields.description, ...fields.tags].join(' ').toLowerCase();
}

/** The MongoDB filter for an initiative query, built only from validated, typed values. */
export function initiativeFilter(query: InitiativeQuery): Filter<InitiativeDocument> {
  const clauses: Filter<InitiativeDocument>[] = [];
  clauses.push(query.status ? { status: query.status } : { status: { $ne: 'ARCHIVED' } });
  if (query.causeArea) clauses.push({ causeArea: query.causeArea });
  if (query.fiscalYear !== null) {
    const { start, end } = fiscalYearRange(query.fiscalYear, GROUP_FISCAL_CALENDAR);
    clauses.push({ startDate: { $lte: end } }, { $or: [{ endDate: null }, { endDate: { $gte: start } }] });
  }
  for (const word of query.words) clauses.push({ searchText: { $regex: escapeRegex(word.toLowerCase()) } });
  return { $and: clauses };
}

export class InitiativeStore {
  private readonly collection: Collection<InitiativeDocument>;

  constructor(
    db: Db,
    private readonly subsidiary: SubsidiaryConfig,
  ) {
    this.collection = db.collection<InitiativeDocument>(REGIONAL_COLLECTIONS.initiatives);
  }

  async findByIds(ids: readonly string[]): Promise<(InitiativeDocument | null)[]> {
    const found = await this.collection.find({ _id: { $in: [...ids] } }).toArray();
    const byId = new Map(found.map((doc) => [doc._id, doc]));
    return ids.map((id) => byId.get(id) ?? null);
  }

  async get(id: string): Promise<InitiativeDocument> {
    const initiative = await this.collection.findOne({ _id: id });
    if (!initiative) raise('NOT_FOUND', `Initiative ${id} does not exist in ${this.subsidiary.name}`, { id });
    return initiative;
  }

  /** One page in a stable order (start date newest first, then id), with the total, in one round trip. */
  async page(query: InitiativeQuery, first: number, after: string | null): Promise<InitiativePage> {
    const afterClause: Filter<InitiativeDocument>[] = [];
    if (after !== null) {
      const [startDate, id] = decodeCursor(after, 2, 'after') as [string, string];
      afterClause.push({ $or: [{ startDate: { $lt: startDate } }, { startDate, _id: { $gt: id } }] });
    }
    const [result] = await this.collection
      .aggregate<{ nodes: InitiativeDocument[]; total: { n: number }[] }>([
        { $match: initiativeFilter(query) },
        {
          $facet: {
            total: [{ $count: 'n' }],
            nodes: [...afterClause.map((clause) => ({ $match: clause })), { $sort: { startDate: -1, _id: 1 } }, { $limit: first + 1 }],
          },
        },
      ])
      .toArray();
    const nodes = result?.nodes ?? [];
    const shown = nodes.slice(0, first);
    const last = shown.at(-1);
    return {
      nodes: shown,
      totalCount: result?.total[0]?.n ?? 0,
      pageInfo: { endCursor: last ? encodeCursor([last.startDate, last._id]) : null, hasNextPage: nodes.length > first },
    };
  }
}
