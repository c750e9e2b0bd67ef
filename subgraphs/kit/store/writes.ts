import type { Db, Document } from 'mongodb';
import { raise } from '../../common/errors';
import type { SubsidiaryConfig } from '../../common/registry';
import type { AuditTrail } from '../audit';
import type { Decimal } from '../../common/decimal';
import { fromDecimal128, toDecimal128 } from '../../common/mongo';
import type { FiscalYearOrder } from '../../common/fiscal-year-orders';
import {
  REGIONAL_COLLECTIONS,
  type AdjustmentDocument,
  type ExpenseDocument,
  type FiscalYearOrderDocument,
  type InitiativeDocument,
  type JournalMarks,
  type VolunteerParticipationDocument,
  type VolunteerRegistrationDocument,
} from '../documents';
import type { AdjustmentStore } from './adjustments';
import type { DatasetStore } from './dataset';
import type { ExpenseFields } from './expenses';
import { freeId, type IdKind } from './ids';
import type { FiscalYearLocks } from './fiscal-years';
import { searchTextOf, type InitiativeFields } from './initiatives';
import type { JournalledWrite, WriteJournal, WritePlan } from './journal';
import { expenseDelta, mergeDeltas, type RollupStore } from './rollups';

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
export type AdjustmentFields = Pick<AdjustmentDocument, 'date' | 'fiscalYear' | 'groupFiscalYear' | 'reason'> & { amountChange: Decimal };

/** A stored document without the journal's marks, as answers and audit entries show it. */
function plain<T extends object>(document: T & JournalMarks): T {
  const { lastOp: _lastOp, pendingOp: _pendingOp, ...rest } = document;
  return rest as T;
}

const { expenses, initiatives, registrations, participation, fiscalYearOrders, adjustments } = REGIONAL_COLLECTIONS;

/**
 * The regional template's writes, each one journalled (store/journal.ts): a crash at any point
 * leaves the records, the report cells and the audit trail in step, and a write retried with its
 * idempotency key is applied once. Callers validate first; `decide` callbacks validate what
 * depends on the record as it is held.
 *
 * Every write checks, while its journal entry exists (after the entry is inserted, before it is
 * committed), that the group fiscal years it changes are not closed (store/fiscal-years.ts): a
 * lock applied before that check refuses it (FISCAL_YEAR_CLOSED), and a lock applied after it waits
 * for the entry to finish before the subsidiary reads the year's figures for headquarters
 * (kit/closes.ts), so no write can slip into a year between its lock and its published figures.
 */
export class RegionalWrites {
  constructor(
    private readonly db: Db,
    private readonly subsidiary: SubsidiaryConfig,
    private readonly journal: WriteJournal,
    private readonly dataset: DatasetStore,
    private readonly years: FiscalYearLocks,
    private readonly adjustmentStore: AdjustmentStore,
    private readonly rollups: RollupStore,
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
    }), (expense) => [expenseDelta(expense, 1)], () => this.years.requireOpen([fields.groupFiscalYear], `This expense is dated ${fields.date}, in`));
  }

  correctExpense(id: string, decide: (current: ExpenseDocument) => Promise<ExpenseFields>, asked: WriteRequest, writer: Writer): Promise<ExpenseDocument> {
    return this.change('CorrectExpense', asked, writer, this.lockOf(expenses, id, 'Expense'), async (held) => {
      const current = plain(held as ExpenseDocument & JournalMarks);
      await this.years.requireOpen([current.groupFiscalYear], `Expense ${id} is dated ${current.date}, in`);
      const fields = await decide(current);
      await this.years.requireOpen([fields.groupFiscalYear], `This correction would date expense ${id} ${fields.date}, in`);
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
      await this.years.requireOpen([current.groupFiscalYear], `Expense ${id} is dated ${current.date}, in`);
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
      const reclassified = (['causeArea', 'motivation'] as const).filter((field) => decided.changes[field] !== undefined && decided.changes[field] !== current[field]);
      if (reclassified.length > 0) {
        // a new cause area or motivation moves the initiative's figures of every year between report cells: of open years only
        const what = reclassified.map((field) => (field === 'causeArea' ? 'cause area' : 'motivation')).join(' and ');
        await this.years.requireOpen(await this.yearsWithFigures(id), `Initiative ${id} has expenses, whose ${what} it decides, in`);
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
    }), () => [], () => this.years.requireOpen([fields.groupFiscalYear], `These registrations are dated ${fields.date}, in`));
  }

  recordParticipation(fields: ParticipationFields, asked: WriteRequest, writer: Writer): Promise<VolunteerParticipationDocument> {
    return this.insert<VolunteerParticipationDocument>('RecordVolunteerParticipation', 'VolunteerParticipation', 'participation', participation, asked, writer, (id, now) => ({
      _id: id,
      ...fields,
      createdAt: now,
    }), () => [], () => this.years.requireOpen([fields.groupFiscalYear], `This participation is dated ${fields.date}, in`));
  }

  /**
   * Applies a fiscal-year order of headquarters (already verified: common/fiscal-year-orders.ts):
   * one record per order, so the insert is the journal's own idempotent step; an order no newer
   * than the one the year holds changes nothing. Answers the order the year holds afterwards.
   */
  applyFiscalYearOrder(order: FiscalYearOrder, text: string, asked: WriteRequest, writer: Writer): Promise<FiscalYearOrderDocument> {
    const write: JournalledWrite = {
      action: 'ApplyFiscalYearOrder',
      idempotencyKey: asked.idempotencyKey,
      request: asked.request,
      plan: async () => {
        const held = await this.years.latestOf(order.fiscalYear);
        if (held && held.sequence >= order.sequence) return { changes: [], deltas: [], audit: null, result: plain(held) as unknown as Record<string, unknown> };
        const record: FiscalYearOrderDocument = {
          _id: `${order.fiscalYear}#${order.sequence}`,
          fiscalYear: order.fiscalYear,
          sequence: order.sequence,
          action: order.action,
          closeId: order.closeId,
          orderedAt: order.orderedAt,
          order: text,
          appliedAt: new Date(),
          appliedBy: writer.actor,
        };
        return {
          changes: [{ kind: 'insert', collection: fiscalYearOrders, document: record as unknown as { _id: string } & Record<string, unknown> }],
          deltas: [],
          audit: writer.audit.entry('FiscalYearOrder', record._id, held ? plain(held) : null, record),
          result: record as unknown as Record<string, unknown>,
        };
      },
    };
    return this.journal.run(write).then((result) => {
      writer.audit.unchanged();
      return result as unknown as FiscalYearOrderDocument;
    });
  }

  /**
   * Books a correction of an expense of a closed group fiscal year in an open one: an adjustment
   * record that references the original, which stays as it was published. The original is held
   * while the adjustment is decided, so adjustments of one expense are decided one at a time and
   * none takes its restated amount below zero.
   */
  recordAdjustment(originalExpenseId: string, fields: AdjustmentFields, asked: WriteRequest, writer: Writer): Promise<AdjustmentDocument> {
    return this.change('RecordAdjustment', asked, writer, this.lockOf(expenses, originalExpenseId, 'Expense'), async (held) => {
      const original = plain(held as ExpenseDocument & JournalMarks);
      const lock = await this.years.latestOf(original.groupFiscalYear);
      if (lock?.action !== 'CLOSE') {
        raise('INVALID_STATE', `Expense ${originalExpenseId} is dated ${original.date}, in group fiscal year ${original.groupFiscalYear}, which is open: correct the expense itself (${this.subsidiary.key}CorrectExpense); adjustments are for closed years`, {
          field: 'input.originalExpenseId',
        });
      }
      await this.years.requireOpen([fields.groupFiscalYear], `An adjustment is booked in an open year; ${fields.date} is in`);
      const earlier = await this.adjustmentStore.ofOriginal(originalExpenseId, lock.closeId);
      const restated = earlier.reduce((sum, adjustment) => sum.add(fromDecimal128(adjustment.amountChange)), fromDecimal128(original.amount)).add(fields.amountChange);
      if (restated.isNegative()) {
        raise('BAD_USER_INPUT', `input.amountChange ${fields.amountChange.toString()} would take expense ${originalExpenseId} below zero: it stands at ${restated.add(fields.amountChange.negate()).toString()} ${original.currency} as restated`, {
          field: 'input.amountChange',
        });
      }
      const record: AdjustmentDocument = {
        _id: await freeId(this.db, this.subsidiary.code, 'adjustment', adjustments),
        originalExpenseId,
        initiativeId: original.initiativeId,
        contributionType: original.contributionType,
        date: fields.date,
        fiscalYear: fields.fiscalYear,
        groupFiscalYear: fields.groupFiscalYear,
        restatedFiscalYear: original.groupFiscalYear,
        amountChange: toDecimal128(fields.amountChange),
        currency: original.currency,
        closeId: lock.closeId,
        reason: fields.reason,
        createdAt: new Date(),
        createdBy: writer.actor,
      };
      return {
        changes: [{ kind: 'insert', collection: adjustments, document: record as unknown as { _id: string } & Record<string, unknown> }],
        deltas: [],
        audit: writer.audit.entry('Adjustment', record._id, null, record),
        result: record as unknown as Record<string, unknown>,
      };
    }) as unknown as Promise<AdjustmentDocument>;
  }

  /** The group fiscal years in which an initiative has figures (its cells, and committed writes not in them yet). */
  private async yearsWithFigures(initiativeId: string): Promise<number[]> {
    const [cells, pending] = await Promise.all([this.rollups.ofInitiatives([initiativeId], null), this.journal.committed()]);
    const years = cells.filter((cell) => cell.expenseCount !== 0 || !cell.amount.isZero()).map((cell) => cell.groupFiscalYear);
    for (const entry of pending) for (const delta of entry.deltas) if (delta.initiativeId === initiativeId) years.push(delta.groupFiscalYear);
    return [...new Set(years)];
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
    guard: () => Promise<void> = async () => undefined,
  ): Promise<T> {
    await this.dataset.requirePresent();
    const write: JournalledWrite = {
      action,
      idempotencyKey: asked.idempotencyKey,
      request: asked.request,
      plan: async () => {
        await guard();
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
