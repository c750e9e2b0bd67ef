/**
 * Fidelity probe: what the product relies on from MongoDB, checked against the server the tests
 * use (mongo-java-server unless MONGODB_URI names a real MongoDB). docs/mongo-test-server.md
 * lists what it shows. Features the test server lacks run only against a real mongod.
 */
import { describe, expect, it } from 'vitest';
import { Decimal128, Long, MongoBulkWriteError, MongoServerError, ObjectId, type Document } from 'mongodb';
import { createTestDatabases, describeMongoServer, useIsolatedDatabases } from '../harness/mongo';

const server = await describeMongoServer();
const dbs = useIsolatedDatabases('fidelity');

interface Item {
  _id?: ObjectId;
  sku: string;
  qty?: number;
  tags?: string[];
  nested?: { level: number };
  touched?: boolean;
}

interface Counter {
  _id: string;
  value: number;
}

function dec(value: string): Decimal128 {
  return Decimal128.fromString(value);
}

describe(`MongoDB fidelity (server reports ${server.version}, real mongod: ${server.realMongod})`, () => {
  it('reports a wire version the Node.js driver 7 accepts (>= 9, MongoDB 4.4)', async () => {
    const hello = await dbs.client.db('admin').command({ isMaster: 1 });
    expect(hello.maxWireVersion).toBeGreaterThanOrEqual(9);
    expect(server.version).toMatch(/^\d+\.\d+/);
  });

  it('CRUD: insert, find with filter/projection/sort, update operators, replace, delete, count', async () => {
    const c = dbs.db('crud').collection<Item>('items');
    const inserted = await c.insertMany([
      { sku: 'a', qty: 1, tags: ['x'] },
      { sku: 'b', qty: 2, tags: ['x', 'y'] },
      { sku: 'c', qty: 3, tags: [] },
    ]);
    expect(inserted.insertedCount).toBe(3);
    expect(Object.values(inserted.insertedIds).every((id) => id instanceof ObjectId)).toBe(true);

    const one = await c.insertOne({ _id: new ObjectId(), sku: 'd', qty: 4, nested: { level: 1 } });
    expect(one.acknowledged).toBe(true);

    const found = await c
      .find({ qty: { $gte: 2 }, tags: 'x' }, { projection: { _id: 0, sku: 1, qty: 1 } })
      .sort({ qty: -1 })
      .toArray();
    expect(found).toEqual([{ sku: 'b', qty: 2 }]);
    expect(await c.find({ sku: { $in: ['a', 'c', 'z'] } }).sort({ sku: 1 }).map((d) => d.sku).toArray()).toEqual([
      'a',
      'c',
    ]);
    expect(await c.findOne({ 'nested.level': 1 }, { projection: { _id: 0, sku: 1 } })).toEqual({ sku: 'd' });

    const updated = await c.updateMany({ qty: { $lt: 3 } }, { $inc: { qty: 10 }, $set: { touched: true } });
    expect(updated.matchedCount).toBe(2);
    expect(updated.modifiedCount).toBe(2);
    expect(await c.countDocuments({ touched: true })).toBe(2);

    await c.updateOne({ sku: 'c' }, { $push: { tags: 'z' }, $unset: { qty: '' } });
    expect(await c.findOne({ sku: 'c' }, { projection: { _id: 0 } })).toEqual({ sku: 'c', tags: ['z'] });

    const replaced = await c.replaceOne({ sku: 'd' }, { sku: 'd', qty: 40 });
    expect(replaced.modifiedCount).toBe(1);
    expect(await c.findOne({ sku: 'd' }, { projection: { _id: 0 } })).toEqual({ sku: 'd', qty: 40 });

    expect((await c.deleteOne({ sku: 'a' })).deletedCount).toBe(1);
    expect((await c.deleteMany({ qty: { $exists: true } })).deletedCount).toBe(2);
    expect(await c.countDocuments()).toBe(1);
    expect(await c.estimatedDocumentCount()).toBe(1);
  });

  it('compound and unique indexes: createIndexes, listIndexes, duplicate key error 11000', async () => {
    const c = dbs.db('idx').collection('contributions');
    const names = await c.createIndexes([
      { key: { subsidiaryId: 1, fiscalYear: -1, _id: 1 }, name: 'by_subsidiary_year' },
      { key: { subsidiaryId: 1, externalRef: 1 }, name: 'uniq_external_ref', unique: true },
    ]);
    expect(names).toEqual(['by_subsidiary_year', 'uniq_external_ref']);

    const indexes = await c.listIndexes().toArray();
    const byName = new Map(indexes.map((i) => [i.name as string, i]));
    expect([...byName.keys()].sort()).toEqual(['_id_', 'by_subsidiary_year', 'uniq_external_ref']);
    expect(byName.get('by_subsidiary_year')?.key).toEqual({ subsidiaryId: 1, fiscalYear: -1, _id: 1 });
    expect(byName.get('uniq_external_ref')?.unique).toBe(true);
    expect(byName.get('by_subsidiary_year')?.unique).toBeFalsy();

    // creating the same index again is a no-op, as on MongoDB
    expect(await c.createIndex({ subsidiaryId: 1, externalRef: 1 }, { name: 'uniq_external_ref', unique: true })).toBe(
      'uniq_external_ref',
    );

    await c.insertOne({ subsidiaryId: 's1', externalRef: 'r1', fiscalYear: 2024 });
    await c.insertOne({ subsidiaryId: 's2', externalRef: 'r1', fiscalYear: 2024 }); // other subsidiary: fine
    const error = await c.insertOne({ subsidiaryId: 's1', externalRef: 'r1', fiscalYear: 2025 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(MongoServerError);
    expect((error as MongoServerError).code).toBe(11000);

    const updateError = await c
      .updateOne({ subsidiaryId: 's2' }, { $set: { subsidiaryId: 's1' } })
      .catch((e: unknown) => e);
    expect((updateError as MongoServerError).code).toBe(11000);
    expect(await c.countDocuments()).toBe(2);

    // a unique index cannot be created over existing duplicates
    const plain = dbs.db('idx').collection('dupes');
    await plain.insertMany([{ k: 1 }, { k: 1 }]);
    const indexError = await plain.createIndex({ k: 1 }, { unique: true }).catch((e: unknown) => e);
    expect(indexError).toBeInstanceOf(MongoServerError);
    expect((indexError as MongoServerError).code).toBe(11000);

    await c.dropIndex('by_subsidiary_year');
    expect((await c.listIndexes().toArray()).map((i) => i.name).sort()).toEqual(['_id_', 'uniq_external_ref']);
  });

  it('Decimal128: stored as Decimal128, $sum exact (0.1 + 0.2 == 0.3)', async () => {
    const c = dbs.db('money').collection('amounts');
    await c.insertMany([
      { g: 'a', amount: dec('0.1') },
      { g: 'a', amount: dec('0.2') },
      { g: 'b', amount: dec('1000000000000000.01') },
      { g: 'b', amount: dec('0.02') },
    ]);
    const stored = await c.findOne({ g: 'a' }, { sort: { _id: 1 } });
    expect(stored?.amount).toBeInstanceOf(Decimal128);
    expect((stored?.amount as Decimal128).toString()).toBe('0.1');
    expect(await c.countDocuments({ amount: { $gt: dec('0.15'), $lt: dec('0.25') } })).toBe(1);

    const sums = await c
      .aggregate<{ _id: string; total: Decimal128 }>([{ $group: { _id: '$g', total: { $sum: '$amount' } } }, { $sort: { _id: 1 } }])
      .toArray();
    expect(sums.map((s) => s._id)).toEqual(['a', 'b']);
    expect(sums[0]?.total).toBeInstanceOf(Decimal128);
    expect(sums[0]?.total.toString()).toBe('0.3');
    expect(sums[1]?.total.toString()).toBe('1000000000000000.03');

    // many cents add up exactly
    const cents = dbs.db('money').collection('cents');
    await cents.insertMany(Array.from({ length: 1000 }, () => ({ amount: dec('0.01') })));
    const [all] = await cents.aggregate<{ total: Decimal128 }>([{ $group: { _id: null, total: { $sum: '$amount' } } }]).toArray();
    expect(all?.total.toString()).toBe('10.00');

    // $inc keeps Decimal128 exact
    const [first] = await c.find({ g: 'a' }).sort({ _id: 1 }).limit(1).toArray();
    await c.updateOne({ _id: first?._id }, { $inc: { amount: dec('0.2') } });
    expect(((await c.findOne({ _id: first?._id }))?.amount as Decimal128).toString()).toBe('0.3');
  });

  it('Int64: stored as Int64 and $sum of Int64 exact beyond 2^53', async () => {
    const c = dbs.db('money').collection('longs');
    await c.insertMany([
      { n: Long.fromString('9007199254740993') }, // 2^53 + 1: not representable as a double
      { n: Long.fromNumber(1) },
      { n: Long.fromNumber(1) },
    ]);
    const [sum] = await c
      .aggregate<{ total: bigint }>([{ $group: { _id: null, total: { $sum: '$n' } } }], { useBigInt64: true })
      .toArray();
    expect(sum?.total).toBe(9007199254740995n);
    const raw = await c.findOne({}, { sort: { n: -1 }, promoteLongs: false });
    expect(raw?.n).toBeInstanceOf(Long);
    expect((raw?.n as Long).toString()).toBe('9007199254740993');
  });

  it('aggregate: $match, $group ($sum/$min/$max/$push), $sort, $project, $unwind, $facet, $count', async () => {
    const c = dbs.db('agg').collection('expenses');
    await c.insertMany([
      { sub: 's1', year: 2024, cause: 'health', amount: dec('100.50'), tags: ['a', 'b'] },
      { sub: 's1', year: 2024, cause: 'education', amount: dec('20.25'), tags: ['a'] },
      { sub: 's1', year: 2023, cause: 'health', amount: dec('5'), tags: [] },
      { sub: 's2', year: 2024, cause: 'health', amount: dec('7.75'), tags: ['c'] },
      { sub: 's2', year: 2024, cause: 'environment', amount: dec('1.00'), tags: ['a', 'c'] },
    ]);

    const grouped = await c
      .aggregate([
        { $match: { year: 2024 } },
        { $sort: { _id: 1 } }, // $push keeps input order
        {
          $group: {
            _id: '$sub',
            total: { $sum: '$amount' },
            n: { $sum: 1 },
            min: { $min: '$amount' },
            max: { $max: '$amount' },
            causes: { $push: '$cause' },
          },
        },
        { $sort: { _id: 1 } },
        {
          $project: {
            _id: 0,
            sub: '$_id',
            total: { $toString: '$total' },
            n: 1,
            min: { $toString: '$min' },
            max: { $toString: '$max' },
            causes: 1,
          },
        },
      ])
      .toArray();
    expect(grouped).toEqual([
      { sub: 's1', total: '120.75', n: 2, min: '20.25', max: '100.50', causes: ['health', 'education'] },
      { sub: 's2', total: '8.75', n: 2, min: '1.00', max: '7.75', causes: ['health', 'environment'] },
    ]);

    const tagCounts = await c
      .aggregate([
        { $unwind: '$tags' },
        { $group: { _id: '$tags', n: { $sum: 1 } } },
        { $sort: { n: -1, _id: 1 } },
      ])
      .toArray();
    expect(tagCounts).toEqual([
      { _id: 'a', n: 3 },
      { _id: 'c', n: 2 },
      { _id: 'b', n: 1 },
    ]);

    const [facets] = await c
      .aggregate([
        {
          $facet: {
            byCause: [{ $group: { _id: '$cause', total: { $sum: '$amount' } } }, { $sort: { _id: 1 } }],
            count2024: [{ $match: { year: 2024 } }, { $count: 'n' }],
            page: [{ $sort: { amount: -1 } }, { $limit: 2 }, { $project: { _id: 0, amount: { $toString: '$amount' } } }],
          },
        },
      ])
      .toArray();
    expect(facets?.count2024).toEqual([{ n: 4 }]);
    expect((facets?.byCause as Document[]).map((f) => [f._id, (f.total as Decimal128).toString()])).toEqual([
      ['education', '20.25'],
      ['environment', '1.00'],
      ['health', '113.25'],
    ]);
    expect(facets?.page).toEqual([{ amount: '100.50' }, { amount: '20.25' }]);

    expect(await c.aggregate([{ $match: { sub: 's2' } }, { $count: 'total' }]).toArray()).toEqual([{ total: 2 }]);
    // $count over nothing yields no document at all (not { total: 0 })
    expect(await c.aggregate([{ $match: { sub: 'none' } }, { $count: 'total' }]).toArray()).toEqual([]);
  });

  it('updateOne with upsert and $setOnInsert', async () => {
    const c = dbs.db('upsert').collection('rollups');
    const key = { sub: 's1', year: 2024 };
    const first = await c.updateOne(
      key,
      { $inc: { total: dec('10.10'), n: 1 }, $setOnInsert: { createdBy: 'first' } },
      { upsert: true },
    );
    expect(first.upsertedCount).toBe(1);
    expect(first.upsertedId).toBeInstanceOf(ObjectId);
    expect(first.matchedCount).toBe(0);

    const second = await c.updateOne(
      key,
      { $inc: { total: dec('0.90'), n: 1 }, $setOnInsert: { createdBy: 'second' } },
      { upsert: true },
    );
    expect(second.upsertedCount).toBe(0);
    expect(second.matchedCount).toBe(1);
    expect(second.modifiedCount).toBe(1);

    const doc = await c.findOne(key);
    expect(doc?.createdBy).toBe('first');
    expect(doc?.sub).toBe('s1'); // equality fields of the filter are copied into the upserted doc
    expect(doc?.n).toBe(2);
    expect((doc?.total as Decimal128).toString()).toBe('11.00');
    expect(await c.countDocuments()).toBe(1);
  });

  it('findOneAndUpdate returns the document (before / after / upserted)', async () => {
    const c = dbs.db('fau').collection<Counter>('counters');
    await c.insertOne({ _id: 'seq', value: 1 });
    const after = await c.findOneAndUpdate({ _id: 'seq' }, { $inc: { value: 1 } }, { returnDocument: 'after' });
    expect(after).toEqual({ _id: 'seq', value: 2 });
    const before = await c.findOneAndUpdate({ _id: 'seq' }, { $inc: { value: 1 } }, { returnDocument: 'before' });
    expect(before).toEqual({ _id: 'seq', value: 2 });
    const upserted = await c.findOneAndUpdate(
      { _id: 'other' },
      { $setOnInsert: { value: 100 } },
      { upsert: true, returnDocument: 'after' },
    );
    expect(upserted).toEqual({ _id: 'other', value: 100 });
    expect(await c.findOneAndUpdate({ _id: 'missing' }, { $inc: { value: 1 } })).toBeNull();
    const withMeta = await c.findOneAndUpdate(
      { _id: 'seq' },
      { $set: { value: 0 } },
      { returnDocument: 'after', includeResultMetadata: true },
    );
    expect(withMeta.ok).toBe(1);
    expect(withMeta.value).toEqual({ _id: 'seq', value: 0 });
    expect(await c.findOneAndDelete({ _id: 'other' })).toEqual({ _id: 'other', value: 100 });
  });

  it('bulkWrite: mixed ordered operations, and unordered with a duplicate key', async () => {
    const c = dbs.db('bulk').collection('docs');
    await c.createIndex({ ref: 1 }, { unique: true });
    const result = await c.bulkWrite([
      { insertOne: { document: { ref: 'a', v: 1 } } },
      { insertOne: { document: { ref: 'b', v: 1 } } },
      { updateOne: { filter: { ref: 'a' }, update: { $set: { v: 2 } } } },
      { updateMany: { filter: {}, update: { $inc: { v: 10 } } } },
      { updateOne: { filter: { ref: 'c' }, update: { $set: { v: 3 } }, upsert: true } },
      { replaceOne: { filter: { ref: 'b' }, replacement: { ref: 'b', v: 0 } } },
      { deleteOne: { filter: { ref: 'a' } } },
    ]);
    expect(result.insertedCount).toBe(2);
    expect(result.matchedCount).toBe(4); // 1 + 2 + 1
    expect(result.modifiedCount).toBe(4);
    expect(result.upsertedCount).toBe(1);
    expect(result.deletedCount).toBe(1);
    expect(await c.find({}, { projection: { _id: 0 } }).sort({ ref: 1 }).toArray()).toEqual([
      { ref: 'b', v: 0 },
      { ref: 'c', v: 3 },
    ]);

    const error = await c
      .bulkWrite(
        [
          { insertOne: { document: { ref: 'd' } } },
          { insertOne: { document: { ref: 'b' } } }, // duplicate
          { insertOne: { document: { ref: 'e' } } },
        ],
        { ordered: false },
      )
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(MongoBulkWriteError);
    const bulkError = error as MongoBulkWriteError;
    expect(bulkError.code).toBe(11000);
    const writeErrors = Array.isArray(bulkError.writeErrors) ? bulkError.writeErrors : [bulkError.writeErrors];
    expect(writeErrors.map((w) => [w.index, w.code])).toEqual([[1, 11000]]);
    expect(await c.countDocuments()).toBe(4); // d and e went in
  });

  it('cursor pagination: sort + limit by (field, _id), ties included, across getMore batches', async () => {
    const c = dbs.db('page').collection('rows');
    const docs = Array.from({ length: 57 }, (_, i) => ({ _id: new ObjectId(), amount: i % 7, label: `r${i}` }));
    await c.insertMany(docs);
    const expected = [...docs]
      .sort((a, b) => b.amount - a.amount || a._id.toHexString().localeCompare(b._id.toHexString()))
      .map((d) => d.label);

    const pageSize = 10;
    const seen: string[] = [];
    let after: { amount: number; _id: ObjectId } | undefined;
    for (let page = 0; page < 20; page += 1) {
      const filter = after
        ? { $or: [{ amount: { $lt: after.amount } }, { amount: after.amount, _id: { $gt: after._id } }] }
        : {};
      const rows = await c.find(filter).sort({ amount: -1, _id: 1 }).limit(pageSize).toArray();
      seen.push(...rows.map((r) => r.label as string));
      if (rows.length < pageSize) break;
      const last = rows[rows.length - 1]!;
      after = { amount: last.amount as number, _id: last._id };
    }
    expect(seen).toEqual(expected);

    // a cursor that needs several getMore round trips
    const cursor = c.find({}).sort({ amount: 1, _id: 1 }).batchSize(5);
    let count = 0;
    for await (const _row of cursor) count += 1;
    expect(count).toBe(57);
    expect(await c.countDocuments({}, { skip: 50, limit: 100 })).toBe(7);
    expect(await c.find({}).sort({ amount: -1, _id: 1 }).skip(50).limit(100).toArray()).toHaveLength(7);
  });

  it('createTestDatabases drops every database of its set', async () => {
    const set = await createTestDatabases('dropcheck');
    await set.db('one').collection('c').insertOne({ x: 1 });
    await set.db().collection('c').insertOne({ x: 1 });
    const list = async (): Promise<string[]> =>
      (await dbs.client.db('admin').admin().listDatabases({ nameOnly: true })).databases
        .map((d) => d.name)
        .filter((n) => n.startsWith(set.namePrefix));
    expect((await list()).sort()).toEqual([set.namePrefix, set.name('one')].sort());
    await set.dispose();
    expect(await list()).toEqual([]);
  });
});

describe('real mongod only', () => {
  if (!server.realMongod) {
    it.skip(server.skipReason, () => {});
  }

  it.skipIf(!server.realMongod)('explain shows the compound index being used', async () => {
    const c = dbs.db('explain').collection('c');
    await c.createIndex({ sub: 1, year: -1 });
    await c.insertMany(Array.from({ length: 20 }, (_, i) => ({ sub: `s${i % 3}`, year: 2000 + i })));
    const plan = await c.find({ sub: 's1', year: { $gte: 2005 } }).explain('queryPlanner');
    expect(JSON.stringify(plan.queryPlanner?.winningPlan ?? plan)).toContain('IXSCAN');
  });

  it.skipIf(!server.realMongod)('$text search over a text index', async () => {
    const c = dbs.db('text').collection('c');
    await c.createIndex({ body: 'text' });
    await c.insertMany([{ body: 'clean water project' }, { body: 'school books' }]);
    expect(await c.countDocuments({ $text: { $search: 'water' } })).toBe(1);
  });

  // Gaps measured on mongo-java-server (docs/mongo-test-server.md): real MongoDB behaviour.
  it.skipIf(!server.realMongod)('unique index with partialFilterExpression ignores documents outside it', async () => {
    const c = dbs.db('partial').collection('c');
    await c.insertMany([{ other: 1 }, { other: 2 }]);
    await c.createIndex({ key: 1 }, { unique: true, partialFilterExpression: { key: { $exists: true } } });
    await c.insertOne({ other: 3 });
    await c.insertOne({ key: 'k' });
    const error = await c.insertOne({ key: 'k' }).catch((e: unknown) => e);
    expect((error as MongoServerError).code).toBe(11000);
  });

  it.skipIf(!server.realMongod)('$avg and $divide of Decimal128 stay Decimal128', async () => {
    const c = dbs.db('decavg').collection('c');
    await c.insertMany([{ v: dec('1.5') }, { v: dec('2.25') }]);
    const [r] = await c
      .aggregate<{ avg: Decimal128; third: Decimal128 }>([
        { $group: { _id: null, avg: { $avg: '$v' }, total: { $sum: '$v' } } },
        { $project: { avg: 1, third: { $divide: ['$total', 3] } } },
      ])
      .toArray();
    expect(r?.avg).toBeInstanceOf(Decimal128);
    expect(Number(r?.avg.toString())).toBe(1.875);
    expect(r?.third).toBeInstanceOf(Decimal128);
  });

  it.skipIf(!server.realMongod)('collation: case-insensitive match with strength 2', async () => {
    const c = dbs.db('collation').collection('c');
    await c.insertOne({ s: 'x' });
    expect(await c.countDocuments({ s: 'X' }, { collation: { locale: 'en', strength: 2 } })).toBe(1);
  });

  it.skipIf(!server.realMongod)('$jsonSchema validator rejects an invalid document (121)', async () => {
    const db = dbs.db('validator');
    await db.createCollection('c', { validator: { $jsonSchema: { required: ['x'] } } });
    const error = await db.collection('c').insertOne({ y: 1 }).catch((e: unknown) => e);
    expect((error as MongoServerError).code).toBe(121);
  });

  it.skipIf(!server.realMongod)('multi-document transaction (replica set only)', async (ctx) => {
    const hello = await dbs.client.db('admin').command({ isMaster: 1 });
    if (!hello.setName) ctx.skip('the real mongod is standalone; transactions need a replica set');
    const c = dbs.db('txn').collection<{ _id: string }>('c');
    await c.insertOne({ _id: 'seed' });
    const session = dbs.client.startSession();
    try {
      await session.withTransaction(async () => {
        await c.insertOne({ _id: 'a' }, { session });
        await c.insertOne({ _id: 'b' }, { session });
      });
    } finally {
      await session.endSession();
    }
    expect(await c.countDocuments()).toBe(3);
  });
});
