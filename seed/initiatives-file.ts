/**
 * A subsidiary's seed/initiatives.json: one record per initiative, checked by the single write's own
 * function (kit/mutations.ts initiativeFields) and the catalog's lists, with its id and provenance.
 */
import { CAUSE_AREAS, INITIATIVE_STATUSES, MOTIVATIONS, PARTNER_KINDS } from '../subgraphs/common/catalog';
import { isIsoDate } from '../subgraphs/common/fiscal-year';
import type { SubsidiaryConfig } from '../subgraphs/common/registry';
import type { InitiativeDocument } from '../subgraphs/kit/documents';
import type { ImportProblem } from '../subgraphs/kit/import/columns';
import { initiativeFields, type InitiativeInput } from '../subgraphs/kit/mutations';
import { searchTextOf } from '../subgraphs/kit/store/initiatives';
import { SEEDED_AT, SEED_USER } from './builders';
import { failOnProblems, problemOf, readJsonEntries } from './files';

const FIELDS = ['id', 'title', 'description', 'causeArea', 'motivation', 'status', 'startDate', 'endDate', 'partners', 'beneficiaries', 'participants', 'outcomes', 'tags', 'illustrative', 'source'] as const;
const CHOICES: Record<string, readonly string[]> = {
  causeArea: CAUSE_AREAS.map((area) => area.code),
  motivation: MOTIVATIONS,
  status: INITIATIVE_STATUSES,
};

/** The problems of one record's shape that initiativeFields leaves to the GraphQL schema: unknown fields, enum values, types. */
function shapeProblems(entry: Record<string, unknown>, row: number): ImportProblem[] {
  const problem = (column: string, message: string): ImportProblem => ({ row, column, code: 'BAD_USER_INPUT', message });
  const problems: ImportProblem[] = [];
  for (const field of Object.keys(entry)) if (!(FIELDS as readonly string[]).includes(field)) problems.push(problem(field, `unknown field "${field}": the fields are ${FIELDS.join(', ')}`));
  for (const field of ['id', 'title', 'description', 'startDate', 'source'] as const) {
    if (typeof entry[field] !== 'string') problems.push(problem(field, `${field} must be text`));
  }
  for (const [field, choices] of Object.entries(CHOICES)) {
    if (!choices.includes(entry[field] as string)) problems.push(problem(field, `${field} must be one of ${choices.join(', ')}`));
  }
  if (typeof entry.illustrative !== 'boolean') problems.push(problem('illustrative', 'illustrative must be true or false'));
  for (const field of ['partners', 'outcomes', 'tags'] as const) {
    if (entry[field] != null && !Array.isArray(entry[field])) problems.push(problem(field, `${field} must be a list`));
  }
  const listed = (field: 'partners' | 'outcomes' | 'tags') => (Array.isArray(entry[field]) ? (entry[field] as unknown[]) : []);
  listed('partners').forEach((partner, index) => {
    const { name, kind } = (partner ?? {}) as { name?: unknown; kind?: unknown };
    if (typeof name !== 'string') problems.push(problem(`partners[${index}].name`, "a partner's name must be text"));
    if (!PARTNER_KINDS.includes(kind as never)) problems.push(problem(`partners[${index}].kind`, `a partner's kind must be one of ${PARTNER_KINDS.join(', ')}`));
  });
  listed('outcomes').forEach((outcome, index) => {
    const { description, value, unit } = (outcome ?? {}) as { description?: unknown; value?: unknown; unit?: unknown };
    if (typeof description !== 'string') problems.push(problem(`outcomes[${index}].description`, "an outcome's description must be text"));
    if (value != null && typeof value !== 'number') problems.push(problem(`outcomes[${index}].value`, "an outcome's value must be a number"));
    if (unit != null && typeof unit !== 'string') problems.push(problem(`outcomes[${index}].unit`, "an outcome's unit must be text"));
  });
  listed('tags').forEach((tag, index) => {
    if (typeof tag !== 'string') problems.push(problem(`tags[${index}]`, 'a tag must be text'));
  });
  for (const field of ['endDate'] as const) if (entry[field] != null && typeof entry[field] !== 'string') problems.push(problem(field, `${field} must be text or null`));
  for (const field of ['beneficiaries', 'participants'] as const) if (entry[field] != null && typeof entry[field] !== 'number') problems.push(problem(field, `${field} must be a number or null`));
  if (typeof entry.startDate === 'string' && !isIsoDate(entry.startDate)) problems.push(problem('startDate', `startDate "${entry.startDate}" is not a YYYY-MM-DD date`));
  return problems;
}

/** The initiatives of seed/initiatives.json, in the file's order; an empty list when there is no file. */
export function readInitiatives(file: string, subsidiary: SubsidiaryConfig): InitiativeDocument[] {
  const entries = readJsonEntries(file) ?? [];
  const problems: ImportProblem[] = [];
  const seen = new Set<string>();
  const documents = entries.flatMap((entry, index): InitiativeDocument[] => {
    const row = index + 1;
    const shape = shapeProblems(entry, row);
    problems.push(...shape);
    if (shape.length > 0) return [];
    const id = entry.id as string;
    if (!new RegExp(`^${subsidiary.code}-I\\d{4}$`).test(id)) {
      problems.push({ row, column: 'id', code: 'BAD_USER_INPUT', message: `id "${id.slice(0, 40)}" is not one of ${subsidiary.name}'s initiative ids (${subsidiary.code}-I followed by 4 digits)` });
      return [];
    }
    if (seen.has(id)) {
      problems.push({ row, column: 'id', code: 'BAD_USER_INPUT', message: `id ${id} appears twice` });
      return [];
    }
    seen.add(id);
    try {
      const fields = initiativeFields(entry as unknown as InitiativeInput, { actor: SEED_USER });
      const { illustrative: _illustrative, source: _source, ...described } = fields;
      return [{
        _id: id,
        ...described,
        searchText: searchTextOf(fields),
        illustrative: entry.illustrative as boolean,
        source: entry.source as string,
        createdAt: SEEDED_AT,
        updatedAt: SEEDED_AT,
        updatedBy: SEED_USER,
        version: 1,
      }];
    } catch (error) {
      problems.push(problemOf(error, row, null));
      return [];
    }
  });
  failOnProblems(file, problems);
  return documents;
}
