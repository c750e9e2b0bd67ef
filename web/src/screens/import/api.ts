import { requestAll } from '../../graphql';
import type { Money } from '../../money';
import type { ImportFile } from './file-reading';
import { IMPORT_KINDS, type ImportKind } from './templates';

export interface ImportProblem {
  row: number;
  column: string | null;
  code: string;
  message: string;
}

interface ImportCommon {
  mode: 'DRY_RUN' | 'COMMIT';
  status: 'VALID' | 'REJECTED' | 'COMMITTED';
  idempotencyKey: string;
  rows: number;
  problems: ImportProblem[];
  problemCount: number;
  importId: string | null;
  committedAt: string | null;
  replayed: boolean;
}

export interface ExpenseImport extends ImportCommon {
  totals: { groupFiscalYear: number; contributionType: string; rows: number; amount: Money }[];
  total: Money;
  firstExpenseId: string | null;
  lastExpenseId: string | null;
}

export interface VolunteeringImport extends ImportCommon {
  totals: { groupFiscalYear: number; rows: number; newRegistrations: number; participants: number; hours: string }[];
  firstRecordId: string | null;
  lastRecordId: string | null;
}

export type ImportResult = ({ kind: 'expenses' } & ExpenseImport) | ({ kind: 'participation' | 'registrations' } & VolunteeringImport);

const COMMON = 'mode status idempotencyKey rows problemCount problems { row column code message } importId committedAt replayed';
const SELECTIONS: Record<ImportKind, string> = {
  expenses: `${COMMON} totals { groupFiscalYear contributionType rows amount { amount currency } } total { amount currency } firstExpenseId lastExpenseId`,
  participation: `${COMMON} totals { groupFiscalYear rows newRegistrations participants hours } firstRecordId lastRecordId`,
  registrations: `${COMMON} totals { groupFiscalYear rows newRegistrations participants hours } firstRecordId lastRecordId`,
};

/**
 * Sends the file to the subsidiary's import mutation. A commit carries the dry run's idempotency
 * key (made from the file's content): the same file committed twice is one import.
 */
export async function sendImport(mutationKey: string, kind: ImportKind, file: ImportFile, mode: 'DRY_RUN' | 'COMMIT', idempotencyKey?: string): Promise<ImportResult> {
  const name = `${mutationKey}${IMPORT_KINDS[kind].action}`;
  const data = await requestAll<{ result: ExpenseImport | VolunteeringImport }>(
    `mutation WorkspaceImport($input: ImportFileInput!, $mode: ImportMode!, $key: String) { result: ${name}(input: $input, mode: $mode, idempotencyKey: $key) { ${SELECTIONS[kind]} } }`,
    { input: { format: file.format, content: file.content, fileName: file.fileName }, mode, key: idempotencyKey ?? null },
  );
  return { kind, ...data.result } as ImportResult;
}
