/**
 * Multi-document changes: in a transaction where the deployment has them (a replica set), as
 * idempotent single-document steps elsewhere (the test server). The rollback check runs only
 * against a replica set (MONGODB_URI pointing at one); here it is skipped with that reason.
 */
import { describe, expect, it } from 'vitest';
import { inTransaction, supportsTransactions } from '../../subgraphs/common/transactions';
import { useIsolatedDatabases } from '../harness/mongo';

const dbs = useIsolatedDatabases('tx');

describe('multi-document changes', () => {
  it('run without a session where transactions are not available, and with one where they are', async () => {
    const supported = await supportsTransactions(dbs.client);
    const handshake = await dbs.client.db('admin').command({ isMaster: 1 });
    expect(supported).toBe(typeof handshake.setName === 'string' || handshake.msg === 'isdbgrid');
    const seen = await inTransaction(dbs.client, async (session) => {
      await dbs.db('a').collection('things').insertOne({ _id: 'one' as never }, session ? { session } : {});
      return session === undefined ? 'no session' : 'session';
    });
    expect(seen).toBe(supported ? 'session' : 'no session');
    expect(await dbs.db('a').collection('things').countDocuments()).toBe(1);
  });

  it('roll back every write of a failed change on a replica set', async (context) => {
    if (!(await supportsTransactions(dbs.client))) {
      context.skip('needs a replica set (MONGODB_URI=mongodb://…/?replicaSet=…); the test server has no transactions');
    }
    const initiatives = dbs.db('b').collection('initiatives');
    const expenses = dbs.db('b').collection('expenses');
    await initiatives.insertOne({ _id: 'I1' as never, causeArea: 'ENVIRONMENT' });
    await expenses.insertOne({ _id: 'X1' as never, initiativeId: 'I1', causeArea: 'ENVIRONMENT' });
    await expect(
      inTransaction(dbs.client, async (session) => {
        await initiatives.updateOne({ _id: 'I1' as never }, { $set: { causeArea: 'HEALTH_WELFARE' } }, { session });
        await expenses.updateMany({ initiativeId: 'I1' }, { $set: { causeArea: 'HEALTH_WELFARE' } }, { session });
        throw new Error('crash before commit');
      }),
    ).rejects.toThrow('crash before commit');
    expect((await initiatives.findOne({ _id: 'I1' as never }))?.causeArea).toBe('ENVIRONMENT');
    expect((await expenses.findOne({ _id: 'X1' as never }))?.causeArea).toBe('ENVIRONMENT');
  });
});
