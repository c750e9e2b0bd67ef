import { randomUUID } from 'node:crypto';
import { BSON, type Db } from 'mongodb';
import type { SubsidiaryConfig } from '../../common/registry';
import { raise } from '../../common/errors';
import { REGIONAL_COLLECTIONS, type AuditEntryDocument, type ExpenseDocument, type JournalChange } from '../documents';
import type { DatasetStore } from './dataset';
import type { ExpenseFields } from './expenses';
import type { FiscalYearLocks } from './fiscal-years';
import { nextIds, type IdKind } from './ids';
import type { WriteJournal, WritePlan } from './journal';
import { expenseDelta, mergeDeltas } from './rollups';
import { existingAmong, stage, type StagedRecords } from './staging';
import type { ParticipationFields, RegistrationFields, WriteRequest, Writer } from './writes';

/** What the journal's entry of an import keeps as its answer (and the key's): a summary, never the rows. */
export type ImportAnswer = Record<string, unknown> & { importId: string; committedAt: string };

/** Staging documents stay well below MongoDB's 16 MB document limit. */
const STAGE_PART_BYTES = 4 * 1024 * 1024;
/** Records an import of volunteering carries in its journal entry, at most (the rest of the entry is small). */
const MAX_INLINE_BYTES = 12 * 1024 * 1024;
const FREE_RANGE_ATTEMPTS = 5;

/**
 * Bulk imports of expenses, as ONE journalled write (store/journal.ts): all of a file's expenses or
 * none, exactly once. The plan reserves consecutive ids, stages the expenses and their audit
 * entries in parts of a few MB (store/staging.ts), and the journal commits the import in one
 * single-document update of its entry, which names the stage and carries the report-cell deltas
 * summed per cell (a few hundred at most, whatever the number of rows). From that instant every
 * report counts the whole file (store/figures.ts), and recovery finishes it after any crash; before
 * it, nothing of it is visible and the stage is thrown away.
 */
export class ExpenseImports {
  constructor(
    private readonly db: Db,
    private readonly subsidiary: SubsidiaryConfig,
    private readonly journal: WriteJournal,
    private readonly dataset: DatasetStore,
    private readonly years: FiscalYearLocks,
  ) {}

  async commit(
    action: string,
    expenses: readonly ExpenseFields[],
    asked: WriteRequest,
    writer: Writer,
    summary: (importId: string, ids: readonly string[]) => Record<string, unknown>,
  ): Promise<ImportAnswer> {
    await this.dataset.requirePresent();
    const result = await this.journal.run({
      action,
      idempotencyKey: asked.idempotencyKey,
      request: asked.request,
      plan: () => this.plan(expenses, writer, summary),
    });
    writer.audit.unchanged();
    return result as ImportAnswer;
  }

  private async plan(expenses: readonly ExpenseFields[], writer: Writer, summary: (importId: string, ids: readonly string[]) => Record<string, unknown>): Promise<WritePlan> {
    const years = [...new Set(expenses.map((fields) => fields.groupFiscalYear))];
    await this.years.requireOpen(years, 'This import has rows dated in');
    const [ids, auditIds] = await Promise.all([
      this.freeRange('expense', REGIONAL_COLLECTIONS.expenses, expenses.length),
      this.freeRange('audit', REGIONAL_COLLECTIONS.audit, expenses.length),
    ]);
    const now = new Date();
    const documents: ExpenseDocument[] = expenses.map((fields, index) => ({ _id: ids[index]!, ...fields, createdAt: now, updatedAt: now, updatedBy: writer.actor }));
    const audits: AuditEntryDocument[] = documents.map((document, index) => ({ _id: auditIds[index]!, ...writer.audit.entry('Expense', document._id, null, document) }));
    const importId = randomUUID();
    await stage(this.db, importId, parts(documents, audits));
    const answer = { ...summary(importId, ids), importId, committedAt: now.toISOString() };
    return {
      changes: [{ kind: 'staged', stageId: importId, records: documents.length }],
      deltas: mergeDeltas(documents.map((document) => expenseDelta(document, 1))),
      audit: writer.audit.entry('ExpenseImport', importId, null, answer),
      result: answer,
    };
  }

  /**
   * Volunteer registrations or participation, as one journalled write too. The records travel in the
   * entry itself, as single writes' inserts do (a few hundred bytes each: 20,000 rows stay below
   * 8 MB), so that reports and the activity feed lay them over what they read while the import is
   * applied (store/volunteering.ts); their audit entries are staged.
   */
  async commitVolunteering(
    action: string,
    kind: 'registration' | 'participation',
    records: readonly (RegistrationFields | ParticipationFields)[],
    asked: WriteRequest,
    writer: Writer,
    summary: (importId: string, ids: readonly string[]) => Record<string, unknown>,
  ): Promise<ImportAnswer> {
    await this.dataset.requirePresent();
    const collection = kind === 'registration' ? REGIONAL_COLLECTIONS.registrations : REGIONAL_COLLECTIONS.participation;
    const result = await this.journal.run({
      action,
      idempotencyKey: asked.idempotencyKey,
      request: asked.request,
      plan: async () => {
        await this.years.requireOpen([...new Set(records.map((fields) => fields.groupFiscalYear))], 'This import has rows dated in');
        const [ids, auditIds] = await Promise.all([this.freeRange(kind, collection, records.length), this.freeRange('audit', REGIONAL_COLLECTIONS.audit, records.length)]);
        const now = new Date();
        const documents = records.map((fields, index) => ({ _id: ids[index]!, ...fields, createdAt: now }));
        const changes: JournalChange[] = documents.map((document) => ({ kind: 'insert', collection, document }));
        const bytes = BSON.calculateObjectSize({ changes });
        if (bytes > MAX_INLINE_BYTES) {
          raise('IMPORT_TOO_LARGE', `The file's ${records.length} records take ${bytes} bytes, more than one import of volunteering holds (${MAX_INLINE_BYTES}): split it into several files`, { rows: records.length });
        }
        const audits = documents.map((document, index) => ({ _id: auditIds[index]!, ...writer.audit.entry(kind === 'registration' ? 'VolunteerRegistration' : 'VolunteerParticipation', document._id, null, document) }));
        const importId = randomUUID();
        await stage(this.db, importId, auditParts(audits));
        const answer = { ...summary(importId, ids), importId, committedAt: now.toISOString() };
        return {
          changes: [...changes, { kind: 'staged', stageId: importId, records: audits.length }],
          deltas: [],
          audit: writer.audit.entry('VolunteeringImport', importId, null, answer),
          result: answer,
        };
      },
    });
    writer.audit.unchanged();
    return result as ImportAnswer;
  }

  /** `count` consecutive ids no stored record has (a counter behind the stored data skips its taken range). */
  private async freeRange(kind: IdKind, collection: string, count: number): Promise<string[]> {
    if (count === 0) return [];
    for (let attempt = 0; attempt < FREE_RANGE_ATTEMPTS; attempt += 1) {
      const ids = await nextIds(this.db, this.subsidiary.code, kind, count);
      if ((await existingAmong(this.db.collection(collection), ids)).length === 0) return ids;
    }
    throw new Error(`No free range of ${count} ${kind} ids after ${FREE_RANGE_ATTEMPTS} attempts: the ${kind} counter is behind the stored ids`);
  }
}

/** Audit entries in staging parts of at most STAGE_PART_BYTES each. */
function auditParts(audits: readonly AuditEntryDocument[]): StagedRecords[][] {
  const result: StagedRecords[][] = [];
  let part: StagedRecords['documents'] = [];
  let size = 0;
  for (const audit of audits) {
    const bytes = BSON.calculateObjectSize(audit);
    if (size + bytes > STAGE_PART_BYTES && part.length > 0) {
      result.push([{ collection: REGIONAL_COLLECTIONS.audit, marked: false, documents: part }]);
      part = [];
      size = 0;
    }
    part.push(audit as unknown as StagedRecords['documents'][number]);
    size += bytes;
  }
  if (part.length > 0) result.push([{ collection: REGIONAL_COLLECTIONS.audit, marked: false, documents: part }]);
  return result;
}

/** The expenses and their audit entries in staging parts of at most STAGE_PART_BYTES each. */
function parts(documents: readonly ExpenseDocument[], audits: readonly AuditEntryDocument[]): StagedRecords[][] {
  const result: StagedRecords[][] = [];
  let expenses: StagedRecords['documents'] = [];
  let entries: StagedRecords['documents'] = [];
  let size = 0;
  const flush = () => {
    if (expenses.length === 0) return;
    result.push([
      { collection: REGIONAL_COLLECTIONS.expenses, marked: true, documents: expenses },
      { collection: REGIONAL_COLLECTIONS.audit, marked: false, documents: entries },
    ]);
    expenses = [];
    entries = [];
    size = 0;
  };
  documents.forEach((document, index) => {
    const audit = audits[index]!;
    const bytes = BSON.calculateObjectSize(document) + BSON.calculateObjectSize(audit);
    if (size + bytes > STAGE_PART_BYTES) flush();
    expenses.push(document as unknown as StagedRecords['documents'][number]);
    entries.push(audit as unknown as StagedRecords['documents'][number]);
    size += bytes;
  });
  flush();
  return result;
}
