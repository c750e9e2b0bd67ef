import type { FetcherHeaders, FetcherResponse } from '@apollo/utils.fetcher';
import { EventEmitter } from 'node:events';
import { Pool } from 'undici';

/**
 * HTTP to subgraphs over undici's `Pool`/`request` API: one keep-alive pool per subgraph origin,
 * shared by every data source of the process (a reloaded supergraph keeps its connections), Node
 * streams instead of WHATWG ones, and the whole body read as text before the call counts as
 * answered, so that the attempt's time budget covers the body too. Idle sockets do not keep the
 * process alive.
 */
const pools = new Map<string, Pool>();

function poolFor(origin: string): Pool {
  let pool = pools.get(origin);
  if (!pool) {
    pool = new Pool(origin);
    pools.set(origin, pool);
  }
  return pool;
}

interface Target {
  pool: Pool;
  path: string;
}

/** Subgraph URLs are few and fixed: each is parsed once. */
const targets = new Map<string, Target>();
const MAX_TARGETS = 1_000;

function targetOf(url: string): Target {
  let target = targets.get(url);
  if (!target) {
    const parsed = new URL(url);
    if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') throw new TypeError(`A subgraph URL must be http(s), got "${url}"`);
    target = { pool: poolFor(parsed.origin), path: `${parsed.pathname}${parsed.search}` };
    if (targets.size >= MAX_TARGETS) targets.clear();
    targets.set(url, target);
  }
  return target;
}

/**
 * Stops one attempt: an EventEmitter, which undici's `request` accepts as its signal, so that a
 * call needs neither an AbortController of its own nor a composed AbortSignal.
 */
export class AttemptStop extends EventEmitter {
  aborted = false;
  reason: unknown = undefined;

  abort(reason: unknown): void {
    if (this.aborted) return;
    this.aborted = true;
    this.reason = reason;
    this.emit('abort');
  }
}

export interface PooledRequest {
  method: string;
  headers: Record<string, string>;
  body: string | Buffer | undefined;
}

/** Sends one request and reads its whole answer; rejects with the stop's reason when stopped. */
export async function poolRequest(url: string, request: PooledRequest, stop: AttemptStop): Promise<BufferedResponse> {
  const { pool, path } = targetOf(url);
  const answer = await pool.request({ path, method: request.method as 'POST', headers: request.headers, body: request.body ?? null, signal: stop });
  const text = await answer.body.text();
  return new BufferedResponse(url, answer.statusCode, answer.statusText, answer.headers, text);
}

type RawHeaders = Record<string, string | string[] | undefined>;

/** Response headers as undici hands them (lower-case names), behind the Headers interface Apollo reads. */
class AnswerHeaders implements FetcherHeaders {
  constructor(private readonly raw: RawHeaders) {}

  get(name: string): string | null {
    const value = this.raw[name.toLowerCase()];
    if (value === undefined) return null;
    return Array.isArray(value) ? value.join(', ') : value;
  }
  has(name: string): boolean {
    return this.raw[name.toLowerCase()] !== undefined;
  }
  set(name: string, value: string): void {
    this.raw[name.toLowerCase()] = value;
  }
  append(name: string, value: string): void {
    const current = this.get(name);
    this.raw[name.toLowerCase()] = current === null ? value : `${current}, ${value}`;
  }
  delete(name: string): void {
    delete this.raw[name.toLowerCase()];
  }
  *entries(): IterableIterator<[string, string]> {
    for (const name of Object.keys(this.raw).sort()) {
      const value = this.get(name);
      if (value !== null) yield [name, value];
    }
  }
  *keys(): IterableIterator<string> {
    for (const [name] of this.entries()) yield name;
  }
  *values(): IterableIterator<string> {
    for (const [, value] of this.entries()) yield value;
  }
  [Symbol.iterator](): IterableIterator<[string, string]> {
    return this.entries();
  }
}

/** A subgraph's answer, read in full: its body can be read once, as a fetch Response's. */
export class BufferedResponse implements FetcherResponse {
  readonly redirected = false;
  readonly headers: FetcherHeaders;
  private used = false;

  constructor(
    readonly url: string,
    readonly status: number,
    readonly statusText: string,
    private readonly rawHeaders: RawHeaders,
    private readonly body: string,
  ) {
    this.headers = new AnswerHeaders(rawHeaders);
  }

  get ok(): boolean {
    return this.status >= 200 && this.status < 300;
  }
  get bodyUsed(): boolean {
    return this.used;
  }
  async text(): Promise<string> {
    if (this.used) throw new TypeError('Body is unusable: Body has already been read');
    this.used = true;
    return this.body;
  }
  async json(): Promise<unknown> {
    return JSON.parse(await this.text());
  }
  async arrayBuffer(): Promise<ArrayBuffer> {
    const bytes = Buffer.from(await this.text());
    return bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
  }
  clone(): FetcherResponse {
    if (this.used) throw new TypeError('Response.clone: Body has already been consumed.');
    return new BufferedResponse(this.url, this.status, this.statusText, { ...this.rawHeaders }, this.body);
  }
}
