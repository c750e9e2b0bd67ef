import type { ContributionType } from '../../common/catalog';
import type { ExpenseInput } from '../mutations';
import type { Table } from './table';

/** The columns of an expense file, named as ExpenseInput's fields (and the API's messages) name them. */
export const EXPENSE_COLUMNS = [
  'initiativeId',
  'date',
  'contributionType',
  'amount',
  'quantity',
  'unit',
  'unitPrice',
  'currency',
  'valuationBasis',
  'description',
  'illustrative',
  'source',
] as const;
export type ExpenseColumn = (typeof EXPENSE_COLUMNS)[number];

/** The columns of volunteering files, named as the single-row mutations' inputs. */
export const PARTICIPATION_COLUMNS = ['initiativeId', 'date', 'people', 'hours', 'note', 'illustrative', 'source'] as const;
export const REGISTRATION_COLUMNS = ['date', 'count', 'note', 'illustrative', 'source'] as const;
export type ParticipationColumn = (typeof PARTICIPATION_COLUMNS)[number];
export type RegistrationColumn = (typeof REGISTRATION_COLUMNS)[number];

export const REQUIRED_COLUMNS: readonly ExpenseColumn[] = ['initiativeId', 'date', 'contributionType', 'description'];

/** The columns of one kind of import file, named as the single-row mutation's input fields. */
export interface FileSpec<C extends string> {
  columns: readonly C[];
  required: readonly C[];
  /** Problems of a header that has the required columns (e.g. neither amount nor quantity). */
  headerProblems?: (positions: ReadonlyMap<C, number>) => ImportProblem[];
}

export const EXPENSE_FILE: FileSpec<ExpenseColumn> = {
  columns: EXPENSE_COLUMNS,
  required: REQUIRED_COLUMNS,
  headerProblems: (positions) =>
    positions.has('amount') || positions.has('quantity')
      ? []
      : [{ row: 1, column: 'amount', code: 'BAD_USER_INPUT', message: 'the header row needs an amount column, or quantity, unit and unitPrice columns' }],
};

/** "Initiative ID", "initiative_id" and "initiativeId" name one column: case, spaces, "_" and "-" do not count. */
const normalised = (name: string) => name.toLowerCase().replace(/[\s_\-.]/g, '');

/** A problem of a file, at a spreadsheet row (1-based, the header is row 1) and column. */
export interface ImportProblem {
  row: number;
  column: string | null;
  code: string;
  message: string;
}

/** Where each known column is in the file, and the header's own problems. */
export interface Header<C extends string = ExpenseColumn> {
  positions: Map<C, number>;
  problems: ImportProblem[];
}

export function readHeader<C extends string = ExpenseColumn>(table: Table, spec: FileSpec<C> = EXPENSE_FILE as unknown as FileSpec<C>): Header<C> {
  const byNormalised = new Map<string, C>(spec.columns.map((column) => [normalised(column), column]));
  const positions = new Map<C, number>();
  const problems: ImportProblem[] = [];
  const names = table[0] ?? [];
  names.forEach((name, index) => {
    if (name.trim() === '') return;
    const column = byNormalised.get(normalised(name));
    if (!column) {
      problems.push({ row: 1, column: name.trim().slice(0, 60), code: 'BAD_USER_INPUT', message: `unknown column "${name.trim().slice(0, 60)}": the columns are ${spec.columns.join(', ')}` });
    } else if (positions.has(column)) {
      problems.push({ row: 1, column, code: 'BAD_USER_INPUT', message: `column ${column} appears twice (columns ${positions.get(column)! + 1} and ${index + 1})` });
    } else positions.set(column, index);
  });
  for (const column of spec.required) {
    if (!positions.has(column)) problems.push({ row: 1, column, code: 'BAD_USER_INPUT', message: `the header row has no ${column} column (the columns are ${spec.columns.join(', ')})` });
  }
  if (problems.length === 0) problems.push(...(spec.headerProblems?.(positions) ?? []));
  return { positions, problems };
}

/** One data row's cells by column, as text; empty cells are null. */
export type RowCells<C extends string = ExpenseColumn> = Record<C, string | null>;

export function rowCells<C extends string = ExpenseColumn>(cells: readonly string[], header: Header<C>, spec: FileSpec<C> = EXPENSE_FILE as unknown as FileSpec<C>): RowCells<C> {
  return Object.fromEntries(
    spec.columns.map((column) => {
      const position = header.positions.get(column);
      const text = position === undefined ? '' : (cells[position] ?? '').trim();
      return [column, text === '' ? null : text];
    }),
  ) as RowCells<C>;
}

export function isBlank(cells: readonly string[]): boolean {
  return cells.every((cell) => cell.trim() === '');
}

/** "Cash", "in-kind product" and "IN_KIND_PRODUCT" name one contribution type. */
export function contributionTypeOf(text: string): ContributionType {
  return text.trim().toUpperCase().replace(/[\s-]+/g, '_') as ContributionType;
}

/** The input a single-row write would take for these cells (scalars are checked by the caller). */
export function expenseInputOf(cells: RowCells): ExpenseInput {
  return {
    initiativeId: cells.initiativeId ?? '',
    date: cells.date ?? '',
    contributionType: contributionTypeOf(cells.contributionType ?? ''),
    amount: cells.amount,
    quantity: cells.quantity,
    unit: cells.unit,
    unitPrice: cells.unitPrice,
    currency: cells.currency,
    valuationBasis: cells.valuationBasis,
    description: cells.description ?? '',
  };
}
