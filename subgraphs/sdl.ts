import { GROUP_SUBGRAPH } from './common/registry';
import { groupSdl } from './group/schema';
import { regionalSdl } from './kit/schema';
import { REGIONS } from './regions';

export interface SubgraphSdl {
  name: string;
  sdl: string;
  defaultPort: number;
}

/** The SDL of every subgraph of the product, group first. */
export function allSubgraphSdls(): SubgraphSdl[] {
  return [
    { name: GROUP_SUBGRAPH.key, sdl: groupSdl(), defaultPort: GROUP_SUBGRAPH.defaultPort },
    ...REGIONS.map(({ subsidiary, extension }) => ({
      name: subsidiary.key,
      sdl: regionalSdl(subsidiary, extension?.typeDefs),
      defaultPort: subsidiary.defaultPort,
    })),
  ];
}
