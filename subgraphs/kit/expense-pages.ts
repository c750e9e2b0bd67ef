import { badInput } from '../common/errors';
import { decodeActivityCursor, encodeActivityCursor } from '../common/activity-cursor';
import type { ContributionType } from '../common/catalog';
import type { SubsidiaryConfig } from '../common/registry';
import type { RegionalContext } from './context';
import type { ExpenseDocument } from './documents';
import type { ExpensePosition, ExpenseQuery } from './store/expense-pages';
import { LIMITS, fiscalYearArg, pageSize } from './validation';

/** `Subsidiary.expenses`: the input and page types (the field itself is in kit/schema.ts). */
export const EXPENSE_LIST_SDL = `
"Which expenses a subsidiary's flat list holds; every condition given must hold."
input ExpenseFilter {
  "One group fiscal year (April–March, named by the year it ends in), as reports count the expense (its groupFiscalYear)."
  fiscalYear: Int
  "Group fiscal years from this one (with or without toFiscalYear); not with fiscalYear."
  fromFiscalYear: Int
  "Group fiscal years up to this one, inclusive."
  toFiscalYear: Int
  "The expense's own (local) date on or after this one."
  from: Date
  "The expense's own (local) date on or before this one."
  to: Date
  initiativeId: ID
  contributionType: ContributionType
}

"A page of a subsidiary's expenses in (date, id) order."
type ExpensePage @shareable {
  nodes: [Expense!]!
  pageInfo: PageInfo!
}
`;

interface ExpenseFilterArgs {
  fiscalYear?: number | null;
  fromFiscalYear?: number | null;
  toFiscalYear?: number | null;
  from?: string | null;
  to?: string | null;
  initiativeId?: string | null;
  contributionType?: ContributionType | null;
}

export interface ExpenseListArgs {
  filter?: ExpenseFilterArgs | null;
  first?: number | null;
  after?: string | null;
}

/** The cursor of an expense: the activity feed's (common/activity-cursor.ts), of this subsidiary's EXPENSE item. */
function cursorOf(subsidiary: SubsidiaryConfig, expense: ExpenseDocument): string {
  return encodeActivityCursor({ date: expense.date, code: subsidiary.code, kind: 'EXPENSE', id: expense._id });
}

function positionAfter(subsidiary: SubsidiaryConfig, after: string | null | undefined): ExpensePosition | null {
  if (after === null || after === undefined) return null;
  const key = decodeActivityCursor(after, 'after');
  if (key.code !== subsidiary.code || key.kind !== 'EXPENSE') {
    badInput(`after is not a cursor of ${subsidiary.name}'s expenses (pass pageInfo.endCursor of an earlier page of this list)`, 'after');
  }
  return { date: key.date, id: key.id };
}

function spanOf(filter: ExpenseFilterArgs): ExpenseQuery['span'] {
  const year = fiscalYearArg(filter.fiscalYear, 'filter.fiscalYear');
  const from = fiscalYearArg(filter.fromFiscalYear, 'filter.fromFiscalYear');
  const to = fiscalYearArg(filter.toFiscalYear, 'filter.toFiscalYear');
  if (year !== null) {
    if (from !== null || to !== null) badInput('filter.fiscalYear cannot be combined with filter.fromFiscalYear or filter.toFiscalYear: give one year or a range', 'filter.fiscalYear');
    return { from: year, to: year };
  }
  if (from === null && to === null) return null;
  if (from !== null && to !== null && to < from) badInput(`filter.toFiscalYear (${to}) is before filter.fromFiscalYear (${from})`, 'filter.toFiscalYear');
  return { from: from ?? LIMITS.fiscalYears.min, to: to ?? LIMITS.fiscalYears.max };
}

/** The page asked, validated: every failure is BAD_USER_INPUT naming the argument. */
export function expenseQuery(subsidiary: SubsidiaryConfig, args: ExpenseListArgs): ExpenseQuery {
  const filter = args.filter ?? {};
  const fromDate = filter.from ?? null;
  const toDate = filter.to ?? null;
  if (fromDate && toDate && toDate < fromDate) badInput(`filter.to (${toDate}) is before filter.from (${fromDate})`, 'filter.to');
  const initiativeId = filter.initiativeId ?? null;
  if (initiativeId !== null && (!initiativeId.startsWith(`${subsidiary.code}-`) || initiativeId.length > LIMITS.idLength)) {
    badInput(`filter.initiativeId "${initiativeId.slice(0, LIMITS.idLength)}" is not one of ${subsidiary.name}'s initiative ids (they start with "${subsidiary.code}-")`, 'filter.initiativeId');
  }
  return {
    span: spanOf(filter),
    fromDate,
    toDate,
    initiativeId,
    contributionType: filter.contributionType ?? null,
    first: pageSize(args.first, 'first', LIMITS.pageSize, 100),
    after: positionAfter(subsidiary, args.after),
  };
}

/** The resolver of `<Prefix>Subsidiary.expenses`: null without a dataset (the expenses are missing, not none). */
export function subsidiaryExpenses(subsidiary: SubsidiaryConfig) {
  return async (_parent: unknown, args: ExpenseListArgs, { store }: RegionalContext) => {
    const slice = await store.expensePages.page(expenseQuery(subsidiary, args));
    if (!slice.dataset) return null;
    const last = slice.nodes.at(-1);
    return { nodes: slice.nodes, pageInfo: { endCursor: last ? cursorOf(subsidiary, last) : (args.after ?? null), hasNextPage: slice.hasMore } };
  };
}
