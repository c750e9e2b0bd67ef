import { createHash } from 'node:crypto';
import type { GraphQLFieldResolver } from 'graphql';
import { badInput, raise } from '../../common/errors';
import { money } from '../../common/money';
import type { SubsidiaryConfig } from '../../common/registry';
import type { RegionalContext } from '../context';
import { regionalMutationName } from '../schema';
import type { ImportAnswer } from '../store/imports';
import { LIMITS, optionalText, requiredText } from '../validation';
import type { ImportProblem } from './columns';
import { checkExpenseFile } from './expense-file';
import { loadImportLimits, type ImportLimits } from './limits';
import { checkVolunteeringFile, type VolunteeringKind } from './volunteering-file';
import { UnreadableFile, parseCsv, parseXlsx, type Table } from './table';

type ImportMode = 'DRY_RUN' | 'COMMIT';
type ImportFormat = 'CSV' | 'XLSX';

interface ImportArgs {
  input: { format?: ImportFormat | null; content: string; fileName?: string | null; allowDuplicates?: boolean | null };
  mode: ImportMode;
  idempotencyKey?: string | null;
}

const ACTION = 'ImportExpenses';

async function tableOf(format: ImportFormat, content: string): Promise<Table> {
  try {
    return format === 'XLSX' ? await parseXlsx(content) : parseCsv(content);
  } catch (error) {
    if (!(error instanceof UnreadableFile)) throw error;
    return badInput(`input.content cannot be read as ${format}: ${error.message}`, 'input.content');
  }
}

/** The answer of a check (a dry run, or a commit refused for its problems): nothing was written. */
function checkView(check: { rows: number; problems: readonly ImportProblem[] }, prepared: Prepared, limits: ImportLimits) {
  return {
    mode: prepared.mode,
    status: check.problems.length === 0 ? 'VALID' : 'REJECTED',
    idempotencyKey: prepared.key,
    contentSha256: prepared.contentSha256,
    rows: check.rows,
    problems: check.problems.slice(0, limits.maxProblems),
    problemCount: check.problems.length,
    importId: null,
    committedAt: null,
    replayed: false,
  };
}

/** A commit's answer (kept with its key, so a repeat answers the same), as the API shows it. */
function commitView(answer: ImportAnswer, replayed: boolean) {
  return { ...answer, mode: 'COMMIT', status: 'COMMITTED', problems: [], problemCount: 0, replayed };
}

/** What every import asks for before it reads the file: the key, the request it fingerprints, and a replay. */
interface Prepared {
  mode: ImportMode;
  format: ImportFormat;
  key: string;
  contentSha256: string;
  asked: { idempotencyKey: string; request: { format: ImportFormat; contentSha256: string } };
  fileName: string | null;
  /** The earlier commit's answer under this key (a COMMIT only). */
  replayed: ImportAnswer | null;
  defaultSource: string;
}

/**
 * The idempotency key is the client's, or one made from the subsidiary and the SHA-256 of the
 * content: the same file committed twice is one import (the second commit answers the first's
 * result), and a file meant to be recorded again takes a new key of the client's. The request the
 * key fingerprints is the content's hash and format: the same file sent again under its key with
 * another fileName or allowDuplicates is still that import.
 */
async function prepare(action: string, args: ImportArgs, context: RegionalContext, limits: ImportLimits): Promise<Prepared> {
  const { input, mode } = args;
  const format = input.format ?? 'CSV';
  const bytes = Buffer.byteLength(input.content, 'utf8');
  if (bytes > limits.maxBytes) {
    raise('IMPORT_TOO_LARGE', `The file's content is ${bytes} bytes; one import takes at most ${limits.maxBytes} (IMPORT_MAX_BYTES): split it into several files`, {
      bytes,
      maxBytes: limits.maxBytes,
    });
  }
  const contentSha256 = createHash('sha256').update(input.content).digest('hex');
  const key =
    args.idempotencyKey == null
      ? `import:${createHash('sha256').update(`${context.subsidiary.code}\n${action}\n${format}\n${input.content}`).digest('hex')}`
      : requiredText(args.idempotencyKey, 'idempotencyKey', LIMITS.idempotencyKeyLength);
  const asked = { idempotencyKey: key, request: { format, contentSha256 } };
  const fileName = optionalText(input.fileName, 'input.fileName', LIMITS.shortTextLength);
  await context.fiscalYearSync.ready();
  await context.store.dataset.requirePresent();
  const replayed = mode === 'COMMIT' ? ((await context.store.writes.replayed(action, asked)) as ImportAnswer | null) : null;
  if (replayed) context.audit.unchanged();
  return { mode, format, key, contentSha256, asked, fileName, replayed, defaultSource: `Imported by ${context.actor}${fileName ? ` from ${fileName}` : ''}` };
}

/**
 * `<subsidiary>ImportExpenses`: a file of expenses checked row by row as the single-row write
 * checks its input; a dry run answers the problems and totals and writes nothing; a commit records
 * every row as one journalled write (store/imports.ts), or nothing when any row has a problem.
 */
async function importExpenses(args: ImportArgs, context: RegionalContext, limits: ImportLimits) {
  const prepared = await prepare(ACTION, args, context, limits);
  if (prepared.replayed) return commitView(prepared.replayed, true);
  const { mode, key, contentSha256, asked, fileName } = prepared;
  const check = await checkExpenseFile(await tableOf(prepared.format, args.input.content), context, {
    allowDuplicates: args.input.allowDuplicates ?? false,
    defaultSource: prepared.defaultSource,
    limits,
  });
  const currency = context.subsidiary.currency;
  const totals = check.totals.map((line) => ({ ...line, amount: money(line.amount, currency) }));
  if (mode === 'DRY_RUN' || check.problems.length > 0) {
    context.audit.unchanged();
    return { ...checkView(check, prepared, limits), totals, total: money(check.total, currency), firstExpenseId: null, lastExpenseId: null };
  }
  const answer = await context.store.imports.commit(ACTION, check.expenses.map(({ fields }) => fields), asked, context, (_importId, ids) => ({
    idempotencyKey: key,
    contentSha256,
    fileName,
    rows: check.rows,
    totals,
    total: money(check.total, currency),
    firstExpenseId: ids[0] ?? null,
    lastExpenseId: ids.at(-1) ?? null,
  }));
  return commitView(answer, false);
}

const VOLUNTEERING_ACTIONS = { participation: 'ImportVolunteerParticipation', registrations: 'ImportVolunteerRegistrations' } as const;

/** `<subsidiary>ImportVolunteerParticipation` and `…Registrations`: as importExpenses, for volunteering records. */
async function importVolunteering(kind: VolunteeringKind, args: ImportArgs, context: RegionalContext, limits: ImportLimits) {
  const action = VOLUNTEERING_ACTIONS[kind];
  const prepared = await prepare(action, args, context, limits);
  if (prepared.replayed) return commitView(prepared.replayed, true);
  const { mode, key, contentSha256, asked, fileName } = prepared;
  const check = await checkVolunteeringFile(kind, await tableOf(prepared.format, args.input.content), context, {
    allowDuplicates: args.input.allowDuplicates ?? false,
    defaultSource: prepared.defaultSource,
    limits,
  });
  const totals = check.totals.map((line) => ({ ...line, hours: line.hours.toString() }));
  if (mode === 'DRY_RUN' || check.problems.length > 0) {
    context.audit.unchanged();
    return { ...checkView(check, prepared, limits), totals, firstRecordId: null, lastRecordId: null };
  }
  const answer = await context.store.imports.commitVolunteering(action, kind === 'participation' ? 'participation' : 'registration', check.records.map(({ fields }) => fields), asked, context, (_importId, ids) => ({
    idempotencyKey: key,
    contentSha256,
    fileName,
    rows: check.rows,
    totals,
    firstRecordId: ids[0] ?? null,
    lastRecordId: ids.at(-1) ?? null,
  }));
  return commitView(answer, false);
}

type Resolver = GraphQLFieldResolver<unknown, RegionalContext>;

/** The import mutations under their subsidiary-specific names (`indiaImportExpenses`). */
export function importResolvers(subsidiary: SubsidiaryConfig, limits: ImportLimits = loadImportLimits(process.env)): Record<string, Resolver> {
  return {
    [regionalMutationName(subsidiary, ACTION)]: ((_root, args, context) => importExpenses(args as ImportArgs, context, limits)) satisfies Resolver,
    [regionalMutationName(subsidiary, VOLUNTEERING_ACTIONS.participation)]: ((_root, args, context) => importVolunteering('participation', args as ImportArgs, context, limits)) satisfies Resolver,
    [regionalMutationName(subsidiary, VOLUNTEERING_ACTIONS.registrations)]: ((_root, args, context) => importVolunteering('registrations', args as ImportArgs, context, limits)) satisfies Resolver,
  };
}
