/** The federation scenario's supergraph, composed at run time from the subgraphs' schemas and where they run. */
import { composeServices } from '@apollo/composition';
import { FEDERATION_SUBGRAPHS } from './subgraphs';

export function composeSupergraph(subgraphUrls: Record<string, string>): string {
  const result = composeServices(
    FEDERATION_SUBGRAPHS.map((subgraph) => {
      const url = subgraphUrls[subgraph.name];
      if (!url) throw new Error(`no URL for subgraph ${subgraph.name}`);
      return { name: subgraph.name, typeDefs: subgraph.typeDefs, url };
    }),
  );
  if (result.errors) throw new Error(`composition of the federation benchmark failed: ${result.errors.map((error) => error.message).join('; ')}`);
  return result.supergraphSdl;
}
