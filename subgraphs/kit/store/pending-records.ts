import type { Db } from 'mongodb';
import { REGIONAL_COLLECTIONS, type JournalEntryDocument } from '../documents';
import type { StagingDocument } from './staging';

export type StoredDocument = { _id: string } & Record<string, unknown>;

/** What committed journal entries change and have not applied yet, by collection and record (store/journal.ts). */
export interface PendingChanges {
  inserts: Map<string, Map<string, StoredDocument>>;
  updates: Map<string, Map<string, { op: string; set: Record<string, unknown> }>>;
  deletes: Map<string, Map<string, string>>;
}

export function pendingChanges(entries: readonly JournalEntryDocument[]): PendingChanges {
  const pending: PendingChanges = { inserts: new Map(), updates: new Map(), deletes: new Map() };
  const of = <V>(map: Map<string, Map<string, V>>, collection: string) => {
    let inner = map.get(collection);
    if (!inner) map.set(collection, (inner = new Map()));
    return inner;
  };
  for (const entry of entries) {
    for (const change of entry.changes) {
      if (change.kind === 'insert') of(pending.inserts, change.collection).set(change.document._id, change.document);
      else if (change.kind === 'update') of(pending.updates, change.collection).set(change.id, { op: entry._id, set: change.set });
      else if (change.kind === 'delete') of(pending.deletes, change.collection).set(change.id, entry._id);
    }
    // the audit entry is inserted with the write's changes
    if (entry.audit) of(pending.inserts, REGIONAL_COLLECTIONS.audit).set(entry.audit._id, entry.audit as unknown as StoredDocument);
  }
  return pending;
}

/** Records of a collection that changes in flight may add to, take from or move within a read: read that many more. */
export function pendingCount(pending: PendingChanges, collection: string): number {
  return (pending.inserts.get(collection)?.size ?? 0) + movedCount(pending, collection);
}

/**
 * Records of a collection that changes in flight may take from a read or move out of it: a read of
 * first + 1 + this many still holds first + 1 records once they are laid over (inserts only add).
 */
export function movedCount(pending: PendingChanges, collection: string): number {
  return (pending.updates.get(collection)?.size ?? 0) + (pending.deletes.get(collection)?.size ?? 0);
}

/**
 * The records read, with the changes of committed entries not applied yet: a record still held
 * by its entry (`pendingOp`) takes the entry's update or deletion, an inserted one not read is
 * added (if it was stored but beyond the read's limit, it sorts after the page and is cut off). A
 * record an update in flight may bring into the page without its having been read is read by id
 * (one more round trip, only while such an update is in flight). The caller filters and sorts
 * the result again: what MongoDB selected no longer holds for the records laid over it.
 */
export async function withPendingRecords(db: Db, collection: string, stored: readonly StoredDocument[], pending: PendingChanges): Promise<StoredDocument[]> {
  const byId = new Map(stored.map((doc) => [doc._id, doc]));
  const updates = pending.updates.get(collection) ?? new Map<string, { op: string; set: Record<string, unknown> }>();
  const unread = [...updates.keys()].filter((id) => !byId.has(id));
  if (unread.length > 0) {
    const found = await db.collection<StoredDocument>(collection).find({ _id: { $in: unread } }).toArray();
    for (const doc of found) if (doc.pendingOp === updates.get(doc._id)!.op) byId.set(doc._id, doc);
  }
  for (const [id, { op, set }] of updates) {
    const doc = byId.get(id);
    if (doc && doc.pendingOp === op) byId.set(id, { ...doc, ...set });
  }
  for (const [id, op] of pending.deletes.get(collection) ?? []) if (byId.get(id)?.pendingOp === op) byId.delete(id);
  for (const [id, doc] of pending.inserts.get(collection) ?? []) if (!byId.has(id)) byId.set(id, doc);
  return [...byId.values()];
}

/**
 * The records staged by committed writes (a bulk import's, store/staging.ts) and not inserted yet,
 * added to `pending` as inserts of their collections: the journal names only the stage, so its
 * records are read from the staging documents, in one more round trip, only while such a write is
 * in flight. Read after the journal and before the records: a stage applied meanwhile has its
 * records inserted before it is dropped, so each record is found in the one or the other (or both,
 * once).
 */
export async function withStagedInserts(db: Db, entries: readonly JournalEntryDocument[], pending: PendingChanges): Promise<PendingChanges> {
  const stageIds = entries.flatMap((entry) => entry.changes.flatMap((change) => (change.kind === 'staged' ? [change.stageId] : [])));
  if (stageIds.length === 0) return pending;
  const parts = await db.collection<StagingDocument>(REGIONAL_COLLECTIONS.importStaging).find({ stageId: { $in: stageIds } }).toArray();
  for (const part of parts) {
    for (const records of part.records) {
      let inserts = pending.inserts.get(records.collection);
      if (!inserts) pending.inserts.set(records.collection, (inserts = new Map()));
      for (const document of records.documents) inserts.set(document._id, document);
    }
  }
  return pending;
}
