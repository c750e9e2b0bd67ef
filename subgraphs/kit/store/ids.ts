import { MongoServerError, type Collection, type Db, type OptionalUnlessRequiredId } from 'mongodb';
import { REGIONAL_COLLECTIONS, type CounterDocument } from '../documents';

export const ID_FORMATS = {
  initiative: { letter: 'I', width: 4 },
  expense: { letter: 'X', width: 6 },
  registration: { letter: 'R', width: 6 },
  participation: { letter: 'P', width: 6 },
  audit: { letter: 'A', width: 10 },
} as const;
export type IdKind = keyof typeof ID_FORMATS;

export function formatId(code: string, kind: IdKind, seq: number): string {
  const { letter, width } = ID_FORMATS[kind];
  return `${code}-${letter}${String(seq).padStart(width, '0')}`;
}

/**
 * Next id of a kind, from an atomic counter: "IN-X000042". Two first-ever upserts of a counter can
 * race; the loser gets a duplicate-key error and simply increments the counter the winner created.
 */
export async function nextId(db: Db, code: string, kind: IdKind): Promise<string> {
  const counters = db.collection<CounterDocument>(REGIONAL_COLLECTIONS.counters);
  const increment = () => counters.findOneAndUpdate({ _id: kind }, { $inc: { seq: 1 } }, { upsert: true, returnDocument: 'after' });
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
