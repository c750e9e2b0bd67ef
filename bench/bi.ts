/**
 * (2) BI extraction: one client pages through every subsidiary's initiatives with their
 * expenses to the end, one request after the other (not a load test: total time and rows/s).
 */
import { biFirstPage, biNextPage } from './workloads';
import type { GraphQLRequest } from './load';

export interface ExtractionResult {
  label: string;
  /** Initiatives per page. */
  pageSize: number;
  requests: number;
  initiatives: number;
  expenses: number;
  bytes: number;
  milliseconds: number;
  /** Initiatives + expenses per second. */
  rowsPerSecond: number;
  /** Slowest single page request, ms. */
  slowestPageMs: number;
  /** False when the time limit stopped it before the end of every list. */
  complete: boolean;

  error?: string;
}

interface PageOfSubsidiary {
  code: string;
  initiatives: {
    nodes: { id: string; expenses: { id: string }[] }[];
    pageInfo: { endCursor: string | null; hasNextPage: boolean };
  } | null;
}

async function post(url: string, request: GraphQLRequest, headers: Record<string, string>): Promise<{ data: Record<string, unknown>; bytes: number }> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify({ query: request.query, variables: request.variables ?? {} }),
  });
  const text = await response.text();
  const body = JSON.parse(text) as { data?: Record<string, unknown>; errors?: unknown[] };
  if (response.status !== 200 || body.errors?.length || !body.data) throw new Error(`${response.status} ${text.slice(0, 300)}`);
  return { data: body.data, bytes: text.length };
}

/**
 * Pages to the end, or until `maxSeconds` have passed (no new page is asked for after that).
 */
/** The extraction of median duration (failed ones count as slowest). */
export function medianExtraction(extractions: readonly ExtractionResult[]): ExtractionResult {
  const sorted = [...extractions].sort((a, b) => (a.error ? Infinity : a.milliseconds) - (b.error ? Infinity : b.milliseconds));
  return sorted[Math.floor((sorted.length - 1) / 2)]!;
}

export async function extractAll(label: string, url: string, pageSize: number, headers: Record<string, string> = {}, maxSeconds = Infinity): Promise<ExtractionResult> {
  const result: ExtractionResult = { label, pageSize, requests: 0, initiatives: 0, expenses: 0, bytes: 0, milliseconds: 0, rowsPerSecond: 0, slowestPageMs: 0, complete: false };
  const started = performance.now();
  try {
    let request: GraphQLRequest | null = biFirstPage(pageSize);
    while (request) {
      if (performance.now() - started > maxSeconds * 1000) break;
      const pageStarted = performance.now();
      const { data, bytes } = await post(url, request, headers);
      result.slowestPageMs = Math.max(result.slowestPageMs, performance.now() - pageStarted);
      result.requests += 1;
      result.bytes += bytes;
      const pages = (Array.isArray(data.subsidiaries) ? data.subsidiaries : Object.values(data)) as PageOfSubsidiary[];
      const after = new Map<string, string>();
      for (const page of pages) {
        if (!page.initiatives) throw new Error(`${page.code}: initiatives missing (subgraph unavailable?)`);
        result.initiatives += page.initiatives.nodes.length;
        for (const node of page.initiatives.nodes) result.expenses += node.expenses.length;
        const { endCursor, hasNextPage } = page.initiatives.pageInfo;
        if (hasNextPage && endCursor) after.set(page.code, endCursor);
      }
      request = after.size > 0 ? biNextPage(after, pageSize) : null;
    }
    result.complete = request === null;
  } catch (error) {
    result.error = error instanceof Error ? error.message : String(error);
  }
  result.milliseconds = performance.now() - started;
  result.rowsPerSecond = ((result.initiatives + result.expenses) * 1000) / result.milliseconds;
  return result;
}
