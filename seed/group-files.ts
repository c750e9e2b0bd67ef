/**
 * The group's seed, subgraphs/group/seed/: cause-areas.csv (code, description), exchange-rates.csv
 * (currency, fiscalYear, jpyPerUnit, asOf, illustrative, source) and goals.json, each record checked
 * by headquarters' own write checks (group/reference-data.ts), with its provenance.
 */
import { join } from 'node:path';
import { Decimal128 } from 'mongodb';
import { CAUSE_AREAS } from '../subgraphs/common/catalog';
import { Decimal } from '../subgraphs/common/decimal';
import { isIsoDate } from '../subgraphs/common/fiscal-year';
import { GROUP_SUBGRAPH } from '../subgraphs/common/registry';
import type { CauseAreaDocument, ExchangeRateDocument, GoalDocument } from '../subgraphs/group/documents';
import { exchangeRateDocument, goalDocument, type GoalInput } from '../subgraphs/group/reference-data';
import type { ImportProblem } from '../subgraphs/kit/import/columns';
import type { Table } from '../subgraphs/kit/import/table';
import { failOnProblems, problemOf, readCsv, readJsonEntries, seedFolderOf } from './files';

export interface GroupSeed {
  causeAreas: CauseAreaDocument[];
  exchangeRates: ExchangeRateDocument[];
  goals: GoalDocument[];
}

export const GROUP_SEED_FILES = { causeAreas: 'cause-areas.csv', exchangeRates: 'exchange-rates.csv', goals: 'goals.json' } as const;

/** The data rows of a CSV file by column name, with their spreadsheet row numbers; the header must name exactly `columns`. */
function recordsOf<C extends string>(file: string, table: Table | null, columns: readonly C[]): { row: number; cells: Record<C, string> }[] {
  if (!table) return [];
  const header = (table[0] ?? []).map((name) => name.trim());
  const missing = columns.filter((column) => !header.includes(column));
  const unknown = header.filter((name) => name !== '' && !(columns as readonly string[]).includes(name));
  failOnProblems(file, [
    ...missing.map((column) => ({ row: 1, column, code: 'BAD_USER_INPUT', message: `the header row has no ${column} column (the columns are ${columns.join(', ')})` })),
    ...unknown.map((column) => ({ row: 1, column, code: 'BAD_USER_INPUT', message: `unknown column "${column}": the columns are ${columns.join(', ')}` })),
  ]);
  return table
    .map((cells, index) => ({ row: index + 1, cells }))
    .slice(1)
    .filter(({ cells }) => cells.some((cell) => cell.trim() !== ''))
    .map(({ row, cells }) => ({ row, cells: Object.fromEntries(columns.map((column) => [column, (cells[header.indexOf(column)] ?? '').trim()])) as Record<C, string> }));
}

function booleanOf(text: string, row: number, problems: ImportProblem[]): boolean {
  if (text !== 'true' && text !== 'false') problems.push({ row, column: 'illustrative', code: 'BAD_USER_INPUT', message: `illustrative must be true or false (got "${text.slice(0, 20)}")` });
  return text === 'true';
}

function causeAreas(file: string): CauseAreaDocument[] {
  const problems: ImportProblem[] = [];
  const descriptions = new Map<string, string>();
  for (const { row, cells } of recordsOf(file, readCsv(file), ['code', 'description'] as const)) {
    if (!CAUSE_AREAS.some((area) => area.code === cells.code)) problems.push({ row, column: 'code', code: 'BAD_USER_INPUT', message: `code must be one of ${CAUSE_AREAS.map((area) => area.code).join(', ')}` });
    else if (descriptions.has(cells.code)) problems.push({ row, column: 'code', code: 'BAD_USER_INPUT', message: `cause area ${cells.code} appears twice` });
    if (cells.description === '') problems.push({ row, column: 'description', code: 'BAD_USER_INPUT', message: 'description must not be empty' });
    descriptions.set(cells.code, cells.description);
  }
  failOnProblems(file, problems);
  return CAUSE_AREAS.flatMap((area, index) => {
    const description = descriptions.get(area.code);
    return description === undefined ? [] : [{ _id: area.code, name: area.name, b4siIssue: area.b4siIssue, description, order: index + 1 }];
  });
}

function exchangeRates(file: string): ExchangeRateDocument[] {
  const problems: ImportProblem[] = [];
  const columns = ['currency', 'fiscalYear', 'jpyPerUnit', 'asOf', 'illustrative', 'source'] as const;
  const documents = recordsOf(file, readCsv(file), columns).flatMap(({ row, cells }) => {
    const found = problems.length;
    const illustrative = booleanOf(cells.illustrative, row, problems);
    if (!isIsoDate(cells.asOf)) problems.push({ row, column: 'asOf', code: 'BAD_USER_INPUT', message: `asOf "${cells.asOf.slice(0, 20)}" is not a YYYY-MM-DD date` });
    try {
      const document = exchangeRateDocument({ currency: cells.currency, fiscalYear: Number(cells.fiscalYear), jpyPerUnit: cells.jpyPerUnit, asOf: cells.asOf, source: cells.source });
      // the rate as written ("108.70"), as headquarters' files state it
      return problems.length > found ? [] : [{ ...document, jpyPerUnit: Decimal128.fromString(Decimal.parse(cells.jpyPerUnit).toString()), illustrative }];
    } catch (error) {
      problems.push(problemOf(error, row, null));
      return [];
    }
  });
  failOnProblems(file, problems);
  return documents;
}

function goals(file: string): GoalDocument[] {
  const problems: ImportProblem[] = [];
  const documents = (readJsonEntries(file) ?? []).flatMap((entry, index) => {
    const row = index + 1;
    if (typeof entry.illustrative !== 'boolean') {
      problems.push({ row, column: 'illustrative', code: 'BAD_USER_INPUT', message: 'illustrative must be true or false' });
      return [];
    }
    try {
      return [{ ...goalDocument(entry as unknown as GoalInput), illustrative: entry.illustrative }];
    } catch (error) {
      problems.push(problemOf(error, row, null));
      return [];
    }
  });
  failOnProblems(file, problems);
  return documents;
}

/** The group's seed from subgraphs/group/seed/. Throws SeedFileError naming the file, row and column of each problem. */
export function groupSeed(folder: string = seedFolderOf(GROUP_SUBGRAPH.key)): GroupSeed {
  return {
    causeAreas: causeAreas(join(folder, GROUP_SEED_FILES.causeAreas)),
    exchangeRates: exchangeRates(join(folder, GROUP_SEED_FILES.exchangeRates)),
    goals: goals(join(folder, GROUP_SEED_FILES.goals)),
  };
}
