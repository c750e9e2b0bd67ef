import { requireSubsidiary } from '../../subgraphs/common/registry';
import { describe, expect, it } from 'vitest';
import { Decimal128, type Db } from 'mongodb';
import { REGIONAL_COLLECTIONS, type CounterDocument } from '../../subgraphs/kit/documents';
import { createRegionalStore } from '../../subgraphs/kit/store';
import type { ExpenseFields } from '../../subgraphs/kit/store/expenses';
import { useIsolatedDatabases } from '../harness/mongo';
import { regionalWriter } from '../harness/writes';

const india = requireSubsidiary('india');

const databases = useIsolatedDatabases('fresh_ids');

const fields = (amount: string): ExpenseFields => ({
  initiativeId: 'IN-I0001', date: '2024-06-01', fiscalYear: 2025, groupFiscalYear: 2025,
  contributionType: 'CASH', quantity: null, unit: null, unitPrice: null, amount: Decimal128.fromString(amount), currency: 'INR',
  valuationBasis: 'Amount paid', description: 'test', illustrative: false, source: null,
});

async function storeOf(db: Db) {
  const store = createRegionalStore(db, india);
  await store.dataset.initialise('test');
  return store;
}

describe('new ids when the counter is behind the stored data (e.g. after a restore)', () => {
  it('skips taken ids instead of overwriting or returning another record', async () => {
    const db = databases.db('india');
    const store = await storeOf(db);
    const record = (amount: string) => regionalWriter(store, 'indiaRecordExpense', (writer) => store.writes.recordExpense(fields(amount), { idempotencyKey: null, request: amount }, writer));
    const taken = await record('10.00');
    await db.collection<CounterDocument>(REGIONAL_COLLECTIONS.counters).updateOne({ _id: 'expense' }, { $set: { seq: 0 } });
    const next = await record('20.00');
    expect(next._id).not.toBe(taken._id);
    expect((await store.expenses.get(taken._id)).amount.toString()).toBe('10.00');
    expect((await store.expenses.get(next._id)).amount.toString()).toBe('20.00');
  });

  it('never hands back another expense for an idempotency key when the counter is behind: the key gets a free id', async () => {
    const db = databases.db('india_keys');
    const store = await storeOf(db);
    const record = (amount: string, key: string | null) =>
      regionalWriter(store, 'indiaRecordExpense', (writer) => store.writes.recordExpense(fields(amount), { idempotencyKey: key, request: { amount } }, writer));
    const first = await record('30.00', null);
    await db.collection<CounterDocument>(REGIONAL_COLLECTIONS.counters).updateOne({ _id: 'expense' }, { $set: { seq: 0 } });
    const keyed = await record('40.00', 'key-1');
    expect(keyed._id).not.toBe(first._id);
    expect(keyed.amount.toString()).toBe('40.00');
    expect((await store.expenses.get(first._id)).amount.toString()).toBe('30.00');
    const replayed = await record('40.00', 'key-1');
    expect(replayed._id).toBe(keyed._id);
    expect(await db.collection('expenses').countDocuments()).toBe(2);
    expect(await store.rollups.verify()).toEqual([]);
  });
});
