import { MongoServerError, type ClientSession, type Collection, type Db, type OptionalUnlessRequiredId } from 'mongodb';
import { REGIONAL_COLLECTIONS, type CounterDocument } from '../documents';

export const ID_FORMATS = {
  initiative: { letter: 'I', width: 4 },
  expense: { letter: 'X', width: 6 },
  registration: { letter: 'R', width: 6 },
  participation: { letter: 'P', width: 6 },
  adjustment: { letter: 'J', width: 6 },
  audit: { letter: 'A', width: 10 },
} as const;
export type IdKind = keyof typeof ID_FORMATS;

export function formatId(code: string, kind: IdKind, seq: number): string {
  const { letter, width } = ID_FORMATS[kind];
  return `${code}-${letter}${String(seq).padStart(width, '0')}`;
}

/** The counter increments of this process, one at a time per counter (see nextId). */
const turns = new Map<string, Promise<unknown>>();

/**
 * Next id of a kind, from an atomic counter: "IN-X000042". Two first-ever upserts of a counter can
 * race; the loser gets a duplicate-key error and simply increments the counter the winner created.
 * A process asks each counter one call at a time: MongoDB returns every caller its own value, but
 * the test server (mongo-java-server) hands concurrent findAndModify calls the same post-image
 * (measured: 494 distinct values for 500 concurrent calls), which would give two records one id.
 */
export function nextId(db: Db, code: string, kind: IdKind, session?: ClientSession): Promise<string> {
  const counter = `${db.databaseName}|${kind}`;
  const turn = (turns.get(counter) ?? Promise.resolve()).catch(() => undefined).then(() => incrementCounter(db, code, kind, session));
  turns.set(counter, turn);
  void turn.finally(() => {
    if (turns.get(counter) === turn) turns.delete(counter);
  }).catch(() => undefined);
  return turn;
}

async function incrementCounter(db: Db, code: string, kind: IdKind, session?: ClientSession): Promise<string> {
  const counters = db.collection<CounterDocument>(REGIONAL_COLLECTIONS.counters);
  const increment = () => counters.findOneAndUpdate({ _id: kind }, { $inc: { seq: 1 } }, { upsert: true, returnDocument: 'after', ...(session ? { session } : {}) });
  let counter: CounterDocument | null;
  try {
    counter = await increment();
  } catch (error) {
    if (!isDuplicateKey(error)) throw error;
    counter = await increment();
  }
  if (!counter) throw new Error(`Counter ${kind} was not returned`);
  return formatId(code, kind, counter.seq);
}

/**
 * `count` consecutive ids of a kind in one counter increment (a bulk import's records), in the
 * same turn as nextId's calls of this process.
 */
export function nextIds(db: Db, code: string, kind: IdKind, count: number): Promise<string[]> {
  const counter = `${db.databaseName}|${kind}`;
  const turn = (turns.get(counter) ?? Promise.resolve()).catch(() => undefined).then(async () => {
    const counters = db.collection<CounterDocument>(REGIONAL_COLLECTIONS.counters);
    const increment = () => counters.findOneAndUpdate({ _id: kind }, { $inc: { seq: count } }, { upsert: true, returnDocument: 'after' });
    let after: CounterDocument | null;
    try {
      after = await increment();
    } catch (error) {
      if (!isDuplicateKey(error)) throw error;
      after = await increment();
    }
    if (!after) throw new Error(`Counter ${kind} was not returned`);
    const first = after.seq - count + 1;
    return Array.from({ length: count }, (_, index) => formatId(code, kind, first + index));
  });
  turns.set(counter, turn);
  void turn.finally(() => {
    if (turns.get(counter) === turn) turns.delete(counter);
  }).catch(() => undefined);
  return turn;
}

const FRESH_ID_ATTEMPTS = 5;

export function isDuplicateKey(error: unknown): boolean {
  return error instanceof MongoServerError && error.code === 11000;
}

/**
 * Inserts a document under the next id of its kind. An id already taken (a counter behind the
 * stored data, e.g. after a restore) is skipped, never overwritten and never mistaken for this write.
 */
export async function insertWithNextId<T extends { _id: string }>(
  db: Db,
  code: string,
  kind: IdKind,
  collection: Collection<T>,
  build: (id: string) => T,
): Promise<T> {
  for (let attempt = 0; attempt < FRESH_ID_ATTEMPTS; attempt += 1) {
    const document = build(await nextId(db, code, kind));
    try {
      await collection.insertOne(document as OptionalUnlessRequiredId<T>);
      return document;
    } catch (error) {
      if (!isDuplicateKey(error)) throw error;
    }
  }
  throw new Error(`No free ${kind} id after ${FRESH_ID_ATTEMPTS} attempts: the ${kind} counter is behind the stored ids`);
}

/**
 * The next id of a kind that no stored record has (a counter behind the stored data, e.g. after a
 * restore, skips the taken ones). Journalled inserts take their id from here before they commit.
 */
export async function freeId(db: Db, code: string, kind: IdKind, collection: string, session?: ClientSession): Promise<string> {
  for (let attempt = 0; attempt < FRESH_ID_ATTEMPTS; attempt += 1) {
    const id = await nextId(db, code, kind, session);
    if (!(await db.collection(collection).findOne({ _id: id as never }, { projection: { _id: 1 }, ...(session ? { session } : {}) }))) return id;
  }
  throw new Error(`No free ${kind} id after ${FRESH_ID_ATTEMPTS} attempts: the ${kind} counter is behind the stored ids`);
}
