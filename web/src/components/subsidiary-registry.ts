import { request } from '../graphql';

/** A company of the group as the registry (headquarters' subgraph) lists it. */
export interface SubsidiaryEntry {
  code: string;
  name: string;
  currency: string;
  /** The start of its regional mutations' names: `india` in indiaRecordExpense. */
  mutationKey: string;
  /** Its GraphQL type (IndiaSubsidiary): a field whose scopes differ per subsidiary, like the audit trail, is selected on it. */
  typename: string;
}

const REGISTRY = `query WorkspaceSubsidiaries { subsidiaries { __typename code name currency subgraph } }`;

let cached: Promise<SubsidiaryEntry[]> | null = null;

/** The registry, read once per page load (it changes only with a deployment). */
export function loadSubsidiaries(): Promise<SubsidiaryEntry[]> {
  cached ??= request<{ subsidiaries: { __typename: string; code: string; name: string; currency: string; subgraph: string }[] | null }>(REGISTRY)
    .then((result) => {
      if (!result.data?.subsidiaries) throw new Error(result.errors[0]?.message ?? 'The registry of subsidiaries did not answer');
      return result.data.subsidiaries.map((entry) => ({ code: entry.code, name: entry.name, currency: entry.currency, mutationKey: entry.subgraph, typename: entry.__typename }));
    })
    .catch((error: unknown) => {
      cached = null;
      throw error;
    });
  return cached;
}
