import { EXPENSE_COLUMNS, PARTICIPATION_COLUMNS, REGISTRATION_COLUMNS } from '../../../../subgraphs/kit/import/columns';

/** What a person can import, and the regional mutation (`<key><action>`) each kind goes to. */
export const IMPORT_KINDS = {
  expenses: { action: 'ImportExpenses', columns: EXPENSE_COLUMNS },
  participation: { action: 'ImportVolunteerParticipation', columns: PARTICIPATION_COLUMNS },
  registrations: { action: 'ImportVolunteerRegistrations', columns: REGISTRATION_COLUMNS },
} as const;

export type ImportKind = keyof typeof IMPORT_KINDS;

export function isImportKind(value: string | null): value is ImportKind {
  return value !== null && Object.hasOwn(IMPORT_KINDS, value);
}

/**
 * The template of a kind: its header row, made from the import's own column list
 * (subgraphs/kit/import/columns.ts), so the template cannot name a column the import does not read.
 */
export function templateCsv(kind: ImportKind): string {
  return `${IMPORT_KINDS[kind].columns.join(',')}\r\n`;
}

export function templateFileName(kind: ImportKind, code: string): string {
  return `${code.toLowerCase()}-${kind}-template.csv`;
}
