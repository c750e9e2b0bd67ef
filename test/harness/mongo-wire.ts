/**
 * Just enough of the MongoDB wire protocol for test proxies: message framing (the 16-byte header
 * gives each message its length) and OP_MSG sections, from which a command's name, target
 * collection and `$db` are read.
 *
 *   header: int32 messageLength (header included), int32 requestID, int32 responseTo, int32 opCode
 *   OP_MSG (2013): uint32 flagBits, sections…, optional uint32 CRC-32C (flagBits bit 0)
 *     kind 0: one BSON document (the command body)
 *     kind 1: int32 size (itself included), cstring identifier, BSON documents
 *
 * Every other opCode (OP_QUERY for legacy handshakes, OP_COMPRESSED, OP_REPLY) is framed but not parsed.
 */
import { BSON } from 'mongodb';

export const OP_REPLY = 1;
export const OP_QUERY = 2004;
export const OP_COMPRESSED = 2012;
export const OP_MSG = 2013;

export const HEADER_LENGTH = 16;
/** Larger than any message a server accepts (48 MB) with room to spare: anything longer is corrupt framing. */
export const MAX_MESSAGE_LENGTH = 64 * 1024 * 1024;

const CHECKSUM_PRESENT = 1 << 0;
const MORE_TO_COME = 1 << 1;

/** Commands that change data; `bulkWrite` is the 8.0 client-level bulk write. */
export const WRITE_COMMANDS: ReadonlySet<string> = new Set(['insert', 'update', 'delete', 'findandmodify', 'bulkwrite']);

export function isWriteCommand(command: string): boolean {
  return WRITE_COMMANDS.has(command.toLowerCase());
}

export class WireProtocolError extends Error {}

export interface MessageHeader {
  messageLength: number;
  requestID: number;
  responseTo: number;
  opCode: number;
}

/** One complete message: its header and all its bytes (header included). */
export interface WireMessage {
  header: MessageHeader;
  bytes: Buffer;
}

export function readHeader(bytes: Buffer, offset = 0): MessageHeader {
  if (bytes.length - offset < HEADER_LENGTH) throw new WireProtocolError(`a message header needs ${HEADER_LENGTH} bytes, got ${bytes.length - offset}`);
  return {
    messageLength: bytes.readInt32LE(offset),
    requestID: bytes.readInt32LE(offset + 4),
    responseTo: bytes.readInt32LE(offset + 8),
    opCode: bytes.readInt32LE(offset + 12),
  };
}

/**
 * Cuts a byte stream into whole messages: push() every chunk as it arrives (a message may span
 * chunks, a chunk may hold several messages) and get back the messages it completed.
 */
export class MessageFramer {
  private pending: Buffer = Buffer.alloc(0);

  /** Bytes received that do not yet form a whole message. */
  get buffered(): number {
    return this.pending.length;
  }

  push(chunk: Buffer): WireMessage[] {
    this.pending = this.pending.length === 0 ? chunk : Buffer.concat([this.pending, chunk]);
    const messages: WireMessage[] = [];
    let offset = 0;
    while (this.pending.length - offset >= 4) {
      const messageLength = this.pending.readInt32LE(offset);
      if (messageLength < HEADER_LENGTH || messageLength > MAX_MESSAGE_LENGTH) {
        throw new WireProtocolError(`implausible messageLength ${messageLength} at stream offset ${offset}`);
      }
      if (this.pending.length - offset < messageLength) break;
      // a copy, so that a message outlives the chunk it came in
      const bytes = Buffer.from(this.pending.subarray(offset, offset + messageLength));
      messages.push({ header: readHeader(bytes), bytes });
      offset += messageLength;
    }
    this.pending = offset === 0 ? this.pending : this.pending.subarray(offset);
    return messages;
  }
}

export type OpMsgSection =
  | { kind: 0; body: Buffer }
  | { kind: 1; identifier: string; documents: Buffer[] };

export interface OpMsg {
  flagBits: number;
  /** The sender will not wait for an answer (a request) / more answers follow (a reply). */
  moreToCome: boolean;
  sections: OpMsgSection[];
}

function bsonDocumentAt(bytes: Buffer, offset: number, end: number): Buffer {
  if (end - offset < 5) throw new WireProtocolError(`a BSON document needs at least 5 bytes at offset ${offset}`);
  const size = bytes.readInt32LE(offset);
  if (size < 5 || offset + size > end) throw new WireProtocolError(`BSON document of size ${size} at offset ${offset} overruns its section`);
  return bytes.subarray(offset, offset + size);
}

/** The sections of an OP_MSG (`bytes` is the whole message, header included). */
export function parseOpMsg(bytes: Buffer): OpMsg {
  const header = readHeader(bytes);
  if (header.opCode !== OP_MSG) throw new WireProtocolError(`not an OP_MSG: opCode ${header.opCode}`);
  if (header.messageLength !== bytes.length) throw new WireProtocolError(`messageLength ${header.messageLength} but ${bytes.length} bytes`);
  const flagBits = bytes.readUInt32LE(HEADER_LENGTH);
  const end = flagBits & CHECKSUM_PRESENT ? bytes.length - 4 : bytes.length;
  const sections: OpMsgSection[] = [];
  let offset = HEADER_LENGTH + 4;
  while (offset < end) {
    const kind = bytes[offset]!;
    offset += 1;
    if (kind === 0) {
      const body = bsonDocumentAt(bytes, offset, end);
      sections.push({ kind: 0, body });
      offset += body.length;
    } else if (kind === 1) {
      if (end - offset < 4) throw new WireProtocolError(`truncated document sequence at offset ${offset}`);
      const size = bytes.readInt32LE(offset);
      const sectionEnd = offset + size;
      if (size < 5 || sectionEnd > end) throw new WireProtocolError(`document sequence of size ${size} at offset ${offset} overruns the message`);
      const nul = bytes.indexOf(0, offset + 4);
      if (nul < 0 || nul >= sectionEnd) throw new WireProtocolError(`document sequence identifier at offset ${offset + 4} is not terminated`);
      const identifier = bytes.toString('utf8', offset + 4, nul);
      const documents: Buffer[] = [];
      for (let at = nul + 1; at < sectionEnd; ) {
        const document = bsonDocumentAt(bytes, at, sectionEnd);
        documents.push(document);
        at += document.length;
      }
      sections.push({ kind: 1, identifier, documents });
      offset = sectionEnd;
    } else {
      throw new WireProtocolError(`unknown OP_MSG section kind ${kind} at offset ${offset - 1}`);
    }
  }
  return { flagBits, moreToCome: (flagBits & MORE_TO_COME) !== 0, sections };
}

export interface CommandInfo {
  /** The first key of the body, as sent ("insert", "findAndModify", "hello", …). */
  command: string;
  /** The value of that key when it is a string: the collection a CRUD command targets. */
  collection: string | null;
  db: string | null;
  moreToCome: boolean;
}

/** Name, collection and database of the command an OP_MSG carries. */
export function commandOf(bytes: Buffer): CommandInfo {
  const message = parseOpMsg(bytes);
  const section = message.sections.find((candidate) => candidate.kind === 0);
  if (!section) throw new WireProtocolError('OP_MSG without a body section');
  const body = BSON.deserialize(section.body, { promoteBuffers: true });
  const command = Object.keys(body)[0];
  if (command === undefined) throw new WireProtocolError('OP_MSG with an empty body');
  const target: unknown = body[command];
  const db: unknown = body.$db;
  return { command, collection: typeof target === 'string' ? target : null, db: typeof db === 'string' ? db : null, moreToCome: message.moreToCome };
}

/** Builds an OP_MSG (no checksum) from a body and optional document sequences: for tests and raw clients. */
export function encodeOpMsg(
  requestID: number,
  body: BSON.Document,
  sequences: ReadonlyArray<{ identifier: string; documents: BSON.Document[] }> = [],
  options: { responseTo?: number; flagBits?: number } = {},
): Buffer {
  const parts: Buffer[] = [Buffer.from([0]), Buffer.from(BSON.serialize(body))];
  for (const sequence of sequences) {
    const identifier = Buffer.from(`${sequence.identifier}\0`, 'utf8');
    const documents = sequence.documents.map((document) => Buffer.from(BSON.serialize(document)));
    const size = Buffer.alloc(4);
    size.writeInt32LE(4 + identifier.length + documents.reduce((sum, document) => sum + document.length, 0));
    parts.push(Buffer.from([1]), size, identifier, ...documents);
  }
  const payload = Buffer.concat(parts);
  const header = Buffer.alloc(HEADER_LENGTH + 4);
  header.writeInt32LE(HEADER_LENGTH + 4 + payload.length, 0);
  header.writeInt32LE(requestID, 4);
  header.writeInt32LE(options.responseTo ?? 0, 8);
  header.writeInt32LE(OP_MSG, 12);
  header.writeUInt32LE(options.flagBits ?? 0, 16);
  return Buffer.concat([header, payload]);
}

/** The body of an OP_MSG reply, deserialized. */
export function replyBody(bytes: Buffer): BSON.Document {
  const section = parseOpMsg(bytes).sections.find((candidate) => candidate.kind === 0);
  if (!section) throw new WireProtocolError('OP_MSG reply without a body section');
  return BSON.deserialize(section.body);
}
