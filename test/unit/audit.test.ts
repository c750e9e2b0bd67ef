import { describe, expect, it } from 'vitest';
import { Decimal128 } from 'mongodb';
import { AuditTrail, auditEntryView, changedFields, plainValue } from '../../subgraphs/kit/audit';
import type { AuditRecord, AuditStore } from '../../subgraphs/kit/store/audit';

class MemoryAudit {
  entries: (AuditRecord & { _id: string })[] = [];
  async append(record: AuditRecord) {
    const entry = { _id: `IN-A${String(this.entries.length + 1).padStart(10, '0')}`, ...record };
    this.entries.push(entry);
    return entry;
  }
  async has(entityId: string, action: string) {
    return this.entries.some((entry) => entry.entityId === entityId && entry.action === action);
  }
}

describe('audit snapshots', () => {
  it('shows stored documents as plain JSON: exact decimals, ISO dates', () => {
    const at = new Date('2024-06-15T01:02:03.000Z');
    expect(plainValue({ amount: Decimal128.fromString('1234.50'), at, list: [Decimal128.fromString('0.10')], none: null })).toEqual({
      amount: '1234.50',
      at: '2024-06-15T01:02:03.000Z',
      list: ['0.10'],
      none: null,
    });
  });

  it('names the fields that changed, not the bookkeeping', () => {
    const before = { title: 'A', tags: ['x'], amount: Decimal128.fromString('1.0'), version: 1, updatedAt: new Date(1), updatedBy: 'a' };
    const after = { title: 'A', tags: ['x', 'y'], amount: Decimal128.fromString('1.00'), version: 2, updatedAt: new Date(2), updatedBy: 'b' };
    expect(changedFields(before, after)).toEqual(['amount', 'tags']);
    expect(changedFields(null, { title: 'A', createdAt: new Date() })).toEqual(['title']);
    expect(changedFields({ title: 'A' }, null)).toEqual(['title']);
  });
});

describe('AuditTrail', () => {
  it('records what a mutation reports, leaves out derived search text, and nothing for a no-op', async () => {
    const store = new MemoryAudit();
    const trail = new AuditTrail(store as unknown as AuditStore, 'in-priya', 'req-1');
    await trail.around('indiaUpdateInitiative', 'IndiaInitiative', { id: 'IN-I0001' }, async () => {
      await trail.change('Initiative', 'IN-I0001', { title: 'A', searchText: 'a' }, { title: 'B', searchText: 'b' });
      return { _id: 'IN-I0001' };
    });
    await trail.around('indiaArchiveInitiative', 'IndiaInitiative', { id: 'IN-I0001' }, async () => {
      trail.unchanged();
      return { _id: 'IN-I0001' };
    });
    expect(store.entries).toHaveLength(1);
    expect(store.entries[0]).toMatchObject({ actor: 'in-priya', action: 'indiaUpdateInitiative', entity: 'Initiative', entityId: 'IN-I0001', before: { title: 'A' }, after: { title: 'B' }, changedFields: ['title'], requestId: 'req-1' });
    expect(auditEntryView(store.entries[0]!)).toMatchObject({ id: 'IN-A0000000001', before: '{"title":"A"}', after: '{"title":"B"}' });
  });

  it('records a mutation that reports nothing with its result, and nothing when it fails', async () => {
    const store = new MemoryAudit();
    const trail = new AuditTrail(store as unknown as AuditStore, 'in-priya', null);
    await trail.around('indiaRecordCsrFinancials', 'IndiaCsrFinancials', { input: {} }, async () => ({ fiscalYear: 2024 }));
    await expect(trail.around('indiaOther', 'X', {}, async () => Promise.reject(new Error('refused')))).rejects.toThrow('refused');
    expect(store.entries).toHaveLength(1);
    expect(store.entries[0]).toMatchObject({ action: 'indiaRecordCsrFinancials', entity: 'IndiaCsrFinancials', entityId: null, before: null, after: { fiscalYear: 2024 } });
    await expect(trail.change('X', null, null, {})).rejects.toThrow(/outside a mutation/);
  });
});
