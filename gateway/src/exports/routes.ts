import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ApolloServer } from '@apollo/server';
import { GraphQLError } from 'graphql';
import { sendJson, type Route } from '../../../platform/http';
import type { Logger } from '../../../platform/logger';
import type { FiscalCalendar } from '../../../shared/fiscal-year';
import type { GatewayContext } from '../datasource';
import type { AuthContext } from '../plugins/auth';
import type { TrustedDocuments } from '../operation-manifest';
import { ACTIVITY_COLUMNS, activityExport } from './activities';
import { CsvSink } from './csv';
import { ClientGone, Download } from './download';
import { EXPENSE_COLUMNS, expenseExport } from './expenses';
import { exportOperations } from './operations';
import { exportParams, rangeLabel, type ExportParams } from './params';
import { REPORT_LINE_COLUMNS, reportLineExport } from './report-lines';
import { EXPORT_ERROR_CODES, ExportError, OperationRunner } from './runner';
import type { Column, Problem, Row, TableSink } from './table';
import { XlsxSink } from './xlsx';

/** Where the downloads are: /exports/<name>.csv and /exports/<name>.xlsx. */
export const EXPORTS_PREFIX = '/exports/';

const FORMATS = {
  csv: { contentType: 'text/csv; charset=utf-8; header=present' },
  xlsx: { contentType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet' },
} as const;
type Format = keyof typeof FORMATS;

/** What a download streams once planned: rows (page after page), the problems found so far, and headers. */
interface PlannedExport {
  columns: readonly Column[];
  sheetName: string;
  rows: AsyncIterable<Row[]>;
  problems: Problem[];
  headers: Record<string, string>;
}

type Planner = (runner: OperationRunner, params: ExportParams) => Promise<PlannedExport>;

export interface ExportRoutesOptions {
  apollo: ApolloServer<GatewayContext & AuthContext>;
  /** Verifies the bearer token as /graphql does (UNAUTHENTICATED, 401). */
  admit: (request: IncomingMessage) => Promise<AuthContext>;
  /** The manifest whose operations the exports run. */
  documents: () => TrustedDocuments;
  /** The gateway's MAX_PAGE_SIZE: the largest page an export asks of the graph. */
  maxPageSize: number;
  /** EXPORTS_MAX_CONCURRENT: exports running at once; one more is refused (EXPORT_BUSY, 503) rather than queued. */
  maxConcurrent: number;
  /** The group's fiscal calendar, which places date parameters in group fiscal years (from the supergraph: service-labels.ts). */
  groupFiscalCalendar: () => FiscalCalendar | undefined;
  logger?: Logger;
}

function refusal(response: ServerResponse, error: ExportError | GraphQLError): void {
  if (error instanceof ExportError) return sendJson(response, error.status, error.body, { 'cache-control': 'no-store', ...error.headers });
  const { http, ...extensions } = error.extensions as { http?: { status?: number; headers?: Map<string, string> } };
  sendJson(response, http?.status ?? 400, { errors: [{ message: error.message, extensions }] }, { 'cache-control': 'no-store', ...Object.fromEntries(http?.headers ?? []) });
}

/**
 * GET /exports/expenses.{csv,xlsx}, /exports/report-lines.{csv,xlsx} and /exports/activities.{csv,xlsx} (docs/exports.md): the same
 * bearer tokens as /graphql, every operation run through the gateway's own Apollo Server as the
 * caller (scopes, trusted documents, limits), refusals answered before the first byte as JSON
 * errors with a code; rows streamed as the graph's pages arrive, at the pace the client reads.
 */
export function exportRoutes(options: ExportRoutesOptions): Route {
  const { apollo, admit, documents, maxPageSize, maxConcurrent, logger } = options;
  let running = 0;
  const operations = exportOperations(documents);
  const planners: Record<string, Planner> = {
    expenses: async (runner, params) => {
      const planned = await expenseExport(runner, operations, params);
      const counts = [...planned.context.included].map((code) => planned.context.subsidiaries.get(code)!.expenseCount);
      const expected = !params.fromDate && !params.toDate && planned.problems.length === 0 && counts.every((count) => count !== null) ? counts.reduce((a, b) => a! + b!, 0) : null;
      return {
        columns: EXPENSE_COLUMNS,
        sheetName: 'Expenses',
        rows: planned.rows(),
        problems: planned.problems,
        headers: {
          ...(expected !== null ? { 'x-export-expected-rows': String(expected) } : {}),
          ...(planned.context.total && !params.fromDate && !params.toDate ? { 'x-report-total': `${planned.context.total.amount} ${planned.context.total.currency}` } : {}),
          ...(planned.context.asOf ? { 'x-report-as-of': planned.context.asOf } : {}),
        },
      };
    },
    activities: async (runner, params) => {
      const feed = await activityExport(runner, operations, params);
      return { columns: ACTIVITY_COLUMNS, sheetName: 'Activities', rows: feed.rows, problems: feed.problems, headers: {} };
    },
    'report-lines': async (runner, params) => {
      const report = await reportLineExport(runner, operations, params);
      return {
        columns: REPORT_LINE_COLUMNS,
        sheetName: 'Report lines',
        rows: (async function* () {
          for (let start = 0; start < report.rows.length; start += 1_000) yield report.rows.slice(start, start + 1_000);
        })(),
        problems: report.problems,
        headers: {
          'x-export-expected-rows': String(report.rows.length),
          ...(report.total ? { 'x-report-total': `${report.total.amount} ${report.total.currency}` } : {}),
          ...(report.asOf ? { 'x-report-as-of': report.asOf } : {}),
        },
      };
    },
  };

  return async (request, response) => {
    const url = new URL(request.url ?? '/', 'http://localhost');
    if (!url.pathname.startsWith(EXPORTS_PREFIX)) return false;
    const match = /^\/exports\/([a-z-]+)\.(csv|xlsx)$/.exec(url.pathname);
    const planner = match ? planners[match[1]!] : undefined;
    if (!match || !planner) {
      sendJson(response, 404, { errors: [{ message: `No export at ${url.pathname.slice(0, 80)}: there are ${Object.keys(planners).map((name) => `${EXPORTS_PREFIX}${name}.csv|.xlsx`).join(', ')}`, extensions: { code: 'NOT_FOUND' } }] });
      return true;
    }
    if (request.method !== 'GET') {
      sendJson(response, 405, { errors: [{ message: 'Exports are downloaded with GET', extensions: { code: 'METHOD_NOT_ALLOWED' } }] }, { allow: 'GET' });
      return true;
    }
    if (running >= maxConcurrent) {
      sendJson(response, 503, { errors: [{ message: `${running} exports are running, as many as this gateway streams at once (EXPORTS_MAX_CONCURRENT): retry in a minute`, extensions: { code: EXPORT_ERROR_CODES.busy } }] }, { 'retry-after': '60' });
      return true;
    }
    running += 1;
    response.once('close', () => (running -= 1));
    const format = match[2] as Format;
    const name = match[1]!;
    const aborted = new AbortController();
    response.once('close', () => aborted.abort(new ClientGone()));
    const started = performance.now();
    let download: Download | undefined;
    let rows = 0;
    try {
      const { principal } = await admit(request);
      const params = exportParams(url.searchParams, maxPageSize, options.groupFiscalCalendar());
      const runner = new OperationRunner(apollo, request, principal, aborted.signal);
      const planned = await planner(runner, params);
      download = new Download(response, {
        contentType: FORMATS[format].contentType,
        filename: `${name}-${rangeLabel(params)}.${format}`,
        headers: planned.headers,
      });
      const sink: TableSink = format === 'csv' ? new CsvSink(download, planned.columns) : new XlsxSink(download, planned.columns, { sheetName: planned.sheetName });
      for await (const batch of planned.rows) {
        await sink.write(batch);
        rows += batch.length;
      }
      const outcome = { rows, problems: planned.problems };
      await sink.finish(outcome);
      await download.end(outcome, params.onIncomplete);
      logger?.info({ event: 'export', export: name, format, rows, problems: planned.problems.map((problem) => problem.code), ms: Math.round(performance.now() - started), subject: principal?.subject }, 'export finished');
    } catch (error) {
      if (error instanceof ClientGone || aborted.signal.aborted) {
        logger?.info({ event: 'export_abandoned', export: name, format, rows }, 'the client left before the export ended');
        response.destroy();
      } else if (!download && (error instanceof ExportError || error instanceof GraphQLError)) {
        refusal(response, error);
      } else {
        logger?.error({ event: 'export_failed', export: name, format, rows, err: error }, 'export failed');
        if (download) download.abort();
        else if (!response.headersSent) sendJson(response, 500, { errors: [{ message: 'The export failed', extensions: { code: 'INTERNAL_SERVER_ERROR' } }] });
        else response.destroy();
      }
    }
    return true;
  };
}
