import type { ClientSession, Document, MongoClient } from 'mongodb';

const support = new WeakMap<MongoClient, Promise<boolean>>();

/**
 * Whether the deployment runs multi-document transactions: a replica set (`setName` in the
 * handshake) or a sharded cluster (`msg: "isdbgrid"`). A standalone server and the test server
 * (mongo-java-server) do not. Asked once per client; a failed question is asked again next time.
 */
export function supportsTransactions(client: MongoClient): Promise<boolean> {
  let known = support.get(client);
  if (!known) {
    known = (async () => {
      const admin = client.db('admin');
      // mongo-java-server has no `hello`; every server has the legacy `isMaster`
      const handshake: Document = await admin.command({ hello: 1 }).catch(() => admin.command({ isMaster: 1 }));
      return typeof handshake.setName === 'string' || handshake.msg === 'isdbgrid';
    })();
    known.catch(() => support.delete(client));
    support.set(client, known);
  }
  return known;
}

/**
 * Runs `work` in a transaction where the deployment has them (committed as one, retried by the
 * driver on transient errors, so `work` must be safe to run again), and without one elsewhere:
 * `work` then gets no session, and its writes must be idempotent so that a retry by the caller
 * repairs a change that stopped half-way. Writes inherit the client's write concern.
 */
export async function inTransaction<T>(client: MongoClient, work: (session: ClientSession | undefined) => Promise<T>): Promise<T> {
  if (!(await supportsTransactions(client))) return work(undefined);
  const session = client.startSession();
  try {
    return await session.withTransaction(() => work(session));
  } finally {
    await session.endSession();
  }
}
