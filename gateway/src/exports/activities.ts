import { readB4siInputTypes, type B4siInputTypeOf } from './b4si';
import { withinDates, type ExportParams } from './params';
import { incompleteError } from './report-context';
import { operationFailed, type OperationResult, type OperationRunner } from './runner';
import type { Column, Problem, Row } from './table';
import type { ExportOperations } from './operations';

/**
 * The group's activity feed (Query.activities), one row per item in the feed's order: expenses
 * with their local amount and the JPY amount at their year's stated rate, unrounded; initiative
 * events; volunteering and registrations.
 */
export const ACTIVITY_COLUMNS: readonly Column[] = [
  { name: 'date', kind: 'date', width: 12 },
  { name: 'subsidiary', kind: 'text', width: 10 },
  { name: 'kind', kind: 'text', width: 24 },
  { name: 'id', kind: 'text', width: 18 },
  { name: 'group_fiscal_year', kind: 'integer' },
  { name: 'initiative_id', kind: 'text', width: 16 },
  { name: 'cause_area', kind: 'text', width: 24 },
  { name: 'contribution_type', kind: 'text', width: 18 },
  { name: 'b4si_input_type', kind: 'text', width: 18 },
  { name: 'local_amount', kind: 'decimal', width: 16 },
  { name: 'local_currency', kind: 'text' },
  { name: 'rate', kind: 'decimal' },
  { name: 'converted_amount', kind: 'exact', width: 22 },
  { name: 'converted_currency', kind: 'text' },
  { name: 'people', kind: 'integer' },
  { name: 'hours', kind: 'decimal' },
  { name: 'registrations', kind: 'integer' },
  { name: 'change', kind: 'text' },
  { name: 'status', kind: 'text' },
  { name: 'previous_status', kind: 'text' },
  { name: 'description', kind: 'text', width: 40 },
];

interface FeedItem {
  subsidiary: string;
  kind: string;
  date: string;
  id: string;
  groupFiscalYear: number;
  initiativeId: string | null;
  causeArea: string | null;
  contributionType: string | null;
  amount: { amount: string; currency: string } | null;
  exactConvertedAmount: string | null;
  rate: string | null;
  people: number | null;
  hours: string | null;
  registrations: number | null;
  change: string | null;
  status: string | null;
  previousStatus: string | null;
  description: string | null;
}

interface FeedPage {
  activities: {
    currency: string;
    pageInfo: { endCursor: string | null; hasNextPage: boolean };
    missingSubsidiaries: { code: string; name: string; reason: string; reasonCode: string }[];
    items: FeedItem[];
  } | null;
}

export interface ActivityExport {
  rows: AsyncGenerator<Row[], void, undefined>;
  problems: Problem[];
}

function missingProblems(page: NonNullable<FeedPage['activities']>, known: readonly Problem[]): Problem[] {
  return page.missingSubsidiaries
    .filter((missing) => !known.some((problem) => problem.subsidiary === missing.code))
    .map((missing) => ({ code: missing.reasonCode, subsidiary: missing.code, message: missing.reason }));
}

function itemRow(item: FeedItem, currency: string, b4siInputType: B4siInputTypeOf): Row {
  return [
    item.date,
    item.subsidiary,
    item.kind,
    item.id,
    item.groupFiscalYear,
    item.initiativeId,
    item.causeArea,
    item.contributionType,
    item.contributionType ? b4siInputType(item.contributionType) : null,
    item.amount?.amount ?? null,
    item.amount?.currency ?? null,
    item.rate,
    item.exactConvertedAmount,
    item.exactConvertedAmount !== null ? currency : null,
    item.people,
    item.hours,
    item.registrations,
    item.change,
    item.status,
    item.previousStatus,
    item.description,
  ];
}

/**
 * Reads the feed's first page before the first byte (a subsidiary missing from it refuses the
 * export with incomplete=fail), then page after page, the next one read while the last is written.
 */
export async function activityExport(runner: OperationRunner, operations: ExportOperations, params: ExportParams): Promise<ActivityExport> {
  const filter = {
    fromFiscalYear: params.fromFiscalYear,
    toFiscalYear: params.toFiscalYear,
    ...(params.subsidiaries.length > 0 ? { subsidiaries: params.subsidiaries } : {}),
  };
  const read = async (after: string | null) => {
    const result: OperationResult<FeedPage> = await runner.run<FeedPage>('ActivityFeedPage', operations.text('ActivityFeedPage'), { filter, first: params.pageSize, after });
    if (!result.data?.activities) throw operationFailed('ActivityFeedPage', result);
    return result.data.activities;
  };
  const b4siInputType = await readB4siInputTypes(runner, operations);
  const first = await read(null);
  const problems: Problem[] = missingProblems(first, []);
  if (problems.length > 0 && params.onIncomplete === 'fail') throw incompleteError(problems);

  async function* rows(): AsyncGenerator<Row[], void, undefined> {
    let page = first;
    for (;;) {
      const next = page.pageInfo.hasNextPage && page.pageInfo.endCursor !== null ? read(page.pageInfo.endCursor) : null;
      next?.catch(() => undefined); // surfaced below
      const batch = page.items.filter((item) => withinDates(params, item.date)).map((item) => itemRow(item, page.currency, b4siInputType));
      if (batch.length > 0) yield batch;
      if (!next) return;
      page = await next;
      const missing = missingProblems(page, problems);
      if (missing.length > 0) {
        problems.push(...missing);
        if (params.onIncomplete === 'fail') return;
      }
    }
  }
  return { rows: rows(), problems };
}
