import type { ExportOperations } from './operations';
import { operationFailed, type OperationRunner } from './runner';

/** What ReferenceData says of the contribution types: how B4SI counts each (docs/b4si.md). */
export interface ContributionTypes {
  contributionTypes: { contributionType: string; inputType: string }[] | null;
}

/** The B4SI input type (CASH, TIME, IN_KIND, MANAGEMENT_COSTS) of a contribution type; null for one the graph does not list. */
export type B4siInputTypeOf = (contributionType: string) => string | null;

/** The graph's mapping, for rows that carry no B4SI fields of their own (report cells, feed items). */
export function b4siInputTypeOf(types: NonNullable<ContributionTypes['contributionTypes']>): B4siInputTypeOf {
  const inputTypes = new Map(types.map((type) => [type.contributionType, type.inputType]));
  return (contributionType) => inputTypes.get(contributionType) ?? null;
}

/** Reads the mapping from the graph (the manifest's ReferenceData operation). */
export async function readB4siInputTypes(runner: OperationRunner, operations: ExportOperations): Promise<B4siInputTypeOf> {
  const reference = await runner.run<ContributionTypes>('ReferenceData', operations.text('ReferenceData'), {});
  if (!reference.data?.contributionTypes) throw operationFailed('ReferenceData', reference);
  return b4siInputTypeOf(reference.data.contributionTypes);
}
