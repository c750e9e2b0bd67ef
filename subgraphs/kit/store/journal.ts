import { createHash, randomUUID } from 'node:crypto';
import type { ClientSession, Collection, Db, Document, MongoClient } from 'mongodb';
import { raise } from '../../common/errors';
import { inTransaction } from '../../common/transactions';
import {
  REGIONAL_COLLECTIONS,
  type AuditEntryDocument,
  type IdempotencyKeyDocument,
  type JournalChange,
  type JournalDelta,
  type JournalEntryDocument,
  type JournalMarks,
} from '../documents';
import { isDuplicateKey, nextId } from './ids';
import type { RollupStore } from './rollups';
import { applyStage, insertOnce, sweepStages } from './staging';

/** Stable fingerprint of a write request, to tell a retry from a different request reusing a key. */
export function requestHash(request: unknown): string {
  return createHash('sha256').update(JSON.stringify(request)).digest('hex');
}

/** What a write decides to do, once it holds its record. */
export interface WritePlan {
  changes: JournalChange[];
  deltas: JournalDelta[];
  /** The audit entry (its id is given by the journal); null when nothing changes. */
  audit: Omit<AuditEntryDocument, '_id'> | null;
  /** What the mutation answers with. */
  result: Record<string, unknown>;
}

export interface JournalledWrite {
  /** The mutation without the subsidiary's prefix: "RecordExpense". */
  action: string;
  idempotencyKey: string | null;
  /** The request as the client sent it, without the key. */
  request: unknown;
  /** The record the write changes: nobody else writes it until this write is decided and applied. */
  lock?: { collection: string; id: string; missing: () => never };
  /** Decides the write from the record it holds (null without a lock). Throwing abandons the write, changing nothing. */
  plan: (held: (Document & JournalMarks) | null) => Promise<WritePlan>;
}

export interface JournalSettings {
  /** How long a writer is presumed alive; after that any process may finish or abandon its write. */
  leaseMs: number;
  /** How long a write waits for a record another write holds before answering RECORD_BUSY. */
  lockWaitMs: number;
}

export const DEFAULT_JOURNAL_SETTINGS: JournalSettings = { leaseMs: 10_000, lockWaitMs: 2_000 };

/** What recovery did: writes finished or abandoned, and those it could not handle (left for the next sweep). */
export interface Recovery {
  handled: number;
  failed: { id: string; error: unknown }[];
}

/** A committed insert found its id taken by a record the journal did not write: nothing of it was applied. */
class InsertConflict extends Error {}

const POLL_MS = 15;
const ATTEMPTS = 20;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Every regional write goes through this journal, so that no crash at any point leaves a report
 * cell different from the records and a retried write is applied once.
 *
 * A write (1) takes its idempotency key by inserting a *prepared* entry (the key is unique among
 * entries), (2) holds the record it changes (`pendingOp` on it), (3) decides its document changes,
 * report-cell deltas and audit entry, and *commits* them into the entry in one single-document
 * update, (4) applies them, each step idempotent (`lastOp` on records, the operation's id in the
 * cells it was added to, the audit entry's id fixed in the entry, the key's answer inserted once),
 * and (5) deletes the entry. A crash before the commit leaves a prepared entry that recovery
 * abandons (nothing was changed); after it, recovery finishes the write. Reports add the deltas of
 * committed entries to the cells that do not hold them yet (store/figures.ts), so a figure is exact
 * at every instant, not only once the journal is drained.
 *
 * On a replica set the same steps run inside one transaction, so no entry is ever seen half-way.
 * Recovery runs at start-up and every few seconds (`sweep`) for entries whose lease ran out.
 */
export class WriteJournal {
  private readonly entries: Collection<JournalEntryDocument>;
  private readonly keys: Collection<IdempotencyKeyDocument>;
  private readonly audit: Collection<AuditEntryDocument>;
  /** Finished operations still named in cells, with when this process first saw them finished. */
  private readonly finishedSince = new Map<string, number>();

  constructor(
    private readonly db: Db,
    private readonly code: string,
    private readonly rollups: RollupStore,
    readonly settings: JournalSettings = DEFAULT_JOURNAL_SETTINGS,
  ) {
    this.entries = db.collection<JournalEntryDocument>(REGIONAL_COLLECTIONS.journal);
    this.keys = db.collection<IdempotencyKeyDocument>(REGIONAL_COLLECTIONS.idempotencyKeys);
    this.audit = db.collection<AuditEntryDocument>(REGIONAL_COLLECTIONS.audit);
  }

  /** Runs one write and answers its result; a write repeated with its key answers what the first one did. */
  async run(write: JournalledWrite): Promise<Record<string, unknown>> {
    return inTransaction(this.db.client as MongoClient, (session) => this.runSteps(write, session));
  }

  /** The answer of an earlier write made with this key, or null; a key used for another request is refused. */
  async replay(action: string, key: string, request: unknown, session?: ClientSession): Promise<Record<string, unknown> | null> {
    const stored = await this.keys.findOne({ _id: key }, opts(session));
    if (!stored) return null;
    if (stored.action === undefined && stored.expenseId !== undefined) {
      // kept by an earlier version, which reserved an expense id per key
      const expense = action === 'RecordExpense' && stored.requestHash === requestHash(request)
        ? await this.db.collection(REGIONAL_COLLECTIONS.expenses).findOne({ _id: stored.expenseId as never }, opts(session))
        : null;
      if (expense) return expense;
      if (action === 'RecordExpense' && stored.requestHash === requestHash(request)) {
        await this.keys.deleteOne({ _id: key, action: { $exists: false } }, opts(session));
        return null;
      }
    }
    if (stored.action !== action || stored.requestHash !== requestHash(request)) {
      raise('IDEMPOTENCY_KEY_REUSED', `idempotencyKey "${key}" was already used for a different request (${stored.action ?? 'RecordExpense'}); use a new key for a new write`, {
        idempotencyKey: key,
      });
    }
    return stored.result ?? null;
  }

  /** Entries whose changes are decided but maybe not yet all applied: reports count their deltas. */
  async committed(): Promise<JournalEntryDocument[]> {
    return this.entries.find({ state: 'committed' }).toArray();
  }

  /** The ids of the entries in flight now (a fiscal-year lock waits for them: kit/closes.ts). */
  async inFlight(): Promise<string[]> {
    return (await this.entries.find({}, { projection: { _id: 1 } }).toArray()).map((entry) => entry._id);
  }

  /**
   * Waits until none of these entries is left (each finished, or abandoned), finishing those whose
   * lease ran out on the way; false when some remain after `timeoutMs`.
   */
  async awaitGone(ids: readonly string[], timeoutMs: number): Promise<boolean> {
    const deadline = Date.now() + timeoutMs;
    let left = [...ids];
    while (left.length > 0) {
      const remaining = await this.entries.find({ _id: { $in: left } }).toArray();
      if (remaining.length === 0) return true;
      if (Date.now() > deadline) return false;
      for (const entry of remaining) if (entry.leaseUntil.getTime() < Date.now()) await this.takeOver(entry).catch(() => undefined);
      left = remaining.map((entry) => entry._id);
      await sleep(POLL_MS);
    }
    return true;
  }

  /** Entries in flight (tests and `npm run rollups -- verify` wait for none). */
  async size(): Promise<number> {
    return this.entries.countDocuments();
  }

  /**
   * Finishes committed writes and abandons prepared ones whose lease ran out (all of them with
   * `everyLease`, for a process that knows no other writer is alive, e.g. an offline repair).
   */
  async recover(everyLease = false): Promise<Recovery> {
    const stale = await this.entries.find(everyLease ? {} : { leaseUntil: { $lt: new Date() } }).toArray();
    const recovery: Recovery = { handled: 0, failed: [] };
    for (const entry of stale) {
      try {
        await this.takeOver(entry);
        recovery.handled += 1;
      } catch (error) {
        recovery.failed.push({ id: entry._id, error });
      }
    }
    return recovery;
  }

  /** Periodic upkeep: recovery, and forgetting finished operations in the cells once no late applier can remain. */
  async sweep(): Promise<Recovery> {
    const recovery = await this.recover();
    const named = await this.rollups.remembered();
    const alive = new Set((await this.entries.find({ _id: { $in: named } }, { projection: { _id: 1 } }).toArray()).map((entry) => entry._id));
    const now = Date.now();
    const forget: string[] = [];
    for (const op of named) {
      if (alive.has(op)) continue;
      const since = this.finishedSince.get(op) ?? now;
      this.finishedSince.set(op, since);
      if (now - since > this.settings.leaseMs) forget.push(op);
    }
    for (const op of this.finishedSince.keys()) if (!named.includes(op)) this.finishedSince.delete(op);
    await this.rollups.forget(forget);
    for (const op of forget) this.finishedSince.delete(op);
    // records staged by writes abandoned before they committed (a bulk import's: store/staging.ts)
    await sweepStages(this.db, 3 * this.settings.leaseMs);
    return recovery;
  }

  private async runSteps(write: JournalledWrite, session: ClientSession | undefined): Promise<Record<string, unknown>> {
    const clientKey = write.idempotencyKey !== null;
    // callers answer replays before validating (kit/mutations.ts); the journal checks again once it holds the key
    for (let attempt = 0; attempt < ATTEMPTS; attempt += 1) {
      const id = randomUUID();
      const entry: JournalEntryDocument = {
        _id: id,
        key: write.idempotencyKey ?? `op:${id}`,
        clientKey,
        action: write.action,
        requestHash: requestHash(write.request),
        state: 'prepared',
        leaseUntil: this.leaseFromNow(),
        lock: write.lock ? { collection: write.lock.collection, id: write.lock.id } : null,
        changes: [],
        deltas: [],
        audit: null,
        result: null,
        createdAt: new Date(),
      };
      // every write is prepared before it is planned, also one that takes no key and holds no
      // record: its plan reads which fiscal years are closed, and a lock applied meanwhile must
      // find the entry and wait for it (kit/closes.ts `drain`) instead of missing a write it let in
      if (!(await this.claim(entry, session))) continue; // another write with this key finished or gave up: look again
      let planned: [WritePlan, string];
      try {
        if (clientKey) {
          const replayed = await this.replay(write.action, entry.key, write.request, session);
          if (replayed) {
            await this.abandon(entry, session);
            return replayed;
          }
        }
        const held = write.lock ? await this.hold(entry, write.lock, session) : null;
        planned = await this.planned(write, held, session);
      } catch (error) {
        await this.abandon(entry, session).catch(() => undefined);
        throw error;
      }
      const answer = await this.decideAndApply(entry, ...planned, session);
      if (answer) return answer;
    }
    const keyed = clientKey ? ` with idempotencyKey "${write.idempotencyKey}"` : '';
    return raise('RECORD_BUSY', `Other writes kept this ${write.action}${keyed} from being decided; retry it in a moment${clientKey ? ' with the same key' : ''}`, {
      idempotencyKey: write.idempotencyKey,
    });
  }

  /** The write's plan, and the id its audit entry will have (asked for meanwhile; unused when nothing changes). */
  private async planned(write: JournalledWrite, held: (Document & JournalMarks) | null, session: ClientSession | undefined): Promise<[WritePlan, string]> {
    if (session) return [await write.plan(held), await nextId(this.db, this.code, 'audit', session)];
    return Promise.all([write.plan(held), nextId(this.db, this.code, 'audit')]);
  }

  /** Inserts a prepared entry; false when another entry holds the key (after waiting for it to finish). */
  private async claim(entry: JournalEntryDocument, session: ClientSession | undefined): Promise<boolean> {
    try {
      await this.entries.insertOne(entry, opts(session));
      return true;
    } catch (error) {
      if (!isDuplicateKey(error) || session) throw error;
    }
    const deadline = Date.now() + this.settings.leaseMs + this.settings.lockWaitMs;
    while (Date.now() < deadline) {
      const other = await this.entries.findOne({ key: entry.key });
      if (!other) return false;
      if (other.requestHash !== entry.requestHash || other.action !== entry.action) {
        raise('IDEMPOTENCY_KEY_REUSED', `idempotencyKey "${entry.key}" is being used by a different request (${other.action}) right now; use a new key for a new write`, {
          idempotencyKey: entry.key,
        });
      }
      if (other.leaseUntil.getTime() < Date.now()) await this.takeOver(other);
      else await sleep(POLL_MS);
    }
    return false;
  }

  /** Holds the write's record (`pendingOp`), waiting for another write that holds it, and returns it as held. */
  private async hold(entry: JournalEntryDocument, lock: NonNullable<JournalledWrite['lock']>, session: ClientSession | undefined): Promise<Document & JournalMarks> {
    const records = this.db.collection<Document & JournalMarks & { _id: string }>(lock.collection);
    const deadline = Date.now() + this.settings.lockWaitMs;
    for (;;) {
      const held = await records.findOneAndUpdate({ _id: lock.id, pendingOp: { $exists: false } }, { $set: { pendingOp: entry._id } }, { ...opts(session), returnDocument: 'after' });
      if (held) return held;
      const current = await records.findOne({ _id: lock.id }, opts(session));
      if (!current) return lock.missing();
      const holder = current.pendingOp;
      if (holder === undefined) continue; // let go meanwhile: take it now
      if (holder === entry._id) return current;
      const other = await this.entries.findOne({ _id: holder }, opts(session));
      if (!other) {
        // held by a write that no longer exists (abandoned before it let go): free it
        await records.updateOne({ _id: lock.id, pendingOp: holder }, { $unset: { pendingOp: '' } }, opts(session));
      } else if (other.leaseUntil.getTime() < Date.now()) {
        await this.takeOver(other);
      } else if (Date.now() > deadline) {
        raise('RECORD_BUSY', `${lock.id} is being changed by another write right now; retry in a moment (with the same idempotencyKey)`, { id: lock.id });
      } else {
        await sleep(POLL_MS);
      }
    }
  }

  /**
   * Commits the plan into the entry (the point after which the write happens whatever crashes),
   * then applies it. Null when the write must be planned again (its new id was taken meanwhile).
   */
  private async decideAndApply(entry: JournalEntryDocument, plan: WritePlan, auditId: string, session: ClientSession | undefined): Promise<Record<string, unknown> | null> {
    if (plan.changes.length === 0 && plan.deltas.length === 0) {
      // nothing to change (an archive of an archived record): answer, keep the key's answer, let go
      if (entry.clientKey) await this.keepAnswer(entry, plan.result, session);
      await this.abandon(entry, session);
      return plan.result;
    }
    const audit = plan.audit ? { _id: auditId, ...plan.audit } : null;
    const decided: JournalEntryDocument = { ...entry, state: 'committed', changes: plan.changes, deltas: plan.deltas, audit, result: plan.result, leaseUntil: this.leaseFromNow() };
    const { _id, key: _key, ...rest } = decided;
    const committed = await this.entries.updateOne({ _id, state: 'prepared' }, { $set: rest }, opts(session));
    if (committed.matchedCount === 0) {
      raise('WRITE_INTERRUPTED', 'The write took too long to be decided and was abandoned without changing anything; retry it (with the same idempotencyKey)', {
        idempotencyKey: entry.clientKey ? entry.key : null,
      });
    }
    try {
      await this.apply(decided, session);
    } catch (error) {
      if (!(error instanceof InsertConflict)) throw error;
      await this.withdraw(decided);
      return null;
    }
    return plan.result;
  }

  /**
   * Applies a committed entry; every step may run again (after a crash, or by two processes at once)
   * without effect. The writer itself (`byWriter`) deletes the entry only if nobody took it over,
   * and then forgets the operation in the cells at once: nobody else can still apply it. An entry
   * finished by recovery is forgotten by a later sweep, once its first writer cannot be late anymore.
   */
  private async apply(entry: JournalEntryDocument, session?: ClientSession, byWriter = true): Promise<void> {
    for (const run of changeRuns(entry.changes)) {
      if (run.length === 1) await this.applyChange(entry._id, run[0]!, session);
      else await this.applyInserts(entry._id, run as InsertChange[], session);
    }
    if (!session && entry.deltas.length > 0 && !(await this.stillOwned(entry))) return this.finishedElsewhere(entry);
    // cells, audit entry and the key's answer are independent: together, one after the other inside a transaction
    const steps = [
      () => this.rollups.applyOnce(entry._id, entry.deltas, session),
      async () => {
        if (!entry.audit) return;
        try {
          await this.audit.insertOne(entry.audit, opts(session));
        } catch (error) {
          if (!isDuplicateKey(error) || session) throw error;
        }
      },
      async () => {
        if (entry.clientKey && entry.result) await this.keepAnswer(entry, entry.result, session);
      },
    ];
    if (session) for (const step of steps) await step();
    else await Promise.all(steps.map((step) => step()));
    if (entry.lock && !entry.changes.some((change) => (change.kind === 'update' || change.kind === 'delete') && change.collection === entry.lock!.collection && change.id === entry.lock!.id)) {
      await this.release(entry, session);
    }
    if (session) {
      await this.entries.deleteOne({ _id: entry._id }, opts(session));
      await this.rollups.forget([entry._id], session);
    } else if (!byWriter) {
      await this.entries.deleteOne({ _id: entry._id });
    } else if ((await this.entries.deleteOne({ _id: entry._id, leaseUntil: entry.leaseUntil })).deletedCount === 1) {
      await this.rollups.forget([entry._id]);
    }
  }

  /** Many inserts into one collection (a bulk import's records) in one insertMany, each at most once. */
  private async applyInserts(op: string, inserts: readonly InsertChange[], session: ClientSession | undefined): Promise<void> {
    const records = { collection: inserts[0]!.collection, marked: true, documents: inserts.map((change) => change.document) };
    await insertOnce(this.db, op, records, session, (message) => new InsertConflict(message));
  }

  private async applyChange(op: string, change: JournalChange, session: ClientSession | undefined): Promise<void> {
    if (change.kind === 'staged') return applyStage(this.db, op, change.stageId, session, (message) => new InsertConflict(message));
    const records = this.db.collection<Document & { _id: string }>(change.collection);
    if (change.kind === 'insert') {
      try {
        await records.insertOne({ ...change.document, lastOp: op }, opts(session));
      } catch (error) {
        if (!isDuplicateKey(error) || session) throw error;
        const existing = await records.findOne({ _id: change.document._id }, { projection: { lastOp: 1 } });
        if ((existing as JournalMarks | null)?.lastOp !== op) throw new InsertConflict(`Journal operation ${op}: ${change.collection} ${change.document._id} is taken by another record`);
      }
      return;
    }
    // the record is held by `op` until this very update or deletion: if it is no longer held, the change was made
    if (change.kind === 'update') {
      await records.updateOne(
        { _id: change.id, pendingOp: op },
        { $set: { ...change.set, lastOp: op }, $unset: { pendingOp: '' }, ...(change.inc ? { $inc: change.inc } : {}) },
        opts(session),
      );
    } else {
      await records.deleteOne({ _id: change.id, pendingOp: op }, opts(session));
    }
  }

  /**
   * A writer close to the end of its lease renews it before touching the cells; if recovery took
   * the write over meanwhile, the writer leaves the rest to it.
   */
  private async stillOwned(entry: JournalEntryDocument): Promise<boolean> {
    if (entry.leaseUntil.getTime() - Date.now() > this.settings.leaseMs / 4) return true;
    const renewed = await this.entries.findOneAndUpdate(
      { _id: entry._id, state: 'committed', leaseUntil: entry.leaseUntil },
      { $set: { leaseUntil: this.leaseFromNow() } },
      { returnDocument: 'after' },
    );
    if (!renewed) return false;
    entry.leaseUntil = renewed.leaseUntil;
    return true;
  }

  /** Waits while the process that took the write over finishes it (it will: the write is committed). */
  private async finishedElsewhere(entry: JournalEntryDocument): Promise<void> {
    const deadline = Date.now() + 2 * this.settings.leaseMs;
    while (Date.now() < deadline && (await this.entries.countDocuments({ _id: entry._id }, { limit: 1 })) > 0) await sleep(POLL_MS);
  }

  /** Keeps a keyed write's answer, so that its retries answer the same. */
  private async keepAnswer(entry: JournalEntryDocument, result: Record<string, unknown>, session: ClientSession | undefined): Promise<void> {
    const answer: IdempotencyKeyDocument = { _id: entry.key, action: entry.action, requestHash: entry.requestHash, result, createdAt: new Date() };
    try {
      await this.keys.insertOne(answer, opts(session));
    } catch (error) {
      if (!isDuplicateKey(error) || session) throw error;
    }
  }

  /** Lets go of the entry's record if it still holds it (a write that changed something else, or nothing). */
  private async release(entry: JournalEntryDocument, session: ClientSession | undefined): Promise<void> {
    if (!entry.lock) return;
    await this.db.collection<Document & { _id: string }>(entry.lock.collection).updateOne({ _id: entry.lock.id, pendingOp: entry._id }, { $unset: { pendingOp: '' } }, opts(session));
  }

  /** Gives up a prepared write: nothing it decided was applied. */
  private async abandon(entry: JournalEntryDocument, session: ClientSession | undefined): Promise<void> {
    const removed = await this.entries.deleteOne({ _id: entry._id, state: 'prepared' }, opts(session));
    if (removed.deletedCount === 1 || session) await this.release(entry, session);
  }

  /** Finishes (committed) or abandons (prepared) another process's write whose lease ran out. */
  private async takeOver(stale: JournalEntryDocument): Promise<void> {
    const taken = await this.entries.findOneAndUpdate({ _id: stale._id, leaseUntil: stale.leaseUntil }, { $set: { leaseUntil: this.leaseFromNow() } }, { returnDocument: 'after' });
    if (!taken) return; // someone else took it over, or it finished
    if (taken.state === 'prepared') return this.abandon(taken, undefined);
    try {
      await this.apply(taken, undefined, false);
    } catch (error) {
      if (!(error instanceof InsertConflict)) throw error;
      await this.withdraw(taken);
    }
  }

  /**
   * Withdraws a committed insert whose id turned out taken: its insert is its first change and
   * failed, so nothing of it was applied; its writer (or, after a crash, the client's retry with
   * its key) plans it again under a free id.
   */
  private async withdraw(entry: JournalEntryDocument): Promise<void> {
    await this.entries.deleteOne({ _id: entry._id, state: 'committed' });
  }

  private leaseFromNow(): Date {
    return new Date(Date.now() + this.settings.leaseMs);
  }
}

type InsertChange = Extract<JournalChange, { kind: 'insert' }>;

/** The changes in order, consecutive inserts into one collection together (applied as one insertMany). */
function changeRuns(changes: readonly JournalChange[]): JournalChange[][] {
  const runs: JournalChange[][] = [];
  for (const change of changes) {
    const last = runs.at(-1);
    const previous = last?.at(-1);
    if (last && change.kind === 'insert' && previous?.kind === 'insert' && previous.collection === change.collection) last.push(change);
    else runs.push([change]);
  }
  return runs;
}

function opts(session: ClientSession | undefined): { session?: ClientSession } {
  return session ? { session } : {};
}
