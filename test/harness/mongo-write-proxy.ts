/**
 * A TCP proxy on 127.0.0.1 in front of a MongoDB server that counts the write commands clients send
 * and can simulate a crash at an exact write: for the crash-point tests, which kill a subgraph
 * between every pair of its writes.
 *
 *   const proxy = await startMongoWriteProxy(mongoUri);        // hand proxy.uri to the client
 *   const fired = proxy.arm({ afterWrites: 2, mode: 'before-send', onCrash: () => subgraph.kill() });
 *   …                                                          // the 3rd write is never sent
 *   await fired;                                               // onCrash ran, every connection is gone
 *
 * Client→server traffic is framed and each OP_MSG's command read (mongo-wire.ts); messages are
 * forwarded whole and in order. Write commands (insert, update, delete, findAndModify, bulkWrite)
 * are recorded in `writes`; everything else passes uncounted. Other opCodes (OP_QUERY handshakes)
 * pass untouched; the URI handed out never enables compression, and OP_COMPRESSED messages (which
 * would hide their command) are counted in `compressedMessages` so that a test can insist on none.
 *
 * Crash modes, counted in writes since arm():
 *   before-send  the (afterWrites+1)-th write is not forwarded;
 *   after-apply  it is forwarded, and its reply (matched by responseTo) is held back.
 * From that moment nothing more is forwarded either way on any connection (the process is "dead");
 * onCrash is awaited, then every client and server connection is destroyed, and the proxy, disarmed,
 * accepts new connections as usual. A write sent with moreToCome (w: 0) gets no reply: after-apply
 * then fires once it has been handed to the server socket.
 */
import { createServer, connect, type AddressInfo, type Socket } from 'node:net';
import { MessageFramer, OP_COMPRESSED, OP_MSG, commandOf, isWriteCommand, type WireMessage } from './mongo-wire';

export interface ObservedWrite {
  command: string;
  collection: string | null;
  db: string | null;
  /** Date.now() when the proxy received it. */
  at: number;
  /** Which client connection (1, 2, … in order of acceptance) sent it. */
  connection: number;
  /** false for a write held back by a crash (never reached the server). */
  forwarded: boolean;
}

export type CrashMode = 'before-send' | 'after-apply';

export interface CrashPoint {
  /** Writes let through (counted from arm()) before the crash write. 0: crash at the first write. */
  afterWrites: number;
  mode: CrashMode;
  /** Called at the crash point, before the connections are destroyed (kill the client process here). */
  onCrash?: () => void | Promise<void>;
}

export interface CrashReport {
  mode: CrashMode;
  /** The write the crash happened at (before it was sent, or after it was applied). */
  write: ObservedWrite;
  /** Write commands forwarded since arm(), the crash write included in after-apply mode. */
  forwardedSinceArm: number;
}

export interface MongoWriteProxy {
  /** A mongodb:// URI through the proxy (directConnection, no compression, the target's other options). */
  readonly uri: string;
  readonly port: number;
  /** Write commands seen since start or resetCount(), in order of arrival. */
  readonly writes: readonly ObservedWrite[];
  /** OP_COMPRESSED messages seen (their commands cannot be read): should stay 0. */
  readonly compressedMessages: number;
  /** Client connections accepted so far, and open now. */
  readonly connectionsAccepted: number;
  readonly openConnections: number;
  /** TCP chunks ('data' events) received from clients so far. */
  readonly clientChunks: number;
  resetCount(): void;
  /** Arms one crash; resolves once it fired (onCrash done, connections destroyed), rejects if onCrash threw. */
  arm(crash: CrashPoint): Promise<CrashReport>;
  /** Cancels an armed crash that has not fired yet (its promise never settles). */
  disarm(): void;
  readonly armed: boolean;
  /** True once the crash armed last has fired (and until the next arm()). */
  readonly crashed: boolean;
  close(): Promise<void>;
}

interface Target {
  host: string;
  port: number;
  /** userinfo, path and options for the proxy's own URI. */
  credentials: string;
  path: string;
  params: URLSearchParams;
}

/** Reads the first host of a mongodb:// URI (IPv6 in brackets allowed). */
export function parseMongoTarget(uri: string): Target {
  const match = /^mongodb:\/\/(?:([^@/?]*)@)?([^/?]+)(\/[^?]*)?(?:\?(.*))?$/.exec(uri.trim());
  if (!match) throw new Error(`startMongoWriteProxy: not a mongodb:// URI (mongodb+srv is not supported): ${uri}`);
  const first = match[2]!.split(',')[0]!;
  const bracketed = /^\[([^\]]+)\](?::(\d+))?$/.exec(first);
  const [host, port] = bracketed ? [bracketed[1]!, bracketed[2]] : (first.split(':') as [string, string | undefined]);
  const params = new URLSearchParams(match[4] ?? '');
  for (const name of ['tls', 'ssl']) {
    if (params.get(name)?.toLowerCase() === 'true') throw new Error(`startMongoWriteProxy: a TLS connection cannot be parsed (${name}=true in ${uri})`);
  }
  return { host, port: port ? Number(port) : 27017, credentials: match[1] ? `${match[1]}@` : '', path: match[3] ?? '/', params };
}

interface Pair {
  id: number;
  client: Socket;
  server: Socket;
}

interface Armed extends CrashPoint {
  seen: number;
  fired: boolean;
  resolve: (report: CrashReport) => void;
  reject: (error: unknown) => void;
  /** after-apply: the crash write, forwarded, whose reply is awaited. */
  awaiting?: { pair: Pair; requestID: number; write: ObservedWrite };
}

export async function startMongoWriteProxy(targetUri: string): Promise<MongoWriteProxy> {
  const target = parseMongoTarget(targetUri);
  let writes: ObservedWrite[] = [];
  let compressedMessages = 0;
  let accepted = 0;
  let clientChunks = 0;
  let armed: Armed | undefined;
  let crashed = false;
  /** From the crash point until the connections are gone, nothing is forwarded and nothing accepted. */
  let frozen = false;
  const pairs = new Set<Pair>();

  const destroy = (pair: Pair) => {
    pair.client.destroy();
    pair.server.destroy();
    pairs.delete(pair);
  };

  const fire = (crash: Armed, write: ObservedWrite) => {
    if (crash.fired) return;
    crash.fired = true;
    frozen = true;
    armed = undefined;
    const forwardedSinceArm = crash.mode === 'after-apply' ? crash.afterWrites + 1 : crash.afterWrites;
    void (async () => {
      try {
        await crash.onCrash?.();
      } finally {
        for (const pair of [...pairs]) destroy(pair);
        frozen = false;
        crashed = true;
      }
    })().then(
      () => crash.resolve({ mode: crash.mode, write, forwardedSinceArm }),
      (error: unknown) => crash.reject(error),
    );
  };

  const fromClient = (pair: Pair, message: WireMessage) => {
    // past the crash point the "process" is dead: nothing more leaves it (writes are still recorded)
    const dead = frozen || armed?.awaiting !== undefined;
    if (message.header.opCode === OP_COMPRESSED) compressedMessages += 1;
    const info = message.header.opCode === OP_MSG ? commandOf(message.bytes) : null;
    if (!info || !isWriteCommand(info.command)) {
      if (!dead) pair.server.write(message.bytes);
      return;
    }
    const write: ObservedWrite = { command: info.command, collection: info.collection, db: info.db, at: Date.now(), connection: pair.id, forwarded: false };
    writes.push(write);
    if (dead) return;
    const crash = armed;
    if (crash && crash.seen === crash.afterWrites) {
      if (crash.mode === 'before-send') return fire(crash, write);
      write.forwarded = true;
      crash.awaiting = { pair, requestID: message.header.requestID, write };
      // no reply will come to a moreToCome write: crash once it is handed to the server's socket
      pair.server.write(message.bytes, info.moreToCome ? () => fire(crash, write) : undefined);
      return;
    }
    if (crash) crash.seen += 1;
    write.forwarded = true;
    pair.server.write(message.bytes);
  };

  const fromServer = (pair: Pair, message: WireMessage) => {
    if (frozen) return;
    const awaiting = armed?.awaiting;
    if (awaiting && awaiting.pair === pair && message.header.responseTo === awaiting.requestID) return fire(armed!, awaiting.write);
    pair.client.write(message.bytes);
  };

  const server = createServer((client) => {
    if (frozen) {
      client.destroy();
      return;
    }
    accepted += 1;
    const pair: Pair = { id: accepted, client, server: connect(target.port, target.host) };
    pairs.add(pair);
    client.setNoDelay(true);
    pair.server.setNoDelay(true);
    const relay = (from: Socket, handle: (pair: Pair, message: WireMessage) => void) => {
      const framer = new MessageFramer();
      from.on('data', (chunk: Buffer) => {
        try {
          for (const message of framer.push(chunk)) handle(pair, message);
        } catch (error) {
          // corrupt framing or an unreadable command: end the connection loudly rather than guess
          console.error(`mongo-write-proxy: connection ${pair.id}: ${error instanceof Error ? error.message : String(error)}`);
          destroy(pair);
        }
      });
    };
    client.on('data', () => (clientChunks += 1));
    relay(client, fromClient);
    relay(pair.server, fromServer);
    const end = () => {
      const awaiting = armed?.awaiting;
      // the server went away before answering the crash write: its outcome is unknown, crash now
      if (awaiting?.pair === pair && !frozen) fire(armed!, awaiting.write);
      destroy(pair);
    };
    for (const socket of [client, pair.server]) {
      socket.on('close', end);
      socket.on('error', end);
    }
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const port = (server.address() as AddressInfo).port;

  const params = new URLSearchParams(target.params);
  for (const name of ['replicaSet', 'directConnection', 'compressors', 'zlibCompressionLevel', 'loadBalanced', 'srvServiceName', 'srvMaxHosts']) params.delete(name);
  params.set('directConnection', 'true');
  const uri = `mongodb://${target.credentials}127.0.0.1:${port}${target.path}?${params.toString()}`;

  return {
    uri,
    port,
    get writes() {
      return writes;
    },
    get compressedMessages() {
      return compressedMessages;
    },
    get connectionsAccepted() {
      return accepted;
    },
    get openConnections() {
      return pairs.size;
    },
    get clientChunks() {
      return clientChunks;
    },
    resetCount: () => {
      writes = [];
    },
    arm: (crash) => {
      if (armed || frozen) throw new Error('mongo-write-proxy: a crash is already armed or firing');
      if (!Number.isInteger(crash.afterWrites) || crash.afterWrites < 0) throw new Error(`mongo-write-proxy: afterWrites must be a whole number ≥ 0, got ${crash.afterWrites}`);
      crashed = false;
      return new Promise<CrashReport>((resolve, reject) => {
        armed = { ...crash, seen: 0, fired: false, resolve, reject };
      });
    },
    disarm: () => {
      if (!armed?.awaiting) armed = undefined;
    },
    get armed() {
      return armed !== undefined;
    },
    get crashed() {
      return crashed;
    },
    close: () =>
      new Promise<void>((resolve) => {
        armed = undefined;
        for (const pair of [...pairs]) destroy(pair);
        server.close(() => resolve());
      }),
  };
}
