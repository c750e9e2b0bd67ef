import { connect as connectTcp } from 'node:net';
import { MongoClient, MongoNetworkError, type Collection, type Document } from 'mongodb';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { generateSecret } from '../../platform/auth';
import { TEST_CLIENT_OPTIONS, useIsolatedDatabases } from '../harness/mongo';
import { startDelayProxy } from '../harness/faults';
import { parseMongoTarget, startMongoWriteProxy, type MongoWriteProxy } from '../harness/mongo-write-proxy';
import { MessageFramer, encodeOpMsg, replyBody } from '../harness/mongo-wire';
import { startSubgraphProcess, type SubgraphProcess } from '../harness/subgraph-process';

const dbs = useIsolatedDatabases('write_proxy');
let proxy: MongoWriteProxy;
const clients: MongoClient[] = [];

beforeAll(async () => {
  proxy = await startMongoWriteProxy(dbs.uri);
});
afterEach(async () => {
  proxy.disarm();
  await Promise.all(clients.splice(0).map((client) => client.close(true)));
});
afterAll(async () => {
  await proxy?.close();
});

/** A client through the proxy; no retries, so that a crash shows as the network error it is. */
async function proxied(): Promise<MongoClient> {
  const client = new MongoClient(proxy.uri, { ...TEST_CLIENT_OPTIONS, serverSelectionTimeoutMS: 5_000, retryWrites: false, retryReads: false });
  clients.push(client);
  await client.connect();
  return client;
}

interface Item {
  _id: string | number;
  n?: number;
  updated?: boolean;
  at?: string;
  twice?: boolean;
}

/** The same collection through the proxy and directly on the server (for reading back). */
async function collectionPair(name: string): Promise<{ through: Collection<Item>; direct: Collection<Item> }> {
  const client = await proxied();
  return { through: client.db(dbs.name(name)).collection<Item>('items'), direct: dbs.db(name).collection<Item>('items') };
}

async function expectNetworkError(operation: Promise<unknown>): Promise<void> {
  const error = await operation.then(
    () => new Error('the operation succeeded'),
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(MongoNetworkError);
}

describe('mongo write proxy', () => {
  it('hands out a direct, uncompressed URI', () => {
    const params = new URL(proxy.uri.replace(/^mongodb:/, 'http:')).searchParams;
    expect(params.get('directConnection')).toBe('true');
    expect(params.get('compressors')).toBeNull();
    expect(new URL(proxy.uri.replace(/^mongodb:/, 'http:')).host).toBe(`127.0.0.1:${proxy.port}`);
  });

  it('counts exactly the write commands of a known sequence, and no reads', async () => {
    const { through } = await collectionPair('count');
    const db = through.dbName;
    proxy.resetCount();
    await through.insertOne({ _id: 'a', n: 0 });
    await through.find({}).toArray();
    await through.updateOne({ _id: 'a' }, { $inc: { n: 1 } });
    await through.aggregate([{ $match: { _id: 'a' } }]).toArray();
    await through.insertMany([{ _id: 'b' }, { _id: 'c' }, { _id: 'd' }]);
    const bulk = await through.bulkWrite([
      { updateOne: { filter: { _id: 'b' }, update: { $set: { n: 1 } } } },
      { updateOne: { filter: { _id: 'c' }, update: { $set: { n: 2 } } } },
      { updateOne: { filter: { _id: 'd' }, update: { $set: { n: 3 } } } },
    ]);
    expect(bulk.modifiedCount).toBe(3);
    await through.countDocuments({});
    const found = await through.findOneAndUpdate({ _id: 'a' }, { $inc: { n: 1 } }, { returnDocument: 'after' });
    expect(found?.n).toBe(2);
    await through.findOne({ _id: 'a' });
    await through.deleteOne({ _id: 'd' });
    await through.db.command({ ping: 1 });

    expect(proxy.writes.map(({ command, collection, db: database }) => [command, collection, database])).toEqual([
      ['insert', 'items', db],
      ['update', 'items', db],
      ['insert', 'items', db],
      ['update', 'items', db],
      ['findAndModify', 'items', db],
      ['delete', 'items', db],
    ]);
    expect(proxy.writes.every((write) => write.forwarded)).toBe(true);
    expect(proxy.compressedMessages).toBe(0);
  });

  it("'before-send': a crash after n writes leaves exactly n applied, and the client sees a network error", async () => {
    const { through, direct } = await collectionPair('before_send');
    let countAtCrash = -1;
    proxy.resetCount();
    const fired = proxy.arm({
      afterWrites: 2,
      mode: 'before-send',
      onCrash: async () => {
        countAtCrash = await direct.countDocuments({});
      },
    });
    await through.insertOne({ _id: 1 });
    await through.updateOne({ _id: 1 }, { $set: { updated: true } });
    expect(proxy.crashed).toBe(false);
    await expectNetworkError(through.insertOne({ _id: 2 }));
    const report = await fired;

    expect(report).toMatchObject({ mode: 'before-send', forwardedSinceArm: 2, write: { command: 'insert', collection: 'items', forwarded: false } });
    expect(countAtCrash).toBe(1);
    expect(await direct.find({}).toArray()).toEqual([{ _id: 1, updated: true }]);
    expect(proxy.writes.map((write) => [write.command, write.forwarded])).toEqual([['insert', true], ['update', true], ['insert', false]]);
    expect(proxy.crashed).toBe(true);
    expect(proxy.armed).toBe(false);
    expect(proxy.openConnections).toBe(0);

    // disarmed: a new client through the same proxy works, and its writes are counted again
    const after = await collectionPair('before_send');
    await after.through.insertOne({ _id: 3 });
    expect(await direct.countDocuments({})).toBe(2);
    expect(proxy.writes.at(-1)).toMatchObject({ command: 'insert', forwarded: true });
  });

  it("'before-send' with afterWrites 0 stops the very first write", async () => {
    const { through, direct } = await collectionPair('first_write');
    await direct.insertOne({ _id: 'kept' });
    const fired = proxy.arm({ afterWrites: 0, mode: 'before-send' });
    expect(await through.find({}).toArray()).toHaveLength(1); // reads pass while armed
    await expectNetworkError(through.deleteMany({}));
    await fired;
    expect(await direct.countDocuments({})).toBe(1);
  });

  it("'after-apply': the crash write is applied but its reply never reaches the client", async () => {
    const { through, direct } = await collectionPair('after_apply');
    await direct.insertOne({ _id: 'x', n: 0 });
    let atCrash: Document | null = null;
    proxy.resetCount();
    const fired = proxy.arm({
      afterWrites: 1,
      mode: 'after-apply',
      onCrash: async () => {
        atCrash = await direct.findOne({ _id: 'x' });
      },
    });
    await through.updateOne({ _id: 'x' }, { $inc: { n: 1 } });
    await expectNetworkError(through.findOneAndUpdate({ _id: 'x' }, { $inc: { n: 10 } }));
    const report = await fired;

    expect(report).toMatchObject({ mode: 'after-apply', forwardedSinceArm: 2, write: { command: 'findAndModify', forwarded: true } });
    expect(atCrash).toEqual({ _id: 'x', n: 11 }); // applied before onCrash ran
    expect(await direct.findOne({ _id: 'x' })).toEqual({ _id: 'x', n: 11 });
    expect(proxy.writes.map((write) => write.command)).toEqual(['update', 'findAndModify']);

    const after = await collectionPair('after_apply');
    expect(await after.through.findOne({ _id: 'x' })).toEqual({ _id: 'x', n: 11 });
    await after.through.updateOne({ _id: 'x' }, { $inc: { n: 100 } });
    expect(await direct.findOne({ _id: 'x' })).toEqual({ _id: 'x', n: 111 });
  });

  it("'after-apply' waits for the server's reply before it crashes (the reply delayed by 300 ms)", async () => {
    // a second write proxy, in front of a proxy that holds every server answer back by 300 ms
    const delay = await startDelayProxy();
    delay.targetPort = parseMongoTarget(dbs.uri).port;
    delay.delayMs = 300;
    const slow = await startMongoWriteProxy(`mongodb://127.0.0.1:${delay.port}/`);
    const client = new MongoClient(slow.uri, { ...TEST_CLIENT_OPTIONS, retryWrites: false });
    clients.push(client);
    try {
      const through = client.db(dbs.name('after_apply_slow')).collection<Item>('items');
      await through.findOne({});
      let crashedAfterMs = -1;
      const fired = slow.arm({ afterWrites: 0, mode: 'after-apply', onCrash: () => void (crashedAfterMs = Date.now() - slow.writes[0]!.at) });
      await expectNetworkError(through.insertOne({ _id: 'late' }));
      await fired;
      expect(crashedAfterMs).toBeGreaterThanOrEqual(250);
      expect(await dbs.db('after_apply_slow').collection('items').countDocuments({})).toBe(1);
    } finally {
      await slow.close();
      await delay.close();
    }
  });

  it('from the crash point on, no write of any connection reaches the server', async () => {
    const one = await collectionPair('every_connection');
    const two = await collectionPair('every_connection');
    await two.through.findOne({}); // both clients have a connection open
    const fired = proxy.arm({ afterWrites: 1, mode: 'before-send', onCrash: () => new Promise((resolve) => setTimeout(resolve, 300)) });
    await one.through.insertOne({ _id: 1 });
    // one of these is the crash write; the other arrives while onCrash runs and is dropped
    const results = await Promise.allSettled([two.through.insertOne({ _id: 2 }), one.through.insertOne({ _id: 3 })]);
    await fired;
    expect(results.map((result) => result.status)).toEqual(['rejected', 'rejected']);
    for (const result of results) if (result.status === 'rejected') expect(result.reason).toBeInstanceOf(MongoNetworkError);
    expect(await one.direct.find({}).toArray()).toEqual([{ _id: 1 }]);
    expect(proxy.writes.slice(-3).map((write) => write.forwarded)).toEqual([true, false, false]);
  });

  it('parses messages that reach it one byte per TCP chunk, and several messages in one chunk', async () => {
    const database = dbs.name('raw');
    proxy.resetCount();
    const socket = connectTcp(proxy.port, '127.0.0.1');
    socket.setNoDelay(true);
    await new Promise<void>((resolve, reject) => socket.once('connect', resolve).once('error', reject));
    const framer = new MessageFramer();
    const replies: Document[] = [];
    const replied = (count: number) =>
      new Promise<void>((resolve) => {
        const check = () => (replies.length >= count ? resolve() : socket.once('data', check));
        socket.once('data', check);
      });
    socket.on('data', (chunk: Buffer) => replies.push(...framer.push(chunk).map((message) => replyBody(message.bytes))));

    const insert = encodeOpMsg(1, { insert: 'items', $db: database }, [{ identifier: 'documents', documents: [{ _id: 'raw', at: 'bytes' }] }]);
    const chunksBefore = proxy.clientChunks;
    const first = replied(1);
    for (const byte of insert) {
      socket.write(Buffer.from([byte]));
      await new Promise((resolve) => setImmediate(resolve));
    }
    await first;
    expect(proxy.clientChunks - chunksBefore).toBeGreaterThan(insert.length / 2); // really arrived in pieces
    expect(replies[0]).toMatchObject({ n: 1, ok: 1 });

    const two = replied(3);
    socket.write(Buffer.concat([
      encodeOpMsg(2, { update: 'items', updates: [{ q: { _id: 'raw' }, u: { $set: { twice: true } } }], $db: database }),
      encodeOpMsg(3, { find: 'items', filter: {}, $db: database }),
    ]));
    await two;
    socket.destroy();
    expect(replies[1]).toMatchObject({ n: 1, nModified: 1, ok: 1 });
    expect(proxy.writes.map(({ command, collection, db }) => [command, collection, db])).toEqual([['insert', 'items', database], ['update', 'items', database]]);
    expect(await dbs.db('raw').collection<Item>('items').findOne({ _id: 'raw' })).toEqual({ _id: 'raw', at: 'bytes', twice: true });
  });
});

describe('a subgraph as a child process', () => {
  let india: SubgraphProcess | undefined;
  afterAll(async () => {
    await india?.stop();
  });

  it('starts india, dies by SIGKILL, and serves /health again on the same port after a restart', { timeout: 90_000 }, async () => {
    india = await startSubgraphProcess({
      name: 'india',
      // through the write proxy, as the crash tests will run it
      env: { MONGODB_URI: proxy.uri, DATABASE_PREFIX: `${dbs.namePrefix}_`, AUTH_JWT_SECRET: generateSecret(), LOG_LEVEL: 'silent', NODE_ENV: 'development' },
    });
    const { port, url } = india;
    const firstPid = india.pid;
    expect(url).toBe(`http://127.0.0.1:${port}/graphql`);
    expect((await fetch(new URL('/health', url))).status).toBe(200);
    const accepted = proxy.connectionsAccepted;

    expect(await india.kill()).toEqual({ code: null, signal: 'SIGKILL' });
    expect(india.exited).toBe(true);
    await expect(fetch(new URL('/health', url))).rejects.toThrow();

    await india.restart();
    expect(india.exited).toBe(false);
    expect(india.port).toBe(port);
    expect(india.pid).not.toBe(firstPid);
    expect((await fetch(new URL('/health', india.url))).status).toBe(200);
    expect(proxy.connectionsAccepted).toBeGreaterThan(accepted); // it reconnected through the proxy

    for (let i = 0; i < 3; i++) await india.restart();
    console.log(`subgraph india start times (ms; first is cold): ${india.startTimes.map((ms) => Math.round(ms)).join(', ')}`);

    expect(await india.stop()).toEqual({ code: 0, signal: null });
  });

  it('reports a child that cannot start, with its stderr', async () => {
    await expect(startSubgraphProcess({ name: 'india', env: { MONGODB_URI: '', AUTH_JWT_SECRET: generateSecret() } })).rejects.toThrow(/exited \(code 2.*\n[\s\S]*Set MONGODB_URI/);
  });
});
