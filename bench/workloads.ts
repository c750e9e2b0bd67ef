/** The operations the benchmark sends. */
import { SUBSIDIARIES } from '../subgraphs/common/registry';
import type { GraphQLRequest } from './load';

/** The fiscal year the dashboard shows: a whole year of generated data, with exchange rates. */
export const DASHBOARD_FISCAL_YEAR = 2025;

/** (1) The headquarters dashboard: the consolidated report of one fiscal year. */
export const DASHBOARD: GraphQLRequest = {
  query: `query Dashboard($year: Int!) {
  groupReport(fiscalYear: $year) {
    id
    total { amount currency partial }
    completeness { complete included missing { code reason } }
    bySubsidiary { code name available local { amount currency } converted { amount currency } expenseCount }
    byCauseArea { causeArea amount { amount currency } expenseCount }
    byContributionType { contributionType amount { amount currency } expenseCount }
    volunteering { newRegistrations participants hours }
    goals { goal { id title metric cadence } fiscalYear target actual progressPercent achieved periodFullyCovered }
  }
}`,
  variables: { year: DASHBOARD_FISCAL_YEAR },
};

/**
 * Fan-out over k subsidiaries: the same small regional field (volunteering of a year) from the
 * first k subsidiaries, one alias each. With a parallel fan-out the latency stays near flat in k.
 */
export function fanOut(k: number): GraphQLRequest {
  const fields = SUBSIDIARIES.slice(0, k)
    .map((subsidiary) => `${subsidiary.key}: subsidiary(code: "${subsidiary.code}") { code volunteering(fiscalYear: $year) { newRegistrations participants hours } }`)
    .join('\n  ');
  return { query: `query FanOut${k}($year: Int!) {\n  ${fields}\n}`, variables: { year: DASHBOARD_FISCAL_YEAR } };
}

/** Initiatives per page of the BI extraction, as the issue asks (each with its first 100 expenses). */
export const BI_PAGE_SIZE = 100;

const PAGE_FIELDS = `nodes { id title expenses(first: 100) { id amount { amount currency } } } pageInfo { endCursor hasNextPage }`;

/** (2) BI extraction, first page: every subsidiary's initiatives with their expenses. */
export function biFirstPage(pageSize: number): GraphQLRequest {
  return { query: `query Extract { subsidiaries { code initiatives(first: ${pageSize}) { ${PAGE_FIELDS} } } }` };
}

/**
 * (2) Next pages. A cursor belongs to one subsidiary's list, so later pages ask each unfinished
 * subsidiary for its own next page, all in one request (one alias per subsidiary).
 */
export function biNextPage(after: ReadonlyMap<string, string>, pageSize: number): GraphQLRequest {
  const codes = [...after.keys()];
  const variables = Object.fromEntries(codes.map((code) => [`after${code}`, after.get(code)]));
  const declarations = codes.map((code) => `$after${code}: String`).join(', ');
  const fields = codes.map((code) => `s${code}: subsidiary(code: "${code}") { code initiatives(first: ${pageSize}, after: $after${code}) { ${PAGE_FIELDS} } }`).join('\n  ');
  return { query: `query ExtractNext(${declarations}) {\n  ${fields}\n}`, variables };
}

/** (3) Regional write: an Indian expense with a unique idempotency key. */
export const RECORD_EXPENSE = `mutation Record($input: ExpenseInput!, $key: String) {
  indiaRecordExpense(input: $input, idempotencyKey: $key) { id groupFiscalYear amount { amount currency } }
}`;

/** (3) Regional read: the first page of India's initiative list. */
export const INITIATIVE_LIST: GraphQLRequest = {
  query: `query IndiaInitiatives { subsidiary(code: "IN") { code initiatives(first: 20) { totalCount nodes { id title status startDate } pageInfo { endCursor hasNextPage } } } }`,
};

/** A write of the mix: initiative chosen in turn from the open ones, key unique per run and request. */
export function recordExpense(initiativeId: string, key: string, sequence: number): GraphQLRequest {
  return {
    query: RECORD_EXPENSE,
    variables: {
      input: {
        initiativeId,
        date: '2025-06-15',
        contributionType: 'CASH',
        amount: `${1000 + (sequence % 9000)}.50`,
        description: 'Benchmark write',
      },
      key,
    },
  };
}
