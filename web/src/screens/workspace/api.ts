import { request, requestAll } from '../../graphql';
import type { Money } from '../../money';

export interface InitiativeSummary {
  id: string;
  title: string;
  causeArea: string;
  status: string;
  startDate: string;
  endDate: string | null;
  version: number;
}

export interface InitiativeDetail extends InitiativeSummary {
  description: string;
  motivation: string;
  tags: string[];
  totals: { amount: Money; expenseCount: number };
}

export interface ExpenseRow {
  id: string;
  date: string;
  contributionType: string;
  quantity: string | null;
  unit: string | null;
  unitPrice: Money | null;
  amount: Money;
  description: string;
}

export interface PageInfo {
  endCursor: string | null;
  hasNextPage: boolean;
}

export interface ContributionTypeInfo {
  contributionType: string;
  inputType: string;
  description: string;
}

export interface AuditRow {
  id: string;
  at: string;
  actor: string;
  action: string;
  changedFields: string[];
  before: string | null;
  after: string | null;
}

export interface InitiativeFilter {
  fiscalYear?: number;
  text?: string;
  causeArea?: string;
  status?: string;
}

export const PAGE_SIZE = 10;

const INITIATIVE_FIELDS = 'id title causeArea status startDate endDate version';

export async function loadInitiatives(code: string, filter: InitiativeFilter, after: string | null) {
  const data = await requestAll<{ subsidiary: { initiatives: { totalCount: number; pageInfo: PageInfo; nodes: InitiativeSummary[] } | null } | null }>(
    `query WorkspaceInitiatives($code: ID!, $filter: InitiativeFilter, $first: Int, $after: String) {
      subsidiary(code: $code) { code initiatives(filter: $filter, first: $first, after: $after) { totalCount pageInfo { endCursor hasNextPage } nodes { ${INITIATIVE_FIELDS} } } }
    }`,
    { code, filter, first: PAGE_SIZE, after },
  );
  return data.subsidiary?.initiatives ?? null;
}

export async function loadInitiative(id: string) {
  const data = await requestAll<{ initiative: InitiativeDetail | null }>(
    `query WorkspaceInitiative($id: ID!) { initiative(id: $id) { ... on Initiative { ${INITIATIVE_FIELDS} description motivation tags totals { amount { amount currency } expenseCount } } } }`,
    { id },
  );
  return data.initiative;
}

export async function loadExpenses(code: string, initiativeId: string, after: string | null) {
  const data = await requestAll<{ subsidiary: { expenses: { nodes: ExpenseRow[]; pageInfo: PageInfo } | null } | null }>(
    `query WorkspaceExpenses($code: ID!, $initiativeId: ID!, $first: Int, $after: String) {
      subsidiary(code: $code) { code expenses(filter: { initiativeId: $initiativeId }, first: $first, after: $after) {
        pageInfo { endCursor hasNextPage }
        nodes { id date contributionType quantity unit unitPrice { amount currency } amount { amount currency } description }
      } }
    }`,
    { code, initiativeId, first: PAGE_SIZE, after },
  );
  return data.subsidiary?.expenses ?? null;
}

/**
 * The audit trail of one record. Selected on the subsidiary's own type: through the Subsidiary
 * interface the field would need every subsidiary's scopes, and a regional team holds its own only.
 */
export async function loadAuditTrail(subsidiary: { code: string; typename: string }, entityId: string) {
  const data = await requestAll<{ subsidiary: { auditLog?: { nodes: AuditRow[] } | null } | null }>(
    `query WorkspaceAudit($code: ID!, $entityId: ID) { subsidiary(code: $code) { code ... on ${subsidiary.typename} { auditLog(first: 20, entityId: $entityId) { nodes { id at actor action changedFields before after } } } } }`,
    { code: subsidiary.code, entityId },
  );
  return data.subsidiary?.auditLog?.nodes ?? [];
}

export interface ReferenceData {
  contributionTypes: ContributionTypeInfo[];
  causeAreas: { code: string; name: string }[];
}

let reference: Promise<ReferenceData> | null = null;

/** Contribution types (and how each is valued) and cause areas, from the API. */
export function loadReferenceData(): Promise<ReferenceData> {
  reference ??= request<{ contributionTypes: ContributionTypeInfo[] | null; causeAreas: { code: string; name: string }[] | null }>(
    `query WorkspaceReference { contributionTypes { contributionType inputType description } causeAreas { code name } }`,
  )
    .then(({ data }) => ({ contributionTypes: data?.contributionTypes ?? [], causeAreas: data?.causeAreas ?? [] }))
    .catch((error: unknown) => {
      reference = null;
      throw error;
    });
  return reference;
}

/** B4SI counts in-kind and time contributions by quantity × unit price; cash and management costs by amount. */
export function valuedByQuantity(type: ContributionTypeInfo | undefined): boolean {
  return type?.inputType === 'IN_KIND' || type?.inputType === 'TIME';
}

export interface InitiativeInput {
  title: string;
  description: string;
  causeArea: string;
  motivation: string;
  status: string;
  startDate: string;
  endDate: string | null;
}

export async function createInitiative(key: string, input: InitiativeInput) {
  const data = await requestAll<{ created: InitiativeSummary }>(
    `mutation WorkspaceCreateInitiative($input: InitiativeInput!) { created: ${key}CreateInitiative(input: $input) { ${INITIATIVE_FIELDS} } }`,
    { input },
  );
  return data.created;
}

export async function updateInitiative(key: string, id: string, changes: Partial<InitiativeInput>, expectedVersion: number) {
  const data = await requestAll<{ updated: InitiativeSummary }>(
    `mutation WorkspaceUpdateInitiative($id: ID!, $changes: InitiativeChanges!, $expectedVersion: Int) { updated: ${key}UpdateInitiative(id: $id, changes: $changes, expectedVersion: $expectedVersion) { ${INITIATIVE_FIELDS} } }`,
    { id, changes, expectedVersion },
  );
  return data.updated;
}

export interface ExpenseInput {
  initiativeId: string;
  date: string;
  contributionType: string;
  amount?: string;
  quantity?: string;
  unit?: string;
  unitPrice?: string;
  valuationBasis?: string;
  description: string;
}

export async function recordExpense(key: string, input: ExpenseInput, idempotencyKey: string) {
  const data = await requestAll<{ recorded: ExpenseRow }>(
    `mutation WorkspaceRecordExpense($input: ExpenseInput!, $key: String) { recorded: ${key}RecordExpense(input: $input, idempotencyKey: $key) {
      id date contributionType quantity unit unitPrice { amount currency } amount { amount currency } description } }`,
    { input, key: idempotencyKey },
  );
  return data.recorded;
}
