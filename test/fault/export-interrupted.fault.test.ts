/**
 * Fault: India stops while its expenses are being exported (after the 200 and the first rows).
 * The download must not end as a short file that looks whole: by default the gateway writes an
 * INCOMPLETE row naming India and cuts the connection before the chunked body's end; with
 * incomplete=mark it ends the file with that row and an `incomplete` trailer.
 */
import { request } from 'node:http';
import { describe, expect, it } from 'vitest';
import { ROLES } from '../../subgraphs/common/scopes';
import { csvObjects, download, errorOf } from '../harness/downloads';
import { useStackWithIndiaBehindProxy } from '../harness/faults';

// India's answers are held back, so that its pages are still to come when it stops
const { stack, proxy } = useStackWithIndiaBehindProxy('fault_export', 5_000, { RESPONSE_CACHE: 'false', SUBGRAPH_RETRIES: '0', EXPORTS_MAX_CONCURRENT: '1' });

interface Interrupted {
  status: number;
  text: string;
  ended: boolean;
  trailers: Record<string, string | undefined>;
}

/** Downloads an export, stopping India as soon as the first bytes of the file arrive. */
function downloadStoppingIndia(path: string, token: string): Promise<Interrupted> {
  return new Promise((resolve, reject) => {
    request(new URL(path, stack.gatewayUrl), { headers: { authorization: `Bearer ${token}` } }, (response) => {
      let text = '';
      let stopping: Promise<void> | undefined;
      let ended = false;
      response.on('data', (chunk: Buffer) => {
        text += chunk.toString('utf8');
        stopping ??= stack.stack.stop('india');
      });
      response.on('end', () => (ended = true));
      response.on('error', () => undefined);
      response.on('close', () => void (stopping ?? Promise.resolve()).then(() => resolve({ status: response.statusCode ?? 0, text, ended: ended && response.complete, trailers: response.trailers as Record<string, string | undefined> })));
    })
      .on('error', reject)
      .end();
  });
}

describe('a subsidiary that stops during an export', () => {
  it('cuts the download after an INCOMPLETE row naming it (incomplete=fail, the default)', { timeout: 60_000 }, async () => {
    proxy().delayMs = 150;
    const token = await stack.token(ROLES.bi, { subject: 'powerbi-service' });
    const interrupted = await downloadStoppingIndia('/exports/expenses.csv?fiscalYear=2024&subsidiary=JP,IN&pageSize=1', token);
    expect(interrupted.status).toBe(200);
    expect(interrupted.ended, 'the download ended as if it were whole').toBe(false);
    const rows = csvObjects(interrupted.text);
    const last = rows.at(-1)!;
    expect(last.subsidiary).toBe('INCOMPLETE');
    expect(last.expense_id).toMatch(/SUBSIDIARY_UNAVAILABLE IN FY2024/);
    expect(rows.filter((row) => row.subsidiary === 'JP').length).toBeGreaterThan(0);
    const japan = await stack.db('japan').collection('expenses').countDocuments({ groupFiscalYear: 2024 });
    expect(rows.filter((row) => row.subsidiary === 'JP')).toHaveLength(japan);
  });

  it('ends the file with the INCOMPLETE row and an incomplete trailer with incomplete=mark', { timeout: 60_000 }, async () => {
    const india = await stack.stack.start('india');
    proxy().targetPort = india.server.port;
    const token = await stack.token(ROLES.bi, { subject: 'powerbi-service' });
    // the circuit for India closes again once it answers
    for (let attempt = 0; attempt < 50; attempt += 1) {
      const probe = await stack.query('{ india { code } }');
      if (!probe.errors) break;
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    const marked = await downloadStoppingIndia('/exports/expenses.csv?fiscalYear=2024&subsidiary=JP,IN&pageSize=1&incomplete=mark', token);
    expect(marked.status).toBe(200);
    expect(marked.ended).toBe(true);
    expect(marked.trailers['x-export-status']).toBe('incomplete');
    expect(marked.trailers['x-export-problems']).toMatch(/SUBSIDIARY_UNAVAILABLE IN FY2024/);
    expect(csvObjects(marked.text).at(-1)!.subsidiary).toBe('INCOMPLETE');
  });

  it('refuses an export beyond EXPORTS_MAX_CONCURRENT while one streams (EXPORT_BUSY, 503), and serves it once that one is done', { timeout: 60_000 }, async () => {
    const india = await stack.stack.start('india');
    proxy().targetPort = india.server.port;
    const token = await stack.token(ROLES.bi, { subject: 'powerbi-service' });
    for (let attempt = 0; attempt < 50; attempt += 1) {
      if (!(await stack.query('{ india { code } }')).errors) break;
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    const slow = download(new URL('/exports/expenses.csv?fiscalYear=2024&subsidiary=IN&pageSize=1', stack.gatewayUrl).toString(), token);
    await new Promise((resolve) => setTimeout(resolve, 100));
    const busy = await download(new URL('/exports/report-lines.csv?fiscalYear=2024', stack.gatewayUrl).toString(), token);
    expect(busy.status).toBe(503);
    expect(busy.headers['retry-after']).toBe('60');
    expect(errorOf(busy).extensions.code).toBe('EXPORT_BUSY');
    const finished = await slow;
    expect(finished.trailers['x-export-status']).toBe('complete');
    const after = await download(new URL('/exports/report-lines.csv?fiscalYear=2024', stack.gatewayUrl).toString(), token);
    expect(after.trailers['x-export-status']).toBe('complete');
  });
});
