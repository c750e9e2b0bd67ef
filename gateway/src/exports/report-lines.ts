import { Decimal } from '../../../shared/decimal';
import { b4siInputTypeOf, type ContributionTypes } from './b4si';
import type { ExportParams } from './params';
import { EXPORT_ERROR_CODES, ExportError, operationFailed, type OperationRunner } from './runner';
import type { Column, Problem, Row } from './table';
import type { ExportOperations } from './operations';
import { incompleteError } from './report-context';

/**
 * A report's lines at their finest: one row per subsidiary × group fiscal year × cause area ×
 * contribution type × B4SI motivation, the local amount and the JPY amount at the year's rate, unrounded, so that
 * any pivot of the rows (by subsidiary, cause area, type, year) adds up to the report's line
 * before it is rounded once, and all of them to its total.
 */
export const REPORT_LINE_COLUMNS: readonly Column[] = [
  { name: 'subsidiary', kind: 'text', width: 10 },
  { name: 'subsidiary_name', kind: 'text', width: 24 },
  { name: 'group_fiscal_year', kind: 'integer' },
  { name: 'cause_area', kind: 'text', width: 24 },
  { name: 'b4si_issue', kind: 'text', width: 24 },
  { name: 'contribution_type', kind: 'text', width: 18 },
  { name: 'b4si_input_type', kind: 'text', width: 18 },
  { name: 'b4si_motivation', kind: 'text', width: 22 },
  { name: 'expense_count', kind: 'integer' },
  { name: 'local_amount', kind: 'decimal', width: 16 },
  { name: 'local_currency', kind: 'text' },
  { name: 'rate', kind: 'decimal' },
  { name: 'rate_source', kind: 'text', width: 30 },
  { name: 'converted_amount', kind: 'exact', width: 22 },
  { name: 'converted_currency', kind: 'text' },
];

interface ReportCells {
  groupReport: {
    currency: string;
    asOf: string | null;
    completeness: { complete: boolean; missing: { code: string; name: string; reason: string; reasonCode: string }[] };
    total: { amount: string; currency: string; partial: boolean } | null;
    bySubsidiary: { code: string; name: string; available: boolean; ratesUsed: { currency: string; fiscalYear: number; rate: string; source: string | null }[] }[];
    subsidiaries: {
      id: string;
      currency?: string | null;
      cells?: { groupFiscalYear: number; causeArea: string; contributionType: string; motivation: string; amount: string; expenseCount: number }[] | null;
    }[];
  } | null;
}

type Cell = NonNullable<NonNullable<ReportCells['groupReport']>['subsidiaries'][number]['cells']>[number];

/** A subsidiary's cells one per year × cause area × contribution type × motivation (a subgraph may send a key in several cells). */
function mergedCells(cells: readonly Cell[]): Cell[] {
  const merged = new Map<string, { cell: Cell; amount: Decimal }>();
  for (const cell of cells) {
    const key = `${cell.groupFiscalYear}|${cell.causeArea}|${cell.contributionType}|${cell.motivation}`;
    const known = merged.get(key);
    if (known) {
      known.amount = known.amount.add(Decimal.parse(cell.amount));
      known.cell = { ...known.cell, expenseCount: known.cell.expenseCount + cell.expenseCount };
    } else {
      merged.set(key, { cell, amount: Decimal.parse(cell.amount) });
    }
  }
  return [...merged.values()].map(({ cell, amount }) => ({ ...cell, amount: amount.toString() }));
}

interface CauseAreas extends ContributionTypes {
  causeAreas: { code: string; b4siIssue: string }[] | null;
}

export interface ReportLineExport {
  rows: Row[];
  problems: Problem[];
  total: { amount: string; currency: string; partial: boolean } | null;
  asOf: string | null;
}

/** Reads the report's cells (one operation: a report has at most a few thousand cells) and turns them into rows. */
export async function reportLineExport(runner: OperationRunner, operations: ExportOperations, params: ExportParams): Promise<ReportLineExport> {
  const reference = await runner.run<CauseAreas>('ReferenceData', operations.text('ReferenceData'), {});
  if (!reference.data?.causeAreas || !reference.data.contributionTypes) throw operationFailed('ReferenceData', reference);
  const issues = new Map(reference.data.causeAreas.map((area) => [area.code, area.b4siIssue]));
  const b4siInputType = b4siInputTypeOf(reference.data.contributionTypes);
  const result = await runner.run<ReportCells>('ReportCells', operations.text('ReportCells'), { fromFiscalYear: params.fromFiscalYear, toFiscalYear: params.toFiscalYear });
  const report = result.data?.groupReport;
  if (!report) throw operationFailed('ReportCells', result);

  const problems: Problem[] = [];
  const rows: Row[] = [];
  for (const line of report.bySubsidiary) {
    if (params.subsidiaries.length > 0 && !params.subsidiaries.includes(line.code)) continue;
    const missing = report.completeness.missing.find((candidate) => candidate.code === line.code);
    const regional = report.subsidiaries.find((candidate) => candidate.id.split('|')[0] === line.code);
    if (missing || !line.available || !regional?.cells || !regional.currency) {
      problems.push({ code: missing?.reasonCode ?? 'UNAVAILABLE', subsidiary: line.code, message: missing?.reason ?? `${line.name}'s figures did not arrive` });
      continue;
    }
    const currency = regional.currency;
    const rates = new Map(line.ratesUsed.filter((used) => used.currency === currency).map((used) => [used.fiscalYear, used]));
    const cells = [...mergedCells(regional.cells)].sort((a, b) => a.groupFiscalYear - b.groupFiscalYear || a.causeArea.localeCompare(b.causeArea) || a.contributionType.localeCompare(b.contributionType) || a.motivation.localeCompare(b.motivation));
    for (const cell of cells) {
      const used = rates.get(cell.groupFiscalYear);
      const rate = currency === report.currency ? '1' : used?.rate;
      if (rate === undefined) throw new ExportError(502, EXPORT_ERROR_CODES.failed, `The report has no rate for ${currency} in FY${cell.groupFiscalYear}`, { subsidiary: line.code });
      rows.push([
        line.code,
        line.name,
        cell.groupFiscalYear,
        cell.causeArea,
        issues.get(cell.causeArea) ?? null,
        cell.contributionType,
        b4siInputType(cell.contributionType),
        cell.motivation,
        cell.expenseCount,
        cell.amount,
        currency,
        rate,
        used?.source ?? null,
        Decimal.parse(cell.amount).multiply(Decimal.parse(rate)).trimmed().toString(),
        report.currency,
      ]);
    }
  }
  const unknown = params.subsidiaries.filter((code) => !report.bySubsidiary.some((line) => line.code === code));
  if (unknown.length > 0) throw new ExportError(400, EXPORT_ERROR_CODES.badRequest, `Unknown subsidiary ${unknown.join(', ')}`, { parameter: 'subsidiary' });
  if (problems.length > 0 && params.onIncomplete === 'fail') throw incompleteError(problems);
  return { rows, problems, total: report.completeness.complete && params.subsidiaries.length === 0 ? report.total : null, asOf: report.asOf };
}
