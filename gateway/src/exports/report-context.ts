import { Decimal } from '../../../shared/decimal';
import type { ExportParams } from './params';
import { EXPORT_ERROR_CODES, ExportError, operationFailed, type OperationRunner } from './runner';
import type { Problem } from './table';
import type { ExportOperations } from './operations';

export interface SubsidiaryContext {
  code: string;
  name: string;
  currency: string;
  /** The report's rate of each group fiscal year: reporting currency per unit of the local one. */
  rates: Map<number, { rate: Decimal; source: string | null }>;
  /** Expenses the report of the range counts (its control total), null when its figures did not arrive. */
  expenseCount: number | null;
  local: string | null;
}

/** What an export learns before its first byte, from the registry and the report of its range. */
export interface ReportContext {
  currency: string;
  /** The subsidiaries exported, in the registry's order, whose figures arrived. */
  included: string[];
  subsidiaries: Map<string, SubsidiaryContext>;
  /** The report's total of the range (rounded once), when complete. */
  total: { amount: string; currency: string; partial: boolean } | null;
  asOf: string | null;
  /** Subsidiaries whose figures are missing, as problems of the export. */
  problems: Problem[];
}

interface ReferenceData {
  subsidiaries: { code: string; name: string; currency: string }[] | null;
}

interface ReportLines {
  groupReport: {
    currency: string;
    asOf: string | null;
    completeness: { complete: boolean; missing: { code: string; name: string; reason: string; reasonCode: string }[] };
    total: { amount: string; currency: string; partial: boolean } | null;
    bySubsidiary: {
      code: string;
      name: string;
      available: boolean;
      local: { amount: string; currency: string } | null;
      ratesUsed: { currency: string; fiscalYear: number; rate: string; source: string | null }[];
      expenseCount: number | null;
    }[];
  } | null;
}

/** The refusal of an export that would lack subsidiaries (incomplete=fail): 503 before the first byte, naming them. */
export function incompleteError(problems: readonly Problem[]): ExportError {
  return new ExportError(
    503,
    EXPORT_ERROR_CODES.incomplete,
    `The export would be incomplete: no figures from ${problems.map((problem) => problem.subsidiary).join(', ')} (${problems.map((problem) => problem.message).join('; ')}). Retry later, or ask with incomplete=mark for a file that says what it lacks.`,
    { missingSubsidiaries: problems.map((problem) => problem.subsidiary), reasonCodes: Object.fromEntries(problems.map((problem) => [problem.subsidiary, problem.code])) },
    { 'retry-after': '30' },
  );
}

/**
 * Reads the registry and the report of the range (allowPartial: its completeness says who is
 * missing): unknown subsidiaries asked for are refused (400); missing ones are problems, and
 * with incomplete=fail the export is refused before its first byte (EXPORT_INCOMPLETE, 503).
 */
export async function reportContext(runner: OperationRunner, operations: ExportOperations, params: ExportParams): Promise<ReportContext> {
  const reference = await runner.run<ReferenceData>('ReferenceData', operations.text('ReferenceData'), {});
  if (!reference.data?.subsidiaries) throw operationFailed('ReferenceData', reference);
  const registry = reference.data.subsidiaries;
  const unknown = params.subsidiaries.filter((code) => !registry.some((subsidiary) => subsidiary.code === code));
  if (unknown.length > 0) {
    throw new ExportError(400, EXPORT_ERROR_CODES.badRequest, `Unknown subsidiary ${unknown.join(', ')}: the registry has ${registry.map((subsidiary) => subsidiary.code).join(', ')}`, { parameter: 'subsidiary' });
  }
  const report = await runner.run<ReportLines>('ReportLines', operations.text('ReportLines'), {
    fromFiscalYear: params.fromFiscalYear,
    toFiscalYear: params.toFiscalYear,
    allowPartial: true,
  });
  const groupReport = report.data?.groupReport;
  if (!groupReport) throw operationFailed('ReportLines', report);

  const wanted = registry.filter((subsidiary) => params.subsidiaries.length === 0 || params.subsidiaries.includes(subsidiary.code));
  const subsidiaries = new Map<string, SubsidiaryContext>();
  const problems: Problem[] = [];
  const included: string[] = [];
  for (const subsidiary of wanted) {
    const line = groupReport.bySubsidiary.find((candidate) => candidate.code === subsidiary.code);
    const rates = new Map<number, { rate: Decimal; source: string | null }>();
    for (let year = params.fromFiscalYear; year <= params.toFiscalYear; year += 1) {
      if (subsidiary.currency === groupReport.currency) rates.set(year, { rate: Decimal.parse('1'), source: null });
    }
    for (const used of line?.ratesUsed ?? []) if (used.currency === subsidiary.currency) rates.set(used.fiscalYear, { rate: Decimal.parse(used.rate), source: used.source });
    subsidiaries.set(subsidiary.code, { code: subsidiary.code, name: subsidiary.name, currency: subsidiary.currency, rates, expenseCount: line?.expenseCount ?? null, local: line?.local?.amount ?? null });
    const missing = groupReport.completeness.missing.find((candidate) => candidate.code === subsidiary.code);
    if (missing || !line?.available) {
      problems.push({ code: missing?.reasonCode ?? 'UNAVAILABLE', subsidiary: subsidiary.code, message: missing?.reason ?? `${subsidiary.name}'s figures did not arrive` });
    } else {
      included.push(subsidiary.code);
    }
  }
  if (problems.length > 0 && params.onIncomplete === 'fail') throw incompleteError(problems);
  return {
    currency: groupReport.currency,
    included,
    subsidiaries,
    total: groupReport.completeness.complete && params.subsidiaries.length === 0 ? groupReport.total : null,
    asOf: groupReport.asOf,
    problems,
  };
}
