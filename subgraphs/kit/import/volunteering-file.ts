import type { Collection } from 'mongodb';
import { Decimal } from '../../common/decimal';
import { fromDecimal128 } from '../../common/mongo';
import { DateScalar, DecimalScalar } from '../../common/scalars';
import type { RegionalContext } from '../context';
import { REGIONAL_COLLECTIONS, type InitiativeDocument } from '../documents';
import { participationFields, registrationFields, type FieldsContext } from '../mutations';
import type { ParticipationFields, RegistrationFields } from '../store/writes';
import { LIMITS, optionalText } from '../validation';
import { PARTICIPATION_COLUMNS, REGISTRATION_COLUMNS, readHeader, rowCells, type FileSpec, type Header, type ImportProblem, type ParticipationColumn, type RegistrationColumn, type RowCells } from './columns';
import type { ImportLimits } from './limits';
import { RowProblems, closedYearMessages, dataRowsOf, illustrativeOf, initiativesOf, rowProblemsOf, type InitiativeCheck } from './rows';
import type { Table } from './table';


const PARTICIPATION_FILE: FileSpec<ParticipationColumn> = { columns: PARTICIPATION_COLUMNS, required: ['initiativeId', 'date', 'people', 'hours'] };
const REGISTRATION_FILE: FileSpec<RegistrationColumn> = { columns: REGISTRATION_COLUMNS, required: ['date', 'count'] };

export type VolunteeringKind = 'participation' | 'registrations';
export type VolunteeringFields = ParticipationFields | RegistrationFields;

/** What a file adds to one group fiscal year's volunteering. */
export interface VolunteeringTotal {
  groupFiscalYear: number;
  rows: number;
  newRegistrations: number;
  participants: number;
  hours: Decimal;
}

export interface VolunteeringFileCheck<F extends VolunteeringFields = VolunteeringFields> {
  rows: number;
  records: { row: number; fields: F }[];
  problems: ImportProblem[];
  totals: VolunteeringTotal[];
}

export interface VolunteeringFileOptions {
  allowDuplicates: boolean;
  defaultSource: string;
  limits: ImportLimits;
}

/** A whole number as the API's Int takes it ("12", or "12.0" from a spreadsheet); anything else fails the count check. */
function wholeNumber(text: string | null): number {
  return text !== null && /^\d{1,9}(\.0+)?$/.test(text) ? Number(text) : Number.NaN;
}

function scalarCells<C extends string>(cells: RowCells<C>, required: readonly C[], problems: RowProblems): void {
  for (const column of required) if (cells[column] === null) problems.add(column, 'BAD_USER_INPUT', `input.${column} must not be empty`);
}

/** What makes two records the same one: their fields but provenance. */
function sameness(fields: VolunteeringFields): string {
  const hours = 'hours' in fields ? fromDecimal128(fields.hours).toString().replace(/(\.\d*?)0+$/, '$1').replace(/\.$/, '') : null;
  return JSON.stringify('people' in fields ? [fields.initiativeId, fields.date, fields.people, hours, fields.note] : [fields.date, fields.count, fields.note]);
}

async function markDuplicates(rows: { row: number; problems: RowProblems; fields: VolunteeringFields }[], kind: VolunteeringKind, context: RegionalContext): Promise<void> {
  const clean = rows.filter(({ problems }) => problems.found.length === 0);
  if (clean.length === 0) return;
  const dates = clean.map(({ fields }) => fields.date).sort();
  const collection: Collection<VolunteeringFields & { _id: string }> = context.store.db.collection(kind === 'participation' ? REGIONAL_COLLECTIONS.participation : REGIONAL_COLLECTIONS.registrations);
  markRepeatedRecords(rows, kind, new Map((await collection.find({ date: { $gte: dates[0]!, $lte: dates.at(-1)! } }).toArray()).map((record) => [sameness(record), record._id])));
}

/** Marks each row without problems that repeats a stored record (`stored`: id by sameness) or an earlier row of the file. Reads nothing. */
export function markRepeatedRecords(rows: readonly { row: number; problems: RowProblems; fields: VolunteeringFields }[], kind: VolunteeringKind, stored: ReadonlyMap<string, string>): void {
  const clean = rows.filter(({ problems }) => problems.found.length === 0);
  const earlier = new Map<string, number>();
  const what = kind === 'participation' ? 'same initiative, date, people, hours and note' : 'same date, count and note';
  const how = `${what}; import with allowDuplicates: true if it is another record`;
  for (const { row, problems, fields } of clean) {
    const key = sameness(fields);
    const record = stored.get(key);
    const first = earlier.get(key);
    if (record) problems.add('date', 'DUPLICATE_RECORD', `this row repeats ${record}, already recorded (${how})`);
    else if (first !== undefined) problems.add('date', 'DUPLICATE_RECORD', `this row repeats row ${first} of the file (${how})`);
    else earlier.set(key, row);
  }
}

function totalsOf(records: readonly { fields: VolunteeringFields }[]): VolunteeringTotal[] {
  const lines = new Map<number, VolunteeringTotal>();
  for (const { fields } of records) {
    const line = lines.get(fields.groupFiscalYear) ?? { groupFiscalYear: fields.groupFiscalYear, rows: 0, newRegistrations: 0, participants: 0, hours: Decimal.ZERO };
    line.rows += 1;
    if ('people' in fields) {
      line.participants += fields.people;
      line.hours = line.hours.add(fromDecimal128(fields.hours));
    } else line.newRegistrations += fields.count;
    lines.set(fields.groupFiscalYear, line);
  }
  return [...lines.values()].sort((a, b) => a.groupFiscalYear - b.groupFiscalYear);
}

/** A data row of a volunteering file: its cells, its hours read as the API reads a Decimal, its problems so far. */
export interface ParsedVolunteeringRow {
  row: number;
  problems: RowProblems;
  raw: RowCells<ParticipationColumn> & RowCells<RegistrationColumn>;
  hours: string;
}

/** The header and the data rows of a volunteering file. Reads nothing. */
export function parseVolunteeringRows(kind: VolunteeringKind, table: Table, limits: ImportLimits): { rows: number; header: Header<ParticipationColumn | RegistrationColumn>; parsed: ParsedVolunteeringRow[] } {
  const spec = (kind === 'participation' ? PARTICIPATION_FILE : REGISTRATION_FILE) as FileSpec<ParticipationColumn | RegistrationColumn>;
  const header = readHeader(table, spec);
  const dataRows = dataRowsOf(table, header as never, limits, kind === 'participation' ? 'participation' : 'registration');
  if (header.problems.length > 0) return { rows: dataRows.length, header, parsed: [] };
  const parsed = dataRows.map(({ row, cells }) => {
    const problems = rowProblemsOf(row, cells, table);
    const raw = rowCells(cells, header, spec) as RowCells<ParticipationColumn> & RowCells<RegistrationColumn>;
    scalarCells(raw, spec.required, problems);
    const hours = raw.hours == null ? '0' : problems.run(() => DecimalScalar.parseValue(raw.hours) as string, '0', 'hours');
    return { row, problems, raw, hours };
  });
  return { rows: dataRows.length, header, parsed };
}

/** A row's fields as the single-row write checks them, a participation's initiative opened as `initiatives` says. Reads nothing. */
export function volunteeringRowFields(
  kind: VolunteeringKind,
  { row, problems, raw, hours }: ParsedVolunteeringRow,
  initiatives: ReadonlyMap<string, InitiativeCheck>,
  context: FieldsContext,
  defaultSource: string,
): { row: number; problems: RowProblems; fields: VolunteeringFields } {
  const date = raw.date === null ? context.today : problems.run(() => DateScalar.parseValue(raw.date) as string, context.today, 'date');
  const note = raw.note;
  let fields: VolunteeringFields;
  if (kind === 'participation') {
    const opened = raw.initiativeId === null ? null : initiatives.get(raw.initiativeId)!;
    if (opened && 'error' in opened) problems.run(() => { throw opened.error; }, null, 'initiativeId');
    const initiative = opened && 'initiative' in opened ? opened.initiative : ({ _id: raw.initiativeId ?? '' } as InitiativeDocument);
    fields = participationFields({ initiativeId: initiative._id, date, people: wholeNumber(raw.people), hours, note }, initiative, context, problems);
  } else {
    fields = registrationFields({ date, count: wholeNumber(raw.count), note }, context, problems);
  }
  const source = problems.run(() => optionalText(raw.source, 'source', LIMITS.shortTextLength), null, 'source');
  return { row, problems, fields: { ...fields, illustrative: illustrativeOf(raw.illustrative, problems), source: source ?? defaultSource } };
}

/**
 * Checks every row of a volunteering file (participation or registrations) as the single-row
 * writes check their input (kit/mutations.ts participationFields, registrationFields), listing
 * every problem by row and column, as an expense file is checked (expense-file.ts). Reads only.
 */
export async function checkVolunteeringFile(kind: VolunteeringKind, table: Table, context: RegionalContext, options: VolunteeringFileOptions): Promise<VolunteeringFileCheck> {
  const { rows, header, parsed } = parseVolunteeringRows(kind, table, options.limits);
  if (header.problems.length > 0) return { rows, records: [], problems: header.problems, totals: [] };

  const initiatives = kind === 'participation' ? await initiativesOf([...new Set(parsed.map(({ raw }) => raw.initiativeId).filter((id): id is string => id !== null))], context) : new Map<string, InitiativeCheck>();
  const checked = parsed.map((row) => volunteeringRowFields(kind, row, initiatives, context, options.defaultSource));

  const years = [...new Set(checked.filter(({ problems }) => !problems.has('date')).map(({ fields }) => fields.groupFiscalYear))];
  const closed = await closedYearMessages(context, years, kind === 'participation' ? 'This participation is dated' : 'These registrations are dated');
  for (const { problems, fields } of checked) {
    const message = closed.get(fields.groupFiscalYear);
    if (message && !problems.has('date')) problems.add('date', 'FISCAL_YEAR_CLOSED', message(fields.date));
  }
  if (!options.allowDuplicates) await markDuplicates(checked, kind, context);

  const problems = [...header.problems, ...checked.flatMap(({ problems }) => problems.found)];
  const records = checked.filter(({ problems }) => problems.found.length === 0).map(({ row, fields }) => ({ row, fields }));
  return { rows, records, problems, totals: totalsOf(records) };
}
