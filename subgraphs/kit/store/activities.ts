import type { Collection, Db, Filter } from 'mongodb';
import { fromDecimal128 } from '../../common/mongo';
import { GROUP_FISCAL_CALENDAR, type SubsidiaryConfig } from '../../common/registry';
import { fiscalYearOf, fiscalYearRange, todayIn } from '../../common/fiscal-year';
import { compareActivityKeys, type ActivityKind, type ActivitySortKey } from '../../common/activity-cursor';
import type { ActivityQuery } from '../../common/activity-query';
import type { CauseArea, ContributionType, InitiativeStatus } from '../../common/catalog';
import {
  REGIONAL_COLLECTIONS,
  type AuditEntryDocument,
  type ExpenseDocument,
  type InitiativeDocument,
  type VolunteerParticipationDocument,
  type VolunteerRegistrationDocument,
} from '../documents';
import type { DatasetStore } from './dataset';
import type { WriteJournal } from './journal';
import { pendingChanges, pendingCount, withPendingRecords, type StoredDocument } from './pending-records';

/** One item of the subsidiary's activity, as the regional page serves it (amounts local). */
export interface ActivityRecord extends ActivitySortKey {
  groupFiscalYear: number;
  initiativeId: string | null;
  causeArea: CauseArea | null;
  contributionType: ContributionType | null;
  amount: string | null;
  people: number | null;
  hours: string | null;
  registrations: number | null;
  change: 'CREATED' | 'STATUS_CHANGED' | null;
  status: InitiativeStatus | null;
  previousStatus: InitiativeStatus | null;
  description: string | null;
}

export interface ActivitySlice {
  /** False when the database holds no dataset: the items are missing, not none. */
  dataset: boolean;
  /** At most `first` items after the cursor, in the feed's order. */
  items: ActivityRecord[];
  /** Whether more than `first` items follow the cursor. */
  hasMore: boolean;
}

const EMPTY: ActivityRecord = {
  kind: 'EXPENSE', date: '', code: '', id: '', groupFiscalYear: 0, initiativeId: null, causeArea: null, contributionType: null,
  amount: null, people: null, hours: null, registrations: null, change: null, status: null, previousStatus: null, description: null,
};

/** Where a collection's items begin after the cursor, for this subsidiary and kind: a condition on (date, _id). */
function afterCursor(after: ActivitySortKey | null, code: string, kind: ActivityKind): { date: string; strictly: boolean; id: string | null } | null {
  if (!after) return null;
  const ahead = compareActivityKeys({ date: after.date, code, kind, id: '' }, { ...after, id: '' });
  if (ahead > 0) return { date: after.date, strictly: false, id: null }; // every item of the cursor's date sorts after it
  if (ahead < 0) return { date: after.date, strictly: true, id: null }; // none of the cursor's date does
  return { date: after.date, strictly: false, id: after.id };
}

function dateAfter<T>(after: ReturnType<typeof afterCursor>): Filter<T> {
  if (!after) return {};
  if (after.id === null) return { date: after.strictly ? { $gt: after.date } : { $gte: after.date } } as unknown as Filter<T>;
  return { $or: [{ date: { $gt: after.date } }, { date: after.date, _id: { $gt: after.id } }] } as unknown as Filter<T>;
}

const zoneFormats = new Map<string, Intl.DateTimeFormat>();

/** How far a time zone's wall clock is ahead of UTC at an instant, in milliseconds. */
function offsetAt(instant: number, timeZone: string): number {
  let format = zoneFormats.get(timeZone);
  if (!format) {
    format = new Intl.DateTimeFormat('en-US', { timeZone, hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit' });
    zoneFormats.set(timeZone, format);
  }
  const part = Object.fromEntries(format.formatToParts(new Date(instant)).map((entry) => [entry.type, Number(entry.value)]));
  const wall = Date.UTC(part.year!, part.month! - 1, part.day!, part.hour! % 24, part.minute!, part.second!);
  return wall - (instant - (((instant % 1000) + 1000) % 1000));
}

/** UTC instant at which a local date begins in a time zone. */
export function startOfLocalDay(date: string, timeZone: string): Date {
  const wall = Date.parse(`${date}T00:00:00Z`);
  const guess = wall - offsetAt(wall, timeZone);
  // across a change of offset (daylight saving), the offset at the guess is the one that holds
  return new Date(wall - offsetAt(guess, timeZone));
}

/** The conditions together, leaving out empty ones. */
function allOf<T>(...conditions: Filter<T>[]): Filter<T> {
  const kept = conditions.filter((condition) => Object.keys(condition).length > 0);
  return kept.length === 0 ? {} : kept.length === 1 ? kept[0]! : ({ $and: kept } as Filter<T>);
}

function nextDay(date: string): string {
  return new Date(Date.parse(`${date}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10);
}

const COLLECTION_OF: Record<ActivityKind, string> = {
  EXPENSE: REGIONAL_COLLECTIONS.expenses,
  INITIATIVE_EVENT: REGIONAL_COLLECTIONS.audit,
  VOLUNTEER_PARTICIPATION: REGIONAL_COLLECTIONS.participation,
  VOLUNTEER_REGISTRATION: REGIONAL_COLLECTIONS.registrations,
};

const isInitiativeEvent = (entry: StoredDocument) => entry.entity === 'Initiative' && (entry.before === null || ((entry.changedFields as string[] | undefined) ?? []).includes('status'));

/**
 * A subsidiary's activity after a sort key: expenses, volunteering (participation and
 * registrations) and initiative events (creations and status changes in the audit trail). The
 * write journal's committed entries, the dataset mark and the initiatives' cause areas are read
 * first, together; then each collection once, in (date, _id) order from the cursor's position, at
 * most first + 1 documents (plus one per change in flight on it). Writes committed but not applied
 * yet are laid over what was read, as the report figures count them, so the records of a report
 * line add up to its figure while writes are in flight too. A page costs 3 + one command per kind
 * asked, whatever its size (one more while a correction in flight moves a record not read).
 */
export class ActivityReader {
  private readonly initiatives: Collection<InitiativeDocument>;
  private readonly db: Db;

  constructor(
    db: Db,
    private readonly subsidiary: SubsidiaryConfig,
    private readonly dataset: DatasetStore,
    private readonly journal: Pick<WriteJournal, 'committed'>,
  ) {
    this.db = db;
    this.initiatives = db.collection<InitiativeDocument>(REGIONAL_COLLECTIONS.initiatives);
  }

  async page(query: ActivityQuery): Promise<ActivitySlice> {
    const [dataset, initiatives, entries] = await Promise.all([
      this.dataset.current(),
      query.kinds.length > 0 ? this.initiatives.find({}, { projection: { _id: 1, causeArea: 1 } }).toArray() : Promise.resolve([]),
      query.kinds.length > 0 ? this.journal.committed() : Promise.resolve([]),
    ]);
    if (!dataset) return { dataset: false, items: [], hasMore: false };
    const causeOf = new Map(initiatives.map((initiative) => [initiative._id, initiative.causeArea]));
    const members = query.causeArea ? initiatives.filter((initiative) => initiative.causeArea === query.causeArea).map((initiative) => initiative._id) : null;
    const pending = pendingChanges(entries);
    const reads = query.kinds.map(async (kind) => {
      const collection = COLLECTION_OF[kind];
      const stored = await this.read(kind, query, members, query.first + 1 + pendingCount(pending, collection));
      return (await withPendingRecords(this.db, collection, stored, pending)).filter((doc) => kind !== 'INITIATIVE_EVENT' || isInitiativeEvent(doc)).map((doc) => this.recordOf(kind, doc));
    });
    let items = (await Promise.all(reads)).flat();
    // initiatives created after their cause areas were read: read again, and dropped if not in the cause area
    const unknown = [...new Set(items.flatMap((item) => (item.initiativeId && !causeOf.has(item.initiativeId) ? [item.initiativeId] : [])))];
    if (unknown.length > 0) for (const found of await this.initiatives.find({ _id: { $in: unknown } }, { projection: { causeArea: 1 } }).toArray()) causeOf.set(found._id, found.causeArea);
    const { span, after } = query;
    items = items
      .map((item) => ({ ...item, causeArea: item.initiativeId ? (causeOf.get(item.initiativeId) ?? null) : null }))
      // what MongoDB selected, checked again over the records laid over it
      .filter(
        (item) =>
          (!query.causeArea || item.causeArea === query.causeArea) &&
          (!query.contributionType || item.contributionType === query.contributionType) &&
          (!span || (item.groupFiscalYear >= span.from && item.groupFiscalYear <= span.to)) &&
          (!after || compareActivityKeys(item, after) > 0),
      )
      .sort(compareActivityKeys);
    return { dataset: true, items: items.slice(0, query.first), hasMore: items.length > query.first };
  }

  private read(kind: ActivityKind, query: ActivityQuery, members: string[] | null, limit: number): Promise<StoredDocument[]> {
    const after = afterCursor(query.after, this.subsidiary.code, kind);
    const years = query.span ? { groupFiscalYear: { $gte: query.span.from, $lte: query.span.to } } : {};
    const initiative = members ? { initiativeId: { $in: members } } : {};
    const collection = this.db.collection<StoredDocument>(COLLECTION_OF[kind]);
    // the whole page in the first batch: one round trip, whatever its size
    const sorted = { sort: { date: 1, _id: 1 } as const, limit, batchSize: limit };
    switch (kind) {
      case 'EXPENSE': {
        const type = query.contributionType ? { contributionType: query.contributionType } : {};
        return collection.find(allOf<StoredDocument>({ ...years, ...initiative, ...type } as Filter<StoredDocument>, dateAfter(after)), sorted).toArray();
      }
      case 'VOLUNTEER_PARTICIPATION':
        return collection.find(allOf<StoredDocument>({ ...years, ...initiative } as Filter<StoredDocument>, dateAfter(after)), sorted).toArray();
      case 'VOLUNTEER_REGISTRATION':
        return collection.find(allOf<StoredDocument>(years as Filter<StoredDocument>, dateAfter(after)), sorted).toArray();
      case 'INITIATIVE_EVENT':
        return this.events(collection, query, members, after, limit);
    }
  }

  private recordOf(kind: ActivityKind, doc: StoredDocument): ActivityRecord {
    const base = { ...EMPTY, code: this.subsidiary.code, kind, id: doc._id };
    switch (kind) {
      case 'EXPENSE': {
        const expense = doc as unknown as ExpenseDocument;
        return {
          ...base, date: expense.date, groupFiscalYear: expense.groupFiscalYear, initiativeId: expense.initiativeId, contributionType: expense.contributionType,
          amount: fromDecimal128(expense.amount).toString(), description: expense.description,
        };
      }
      case 'VOLUNTEER_PARTICIPATION': {
        const record = doc as unknown as VolunteerParticipationDocument;
        return { ...base, date: record.date, groupFiscalYear: record.groupFiscalYear, initiativeId: record.initiativeId, people: record.people, hours: fromDecimal128(record.hours).toString(), description: record.note };
      }
      case 'VOLUNTEER_REGISTRATION': {
        const record = doc as unknown as VolunteerRegistrationDocument;
        return { ...base, date: record.date, groupFiscalYear: record.groupFiscalYear, registrations: record.count, description: record.note };
      }
      case 'INITIATIVE_EVENT': {
        const entry = doc as unknown as AuditEntryDocument;
        const date = todayIn(this.subsidiary.timeZone, new Date(entry.at));
        return {
          ...base,
          date,
          groupFiscalYear: fiscalYearOf(date, GROUP_FISCAL_CALENDAR),
          initiativeId: entry.entityId,
          change: entry.before === null ? 'CREATED' : 'STATUS_CHANGED',
          status: (entry.after?.status ?? null) as InitiativeStatus | null,
          previousStatus: (entry.before?.status ?? null) as InitiativeStatus | null,
          description: entry.action,
        };
      }
    }
  }

  /**
   * Creations and status changes of initiatives, from the audit trail. Its ids grow with every
   * write, so within a local day id order is write order; the day of an entry is that of its
   * time in the subsidiary's time zone, so the (date, id) order is read as `at` ranges in id order.
   */
  private events(audit: Collection<StoredDocument>, query: ActivityQuery, members: string[] | null, after: ReturnType<typeof afterCursor>, limit: number): Promise<StoredDocument[]> {
    const zone = this.subsidiary.timeZone;
    const conditions: Filter<StoredDocument>[] = [{ entity: 'Initiative', $or: [{ before: null }, { changedFields: 'status' }] }];
    if (members) conditions.push({ entityId: { $in: members } });
    if (query.span) {
      const first = fiscalYearRange(query.span.from, GROUP_FISCAL_CALENDAR).start;
      const last = fiscalYearRange(query.span.to, GROUP_FISCAL_CALENDAR).end;
      conditions.push({ at: { $gte: startOfLocalDay(first, zone), $lt: startOfLocalDay(nextDay(last), zone) } });
    }
    if (after) {
      const dayStart = startOfLocalDay(after.date, zone);
      const nextStart = startOfLocalDay(nextDay(after.date), zone);
      if (after.id === null) conditions.push({ at: after.strictly ? { $gte: nextStart } : { $gte: dayStart } });
      else conditions.push({ $or: [{ at: { $gte: nextStart } }, { at: { $gte: dayStart, $lt: nextStart }, _id: { $gt: after.id } }] });
    }
    return audit.find(allOf<StoredDocument>(...conditions), { sort: { _id: 1 }, limit, batchSize: limit, projection: { _id: 1, at: 1, entity: 1, entityId: 1, action: 1, before: 1, after: 1, changedFields: 1 } }).toArray();
  }
}
