import { request, type GraphQLErrorShape } from '../../graphql';
import type { Money } from '../../money';
import type { Amount, MissingSubsidiary } from '../dashboard/query';

export interface RecordRow {
  subsidiary: string;
  id: string;
  date: string;
  groupFiscalYear: number;
  initiativeId: string | null;
  causeArea: string | null;
  contributionType: string | null;
  amount: Money | null;
  convertedAmount: Money | null;
  rate: string | null;
  description: string | null;
}

export interface LineRecords {
  amount: Amount | null;
  restatedAmount: Amount | null;
  expenseCount: number | null;
  records: RecordRow[];
  pageInfo: { endCursor: string | null; hasNextPage: boolean };
  adjustments: { subsidiary: string; amountChange: Money; convertedAmountChange: Money | null; adjustment: { id: string; originalExpenseId: string; reason: string; date: string } }[];
  missingSubsidiaries: MissingSubsidiary[];
}

const RECORDS = `query DrillDown($line: ReportLineInput!, $first: Int!, $after: String) {
  reportRecords(line: $line, first: $first, after: $after) {
    amount { amount currency partial } restatedAmount { amount currency partial } expenseCount
    records { subsidiary id date groupFiscalYear initiativeId causeArea contributionType amount { amount currency } convertedAmount { amount currency } rate description }
    pageInfo { endCursor hasNextPage }
    adjustments { subsidiary amountChange { amount currency } convertedAmountChange { amount currency } adjustment { id originalExpenseId reason date } }
    missingSubsidiaries { code name reason reasonCode }
  }
  subsidiaries { code name }
}`;

export const PAGE_SIZE = 50;

/** One page of the records behind a report line (keyset: `after` is the previous page's endCursor). */
export interface RecordsPage {
  page: LineRecords | null;
  /** Subsidiary names by code. */
  names: Map<string, string>;
  problems: GraphQLErrorShape[];
}

export async function loadRecords(line: Record<string, string | number>, after: string | null): Promise<RecordsPage> {
  const result = await request<{ reportRecords: LineRecords | null; subsidiaries: { code: string; name: string }[] | null }>(RECORDS, { line, first: PAGE_SIZE, after });
  return {
    page: result.data?.reportRecords ?? null,
    names: new Map((result.data?.subsidiaries ?? []).map((subsidiary) => [subsidiary.code, subsidiary.name])),
    problems: result.errors.filter((error) => error.extensions?.code !== 'SUBSIDIARY_UNAVAILABLE'),
  };
}

/** The gateway's MAX_ALIASES is 30 by default: titles are asked for in batches below it. */
const TITLES_PER_REQUEST = 25;

async function titlesOf(ids: readonly string[]): Promise<[string, string][]> {
  const variables = Object.fromEntries(ids.map((id, index) => [`i${index}`, id]));
  const fields = ids.map((_, index) => `i${index}: initiative(id: $i${index}) { id title }`).join(' ');
  const query = `query InitiativeTitles(${ids.map((_, index) => `$i${index}: ID!`).join(', ')}) { ${fields} }`;
  const result = await request<Record<string, { id: string; title: string } | null>>(query, variables);
  return Object.values(result.data ?? {}).flatMap((initiative) => (initiative ? [[initiative.id, initiative.title] as [string, string]] : []));
}

/** The titles of a page's initiatives, by id; an initiative that does not answer keeps its id. */
export async function loadInitiativeTitles(ids: readonly string[]): Promise<Map<string, string>> {
  const batches: string[][] = [];
  for (let start = 0; start < ids.length; start += TITLES_PER_REQUEST) batches.push(ids.slice(start, start + TITLES_PER_REQUEST));
  const answers = await Promise.all(batches.map((batch) => titlesOf(batch).catch(() => [])));
  return new Map(answers.flat());
}
