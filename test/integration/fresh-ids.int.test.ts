import { describe, expect, it } from 'vitest';
import { REGIONAL_COLLECTIONS, type CounterDocument, type ExpenseDocument } from '../../subgraphs/kit/documents';
import { india } from '../../subgraphs/india/config';
import { createRegionalStore } from '../../subgraphs/kit/store';
import { useIsolatedDatabases } from '../harness/mongo';
import { Decimal128 } from 'mongodb';

const databases = useIsolatedDatabases('fresh_ids');

const fields = (amount: string): Omit<ExpenseDocument, '_id' | 'createdAt' | 'updatedAt' | 'updatedBy'> => ({
  initiativeId: 'IN-I0001', causeArea: 'EDUCATION_RESEARCH', date: '2024-06-01', fiscalYear: 2025, groupFiscalYear: 2025,
  contributionType: 'CASH', quantity: null, unit: null, unitPrice: null, amount: Decimal128.fromString(amount), currency: 'INR',
  valuationBasis: 'Amount paid', description: 'test', illustrative: false, source: null,
});

describe('new ids when the counter is behind the stored data (e.g. after a restore)', () => {
  it('skips taken ids instead of overwriting or returning another record', async () => {
    const db = databases.db('india');
    const store = createRegionalStore(db, india);
    const taken = await store.expenses.record(fields('10.00'), 'tester');
    await db.collection<CounterDocument>(REGIONAL_COLLECTIONS.counters).updateOne({ _id: 'expense' }, { $set: { seq: 0 } });
    const next = await store.expenses.record(fields('20.00'), 'tester');
    expect(next._id).not.toBe(taken._id);
    expect((await store.expenses.get(taken._id)).amount.toString()).toBe('10.00');
    expect((await store.expenses.get(next._id)).amount.toString()).toBe('20.00');
  });

  it('never hands back another expense for an idempotency key whose reserved id is taken: the key moves to a free id', async () => {
    const db = databases.db('india_keys');
    const store = createRegionalStore(db, india);
    const first = await store.expenses.record(fields('30.00'), 'tester');
    await db.collection<CounterDocument>(REGIONAL_COLLECTIONS.counters).updateOne({ _id: 'expense' }, { $set: { seq: 0 } });
    const keyed = await store.expenses.recordOnce('key-1', { amount: '40.00' }, fields('40.00'), 'tester');
    expect(keyed._id).not.toBe(first._id);
    expect(keyed.amount.toString()).toBe('40.00');
    expect(keyed.idempotencyKey).toBe('key-1');
    expect((await store.expenses.get(first._id)).amount.toString()).toBe('30.00');
    const replayed = await store.expenses.recordOnce('key-1', { amount: '40.00' }, fields('40.00'), 'tester');
    expect(replayed._id).toBe(keyed._id);
    expect(await db.collection('expenses').countDocuments()).toBe(2);
    expect(await store.rollups.verify()).toEqual([]);
  });
});
