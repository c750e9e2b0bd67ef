import { once } from 'node:events';
import type { ServerResponse } from 'node:http';
import type { ExportOutcome, Problem } from './table';

/** The client went away (or the gateway cut the connection): stop producing rows. */
export class ClientGone extends Error {
  constructor() {
    super('the client closed the connection');
  }
}

/** What an export says about itself in HTTP trailers (declared in the `Trailer` header). */
export const EXPORT_TRAILERS = ['x-export-status', 'x-export-rows', 'x-export-problems'] as const;

/** What happens at the end of an export that found problems (the `incomplete` parameter). */
export type IncompleteMode = 'mark' | 'fail';

export interface DownloadHead {
  contentType: string;
  filename: string;
  /** Rows the export expects to write (its control total), sent before the first row. */
  expectedRows?: number;
  /** More headers (the report's asOf, say). */
  headers?: Record<string, string>;
}

/**
 * One export's HTTP response: chunked, written with backpressure (a write waits while the
 * client's socket is full, so rows are produced no faster than the client reads them), ended
 * with trailers saying whether the file is complete.
 */
export class Download {
  private gone = false;
  /** Settles once the last chunk written was handed to the socket. */
  private lastWritten: Promise<void> = Promise.resolve();

  constructor(
    private readonly response: ServerResponse,
    head: DownloadHead,
  ) {
    response.once('close', () => {
      if (!response.writableFinished) this.gone = true;
    });
    response.writeHead(200, {
      'content-type': head.contentType,
      'content-disposition': `attachment; filename="${head.filename}"`,
      // a download of figures read for this caller: no shared cache, no stale copy
      'cache-control': 'private, no-store',
      'x-content-type-options': 'nosniff',
      trailer: EXPORT_TRAILERS.join(', '),
      ...(head.expectedRows !== undefined ? { 'x-export-expected-rows': String(head.expectedRows) } : {}),
      ...head.headers,
    });
  }

  get closed(): boolean {
    return this.gone || this.response.destroyed;
  }

  /** Writes a chunk; resolves once the socket can take more. Throws ClientGone once the client is gone. */
  async write(chunk: string | Uint8Array): Promise<void> {
    if (this.closed) throw new ClientGone();
    this.lastWritten = new Promise<void>((resolve) => this.response.write(chunk, () => resolve()));
    if (!this.response.writableNeedDrain) return;
    await this.drained();
  }

  /** Resolves once the response's buffer has drained (at once when it has). */
  async drained(): Promise<void> {
    if (this.closed) throw new ClientGone();
    if (!this.response.writableNeedDrain) return;
    await new Promise<void>((resolve, reject) => {
      const onDrain = () => {
        this.response.off('close', onClose);
        resolve();
      };
      const onClose = () => {
        this.response.off('drain', onDrain);
        reject(new ClientGone());
      };
      this.response.once('drain', onDrain).once('close', onClose);
    });
  }

  /**
   * Ends the response. Complete: trailers `x-export-status: complete` and the row count.
   * Incomplete, `mark`: the file already carries its marks; trailers say `incomplete` and what.
   * Incomplete, `fail`: the connection is cut once the marks are sent, before the chunked body's
   * end, so that every HTTP client (curl, Excel, Power BI) reports a failed download instead of
   * loading a file that is short.
   */
  async end(outcome: ExportOutcome, onIncomplete: IncompleteMode): Promise<void> {
    if (this.closed) return;
    const complete = outcome.problems.length === 0;
    if (!complete && onIncomplete === 'fail') {
      // the socket ends after what was written (the marks) is flushed, without the last chunk
      const socket = this.response.socket;
      if (!socket) return void this.response.destroy();
      // Node 22+ hands chunked writes to the socket later (corked until the next tick): wait for the last one
      await Promise.race([this.lastWritten, once(this.response, 'close')]);
      await new Promise<void>((resolve) => socket.end(() => resolve()));
      socket.destroy();
      return;
    }
    this.response.addTrailers({
      'x-export-status': complete ? 'complete' : 'incomplete',
      'x-export-rows': String(outcome.rows),
      ...(complete ? {} : { 'x-export-problems': trailerText(outcome.problems) }),
    });
    await new Promise<void>((resolve) => this.response.end(() => resolve()));
  }

  /** Cuts the response (an unexpected failure mid-stream): the client sees a broken download, never a short file that looks whole. */
  abort(): void {
    this.response.destroy();
  }
}

/** Problems as one header value: printable ASCII only, bounded. */
function trailerText(problems: readonly Problem[]): string {
  const text = problems.map((problem) => [problem.code, problem.subsidiary, problem.fiscalYear ? `FY${problem.fiscalYear}` : undefined].filter(Boolean).join(' ')).join('; ');
  return text.replace(/[^\x20-\x7e]/g, '?').slice(0, 2_000);
}
