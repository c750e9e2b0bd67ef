import type { ClientSession, Collection, Db, Document } from 'mongodb';
import { MongoBulkWriteError } from 'mongodb';
import { REGIONAL_COLLECTIONS } from '../documents';

/** Records of one collection staged for a journalled write; `marked` records carry the journal's `lastOp`. */
export interface StagedRecords {
  collection: string;
  marked: boolean;
  documents: ({ _id: string } & Record<string, unknown>)[];
}

/**
 * A part of a write's records written before it commits (a bulk import, store/imports.ts): the
 * commit's journal entry names only the stage, so a write of any number of records commits in one
 * single-document update, within MongoDB's 16 MB document limit. Nobody reads staged records but
 * the journal's apply step; a stage no committed entry names is thrown away (`sweepStages`).
 */
export interface StagingDocument {
  _id: string; // "<stageId>#<index>"
  stageId: string;
  index: number;
  records: StagedRecords[];
  createdAt: Date;
}

const opts = (session: ClientSession | undefined) => (session ? { session } : {});

function staging(db: Db): Collection<StagingDocument> {
  return db.collection<StagingDocument>(REGIONAL_COLLECTIONS.importStaging);
}

/** Stages this process wrote and has not applied yet: its own apply step need not read them back. */
const written = new Map<string, StagingDocument[]>();

export async function stage(db: Db, stageId: string, parts: readonly StagedRecords[][]): Promise<void> {
  const createdAt = new Date();
  // one document per part, each well under 16 MB (the caller sizes them)
  const documents = parts.map((records, index) => ({ _id: `${stageId}#${index}`, stageId, index, records, createdAt }));
  for (const document of documents) await staging(db).insertOne(document);
  written.set(stageId, documents);
  // a stage its write never committed is not applied by this process: forgotten here with the write's lease
  setTimeout(() => written.delete(stageId), 10 * 60_000).unref();
}

/**
 * The stored documents among `ids` (with their lastOp), read as one _id range and filtered: a bulk
 * write's ids are consecutive, and a range is one index scan where 10,000 ids in $in are not (on
 * the test server, which scans every document for each).
 */
export async function existingAmong(collection: Collection<Document & { _id: string }>, ids: readonly string[], session?: ClientSession): Promise<(Document & { _id: string })[]> {
  if (ids.length === 0) return [];
  const sorted = [...ids].sort();
  const wanted = new Set(ids);
  const inRange = await collection.find({ _id: { $gte: sorted[0]!, $lte: sorted.at(-1)! } }, { projection: { lastOp: 1 }, ...opts(session) }).toArray();
  return inRange.filter((document) => wanted.has(document._id));
}

function isDuplicateKeyOnly(error: unknown): boolean {
  if (!(error instanceof MongoBulkWriteError)) return false;
  const errors = Array.isArray(error.writeErrors) ? error.writeErrors : [error.writeErrors];
  return errors.length > 0 && errors.every((writeError) => writeError.code === 11000);
}

/**
 * Inserts records of operation `op` that are not there yet, in one insertMany; may run again
 * (after a crash, or by two processes at once) without effect. `marked` records carry the
 * journal's `lastOp`: when one's id is taken by a record of another operation, `conflict` is thrown
 * if nothing of `op` is there yet (the journal withdraws the write and plans it again), an error otherwise.
 */
export async function insertOnce(
  db: Db,
  op: string,
  records: StagedRecords,
  session: ClientSession | undefined,
  conflict: (message: string) => Error,
): Promise<void> {
  const collection = db.collection<Document & { _id: string }>(records.collection);
  const ids = records.documents.map((document) => document._id);
  const found = await existingAmong(collection, ids, session);
  const taken = records.marked ? found.filter((document) => document.lastOp !== op) : [];
  if (taken.length > 0) {
    const message = `Journal operation ${op}: ${records.collection} ${taken[0]!._id} is taken by another record`;
    throw found.some((document) => document.lastOp === op) ? new Error(message) : conflict(message);
  }
  const there = new Set(found.map((document) => document._id));
  const missing = records.documents.filter((document) => !there.has(document._id)).map((document) => (records.marked ? { ...document, lastOp: op } : document));
  if (missing.length === 0) return;
  try {
    await collection.insertMany(missing, { ordered: false, ...opts(session) });
  } catch (error) {
    if (session || !isDuplicateKeyOnly(error)) throw error;
    // another process applying the same operation meanwhile: each record is there now, and must be its
    if (records.marked && (await existingAmong(collection, ids)).filter((document) => document.lastOp === op).length !== ids.length) throw new Error(`Journal operation ${op}: some ${records.collection} ids are taken by other records`);
  }
}

/**
 * Inserts the stage's records for operation `op` (insertOnce, per collection), then drops the
 * stage; a stage already dropped was inserted in full. The collections are independent: they are
 * inserted together, one after the other inside a transaction.
 */
export async function applyStage(db: Db, op: string, stageId: string, session: ClientSession | undefined, conflict: (message: string) => Error): Promise<void> {
  // the stage is read and dropped outside a transaction: it was written before the transaction's snapshot
  const parts = written.get(stageId) ?? (await staging(db).find({ stageId }).sort({ index: 1 }).toArray());
  if (parts.length === 0) return;
  const byCollection = new Map<string, StagedRecords>();
  for (const part of parts) {
    for (const records of part.records) {
      const into = byCollection.get(records.collection) ?? { collection: records.collection, marked: records.marked, documents: [] };
      into.documents.push(...records.documents);
      byCollection.set(records.collection, into);
    }
  }
  const inserts = [...byCollection.values()].map((records) => () => insertOnce(db, op, records, session, conflict));
  if (session) for (const insert of inserts) await insert();
  else await Promise.all(inserts.map((insert) => insert()));
  await staging(db).deleteMany({ stageId });
  written.delete(stageId);
}

/** Drops stages older than `olderThanMs` that no journal entry names (their write was abandoned before it committed). */
export async function sweepStages(db: Db, olderThanMs: number): Promise<number> {
  const old = await staging(db).find({ createdAt: { $lt: new Date(Date.now() - olderThanMs) } }, { projection: { stageId: 1 } }).toArray();
  const stageIds = [...new Set(old.map((part) => part.stageId))];
  if (stageIds.length === 0) return 0;
  const named = await db.collection(REGIONAL_COLLECTIONS.journal).find({ 'changes.stageId': { $in: stageIds } }, { projection: { 'changes.stageId': 1 } }).toArray();
  const alive = new Set(named.flatMap((entry) => (entry.changes as { stageId?: string }[]).map((change) => change.stageId)));
  const dead = stageIds.filter((id) => !alive.has(id));
  if (dead.length > 0) await staging(db).deleteMany({ stageId: { $in: dead } });
  return dead.length;
}
