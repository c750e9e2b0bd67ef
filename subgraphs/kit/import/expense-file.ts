import type { Collection } from 'mongodb';
import { Decimal } from '../../common/decimal';
import { fromDecimal128 } from '../../common/mongo';
import { DateScalar, DecimalScalar } from '../../common/scalars';
import type { ContributionType } from '../../common/catalog';
import type { RegionalContext } from '../context';
import { REGIONAL_COLLECTIONS, type ExpenseDocument, type InitiativeDocument } from '../documents';
import { expenseFields, type ExpenseInput, type FieldsContext } from '../mutations';
import type { ExpenseFields } from '../store/expenses';
import { LIMITS, optionalText } from '../validation';
import { expenseInputOf, readHeader, rowCells, type Header, type ImportProblem, type RowCells } from './columns';
import type { ImportLimits } from './limits';
import { RowProblems, closedYearMessages, dataRowsOf, illustrativeOf, initiativesOf, rowProblemsOf, type InitiativeCheck } from './rows';
import type { Table } from './table';

/** A row that passed every check, with the fields its expense will be recorded with. */
export interface CheckedExpense {
  row: number;
  fields: ExpenseFields;
}

/** What the file would add: per group fiscal year and contribution type, in the subsidiary's currency. */
export interface ImportTotal {
  groupFiscalYear: number;
  contributionType: ContributionType;
  rows: number;
  amount: Decimal;
}

export interface ExpenseFileCheck {
  /** Data rows (blank rows are skipped). */
  rows: number;
  expenses: CheckedExpense[];
  problems: ImportProblem[];
  /** Of the rows without problems: what a commit adds when the file has none. */
  totals: ImportTotal[];
  total: Decimal;
}

export interface ExpenseFileOptions {
  allowDuplicates: boolean;
  /** Provenance of rows that give no source column. */
  defaultSource: string;
  limits: ImportLimits;
}

/** A scalar cell as the API's scalar parses it (Date, Decimal); a placeholder after a problem, so later checks do not repeat it. */
function scalarCells(cells: RowCells, problems: RowProblems, today: string): RowCells {
  const checked = { ...cells };
  if (cells.date !== null) checked.date = problems.run(() => DateScalar.parseValue(cells.date) as string, today, 'date');
  for (const column of ['amount', 'quantity', 'unitPrice'] as const) {
    const text = cells[column];
    if (text !== null) checked[column] = problems.run(() => DecimalScalar.parseValue(text) as string, '1', column);
  }
  for (const column of ['initiativeId', 'date', 'contributionType', 'description'] as const) {
    if (cells[column] === null) problems.add(column, 'BAD_USER_INPUT', `input.${column} must not be empty`);
  }
  return checked;
}

/** What makes two expenses the same one: initiative, date, contribution type, amount and description. */
function sameness(expense: Pick<ExpenseDocument, 'initiativeId' | 'date' | 'contributionType' | 'description'>, amount: Decimal): string {
  const text = amount.toString();
  const canonical = text.includes('.') ? text.replace(/0+$/, '').replace(/\.$/, '') : text;
  return JSON.stringify([expense.initiativeId, expense.date, expense.contributionType, canonical, expense.description]);
}

/** Stored expenses of these initiatives dated between `from` and `to`, by their sameness. */
async function existingExpenses(context: RegionalContext, initiativeIds: readonly string[], from: string, to: string): Promise<Map<string, string>> {
  const expenses: Collection<ExpenseDocument> = context.store.db.collection(REGIONAL_COLLECTIONS.expenses);
  const found = await expenses
    .find({ initiativeId: { $in: [...initiativeIds] }, date: { $gte: from, $lte: to } }, { projection: { initiativeId: 1, date: 1, contributionType: 1, amount: 1, description: 1 } })
    .toArray();
  return new Map(found.map((expense) => [sameness(expense, fromDecimal128(expense.amount)), expense._id]));
}

/** A data row of an expense file: its cells read by the API's scalars, its problems so far. */
export interface ParsedExpenseRow {
  row: number;
  problems: RowProblems;
  raw: RowCells;
  input: ExpenseInput;
}

/** The header and the data rows of an expense file, each cell parsed as the API parses it. Reads nothing. */
export function parseExpenseRows(table: Table, today: string, limits: ImportLimits): { rows: number; header: Header; parsed: ParsedExpenseRow[] } {
  const header = readHeader(table);
  const dataRows = dataRowsOf(table, header, limits, 'expense');
  if (header.problems.length > 0) return { rows: dataRows.length, header, parsed: [] };
  const parsed = dataRows.map(({ row, cells }) => {
    const problems = rowProblemsOf(row, cells, table);
    const raw = rowCells(cells, header);
    const scalar = scalarCells(raw, problems, today);
    return { row, problems, raw, input: expenseInputOf(scalar) };
  });
  return { rows: dataRows.length, header, parsed };
}

/** A row's fields as the single-row write checks them, its initiative opened as `initiatives` says. Reads nothing. */
export function expenseRowFields(
  { row, problems, raw, input }: ParsedExpenseRow,
  initiatives: ReadonlyMap<string, InitiativeCheck>,
  context: FieldsContext,
  defaultSource: string,
): { row: number; problems: RowProblems; fields: ExpenseFields } {
  const opened = input.initiativeId === '' ? null : initiatives.get(input.initiativeId)!;
  if (opened && 'error' in opened) problems.run(() => { throw opened.error; }, null, 'initiativeId');
  const initiative = opened && 'initiative' in opened ? opened.initiative : ({ _id: input.initiativeId } as InitiativeDocument);
  const fields = expenseFields(input, initiative, context, 'input', problems);
  const source = problems.run(() => optionalText(raw.source, 'source', LIMITS.shortTextLength), null, 'source');
  return { row, problems, fields: { ...fields, illustrative: illustrativeOf(raw.illustrative, problems), source: source ?? defaultSource } };
}

/**
 * Checks every row of an expense file as the single-row write (`<subsidiary>RecordExpense`) checks
 * its input, with the same functions (kit/mutations.ts expenseFields, kit/validation.ts), and lists
 * every problem by spreadsheet row and column: the header's, each cell's, an initiative that is
 * unknown, another subsidiary's or archived, a date in a closed group fiscal year, and a duplicate
 * of a stored expense or of an earlier row (unless `allowDuplicates`). Reads only.
 */
export async function checkExpenseFile(table: Table, context: RegionalContext, options: ExpenseFileOptions): Promise<ExpenseFileCheck> {
  const { rows, header, parsed } = parseExpenseRows(table, context.today, options.limits);
  // a header with problems would make every row's cells wrong: it is fixed first
  if (header.problems.length > 0) return { rows, expenses: [], problems: header.problems, totals: [], total: Decimal.ZERO };

  const initiatives = await initiativesOf([...new Set(parsed.map(({ input }) => input.initiativeId).filter((id) => id !== ''))], context);
  const checked = parsed.map((row) => expenseRowFields(row, initiatives, context, options.defaultSource));

  const years = [...new Set(checked.filter(({ problems }) => !problems.has('date')).map(({ fields }) => fields.groupFiscalYear))];
  const closed = await closedYearMessages(context, years, 'This expense is dated');
  for (const { problems, fields } of checked) {
    const message = closed.get(fields.groupFiscalYear);
    if (message && !problems.has('date')) problems.add('date', 'FISCAL_YEAR_CLOSED', message(fields.date));
  }

  if (!options.allowDuplicates) await markDuplicates(checked, context);

  const problems = [...header.problems, ...checked.flatMap(({ problems }) => problems.found)];
  const expenses = checked.filter(({ problems }) => problems.found.length === 0).map(({ row, fields }) => ({ row, fields }));
  const { totals, total } = totalsOf(expenses);
  return { rows, expenses, problems, totals, total };
}

async function markDuplicates(rows: { row: number; problems: RowProblems; fields: ExpenseFields }[], context: RegionalContext): Promise<void> {
  const clean = rows.filter(({ problems }) => problems.found.length === 0);
  if (clean.length === 0) return;
  const dates = clean.map(({ fields }) => fields.date).sort();
  markRepeatedExpenses(rows, await existingExpenses(context, [...new Set(clean.map(({ fields }) => fields.initiativeId))], dates[0]!, dates.at(-1)!));
}

/** Marks each row without problems that repeats a stored expense (`stored`: id by sameness) or an earlier row of the file. Reads nothing. */
export function markRepeatedExpenses(rows: readonly { row: number; problems: RowProblems; fields: ExpenseFields }[], stored: ReadonlyMap<string, string>): void {
  const clean = rows.filter(({ problems }) => problems.found.length === 0);
  const earlier = new Map<string, number>();
  const how = 'same initiative, date, contribution type, amount and description; import with allowDuplicates: true if it is another expense';
  for (const { row, problems, fields } of clean) {
    const key = sameness(fields, fromDecimal128(fields.amount));
    const expense = stored.get(key);
    const first = earlier.get(key);
    if (expense) problems.add('description', 'DUPLICATE_RECORD', `this row repeats expense ${expense}, already recorded (${how})`);
    else if (first !== undefined) problems.add('description', 'DUPLICATE_RECORD', `this row repeats row ${first} of the file (${how})`);
    else earlier.set(key, row);
  }
}

function totalsOf(expenses: readonly CheckedExpense[]): { totals: ImportTotal[]; total: Decimal } {
  const lines = new Map<string, ImportTotal>();
  let total = Decimal.ZERO;
  for (const { fields } of expenses) {
    const amount = fromDecimal128(fields.amount);
    const key = `${fields.groupFiscalYear}|${fields.contributionType}`;
    const line = lines.get(key) ?? { groupFiscalYear: fields.groupFiscalYear, contributionType: fields.contributionType, rows: 0, amount: Decimal.ZERO };
    line.rows += 1;
    line.amount = line.amount.add(amount);
    lines.set(key, line);
    total = total.add(amount);
  }
  const totals = [...lines.values()].sort((a, b) => a.groupFiscalYear - b.groupFiscalYear || a.contributionType.localeCompare(b.contributionType));
  return { totals, total };
}
