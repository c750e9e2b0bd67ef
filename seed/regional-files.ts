/**
 * One subsidiary's seed: the data files of subgraphs/<key>/seed/ (initiatives.json, expenses.csv,
 * participation.csv, registrations.csv in the bulk import's columns, docs/import.md, and
 * extension/<collection>.json for its local extension), each row checked by the bulk import's own
 * functions (kit/import: the same parsing, the single-row writes' checks). The n-th data row of a
 * file is the record numbered n (JP-X000023 is row 24 of japan's expenses.csv, below the header).
 */
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { EJSON } from 'bson';
import { GraphQLError } from 'graphql';
import type { Document } from 'mongodb';
import { raise } from '../subgraphs/common/errors';
import type { SubsidiaryConfig } from '../subgraphs/common/registry';
import { todayIn } from '../subgraphs/common/fiscal-year';
import type { ExpenseDocument, InitiativeDocument, VolunteerParticipationDocument, VolunteerRegistrationDocument } from '../subgraphs/kit/documents';
import { expenseRowFields, markRepeatedExpenses, parseExpenseRows } from '../subgraphs/kit/import/expense-file';
import { DEFAULT_IMPORT_LIMITS } from '../subgraphs/kit/import/limits';
import type { InitiativeCheck } from '../subgraphs/kit/import/rows';
import { markRepeatedRecords, parseVolunteeringRows, volunteeringRowFields, type VolunteeringKind } from '../subgraphs/kit/import/volunteering-file';
import { requireOpen, type FieldsContext } from '../subgraphs/kit/mutations';
import type { ParticipationFields, RegistrationFields } from '../subgraphs/kit/store/writes';
import { ownId } from '../subgraphs/kit/validation';
import { SEEDED_AT, SEED_USER, type RegionalSeed } from './builders';
import { displayName, failOnProblems, readCsv, readJsonEntries, seedFolderOf } from './files';
import { readInitiatives } from './initiatives-file';

export const SEED_FILES = {
  initiatives: 'initiatives.json',
  expenses: 'expenses.csv',
  participation: 'participation.csv',
  registrations: 'registrations.csv',
  extension: 'extension',
} as const;

/**
 * Rows repeating an earlier row are problems, as in a regional file; stored records are not
 * compared: a seed row is the record of its id, which loading again replaces.
 */
const NOTHING_STORED: ReadonlyMap<string, string> = new Map();

function idOf(subsidiary: SubsidiaryConfig, letter: 'X' | 'R' | 'P', sequence: number): string {
  return `${subsidiary.code}-${letter}${String(sequence).padStart(6, '0')}`;
}

/** Each initiative a file names, opened as a single write opens it, among the seed's own initiatives. */
function initiativeChecks(ids: Iterable<string>, initiatives: readonly InitiativeDocument[], subsidiary: SubsidiaryConfig): Map<string, InitiativeCheck> {
  const byId = new Map(initiatives.map((initiative) => [initiative._id, initiative]));
  const checks = new Map<string, InitiativeCheck>();
  for (const id of ids) {
    try {
      const initiative = byId.get(ownId(id, subsidiary, 'input.initiativeId'));
      if (!initiative) raise('NOT_FOUND', `Initiative ${id} is not in ${SEED_FILES.initiatives}`, { field: 'input.initiativeId' });
      checks.set(id, { initiative: requireOpen(initiative) });
    } catch (error) {
      if (!(error instanceof GraphQLError)) throw error;
      checks.set(id, { error });
    }
  }
  return checks;
}

function readExpenses(file: string, initiatives: readonly InitiativeDocument[], context: FieldsContext): ExpenseDocument[] {
  const table = readCsv(file);
  if (!table) return [];
  const { header, parsed } = parseExpenseRows(table, context.today, DEFAULT_IMPORT_LIMITS);
  failOnProblems(file, header.problems);
  const checks = initiativeChecks(new Set(parsed.map(({ input }) => input.initiativeId).filter((id) => id !== '')), initiatives, context.subsidiary);
  const rows = parsed.map((row) => expenseRowFields(row, checks, context, `Seed file ${displayName(file)}`));
  markRepeatedExpenses(rows, NOTHING_STORED);
  failOnProblems(file, rows.flatMap(({ problems }) => problems.found));
  return rows.map(({ fields }, index) => ({ _id: idOf(context.subsidiary, 'X', index + 1), ...fields, createdAt: SEEDED_AT, updatedAt: SEEDED_AT, updatedBy: SEED_USER }));
}

function readVolunteering(kind: VolunteeringKind, file: string, initiatives: readonly InitiativeDocument[], context: FieldsContext) {
  const table = readCsv(file);
  if (!table) return [];
  const { header, parsed } = parseVolunteeringRows(kind, table, DEFAULT_IMPORT_LIMITS);
  failOnProblems(file, header.problems);
  const ids = kind === 'participation' ? parsed.flatMap(({ raw }) => (raw.initiativeId === null ? [] : [raw.initiativeId])) : [];
  const checks = initiativeChecks(new Set(ids), initiatives, context.subsidiary);
  const rows = parsed.map((row) => volunteeringRowFields(kind, row, checks, context, `Seed file ${displayName(file)}`));
  markRepeatedRecords(rows, kind, NOTHING_STORED);
  failOnProblems(file, rows.flatMap(({ problems }) => problems.found));
  return rows.map(({ fields }) => fields);
}

function participationOf(file: string, initiatives: readonly InitiativeDocument[], context: FieldsContext): VolunteerParticipationDocument[] {
  return (readVolunteering('participation', file, initiatives, context) as ParticipationFields[]).map((fields, index) => ({
    _id: idOf(context.subsidiary, 'P', index + 1),
    initiativeId: fields.initiativeId,
    date: fields.date,
    fiscalYear: fields.fiscalYear,
    groupFiscalYear: fields.groupFiscalYear,
    people: fields.people,
    hours: fields.hours,
    note: fields.note,
    illustrative: fields.illustrative,
    source: fields.source,
    createdAt: SEEDED_AT,
    updatedBy: SEED_USER,
  }));
}

function registrationsOf(file: string, context: FieldsContext): VolunteerRegistrationDocument[] {
  return (readVolunteering('registrations', file, [], context) as RegistrationFields[]).map((fields, index) => ({
    _id: idOf(context.subsidiary, 'R', index + 1),
    date: fields.date,
    fiscalYear: fields.fiscalYear,
    groupFiscalYear: fields.groupFiscalYear,
    count: fields.count,
    note: fields.note,
    illustrative: fields.illustrative,
    source: fields.source,
    createdAt: SEEDED_AT,
    updatedBy: SEED_USER,
  }));
}

/** The local extension's collections: extension/<collection>.json, MongoDB Extended JSON ({"$numberDecimal": "…"}, {"$date": "…"}). */
function extensionCollections(folder: string): Record<string, Document[]> | undefined {
  const directory = join(folder, SEED_FILES.extension);
  if (!existsSync(directory)) return undefined;
  const files = readdirSync(directory).filter((name) => name.endsWith('.json')).sort();
  return Object.fromEntries(files.map((name) => [name.slice(0, -'.json'.length), (readJsonEntries(join(directory, name), (text) => EJSON.parse(text)) ?? []) as Document[]]));
}

/** The subsidiary's seed records from its folder's seed/ (none when it has no seed/). Throws SeedFileError naming the file, row and column of each problem. */
export function regionalSeedOf(subsidiary: SubsidiaryConfig, folder: string = seedFolderOf(subsidiary.key)): RegionalSeed {
  const context: FieldsContext = { subsidiary, today: todayIn(subsidiary.timeZone), actor: SEED_USER };
  const initiatives = readInitiatives(join(folder, SEED_FILES.initiatives), subsidiary);
  const local = extensionCollections(folder);
  return {
    initiatives,
    expenses: readExpenses(join(folder, SEED_FILES.expenses), initiatives, context),
    registrations: registrationsOf(join(folder, SEED_FILES.registrations), context),
    participation: participationOf(join(folder, SEED_FILES.participation), initiatives, context),
    ...(local ? { local } : {}),
  };
}
