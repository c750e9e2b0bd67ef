import { BSON } from 'mongodb';
import { describe, expect, it } from 'vitest';
import {
  HEADER_LENGTH,
  MessageFramer,
  OP_MSG,
  OP_QUERY,
  WireProtocolError,
  commandOf,
  encodeOpMsg,
  isWriteCommand,
  parseOpMsg,
  readHeader,
} from '../harness/mongo-wire';

const insert = encodeOpMsg(7, { insert: 'expenses', ordered: true, $db: 'csr_india' }, [{ identifier: 'documents', documents: [{ _id: 1, amount: 'x' }, { _id: 2 }] }]);
const find = encodeOpMsg(8, { find: 'initiatives', filter: { causeArea: 'EDUCATION' }, $db: 'csr_japan' });
const hello = encodeOpMsg(9, { hello: 1, $db: 'admin' });

/** A legacy OP_QUERY (the driver's first handshake can be one): header, flags, cstring collection, skip, return, query. */
function opQuery(requestID: number): Buffer {
  const query = Buffer.from(BSON.serialize({ isMaster: 1 }));
  const collection = Buffer.from('admin.$cmd\0');
  const header = Buffer.alloc(HEADER_LENGTH + 4);
  const tail = Buffer.alloc(8);
  tail.writeInt32LE(-1, 4);
  const length = header.length + collection.length + tail.length + query.length;
  header.writeInt32LE(length, 0);
  header.writeInt32LE(requestID, 4);
  header.writeInt32LE(OP_QUERY, 12);
  return Buffer.concat([header, collection, tail, query]);
}

describe('mongo-wire framing', () => {
  it('reads the header fields', () => {
    expect(readHeader(insert)).toEqual({ messageLength: insert.length, requestID: 7, responseTo: 0, opCode: OP_MSG });
  });

  it('reassembles messages fed one byte at a time', () => {
    const stream = Buffer.concat([insert, find, hello]);
    const framer = new MessageFramer();
    const out = [];
    for (let i = 0; i < stream.length; i++) out.push(...framer.push(stream.subarray(i, i + 1)));
    expect(out.map((message) => message.header.requestID)).toEqual([7, 8, 9]);
    expect(out.map((message) => message.bytes)).toEqual([insert, find, hello]);
    expect(framer.buffered).toBe(0);
  });

  it('splits several messages arriving in one chunk, and keeps a trailing partial one', () => {
    const framer = new MessageFramer();
    const stream = Buffer.concat([insert, find, hello]);
    const cut = insert.length + find.length + 5;
    expect(framer.push(stream.subarray(0, cut)).map((message) => message.header.requestID)).toEqual([7, 8]);
    expect(framer.buffered).toBe(5);
    expect(framer.push(stream.subarray(cut)).map((message) => message.header.requestID)).toEqual([9]);
  });

  it('frames other opCodes without parsing them', () => {
    const legacy = opQuery(3);
    const [message] = new MessageFramer().push(Buffer.concat([legacy]));
    expect(message?.header).toMatchObject({ opCode: OP_QUERY, requestID: 3, messageLength: legacy.length });
    expect(() => commandOf(legacy)).toThrow(WireProtocolError);
  });

  it('refuses an implausible length instead of waiting forever', () => {
    const bogus = Buffer.alloc(16);
    bogus.writeInt32LE(3, 0);
    expect(() => new MessageFramer().push(bogus)).toThrow(/implausible messageLength 3/);
    bogus.writeInt32LE(0x7fffffff, 0);
    expect(() => new MessageFramer().push(bogus)).toThrow(WireProtocolError);
  });
});

describe('mongo-wire OP_MSG', () => {
  it('parses a kind-0 body and a kind-1 document sequence', () => {
    const message = parseOpMsg(insert);
    expect(message.flagBits).toBe(0);
    expect(message.moreToCome).toBe(false);
    expect(message.sections.map((section) => section.kind)).toEqual([0, 1]);
    const sequence = message.sections[1];
    if (sequence?.kind !== 1) throw new Error('expected a document sequence');
    expect(sequence.identifier).toBe('documents');
    expect(sequence.documents.map((document) => BSON.deserialize(document))).toEqual([{ _id: 1, amount: 'x' }, { _id: 2 }]);
  });

  it('reads command, collection and $db', () => {
    expect(commandOf(insert)).toEqual({ command: 'insert', collection: 'expenses', db: 'csr_india', moreToCome: false });
    expect(commandOf(find)).toEqual({ command: 'find', collection: 'initiatives', db: 'csr_japan', moreToCome: false });
    // a non-string first value: no collection
    expect(commandOf(hello)).toEqual({ command: 'hello', collection: null, db: 'admin', moreToCome: false });
  });

  it('reads the command when the body follows a document sequence, and skips a checksum', () => {
    const body = Buffer.from(BSON.serialize({ update: 'rollups', ordered: false, $db: 'csr_thailand' }));
    const doc = Buffer.from(BSON.serialize({ q: { _id: 1 }, u: { $inc: { n: 1 } } }));
    const identifier = Buffer.from('updates\0');
    const size = Buffer.alloc(4);
    size.writeInt32LE(4 + identifier.length + doc.length);
    const payload = Buffer.concat([Buffer.from([1]), size, identifier, doc, Buffer.from([0]), body]);
    const header = Buffer.alloc(HEADER_LENGTH + 4);
    header.writeInt32LE(header.length + payload.length + 4, 0);
    header.writeInt32LE(11, 4);
    header.writeInt32LE(OP_MSG, 12);
    header.writeUInt32LE(0b11, 16); // checksumPresent | moreToCome
    const message = Buffer.concat([header, payload, Buffer.from([0xde, 0xad, 0xbe, 0xef])]);
    expect(commandOf(message)).toEqual({ command: 'update', collection: 'rollups', db: 'csr_thailand', moreToCome: true });
    expect(parseOpMsg(message).sections.map((section) => section.kind)).toEqual([1, 0]);
  });

  it('refuses sections that overrun the message', () => {
    const truncated = Buffer.from(find);
    truncated.writeInt32LE(10_000, HEADER_LENGTH + 5); // the body's BSON size
    expect(() => parseOpMsg(truncated)).toThrow(/overruns/);
    const badKind = Buffer.from(find);
    badKind[HEADER_LENGTH + 4] = 7;
    expect(() => parseOpMsg(badKind)).toThrow(/section kind 7/);
  });

  it('knows the write commands, whatever their case', () => {
    for (const name of ['insert', 'update', 'delete', 'findAndModify', 'findandmodify', 'bulkWrite']) expect(isWriteCommand(name)).toBe(true);
    for (const name of ['find', 'aggregate', 'getMore', 'hello', 'ping', 'endSessions', 'count', 'createIndexes', 'explain']) expect(isWriteCommand(name)).toBe(false);
  });
});
