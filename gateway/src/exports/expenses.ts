import { Decimal } from '../../../shared/decimal';
import { reportContext, type ReportContext } from './report-context';
import type { ExportParams } from './params';
import { EXPORT_ERROR_CODES, ExportError, errorSummaries, operationFailed, type OperationResult, type OperationRunner } from './runner';
import type { Column, Problem, Row } from './table';
import type { ExportOperations } from './operations';

/**
 * Every expense of a range across the subsidiaries, one row each: local amount and the JPY amount
 * at the stated average rate of the expense's group fiscal year, unrounded (local × rate, exact),
 * so that the rows of a subsidiary, a cause area or the whole group add up to the report's line
 * before it is rounded once (the report's rule: convert totals, round once per line shown).
 */
export const EXPENSE_COLUMNS: readonly Column[] = [
  { name: 'subsidiary', kind: 'text', width: 10 },
  { name: 'expense_id', kind: 'text', width: 16 },
  { name: 'initiative_id', kind: 'text', width: 16 },
  { name: 'initiative_title', kind: 'text', width: 40 },
  { name: 'date', kind: 'date', width: 12 },
  { name: 'group_fiscal_year', kind: 'integer' },
  { name: 'local_fiscal_year', kind: 'integer' },
  { name: 'cause_area', kind: 'text', width: 24 },
  { name: 'contribution_type', kind: 'text', width: 18 },
  { name: 'b4si_input_type', kind: 'text', width: 18 },
  { name: 'b4si_motivation', kind: 'text', width: 22 },
  { name: 'b4si_issue', kind: 'text', width: 22 },
  { name: 'b4si_issue_name', kind: 'text', width: 26 },
  { name: 'b4si_valuation', kind: 'text', width: 16 },
  { name: 'quantity', kind: 'decimal' },
  { name: 'unit', kind: 'text' },
  { name: 'unit_price', kind: 'decimal' },
  { name: 'local_amount', kind: 'decimal', width: 16 },
  { name: 'local_currency', kind: 'text' },
  { name: 'rate', kind: 'decimal' },
  { name: 'rate_source', kind: 'text', width: 30 },
  { name: 'converted_amount', kind: 'exact', width: 22 },
  { name: 'converted_currency', kind: 'text' },
  { name: 'valuation_basis', kind: 'text', width: 30 },
  { name: 'description', kind: 'text', width: 40 },
  { name: 'illustrative', kind: 'boolean' },
  { name: 'source', kind: 'text', width: 30 },
];

interface PageInitiative {
  id: string;
  title: string;
  causeArea: string;
  motivation: string;
  status: string;
}

interface PageExpense {
  id: string;
  date: string;
  fiscalYear: number;
  groupFiscalYear: number;
  contributionType: string;
  quantity: string | null;
  unit: string | null;
  unitPrice: { amount: string; currency: string } | null;
  amount: { amount: string; currency: string };
  valuationBasis: string;
  description: string;
  provenance: { illustrative: boolean; source: string | null };
  /** How B4SI counts the expense (the graph's: docs/b4si.md). */
  b4si: { inputType: string; motivation: string; issue: string; issueName: string; valuation: string };
  initiative: PageInitiative | null;
}

interface ExpensesPage {
  subsidiary: {
    code: string;
    currency: string;
    expenses: { pageInfo: { endCursor: string | null; hasNextPage: boolean }; nodes: PageExpense[] } | null;
  } | null;
}

/** One subsidiary's expenses of one group fiscal year (within the range's dates), page after page of `Subsidiary.expenses`. */
interface Pass {
  code: string;
  fiscalYear: number;
}

type PassItem = { rows: Row[] } | { problem: Problem };

/**
 * Passes read at the same time (each at most one page ahead of what the client has taken): the
 * subgraphs answer in parallel while memory stays bounded by a few pages.
 */
const PASSES_IN_FLIGHT = 2;

export interface ExpenseExport {
  context: ReportContext;
  /** Rows, page after page; with incomplete=fail, stops at the first problem. */
  rows(): AsyncGenerator<Row[], void, undefined>;
  problems: Problem[];
}

/**
 * Plans an expense export (before the first byte: the report of the range says which subsidiaries
 * answer, their rates and their expense counts) and returns its rows as an async generator that
 * reads the graph's pages in order, a few ahead of what the client has taken, never more.
 */
export async function expenseExport(runner: OperationRunner, operations: ExportOperations, params: ExportParams): Promise<ExpenseExport> {
  const context = await reportContext(runner, operations, params);
  const problems: Problem[] = [...context.problems];
  const stopAtProblem = params.onIncomplete === 'fail';

  /** One pass: the pages of one subsidiary's expenses of one year, in (date, id) order, every initiative's. */
  async function* passItems({ code, fiscalYear }: Pass): AsyncGenerator<PassItem, void, undefined> {
    const subsidiary = context.subsidiaries.get(code)!;
    const rate = subsidiary.rates.get(fiscalYear);
    const filter = { fiscalYear, from: params.fromDate ?? null, to: params.toDate ?? null };
    let after: string | null = null;
    do {
      const result: OperationResult<ExpensesPage> = await runner.run<ExpensesPage>('ExpensesPage', operations.text('ExpensesPage'), { code, filter, first: params.pageSize, after });
      const page = result.data?.subsidiary?.expenses;
      if (!page) {
        if (!result.data && result.status >= 400 && result.status < 500) throw operationFailed('ExpensesPage', result);
        const summary = errorSummaries(result.errors)[0];
        yield {
          problem: {
            code: 'SUBSIDIARY_UNAVAILABLE',
            subsidiary: code,
            fiscalYear,
            message: `${subsidiary.name}'s expenses could not be read (${String(summary?.message ?? 'no answer')}): its rows from here on are missing`,
          },
        };
        return;
      }
      if (page.nodes.length > 0) yield { rows: page.nodes.map((expense) => expenseRow(code, expense, rate, context)) };
      after = page.pageInfo.hasNextPage ? page.pageInfo.endCursor : null;
    } while (after !== null);
  }

  const plan: Pass[] = context.included.flatMap((code) => Array.from({ length: params.toFiscalYear - params.fromFiscalYear + 1 }, (_, offset) => ({ code, fiscalYear: params.fromFiscalYear + offset })));

  function controlTotal(code: string, written: number): void {
    const expected = context.subsidiaries.get(code)!.expenseCount;
    const cut = problems.some((problem) => problem.subsidiary === code);
    if (!cut && !params.fromDate && !params.toDate && expected !== null && written !== expected) {
      problems.push({
        code: 'CONTROL_TOTAL_MISMATCH',
        subsidiary: code,
        message: `${written} expenses were exported but the report of the range counts ${expected} (records written while the export ran?)`,
      });
    }
  }

  return {
    context,
    problems,
    async *rows() {
      if (stopAtProblem && problems.length > 0) return;
      const unavailable = new Set<string>();
      const written = new Map<string, number>();
      // the next passes already reading their first page, each one page ahead at most
      const window: { pass: Pass; index: number; items: AsyncGenerator<PassItem, void, undefined> }[] = [];
      let next = 0;
      try {
        for (;;) {
          while (window.length < PASSES_IN_FLIGHT && next < plan.length) {
            const index = next++;
            window.push({ pass: plan[index]!, index, items: oneAhead(passItems(plan[index]!)) });
          }
          const current = window.shift();
          if (!current) return;
          const { code } = current.pass;
          if (!unavailable.has(code)) {
            for await (const item of current.items) {
              if ('problem' in item) {
                problems.push(item.problem);
                if (item.problem.code === 'SUBSIDIARY_UNAVAILABLE') unavailable.add(code);
                if (stopAtProblem) return;
                continue;
              }
              written.set(code, (written.get(code) ?? 0) + item.rows.length);
              yield item.rows;
            }
          } else {
            void current.items.return(undefined);
          }
          if (plan[current.index + 1]?.code !== code) controlTotal(code, written.get(code) ?? 0);
          if (stopAtProblem && problems.length > 0) return;
        }
      } finally {
        for (const waiting of window) void waiting.items.return(undefined).catch(() => undefined);
      }
    },
  };
}

/**
 * Starts reading a generator's next item as soon as the previous one is handed out, so that a page
 * is fetched while the last one is written: one item ahead, never more.
 */
function oneAhead<T>(source: AsyncGenerator<T, void, undefined>): AsyncGenerator<T, void, undefined> {
  const ask = () => {
    const pending = source.next();
    pending.catch(() => undefined); // surfaced when consumed
    return pending;
  };
  let pending = ask();
  return (async function* () {
    try {
      for (;;) {
        const result = await pending;
        if (result.done) return;
        pending = ask();
        yield result.value;
      }
    } finally {
      void source.return(undefined).catch(() => undefined);
    }
  })();
}

function expenseRow(code: string, expense: PageExpense, rate: { rate: Decimal; source: string | null } | undefined, context: ReportContext): Row {
  if (!rate) {
    throw new ExportError(502, EXPORT_ERROR_CODES.failed, `No rate for ${expense.amount.currency} in FY${expense.groupFiscalYear} in the report of the range`, { subsidiary: code });
  }
  const { initiative } = expense;
  if (!initiative) {
    throw new ExportError(502, EXPORT_ERROR_CODES.failed, `Expense ${expense.id} names an initiative the graph does not return`, { subsidiary: code });
  }
  return [
    code,
    expense.id,
    initiative.id,
    initiative.title,
    expense.date,
    expense.groupFiscalYear,
    expense.fiscalYear,
    initiative.causeArea,
    expense.contributionType,
    expense.b4si.inputType,
    expense.b4si.motivation,
    expense.b4si.issue,
    expense.b4si.issueName,
    expense.b4si.valuation,
    expense.quantity,
    expense.unit,
    expense.unitPrice?.amount ?? null,
    expense.amount.amount,
    expense.amount.currency,
    rate.rate.toString(),
    rate.source,
    Decimal.parse(expense.amount.amount).multiply(rate.rate).trimmed().toString(),
    context.currency,
    expense.valuationBasis,
    expense.description,
    expense.provenance.illustrative,
    expense.provenance.source,
  ];
}
