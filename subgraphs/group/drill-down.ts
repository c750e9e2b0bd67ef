import { raise } from '../common/errors';
import { Decimal, Rational } from '../common/decimal';
import { boundedDecimalProblem } from '../common/decimal';
import { minorDigits } from '../common/currencies';
import { money, roundToCurrency } from '../common/money';
import { subsidiaryByCode, type SubsidiaryConfig } from '../common/registry';
import { CAUSE_AREAS, CONTRIBUTION_TYPES, MOTIVATIONS, type CauseArea, type ContributionType } from '../common/catalog';
import { decodeActivityCursor } from '../common/activity-cursor';
import { activityPageSize, type ActivityQuery } from '../common/activity-query';
import type { FigureAdjustment } from '../common/regional-figures';
import type { ArrivedPage } from './activity-merge';
import {
  activityView,
  conversionFor,
  currencyArg,
  formatGroupPageId,
  mergedPage,
  missingView,
  parseGroupPageId,
  regionalPages,
  spanArg,
  subsidiariesArg,
} from './activities';
import { exactText, type RecordConversion } from './record-conversion';
import type { GroupLoaders } from './loaders';
import { parseReportId, type ReportParams } from './report-params';

interface ReportLineArgs {
  fiscalYear?: number | null;
  fromFiscalYear?: number | null;
  toFiscalYear?: number | null;
  currency?: string | null;
  subsidiary?: string | null;
  causeArea?: CauseArea | null;
  contributionType?: ContributionType | null;
}

interface LineCell {
  groupFiscalYear: number;
  amount: Decimal;
  expenseCount: number;
}

const CAUSES = new Set<string>(CAUSE_AREAS.map((area) => area.code));
const TYPES = new Set<string>(CONTRIBUTION_TYPES.map((type) => type.code));

function refuse(path: string, problem: string): never {
  return raise('BAD_USER_INPUT', `Invalid report line representation: ${path} ${problem}`, { field: 'representations', path });
}

function decimalIn(value: unknown, path: string, fractionDigits: number, signed: boolean): Decimal {
  if (typeof value !== 'string' || boundedDecimalProblem(value)) return refuse(path, 'must be a decimal string');
  const amount = Decimal.parse(value);
  if (!signed && amount.isNegative()) refuse(path, 'must not be negative');
  if (amount.trimmed().fractionDigits() > fractionDigits) refuse(path, `has more fraction digits than the currency's minor unit (${fractionDigits})`);
  return amount;
}

/** A subsidiary's cells of the line, checked against the line (its years, cause area and contribution type). */
function cellsOf(page: ArrivedPage, query: ActivityQuery, path: string): LineCell[] {
  const { cells } = page.raw;
  const span = query.span!;
  // a cell per fiscal year × cause area × contribution type (× motivation, when cells carry one)
  const max = (span.to - span.from + 1) * CAUSES.size * TYPES.size * MOTIVATIONS.length;
  if (!Array.isArray(cells) || cells.length > max) return refuse(`${path}.cells`, `must be a list of at most ${max} cells`);
  return cells.map((cell: unknown, index) => {
    const at = `${path}.cells[${index}]`;
    if (typeof cell !== 'object' || cell === null) return refuse(at, 'must be a ReportCell');
    const { groupFiscalYear, causeArea, contributionType, amount, expenseCount } = cell as Record<string, unknown>;
    if (typeof groupFiscalYear !== 'number' || groupFiscalYear < span.from || groupFiscalYear > span.to) refuse(`${at}.groupFiscalYear`, `must be a fiscal year of the line, ${span.from}–${span.to}`);
    if (typeof causeArea !== 'string' || !CAUSES.has(causeArea) || (query.causeArea && causeArea !== query.causeArea)) refuse(`${at}.causeArea`, 'must be a CauseArea of the line');
    if (typeof contributionType !== 'string' || !TYPES.has(contributionType) || (query.contributionType && contributionType !== query.contributionType)) refuse(`${at}.contributionType`, 'must be a ContributionType of the line');
    if (typeof expenseCount !== 'number' || !Number.isInteger(expenseCount) || expenseCount < 0) refuse(`${at}.expenseCount`, 'must be a whole number');
    return { groupFiscalYear, amount: decimalIn(amount, `${at}.amount`, minorDigits(page.subsidiary.currency), false), expenseCount };
  });
}

function adjustmentsOf(page: ArrivedPage, query: ActivityQuery, path: string): FigureAdjustment[] {
  const { adjustments } = page.raw;
  if (adjustments === null || adjustments === undefined) return [];
  if (!Array.isArray(adjustments) || adjustments.length > 10_000) return refuse(`${path}.adjustments`, 'must be a list of at most 10000 adjustments');
  const span = query.span!;
  return adjustments.map((value: unknown, index) => {
    const at = `${path}.adjustments[${index}]`;
    if (typeof value !== 'object' || value === null) return refuse(at, 'must be a ReportAdjustment');
    const adjustment = value as Record<string, unknown>;
    if (typeof adjustment.id !== 'string' || !adjustment.id.startsWith(`${page.subsidiary.code}-`)) refuse(`${at}.id`, `must be an id of ${page.subsidiary.name}`);
    if (typeof adjustment.restatedFiscalYear !== 'number' || adjustment.restatedFiscalYear < span.from || adjustment.restatedFiscalYear > span.to) refuse(`${at}.restatedFiscalYear`, 'must be a fiscal year of the line');
    if (query.causeArea && adjustment.causeArea !== query.causeArea) refuse(`${at}.causeArea`, 'must be the line’s cause area');
    if (query.contributionType && adjustment.contributionType !== query.contributionType) refuse(`${at}.contributionType`, 'must be the line’s contribution type');
    decimalIn(adjustment.amountChange, `${at}.amountChange`, minorDigits(page.subsidiary.currency), true);
    const { __typename: _typename, ...fields } = adjustment;
    return fields as unknown as FigureAdjustment;
  });
}

function lineAdjustmentView(subsidiary: SubsidiaryConfig, adjustment: FigureAdjustment, conversion: RecordConversion) {
  const change = Decimal.parse(adjustment.amountChange);
  return {
    subsidiary: subsidiary.code,
    adjustment,
    amountChange: money(change, subsidiary.currency),
    convertedAmountChange: () => conversion.rounded(change, subsidiary.currency, adjustment.restatedFiscalYear),
    exactConvertedAmountChange: () => exactText(conversion.exact(change, subsidiary.currency, adjustment.restatedFiscalYear)),
  };
}

/** A line of a groupReport, picked inside the report itself (GroupReport.records). */
interface LineSelector {
  subsidiary?: string | null;
  causeArea?: CauseArea | null;
  contributionType?: ContributionType | null;
  fiscalYear?: number | null;
}

/** The report's parameters narrowed to one of its lines; a line outside the report is BAD_USER_INPUT. */
export function lineOfReport(report: ReportParams, selector: LineSelector): ReportLineArgs {
  const clash = <F extends 'causeArea' | 'contributionType'>(field: F): ReportParams[F] => {
    const asked = (selector[field] ?? null) as ReportParams[F];
    if (asked && report[field] && asked !== report[field]) raise('BAD_USER_INPUT', `line.${field} ${asked} is not a line of this report, which is of ${report[field]}`, { field: `line.${field}` });
    return asked ?? report[field];
  };
  const year = selector.fiscalYear ?? null;
  if (year !== null && (year < report.from || year > report.to)) raise('BAD_USER_INPUT', `line.fiscalYear ${year} is not a year of this report (${report.from}–${report.to})`, { field: 'line.fiscalYear' });
  return {
    ...(year !== null ? { fiscalYear: year } : { fromFiscalYear: report.from, toFiscalYear: report.to }),
    currency: report.currency,
    subsidiary: selector.subsidiary ?? null,
    causeArea: clash('causeArea'),
    contributionType: clash('contributionType'),
  };
}

function lineRecords(line: ReportLineArgs, first: number | null | undefined, after: string | null | undefined) {
  const span = spanArg(line, 'line.');
  if (!span) raise('BAD_USER_INPUT', 'Give line.fiscalYear, or line.fromFiscalYear and line.toFiscalYear: a report line has fiscal years', { field: 'line.fiscalYear' });
  const currency = currencyArg(line.currency);
  const subsidiaries = subsidiariesArg(line.subsidiary == null ? null : [line.subsidiary], 'line.subsidiary');
  const query: ActivityQuery = {
    kinds: ['EXPENSE'],
    span,
    causeArea: line.causeArea ?? null,
    contributionType: line.contributionType ?? null,
    first: activityPageSize(first, 50),
    after: after == null ? null : decodeActivityCursor(after),
  };
  return lineView(formatGroupPageId(currency, subsidiaries, query), currency, subsidiaries, query);
}

/** Query.reportRecords and the ReportLineRecords entity: a report line's expenses, and its figure from the same read. */
export function drillDownResolvers() {
  return {
    Query: {
      reportRecords: (_root: unknown, args: { line: ReportLineArgs; first?: number | null; after?: string | null }) => lineRecords(args.line, args.first, args.after),
    },
    /** The same, in the report's own query: groupReport(…) { records(line: { causeArea: … }) { … } }. */
    GroupReport: {
      records: (report: { id: string }, args: { line?: LineSelector | null; first?: number | null; after?: string | null }) =>
        lineRecords(lineOfReport(parseReportId(report.id), args.line ?? {}), args.first, args.after),
    },
    ReportLineRecords: {
      __resolveReference: async (reference: { id?: unknown; subsidiaries?: unknown }, { loaders }: { loaders: GroupLoaders }) => {
        const { currency, subsidiaries, query } = parseGroupPageId(reference.id);
        if (!query.span || query.kinds.join(',') !== 'EXPENSE') raise('BAD_USER_INPUT', 'a report line id names fiscal years and expenses only', { field: 'representations' });
        const page = mergedPage(reference, subsidiaries, query);
        const years = Array.from({ length: query.span.to - query.span.from + 1 }, (_, index) => query.span!.from + index);
        const conversion = await conversionFor(loaders, currency, years);
        const lines = page.arrived.map((arrived) => {
          const path = `subsidiaries[${subsidiaries.indexOf(arrived.subsidiary)}]`;
          return { subsidiary: arrived.subsidiary, cells: cellsOf(arrived, query, path), adjustments: adjustmentsOf(arrived, query, path) };
        });
        const partial = page.missing.length > 0;
        const exactCells = () => lines.reduce((sum, line) => line.cells.reduce((inner, cell) => inner.add(conversion.exact(cell.amount, line.subsidiary.currency, cell.groupFiscalYear)), sum), Rational.ZERO);
        const exactAdjustments = () =>
          lines.reduce((sum, line) => line.adjustments.reduce((inner, adjustment) => inner.add(conversion.exact(Decimal.parse(adjustment.amountChange), line.subsidiary.currency, adjustment.restatedFiscalYear)), sum), Rational.ZERO);
        const consolidated = (exact: Rational) => ({ amount: money(roundToCurrency(exact, currency), currency).amount, currency, partial });
        return {
          ...lineView(reference.id as string, currency, subsidiaries, query),
          amount: () => consolidated(exactCells()),
          exactAmount: () => exactText(exactCells()),
          restatedAmount: () => consolidated(exactCells().add(exactAdjustments())),
          expenseCount: lines.reduce((sum, line) => line.cells.reduce((inner, cell) => inner + cell.expenseCount, sum), 0),
          records: page.items.map((item) => activityView(item, subsidiaryByCode(item.code)!, conversion)),
          pageInfo: page.pageInfo,
          adjustments: lines.flatMap((line) => line.adjustments.map((adjustment) => lineAdjustmentView(line.subsidiary, adjustment, conversion))),
          missingSubsidiaries: missingView(page.missing),
        };
      },
    },
  };
}

function lineView(id: string, currency: string, subsidiaries: readonly SubsidiaryConfig[], query: ActivityQuery) {
  return {
    id,
    currency,
    fromFiscalYear: query.span!.from,
    toFiscalYear: query.span!.to,
    subsidiary: subsidiaries.length === 1 ? subsidiaries[0]!.code : null,
    causeArea: query.causeArea,
    contributionType: query.contributionType,
    subsidiaries: regionalPages(subsidiaries, query),
  };
}
