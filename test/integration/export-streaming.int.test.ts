/**
 * The export writers (gateway/src/exports: Download, CsvSink, XlsxSink) over a real HTTP
 * connection: a million rows stream through in bounded memory, a client that stops reading stops
 * the producer (backpressure), and a failed export is cut before the chunked body's end, so that
 * the client sees a broken download rather than a short file that looks whole.
 */
import { createHash } from 'node:crypto';
import { createServer, request, type IncomingMessage, type Server } from 'node:http';
import v8 from 'node:v8';
import { runInNewContext } from 'node:vm';
import type { AddressInfo } from 'node:net';
import ExcelJS from 'exceljs';
import { afterEach, describe, expect, it } from 'vitest';
import { CsvSink } from '../../gateway/src/exports/csv';
import { Download, type IncompleteMode } from '../../gateway/src/exports/download';
import { EXPENSE_COLUMNS } from '../../gateway/src/exports/expenses';
import type { Problem, Row, TableSink } from '../../gateway/src/exports/table';
import { XlsxSink } from '../../gateway/src/exports/xlsx';

const BATCH = 500;

function expenseLikeRow(index: number): Row {
  const values: Record<string, Row[number]> = {
    subsidiary: 'JP', expense_id: `JP-X${String(index).padStart(7, '0')}`, initiative_id: 'JP-I0001', initiative_title: 'Social Entrepreneurship School, "ETIC"',
    date: '2023-06-30', group_fiscal_year: 2024, local_fiscal_year: 2024, cause_area: 'SOCIAL_ENTREPRENEURSHIP', contribution_type: 'CASH',
    b4si_input_type: 'CASH', b4si_motivation: 'COMMUNITY_INVESTMENT', b4si_issue: 'ECONOMIC_DEVELOPMENT', b4si_issue_name: 'Economic development', b4si_valuation: 'B4SI_BASIS',
    local_amount: `${index}.25`, local_currency: 'JPY', rate: '1', converted_amount: `${index}.25`, converted_currency: 'JPY',
    valuation_basis: 'Grant paid', description: `Payment ${createHash('sha256').update(String(index)).digest('hex')}`, illustrative: true, source: 'bench',
  };
  return EXPENSE_COLUMNS.map((column) => values[column.name] ?? null);
}

/** The 1-based column of a field in the workbook. */
const columnOf = (name: string) => EXPENSE_COLUMNS.findIndex((column) => column.name === name) + 1;

interface Producer {
  produced: number;
  done: boolean;
  failed?: unknown;
}

let server: Server | undefined;
afterEach(async () => {
  server?.closeAllConnections();
  await new Promise((resolve) => server?.close(resolve) ?? resolve(undefined));
  server = undefined;
});

/** A server streaming `rows` expense-like rows in `format`, ending as `problems` and `mode` say. */
async function serve(rows: number, format: 'csv' | 'xlsx', problems: Problem[] = [], mode: IncompleteMode = 'mark'): Promise<{ url: string; producer: Producer }> {
  const producer: Producer = { produced: 0, done: false };
  server = createServer((_request, response) => {
    void (async () => {
      const download = new Download(response, { contentType: 'text/csv', filename: `big.${format}` });
      const sink: TableSink = format === 'csv' ? new CsvSink(download, EXPENSE_COLUMNS) : new XlsxSink(download, EXPENSE_COLUMNS, { sheetName: 'Expenses' });
      for (let start = 0; start < rows; start += BATCH) {
        const batch: Row[] = [];
        for (let index = start; index < Math.min(rows, start + BATCH); index += 1) batch.push(expenseLikeRow(index));
        await sink.write(batch);
        producer.produced += batch.length;
      }
      const outcome = { rows: producer.produced, problems };
      await sink.finish(outcome);
      await download.end(outcome, mode);
      producer.done = true;
    })().catch((error: unknown) => {
      producer.failed = error;
    });
  });
  await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server!.address() as AddressInfo).port}/`, producer };
}

function get(url: string): Promise<IncomingMessage> {
  return new Promise((resolve, reject) => request(url, resolve).on('error', reject).end());
}

v8.setFlagsFromString('--expose-gc');
const collectGarbage = runInNewContext('gc') as () => void;

/**
 * What is still held after a garbage collection, JavaScript objects and the buffers outside the
 * heap (zlib's, sockets'): where an unbounded export would pile up. Collected first, so that garbage
 * V8 has not got round to (more of it on Node 24, whose heap grows sooner) is not counted.
 */
function inMemory(): number {
  collectGarbage();
  const { heapUsed, external } = process.memoryUsage();
  return heapUsed + external;
}

/** Samples inMemory() every 100 ms until stopped; the highest value seen. */
function samplePeak(): { stop(): number } {
  let peak = inMemory();
  const sampler = setInterval(() => (peak = Math.max(peak, inMemory())), 100);
  return {
    stop() {
      clearInterval(sampler);
      return Math.max(peak, inMemory());
    },
  };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** The rows produced once production has stood still for 500 ms, or null if it never did within `ms`. */
async function stalledAt(producer: Producer, ms: number): Promise<number | null> {
  const deadline = Date.now() + ms;
  let last = -1;
  while (Date.now() < deadline) {
    await sleep(500);
    if (producer.produced === last) return last;
    last = producer.produced;
  }
  return null;
}

describe('streaming a large export', () => {
  it('writes a million CSV rows with the heap bounded, and stops producing while the client does not read', { timeout: 120_000 }, async () => {
    const { url, producer } = await serve(1_000_000, 'csv');
    const response = await get(url);
    response.pause();
    // backpressure: a client that reads nothing holds the producer at a few socket buffers' worth
    const stalled = await stalledAt(producer, 10_000);
    expect(stalled, 'the producer never stopped while the client read nothing').not.toBeNull();
    expect(stalled!).toBeLessThan(60_000);

    const baseline = inMemory();
    const sampler = samplePeak();
    let bytes = 0;
    let lines = 0;
    const started = performance.now();
    for await (const chunk of response as AsyncIterable<Buffer>) {
      bytes += chunk.length;
      for (let index = chunk.indexOf(10); index !== -1; index = chunk.indexOf(10, index + 1)) lines += 1;
    }
    const peak = sampler.stop();
    const seconds = (performance.now() - started) / 1000;
    expect(producer.failed).toBeUndefined();
    expect(producer.done).toBe(true);
    expect(lines).toBe(1_000_001);
    expect(response.trailers['x-export-status']).toBe('complete');
    expect(response.trailers['x-export-rows']).toBe('1000000');
    const growth = peak - baseline;
    console.log(`CSV: 1,000,000 rows, ${(bytes / 1e6).toFixed(0)} MB in ${seconds.toFixed(1)} s (${Math.round(1_000_000 / seconds)} rows/s), heap and buffers grew ${(growth / 1e6).toFixed(1)} MB`);
    // the file is ~240 MB: far more than the heap ever held
    expect(bytes).toBeGreaterThan(200_000_000);
    expect(growth).toBeLessThan(32 * 1024 * 1024);
  });

  it('writes an XLSX of 100,000 rows with the heap bounded, and stops producing while the client does not read', { timeout: 180_000 }, async () => {
    const { url, producer } = await serve(100_000, 'xlsx');
    const response = await get(url);
    response.pause();
    // the zip is small (deflated XML): the socket buffers take tens of thousands of rows before they are full
    const stalled = await stalledAt(producer, 15_000);
    expect(stalled, 'the producer never stopped while the client read nothing').not.toBeNull();
    expect(stalled!).toBeLessThan(60_000);
    expect(producer.done).toBe(false);

    const baseline = inMemory();
    const sampler = samplePeak();
    const chunks: Buffer[] = [];
    const started = performance.now();
    for await (const chunk of response as AsyncIterable<Buffer>) chunks.push(chunk);
    const peak = sampler.stop();
    const seconds = (performance.now() - started) / 1000;
    const body = Buffer.concat(chunks);
    expect(producer.failed).toBeUndefined();
    expect(response.trailers['x-export-status']).toBe('complete');
    const growth = peak - baseline - body.length; // the client keeps the file to read it back
    console.log(`XLSX: 100,000 rows, ${(body.length / 1e6).toFixed(1)} MB in ${seconds.toFixed(1)} s (${Math.round(100_000 / seconds)} rows/s), heap and buffers grew ${(growth / 1e6).toFixed(1)} MB besides the file`);
    expect(growth).toBeLessThan(24 * 1024 * 1024);

    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(body as unknown as ArrayBuffer);
    const sheet = workbook.worksheets[0]!;
    expect(sheet.rowCount).toBe(100_001);
    expect(sheet.getRow(100_001).getCell(columnOf('expense_id')).value).toBe('JP-X0099999');
    expect(sheet.getRow(100_001).getCell(columnOf('local_amount')).value).toBe(99999.25);
    expect(sheet.getRow(100_001).getCell(columnOf('converted_amount')).value).toBe('99999.25');
  });

  it('continues a sheet past its row limit on another sheet', async () => {
    const { url } = await serveSmallSheets();
    const response = await get(url);
    const chunks: Buffer[] = [];
    for await (const chunk of response as AsyncIterable<Buffer>) chunks.push(chunk);
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(Buffer.concat(chunks) as unknown as ArrayBuffer);
    expect(workbook.worksheets.map((sheet) => [sheet.name, sheet.rowCount])).toEqual([['Expenses', 4], ['Expenses 2', 4], ['Expenses 3', 2]]);
  });

  it('cuts a failed export (incomplete=fail) before the end of its chunked body: the client sees an aborted download, the marks included', async () => {
    const { url, producer } = await serve(2_000, 'csv', [{ code: 'SUBSIDIARY_UNAVAILABLE', subsidiary: 'IN', message: 'India stopped answering' }], 'fail');
    const response = await get(url);
    let text = '';
    const aborted = await new Promise<boolean>((resolve) => {
      response.on('data', (chunk: Buffer) => (text += chunk.toString('utf8')));
      response.on('end', () => resolve(false));
      response.on('aborted', () => resolve(true));
      response.on('error', () => resolve(true));
    });
    expect(aborted).toBe(true);
    expect(response.complete).toBe(false);
    expect(producer.failed).toBeUndefined();
    expect(text.trimEnd().split('\r\n').at(-1)).toMatch(/^INCOMPLETE,"?This export is incomplete \(1 problem\).*SUBSIDIARY_UNAVAILABLE IN/);
  });
});

async function serveSmallSheets(): Promise<{ url: string }> {
  server = createServer((_request, response) => {
    void (async () => {
      const download = new Download(response, { contentType: 'application/octet-stream', filename: 'small.xlsx' });
      const sink = new XlsxSink(download, EXPENSE_COLUMNS, { sheetName: 'Expenses', maxRowsPerSheet: 4 });
      await sink.write(Array.from({ length: 7 }, (_, index) => expenseLikeRow(index)));
      await sink.finish({ rows: 7, problems: [] });
      await download.end({ rows: 7, problems: [] }, 'mark');
    })();
  });
  await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server!.address() as AddressInfo).port}/` };
}
