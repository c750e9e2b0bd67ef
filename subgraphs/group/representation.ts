import { raise } from '../common/errors';
import { minorDigits } from '../common/currencies';
import { boundedDecimalProblem } from '../common/decimal';
import { CAUSE_AREAS, CONTRIBUTION_TYPES, MOTIVATIONS } from '../common/catalog';
import { isIsoDate } from '../common/fiscal-year';
import { MAX_ADJUSTMENTS_PER_REPORT, type FigureAdjustment } from '../common/regional-figures';
import type { SubsidiaryConfig } from '../common/registry';
import { regionalTypeNames } from '../kit/schema';
import { NO_DATASET, type ArrivedReport, type ShapedArrival } from './arrivals';
import type { ReportParams } from './report-params';

export type { ShapedArrival } from './arrivals';

/**
 * The shape of a GroupReport representation, checked before anything is consolidated from it.
 *
 * The gateway builds it from the subsidiaries' reports (@requires), but `_entities` also takes
 * one from whoever calls the subgraph, so the group subgraph trusts none of it: every field must
 * be of its type, every enum value known, every year within the report's span, every count a
 * non-negative whole number, every amount a decimal within Decimal128 in the subsidiary's own
 * currency and minor unit, one cell per fiscal year × cause area × contribution type × motivation and one
 * volunteering row per year. Anything else is refused with BAD_USER_INPUT naming the path inside
 * the representation; the bounds also bound the work a representation can cause.
 *
 * What a failed or empty subsidiary looks like is accepted as such: `{}` or `null` (its subgraph
 * did not answer), null figures (its database failed), null figures read at `asOf` with a null
 * dataset (NO_DATASET).
 */

/** GraphQL's Int: what the regional subgraphs' counts are typed as. */
const MAX_INT = 2_147_483_647;
const MAX_AS_OF_LENGTH = 40;
const MAX_DATASET_ID_LENGTH = 100;
const ISO_INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?Z$/;

const CAUSES = new Set<string>(CAUSE_AREAS.map((area) => area.code));
const TYPES = new Set<string>(CONTRIBUTION_TYPES.map((type) => type.code));
const MOTIVES = new Set<string>(MOTIVATIONS);

const REPORT_FIELDS = new Set(['__typename', 'currency', 'cells', 'volunteering', 'asOf', 'dataset', 'adjustments', 'signature']);
const CELL_FIELDS = ['groupFiscalYear', 'causeArea', 'contributionType', 'motivation', 'amount', 'expenseCount'] as const;
const VOLUNTEERING_FIELDS = ['groupFiscalYear', 'newRegistrations', 'participants', 'hours'] as const;
const ADJUSTMENT_TEXT_FIELDS = ['id', 'originalExpenseId', 'initiativeId', 'closeId', 'reason', 'recordedBy', 'recordedAt'] as const;
const ADJUSTMENT_FIELDS = [...ADJUSTMENT_TEXT_FIELDS, 'date', 'groupFiscalYear', 'restatedFiscalYear', 'causeArea', 'contributionType', 'amountChange'] as const;
const SIGNATURE_FIELDS = ['keyId', 'algorithm', 'value'] as const;
/** Longer than any id, name or reason a subsidiary stores. */
const MAX_TEXT_LENGTH = 2_000;

type Json = Record<string, unknown>;

function refuse(path: string, problem: string): never {
  return raise('BAD_USER_INPUT', `Invalid GroupReport representation: ${path} ${problem}`, { field: 'representations', path });
}

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function only(value: Json, allowed: ReadonlySet<string>, path: string): void {
  for (const key of Object.keys(value)) if (!allowed.has(key)) refuse(`${path}.${key.slice(0, 40)}`, 'is not a field of it');
}

function absent(value: unknown): boolean {
  return value === undefined || value === null;
}

function wholeNumber(value: unknown, path: string): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0 || value > MAX_INT) refuse(path, `must be a whole number from 0 to ${MAX_INT}`);
  return value;
}

function yearIn(value: unknown, params: ReportParams, path: string): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < params.from || value > params.to) {
    refuse(path, `must be a fiscal year of the report, ${params.from}–${params.to}`);
  }
  return value;
}

/** A non-negative decimal string within Decimal128 with at most `fractionDigits` significant fraction digits. */
function amountText(value: unknown, path: string, fractionDigits: number | null): string {
  if (typeof value !== 'string') return refuse(path, 'must be a decimal string');
  const problem = boundedDecimalProblem(value);
  if (problem) refuse(path, problem);
  const text = value.trim();
  if (text.startsWith('-') && /[1-9]/.test(text)) refuse(path, 'must not be negative');
  const fraction = text.split('.')[1]?.replace(/0+$/, '') ?? '';
  if (fractionDigits !== null && fraction.length > fractionDigits) refuse(path, `has more fraction digits than the currency's minor unit (${fractionDigits})`);
  return text;
}

function list(value: unknown, path: string, max: number): unknown[] {
  if (!Array.isArray(value)) return refuse(path, 'must be a list');
  if (value.length > max) refuse(path, `holds ${value.length} entries; a report of this span and filter has at most ${max}`);
  return value;
}

function record(value: unknown, fields: readonly string[], path: string): Json {
  if (!isObject(value)) return refuse(path, 'must be an object');
  only(value, new Set(['__typename', ...fields]), path);
  for (const field of fields) if (!(field in value)) refuse(`${path}.${field}`, 'is missing');
  return value;
}

function cellsOf(value: unknown, subsidiary: SubsidiaryConfig, params: ReportParams, path: string): ArrivedReport['cells'] {
  const years = params.to - params.from + 1;
  const max = years * (params.causeArea ? 1 : CAUSES.size) * (params.contributionType ? 1 : TYPES.size) * MOTIVES.size;
  const digits = minorDigits(subsidiary.currency);
  const seen = new Set<string>();
  return list(value, path, max).map((entry, index) => {
    const at = `${path}[${index}]`;
    const cell = record(entry, CELL_FIELDS, at);
    if (cell.__typename !== undefined && cell.__typename !== 'ReportCell') refuse(`${at}.__typename`, 'must be ReportCell');
    const groupFiscalYear = yearIn(cell.groupFiscalYear, params, `${at}.groupFiscalYear`);
    const { causeArea, contributionType } = cell;
    if (typeof causeArea !== 'string' || !CAUSES.has(causeArea)) refuse(`${at}.causeArea`, 'must be a CauseArea');
    if (params.causeArea && causeArea !== params.causeArea) refuse(`${at}.causeArea`, `must be the report's cause area, ${params.causeArea}`);
    if (typeof contributionType !== 'string' || !TYPES.has(contributionType)) refuse(`${at}.contributionType`, 'must be a ContributionType');
    if (params.contributionType && contributionType !== params.contributionType) refuse(`${at}.contributionType`, `must be the report's contribution type, ${params.contributionType}`);
    const { motivation } = cell;
    if (typeof motivation !== 'string' || !MOTIVES.has(motivation)) refuse(`${at}.motivation`, 'must be a Motivation');
    const key = `${groupFiscalYear}|${causeArea}|${contributionType}|${motivation}`;
    if (seen.has(key)) refuse(at, `repeats the cell of ${groupFiscalYear}, ${causeArea}, ${contributionType}, ${motivation}`);
    seen.add(key);
    return {
      groupFiscalYear,
      causeArea: causeArea as ArrivedReport['cells'][number]['causeArea'],
      contributionType: contributionType as ArrivedReport['cells'][number]['contributionType'],
      motivation: motivation as ArrivedReport['cells'][number]['motivation'],
      amount: amountText(cell.amount, `${at}.amount`, digits),
      expenseCount: wholeNumber(cell.expenseCount, `${at}.expenseCount`),
    };
  });
}

function volunteeringOf(value: unknown, params: ReportParams, path: string): ArrivedReport['volunteering'] {
  const seen = new Set<number>();
  return list(value, path, params.to - params.from + 1).map((entry, index) => {
    const at = `${path}[${index}]`;
    const row = record(entry, VOLUNTEERING_FIELDS, at);
    if (row.__typename !== undefined && row.__typename !== 'VolunteeringCell') refuse(`${at}.__typename`, 'must be VolunteeringCell');
    const groupFiscalYear = yearIn(row.groupFiscalYear, params, `${at}.groupFiscalYear`);
    if (seen.has(groupFiscalYear)) refuse(at, `repeats the row of ${groupFiscalYear}`);
    seen.add(groupFiscalYear);
    return {
      groupFiscalYear,
      newRegistrations: wholeNumber(row.newRegistrations, `${at}.newRegistrations`),
      participants: wholeNumber(row.participants, `${at}.participants`),
      hours: amountText(row.hours, `${at}.hours`, null),
    };
  });
}

function text(value: unknown, path: string, max = MAX_TEXT_LENGTH): string {
  if (typeof value !== 'string' || value.length > max) refuse(path, `must be a string of at most ${max} characters`);
  return value;
}

function adjustmentsOf(value: unknown, subsidiary: SubsidiaryConfig, params: ReportParams, path: string): FigureAdjustment[] {
  const digits = minorDigits(subsidiary.currency);
  return list(value, path, MAX_ADJUSTMENTS_PER_REPORT).map((entry, index) => {
    const at = `${path}[${index}]`;
    const row = record(entry, ADJUSTMENT_FIELDS, at);
    if (row.__typename !== undefined && row.__typename !== 'ReportAdjustment') refuse(`${at}.__typename`, 'must be ReportAdjustment');
    const texts = Object.fromEntries(ADJUSTMENT_TEXT_FIELDS.map((field) => [field, text(row[field], `${at}.${field}`)])) as Record<(typeof ADJUSTMENT_TEXT_FIELDS)[number], string>;
    const { causeArea, contributionType, date, groupFiscalYear, amountChange } = row;
    if (typeof date !== 'string' || !isIsoDate(date)) refuse(`${at}.date`, 'must be a date "YYYY-MM-DD"');
    if (typeof groupFiscalYear !== 'number' || !Number.isSafeInteger(groupFiscalYear)) refuse(`${at}.groupFiscalYear`, 'must be a fiscal year');
    if (typeof causeArea !== 'string' || !CAUSES.has(causeArea)) refuse(`${at}.causeArea`, 'must be a CauseArea');
    if (typeof contributionType !== 'string' || !TYPES.has(contributionType)) refuse(`${at}.contributionType`, 'must be a ContributionType');
    if (typeof amountChange !== 'string') return refuse(`${at}.amountChange`, 'must be a decimal string');
    const problem = boundedDecimalProblem(amountChange);
    if (problem) refuse(`${at}.amountChange`, problem);
    if ((amountChange.split('.')[1]?.replace(/0+$/, '') ?? '').length > digits) refuse(`${at}.amountChange`, `has more fraction digits than the currency's minor unit (${digits})`);
    return {
      ...texts,
      date,
      groupFiscalYear,
      restatedFiscalYear: yearIn(row.restatedFiscalYear, params, `${at}.restatedFiscalYear`),
      causeArea: causeArea as FigureAdjustment['causeArea'],
      contributionType: contributionType as FigureAdjustment['contributionType'],
      amountChange,
    };
  });
}

/** The signature's shape only; whether it holds is figure-signatures.ts's to say. */
function signatureOf(value: unknown, path: string): unknown {
  if (absent(value)) return null;
  const signature = record(value, SIGNATURE_FIELDS, path);
  if (signature.__typename !== undefined && signature.__typename !== 'FiguresSignature') refuse(`${path}.__typename`, 'must be FiguresSignature');
  for (const field of SIGNATURE_FIELDS) text(signature[field], `${path}.${field}`, 200);
  return { keyId: signature.keyId, algorithm: signature.algorithm, value: signature.value };
}

function asOfOf(value: unknown, path: string): string | null {
  if (absent(value)) return null;
  if (typeof value !== 'string' || value.length > MAX_AS_OF_LENGTH || !ISO_INSTANT.test(value) || Number.isNaN(Date.parse(value))) {
    return refuse(path, 'must be an ISO 8601 instant such as "2025-04-01T09:30:00.000Z"');
  }
  return value;
}

function datasetOf(value: unknown, path: string): { id: string } | null {
  if (absent(value)) return null;
  const mark = record(value, ['id'], path);
  if (typeof mark.id !== 'string' || mark.id.length === 0 || mark.id.length > MAX_DATASET_ID_LENGTH) refuse(`${path}.id`, `must be a string of 1 to ${MAX_DATASET_ID_LENGTH} characters`);
  return { id: mark.id };
}

/** One subsidiary's report as it arrived: its figures, NO_DATASET, or null when they did not arrive. */
function arrivalOf(value: unknown, subsidiary: SubsidiaryConfig, params: ReportParams, path: string): ShapedArrival {
  if (value === null) return null;
  if (!isObject(value)) return refuse(path, `must be ${subsidiary.name}'s report (an object) or null`);
  only(value, REPORT_FIELDS, path);
  const typeName = regionalTypeNames(subsidiary).report;
  if (value.__typename !== undefined && value.__typename !== typeName) refuse(`${path}.__typename`, `must be ${typeName}: this position holds ${subsidiary.name}'s report`);
  const { currency } = value;
  if (!absent(currency) && currency !== subsidiary.currency) refuse(`${path}.currency`, `must be ${subsidiary.name}'s currency, ${subsidiary.currency}`);
  const asOf = asOfOf(value.asOf, `${path}.asOf`);
  const dataset = datasetOf(value.dataset, `${path}.dataset`);
  const cells = absent(value.cells) ? null : cellsOf(value.cells, subsidiary, params, `${path}.cells`);
  const volunteering = absent(value.volunteering) ? null : volunteeringOf(value.volunteering, params, `${path}.volunteering`);
  const adjustments = absent(value.adjustments) ? null : adjustmentsOf(value.adjustments, subsidiary, params, `${path}.adjustments`);
  const signature = signatureOf(value.signature, `${path}.signature`);
  if (cells && volunteering) {
    if (absent(currency)) refuse(`${path}.currency`, 'is missing');
    if (asOf === null) refuse(`${path}.asOf`, 'is missing');
    if (dataset === null) refuse(`${path}.dataset`, 'is missing: figures come from a dataset');
    if (adjustments === null) refuse(`${path}.adjustments`, 'is missing: figures come with the adjustments restating them (an empty list when there are none)');
    return { currency: subsidiary.currency, cells, volunteering, asOf, dataset: dataset.id, adjustments, signature };
  }
  // read, and the database holds no dataset: missing, never zero
  if (!cells && !volunteering && asOf !== null && value.dataset === null) return NO_DATASET;
  // the subsidiary's subgraph or database failed (all or part of its figures are absent)
  return null;
}

/**
 * The subsidiaries' reports of a GroupReport representation, position by position in the
 * registry's order (the order the group subgraph lists them in `subsidiaries`); throws
 * BAD_USER_INPUT naming the first malformed path.
 */
export function arrivalsOf(reference: Json, subsidiaries: readonly SubsidiaryConfig[], params: ReportParams): ShapedArrival[] {
  only(reference, new Set(['__typename', 'id', 'subsidiaries']), 'representation');
  const { subsidiaries: reports } = reference;
  if (!Array.isArray(reports)) return refuse('subsidiaries', 'must be the list of the subsidiaries’ reports');
  if (reports.length !== subsidiaries.length) refuse('subsidiaries', `must hold ${subsidiaries.length} reports, one per subsidiary (got ${reports.length})`);
  return subsidiaries.map((subsidiary, index) => arrivalOf(reports[index], subsidiary, params, `subsidiaries[${index}]`));
}
