import type { Collection, Db, Filter } from 'mongodb';
import { Decimal } from '../../common/decimal';
import { fromDecimal128 } from '../../common/mongo';
import { REGIONAL_COLLECTIONS, type JournalEntryDocument, type VolunteerParticipationDocument, type VolunteerRegistrationDocument } from '../documents';

export interface VolunteeringByYear {
  groupFiscalYear: number;
  newRegistrations: number;
  participants: number;
  hours: Decimal;
}

export interface FiscalYearSpan {
  from: number;
  to: number;
}

type Registration = Pick<VolunteerRegistrationDocument, '_id' | 'groupFiscalYear' | 'count'>;
type Participation = Pick<VolunteerParticipationDocument, '_id' | 'groupFiscalYear' | 'people' | 'hours' | 'initiativeId'>;

function rowOf(rows: Map<number, VolunteeringByYear>, year: number): VolunteeringByYear {
  let entry = rows.get(year);
  if (!entry) rows.set(year, (entry = { groupFiscalYear: year, newRegistrations: 0, participants: 0, hours: Decimal.ZERO }));
  return entry;
}

export class VolunteeringStore {
  private readonly registrations: Collection<VolunteerRegistrationDocument>;
  private readonly participation: Collection<VolunteerParticipationDocument>;

  constructor(db: Db) {
    this.registrations = db.collection<VolunteerRegistrationDocument>(REGIONAL_COLLECTIONS.registrations);
    this.participation = db.collection<VolunteerParticipationDocument>(REGIONAL_COLLECTIONS.participation);
  }

  /**
   * Volunteering per group fiscal year, summed in MongoDB, plus records of committed journal
   * entries not yet inserted (`pending`). Registrations are not attributed to an initiative, so
   * `initiativeIds` (a cause area's) narrows participation only.
   */
  async byYear(span: FiscalYearSpan, initiativeIds: readonly string[] | null, pending: readonly JournalEntryDocument[] = []): Promise<VolunteeringByYear[]> {
    return this.withPending(await this.stored(span, initiativeIds), span, initiativeIds, pending);
  }

  /** The stored records' sums per group fiscal year. */
  async stored(span: FiscalYearSpan, initiativeIds: readonly string[] | null): Promise<VolunteeringByYear[]> {
    const years = { groupFiscalYear: { $gte: span.from, $lte: span.to } };
    const participationFilter: Filter<VolunteerParticipationDocument> = initiativeIds ? { ...years, initiativeId: { $in: [...initiativeIds] } } : years;
    const [registrations, participation] = await Promise.all([
      this.registrations
        .aggregate<{ _id: number; count: number }>([{ $match: years }, { $group: { _id: '$groupFiscalYear', count: { $sum: '$count' } } }])
        .toArray(),
      this.participation
        .aggregate<{ _id: number; people: number; hours: { toString(): string } }>([
          { $match: participationFilter },
          { $group: { _id: '$groupFiscalYear', people: { $sum: '$people' }, hours: { $sum: '$hours' } } },
        ])
        .toArray(),
    ]);
    const rows = new Map<number, VolunteeringByYear>();
    for (const { _id, count } of registrations) rowOf(rows, _id).newRegistrations += count;
    for (const { _id, people, hours } of participation) {
      const entry = rowOf(rows, _id);
      entry.participants += people;
      entry.hours = entry.hours.add(fromDecimal128(hours));
    }
    return [...rows.values()].sort((a, b) => a.groupFiscalYear - b.groupFiscalYear);
  }

  /** Sums with the records that committed journal entries insert and that are not stored yet. */
  async withPending(stored: readonly VolunteeringByYear[], span: FiscalYearSpan, initiativeIds: readonly string[] | null, pending: readonly JournalEntryDocument[]): Promise<VolunteeringByYear[]> {
    const rows = new Map(stored.map((entry) => [entry.groupFiscalYear, { ...entry }]));
    const inSpan = (year: number) => year >= span.from && year <= span.to;
    const wanted = (record: Participation) => inSpan(record.groupFiscalYear) && (!initiativeIds || initiativeIds.includes(record.initiativeId));
    for (const record of await this.notYetInserted<Registration>(this.registrations, pending)) {
      if (inSpan(record.groupFiscalYear)) rowOf(rows, record.groupFiscalYear).newRegistrations += record.count;
    }
    for (const record of await this.notYetInserted<Participation>(this.participation, pending)) {
      if (!wanted(record)) continue;
      const entry = rowOf(rows, record.groupFiscalYear);
      entry.participants += record.people;
      entry.hours = entry.hours.add(fromDecimal128(record.hours));
    }
    return [...rows.values()].sort((a, b) => a.groupFiscalYear - b.groupFiscalYear);
  }

  /** Records that committed entries insert into `collection` and that are not there yet. */
  private async notYetInserted<T extends { _id: string }>(collection: Collection<VolunteerRegistrationDocument> | Collection<VolunteerParticipationDocument>, pending: readonly JournalEntryDocument[]): Promise<T[]> {
    const inserted = pending.flatMap((entry) => entry.changes.filter((change) => change.kind === 'insert' && change.collection === collection.collectionName)).map((change) => (change as { document: T }).document);
    if (inserted.length === 0) return [];
    const records = collection as unknown as Collection<{ _id: string }>;
    const present = new Set((await records.find({ _id: { $in: inserted.map((record) => record._id) } }, { projection: { _id: 1 } }).toArray()).map((record) => record._id));
    return inserted.filter((record) => !present.has(record._id));
  }
}
