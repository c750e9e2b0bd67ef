import type { Db, Document } from 'mongodb';
import { raise } from '../../common/errors';
import type { SubsidiaryConfig } from '../../common/registry';
import type { AuditTrail } from '../audit';
import {
  REGIONAL_COLLECTIONS,
  type ExpenseDocument,
  type InitiativeDocument,
  type JournalMarks,
  type VolunteerParticipationDocument,
  type VolunteerRegistrationDocument,
} from '../documents';
import type { DatasetStore } from './dataset';
import type { ExpenseFields } from './expenses';
import { freeId, type IdKind } from './ids';
import { searchTextOf, type InitiativeFields } from './initiatives';
import type { JournalledWrite, WriteJournal, WritePlan } from './journal';
import { expenseDelta, mergeDeltas } from './rollups';

/** Who writes, for the records' bookkeeping and the audit trail. */
export interface Writer {
  actor: string;
  audit: AuditTrail;
}

/** How a write was asked for: the client's idempotency key (or null) and the request it fingerprints. */
export interface WriteRequest {
  idempotencyKey: string | null;
  request: unknown;
}

export type RegistrationFields = Omit<VolunteerRegistrationDocument, '_id' | 'createdAt' | keyof JournalMarks>;
export type ParticipationFields = Omit<VolunteerParticipationDocument, '_id' | 'createdAt' | keyof JournalMarks>;

/** A stored document without the journal's marks, as answers and audit entries show it. */
function plain<T extends object>(document: T & JournalMarks): T {
  const { lastOp: _lastOp, pendingOp: _pendingOp, ...rest } = document;
  return rest as T;
}

const { expenses, initiatives, registrations, participation } = REGIONAL_COLLECTIONS;

/**
 * The regional template's writes, each one journalled (store/journal.ts): a crash at any point
 * leaves the records, the report cells and the audit trail in step, and a write retried with its
 * idempotency key is applied once. Callers validate first; `decide` callbacks validate what
 * depends on the record as it is held.
 */
export class RegionalWrites {
  constructor(
    private readonly db: Db,
    private readonly subsidiary: SubsidiaryConfig,
    private readonly journal: WriteJournal,
    private readonly dataset: DatasetStore,
  ) {}

  /** The answer of an earlier write with this key (same request), or null. */
  replayed(action: string, { idempotencyKey, request }: WriteRequest): Promise<Record<string, unknown> | null> {
    return idempotencyKey === null ? Promise.resolve(null) : this.journal.replay(action, idempotencyKey, request);
  }

  recordExpense(fields: ExpenseFields, asked: WriteRequest, writer: Writer): Promise<ExpenseDocument> {
    return this.insert<ExpenseDocument>('RecordExpense', 'Expense', 'expense', expenses, asked, writer, (id, now) => ({
      _id: id,
      ...fields,
      createdAt: now,
      updatedAt: now,
      updatedBy: writer.actor,
    }), (expense) => [expenseDelta(expense, 1)]);
  }

  correctExpense(id: string, decide: (current: ExpenseDocument) => Promise<ExpenseFields>, asked: WriteRequest, writer: Writer): Promise<ExpenseDocument> {
    return this.change('CorrectExpense', asked, writer, this.lockOf(expenses, id, 'Expense'), async (held) => {
      const current = plain(held as ExpenseDocument & JournalMarks);
      const fields = await decide(current);
      const set = { ...fields, updatedAt: new Date(), updatedBy: writer.actor };
      const after: ExpenseDocument = { ...current, ...set };
      return {
        changes: [{ kind: 'update', collection: expenses, id, set }],
        deltas: mergeDeltas([expenseDelta(current, -1), expenseDelta(after, 1)]),
        audit: writer.audit.entry('Expense', id, current, after),
        result: after as unknown as Record<string, unknown>,
      };
    }) as unknown as Promise<ExpenseDocument>;
  }

  deleteExpense(id: string, asked: WriteRequest, writer: Writer): Promise<ExpenseDocument> {
    return this.change('DeleteExpense', asked, writer, this.lockOf(expenses, id, 'Expense'), async (held) => {
      const current = plain(held as ExpenseDocument & JournalMarks);
      return {
        changes: [{ kind: 'delete', collection: expenses, id }],
        deltas: [expenseDelta(current, -1)],
        audit: writer.audit.entry('Expense', id, current, null),
        result: current as unknown as Record<string, unknown>,
      };
    }) as unknown as Promise<ExpenseDocument>;
  }

  createInitiative(fields: InitiativeFields, asked: WriteRequest, writer: Writer): Promise<InitiativeDocument> {
    return this.insert<InitiativeDocument>('CreateInitiative', 'Initiative', 'initiative', initiatives, asked, writer, (id, now) => ({
      _id: id,
      ...fields,
      searchText: searchTextOf(fields),
      createdAt: now,
      updatedAt: now,
      updatedBy: writer.actor,
      version: 1,
    }));
  }

  /**
   * Changes an initiative held at `expectedVersion` (VERSION_CONFLICT otherwise). A new cause area
   * is this one write: reports read each expense's cause area from its initiative.
   */
  updateInitiative(
    action: 'UpdateInitiative' | 'ArchiveInitiative',
    id: string,
    decide: (current: InitiativeDocument) => { changes: Partial<InitiativeFields>; expectedVersion: number } | null,
    asked: WriteRequest,
    writer: Writer,
  ): Promise<InitiativeDocument> {
    return this.change(action, asked, writer, this.lockOf(initiatives, id, 'Initiative'), async (held) => {
      const current = plain(held as InitiativeDocument & JournalMarks);
      const decided = decide(current);
      if (!decided) return { changes: [], deltas: [], audit: null, result: current as unknown as Record<string, unknown> };
      if (decided.expectedVersion !== current.version) {
        raise('VERSION_CONFLICT', `Initiative ${id} was changed by someone else (expected version ${decided.expectedVersion}, now ${current.version}); read it again and retry`, { id });
      }
      const merged = { ...current, ...decided.changes };
      const set = { ...decided.changes, searchText: searchTextOf(merged), updatedAt: new Date(), updatedBy: writer.actor };
      const after: InitiativeDocument = { ...merged, ...set, version: current.version + 1 };
      return {
        changes: [{ kind: 'update', collection: initiatives, id, set, inc: { version: 1 } }],
        deltas: [],
        audit: writer.audit.entry('Initiative', id, current, after),
        result: after as unknown as Record<string, unknown>,
      };
    }) as unknown as Promise<InitiativeDocument>;
  }

  recordRegistrations(fields: RegistrationFields, asked: WriteRequest, writer: Writer): Promise<VolunteerRegistrationDocument> {
    return this.insert<VolunteerRegistrationDocument>('RecordVolunteerRegistrations', 'VolunteerRegistration', 'registration', registrations, asked, writer, (id, now) => ({
      _id: id,
      ...fields,
      createdAt: now,
    }));
  }

  recordParticipation(fields: ParticipationFields, asked: WriteRequest, writer: Writer): Promise<VolunteerParticipationDocument> {
    return this.insert<VolunteerParticipationDocument>('RecordVolunteerParticipation', 'VolunteerParticipation', 'participation', participation, asked, writer, (id, now) => ({
      _id: id,
      ...fields,
      createdAt: now,
    }));
  }

  /** A new record under a free id of its kind. */
  private async insert<T extends { _id: string }>(
    action: string,
    entity: string,
    kind: IdKind,
    collection: string,
    asked: WriteRequest,
    writer: Writer,
    build: (id: string, now: Date) => T,
    deltasOf: (record: T) => WritePlan['deltas'] = () => [],
  ): Promise<T> {
    await this.dataset.requirePresent();
    const write: JournalledWrite = {
      action,
      idempotencyKey: asked.idempotencyKey,
      request: asked.request,
      plan: async () => {
        const record = build(await freeId(this.db, this.subsidiary.code, kind, collection), new Date());
        return {
          changes: [{ kind: 'insert', collection, document: record as unknown as { _id: string } & Record<string, unknown> }],
          deltas: deltasOf(record),
          audit: writer.audit.entry(entity, record._id, null, record),
          result: record as unknown as Record<string, unknown>,
        };
      },
    };
    const result = (await this.journal.run(write)) as unknown as T;
    writer.audit.unchanged(); // a write answered from its key's earlier answer made no entry of its own
    return result;
  }

  /** A change of an existing record, held while the write is decided and applied. */
  private async change(action: string, asked: WriteRequest, writer: Writer, lock: NonNullable<JournalledWrite['lock']>, plan: (held: Document & JournalMarks) => Promise<WritePlan>): Promise<Record<string, unknown>> {
    await this.dataset.requirePresent();
    const result = await this.journal.run({ action, idempotencyKey: asked.idempotencyKey, request: asked.request, lock, plan: (held) => plan(held!) });
    writer.audit.unchanged();
    return result;
  }

  private lockOf(collection: string, id: string, entity: string): NonNullable<JournalledWrite['lock']> {
    return { collection, id, missing: () => raise('NOT_FOUND', `${entity} ${id} does not exist in ${this.subsidiary.name}`, { id }) };
  }
}
