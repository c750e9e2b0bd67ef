import type { IncomingMessage } from 'node:http';
import type { GraphQLFieldResolver, GraphQLType } from 'graphql';
import type { AuditEntryDocument } from './documents';
import type { AuditRecord, AuditStore } from './store/audit';

/**
 * The audit trail of a regional subgraph. Every successful write records who (the token's
 * subject), when, which mutation, and the record before and after, in the subsidiary's own
 * database (collection audit_log).
 *
 * The regional template's writes decide their entry together with their change, in the write
 * journal (store/journal.ts), so a crash cannot leave a change without its entry. Other writes
 * (a local extension's, headquarters') write it right after the change; if it cannot be written,
 * the whole entry is logged on stderr (so it can be replayed) and the mutation answers with an
 * error rather than pretending all went well.
 */

/** Bookkeeping fields left out of changedFields (they change on every write). */
const BOOKKEEPING = new Set(['createdAt', 'updatedAt', 'updatedBy', 'version', 'searchText']);
/** Derived data and the journal's marks (store/journal.ts): not part of what a record says. */
const DERIVED = new Set(['searchText', 'lastOp', 'pendingOp']);

/** A stored document as plain JSON values: Decimal128 as its decimal string, dates as ISO 8601. */
export function plainValue(value: unknown): unknown {
  if (value === null || value === undefined) return null;
  if (value instanceof Date) return value.toISOString();
  if (Array.isArray(value)) return value.map(plainValue);
  if (typeof value === 'object') {
    const bsonType = (value as { _bsontype?: unknown })._bsontype;
    if (typeof bsonType === 'string') return String(value);
    return Object.fromEntries(Object.entries(value).map(([key, inner]) => [key, plainValue(inner)]));
  }
  return value;
}

function snapshot(document: object | null): Record<string, unknown> | null {
  if (document === null) return null;
  return Object.fromEntries(Object.entries(document).filter(([key]) => !DERIVED.has(key)));
}

export function changedFields(before: Record<string, unknown> | null, after: Record<string, unknown> | null): string[] {
  const keys = new Set([...Object.keys(before ?? {}), ...Object.keys(after ?? {})]);
  return [...keys]
    .filter((key) => !BOOKKEEPING.has(key) && JSON.stringify(plainValue(before?.[key])) !== JSON.stringify(plainValue(after?.[key])))
    .sort();
}

/** The request's x-request-id, kept for the audit trail when it is a sane identifier. */
export function requestIdOf(request: IncomingMessage): string | null {
  const value = request.headers['x-request-id'];
  return typeof value === 'string' && /^[A-Za-z0-9._:-]{1,128}$/.test(value) ? value : null;
}

/** The audit trail of one request; mutations of a request run one after the other. */
export class AuditTrail {
  private action: string | null = null;
  private settled = false;

  constructor(
    private readonly store: AuditStore,
    private readonly actor: string,
    private readonly requestId: string | null,
  ) {}

  /**
   * The entry for a change of one record by the running mutation, for the write journal to keep
   * with the change; the mutation counts as recorded.
   */
  entry(entity: string, entityId: string | null, before: object | null, after: object | null): AuditRecord {
    if (this.action === null) throw new Error('AuditTrail.entry called outside a mutation');
    this.settled = true;
    return {
      at: new Date(),
      actor: this.actor,
      action: this.action,
      entity,
      entityId,
      before: snapshot(before),
      after: snapshot(after),
      changedFields: changedFields(snapshot(before), snapshot(after)),
      requestId: this.requestId,
    };
  }

  /** Records a change of one record by the mutation that is running, right away. */
  async change(entity: string, entityId: string | null, before: object | null, after: object | null): Promise<void> {
    const record = this.entry(entity, entityId, before, after);
    try {
      await this.store.append(record);
    } catch (error) {
      console.error(`[audit] could not record a change; the change itself was made: ${JSON.stringify(plainValue(record))}`, error);
      throw error;
    }
  }

  /** Says that the running mutation changed nothing (an idempotent replay, an archive of an archived record). */
  unchanged(): void {
    this.settled = true;
  }

  /**
   * Runs one mutation. A mutation that neither recorded a change nor said it made none (a local
   * extension's, say) still gets an entry: its result as `after`, so no write goes unrecorded.
   */
  async around<T>(action: string, entity: string, args: Record<string, unknown>, run: () => Promise<T>): Promise<T> {
    this.action = action;
    this.settled = false;
    try {
      const result = await run();
      if (!this.settled) {
        const shown = result !== null && typeof result === 'object' ? (result as Record<string, unknown>) : { result };
        const id = shown.id ?? shown._id ?? args.id ?? args.initiativeId ?? null;
        await this.change(entity, typeof id === 'string' ? id : null, null, shown);
      }
      return result;
    } finally {
      this.action = null;
    }
  }
}

/** The name of a field's type without list and non-null wrappers (by hand: the schema may come from graphql's other copy). */
function typeName(type: GraphQLType): string {
  let inner: GraphQLType = type;
  while ('ofType' in inner && inner.ofType) inner = inner.ofType as GraphQLType;
  return (inner as { name: string }).name;
}

/** Wraps every Mutation resolver so that each successful write is in the audit trail. */
export function auditedMutations<TContext extends { audit: AuditTrail }>(
  resolvers: Record<string, GraphQLFieldResolver<unknown, TContext>>,
): Record<string, GraphQLFieldResolver<unknown, TContext>> {
  return Object.fromEntries(
    Object.entries(resolvers).map(([name, resolve]) => [
      name,
      ((root, args, context, info) =>
        context.audit.around(name, typeName(info.returnType), args as Record<string, unknown>, async () => resolve(root, args, context, info))) satisfies GraphQLFieldResolver<
        unknown,
        TContext
      >,
    ]),
  );
}

/** An entry as the API shows it. */
export function auditEntryView(entry: AuditEntryDocument) {
  const json = (value: Record<string, unknown> | null) => (value === null ? null : JSON.stringify(plainValue(value)));
  return {
    id: entry._id,
    at: entry.at.toISOString(),
    actor: entry.actor,
    action: entry.action,
    entity: entry.entity,
    entityId: entry.entityId,
    changedFields: entry.changedFields,
    before: json(entry.before),
    after: json(entry.after),
    requestId: entry.requestId,
  };
}
