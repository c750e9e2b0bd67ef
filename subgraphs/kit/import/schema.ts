import { EXPENSE_COLUMNS, PARTICIPATION_COLUMNS, REGISTRATION_COLUMNS } from './columns';

export const IMPORT_MUTATIONS = ['ImportExpenses', 'ImportVolunteerParticipation', 'ImportVolunteerRegistrations'] as const;

/** The bulk import's types: identical text in every regional subgraph. */
export const IMPORT_SDL = `
enum ImportMode {
  "Check every row and answer the problems and totals; write nothing."
  DRY_RUN
  "Check every row, then record the whole file as one write, or nothing if any row has a problem."
  COMMIT
}

enum ImportFormat {
  "CSV text (RFC 4180, UTF-8), header row first."
  CSV
  "An XLSX workbook, base64-encoded; its first worksheet, header row first."
  XLSX
}

enum ImportStatus {
  "A dry run without problems: a commit of the same file would record every row."
  VALID
  "The file has problems (listed): nothing was, or would be, recorded."
  REJECTED
  "The file was recorded, now or by an earlier commit under the same idempotency key."
  COMMITTED
}

"""
A file the way regional teams keep it: one row per record under a header row naming the columns, for
expenses ${EXPENSE_COLUMNS.join(', ')}; for volunteer participation ${PARTICIPATION_COLUMNS.join(', ')};
for volunteer registrations ${REGISTRATION_COLUMNS.join(', ')} (docs/import.md).
"""
input ImportFileInput {
  format: ImportFormat = CSV
  "The CSV text, or the XLSX workbook in base64."
  content: String!
  "The file's name, kept in each record's provenance (source) unless the row gives one."
  fileName: String
  "Record rows that repeat a stored record or an earlier row (an expense: same initiative, date, contribution type, amount and description) instead of listing them as DUPLICATE_RECORD."
  allowDuplicates: Boolean = false
}

"One problem of an import file: where it is, and what the single-row mutation would answer."
type ImportProblem @shareable {
  "The spreadsheet row, 1-based; the header is row 1."
  row: Int!
  "The column, by its name in the template (initiativeId, date, amount, …); null for the whole row."
  column: String
  "The error code the single-row mutation gives (BAD_USER_INPUT, NOT_FOUND, WRONG_SUBSIDIARY, INVALID_STATE, FISCAL_YEAR_CLOSED), or DUPLICATE_RECORD."
  code: String!
  message: String!
}

"What a file adds to one group fiscal year and contribution type, in the subsidiary's currency."
type ImportTotal @shareable {
  groupFiscalYear: Int!
  contributionType: ContributionType!
  rows: Int!
  amount: Money!
}

type ExpenseImport @shareable {
  mode: ImportMode!
  status: ImportStatus!
  "The key the commit is recorded under: the client's idempotencyKey, or import:<SHA-256 of the subsidiary, the mutation, the format and the content> made from the file."
  idempotencyKey: String!
  "SHA-256 of the content as sent, hex."
  contentSha256: String!
  "Data rows (the header and blank rows not counted)."
  rows: Int!
  "Every problem, in row order (at most IMPORT_MAX_PROBLEMS listed: problemCount counts them all)."
  problems: [ImportProblem!]!
  problemCount: Int!
  "What the rows without problems add, per group fiscal year and contribution type; what a commit adds when there are no problems."
  totals: [ImportTotal!]!
  total: Money!
  "Set once committed: the import's id (its audit entry's entityId) and the range of expense ids it recorded, consecutive."
  importId: ID
  firstExpenseId: ID
  lastExpenseId: ID
  "When it was committed (ISO 8601, UTC)."
  committedAt: String
  "True when this answer is an earlier commit's, given again for the same idempotency key: nothing was added now."
  replayed: Boolean!
}

"What a volunteering file adds to one group fiscal year."
type VolunteeringImportTotal @shareable {
  groupFiscalYear: Int!
  rows: Int!
  newRegistrations: Int!
  participants: Int!
  hours: Decimal!
}

type VolunteeringImport @shareable {
  mode: ImportMode!
  status: ImportStatus!
  idempotencyKey: String!
  contentSha256: String!
  rows: Int!
  problems: [ImportProblem!]!
  problemCount: Int!
  totals: [VolunteeringImportTotal!]!
  importId: ID
  "The range of record ids it recorded, consecutive."
  firstRecordId: ID
  lastRecordId: ID
  committedAt: String
  replayed: Boolean!
}
`;

/** The import mutations of one subsidiary (`indiaImportExpenses`), with the subsidiary's write requirement. */
export function importMutationsSdl(mutation: (action: (typeof IMPORT_MUTATIONS)[number]) => string, write: string): string {
  return `  "Imports a file of expenses (CSV or XLSX): DRY_RUN lists every problem by row and column and the totals the file would add; COMMIT records all rows as one write or, if any row has a problem, none. The same file committed again (same idempotencyKey, or the key made from its content) adds nothing and answers the first commit (docs/import.md)."
  ${mutation('ImportExpenses')}(input: ImportFileInput!, mode: ImportMode!, idempotencyKey: String): ExpenseImport! ${write}
  "Imports a file of volunteer participation (people and hours per initiative and date), as ${mutation('ImportExpenses')} imports expenses."
  ${mutation('ImportVolunteerParticipation')}(input: ImportFileInput!, mode: ImportMode!, idempotencyKey: String): VolunteeringImport! ${write}
  "Imports a file of new volunteer registrations (counts per period), as ${mutation('ImportExpenses')} imports expenses."
  ${mutation('ImportVolunteerRegistrations')}(input: ImportFileInput!, mode: ImportMode!, idempotencyKey: String): VolunteeringImport! ${write}
`;
}
