import { CONTRIBUTION_TYPES } from '../../../subgraphs/common/catalog';

/**
 * The B4SI input type (CASH, TIME, IN_KIND, MANAGEMENT_COSTS) of a contribution type, from the
 * catalog that states the mapping once (docs/b4si.md), for rows the graph gives no B4SI fields of
 * its own (report cells, feed items); null for a type this gateway does not know (a newer schema).
 */
export function b4siInputType(contributionType: string): string | null {
  return CONTRIBUTION_TYPES.find((type) => type.code === contributionType)?.b4siInputType ?? null;
}
