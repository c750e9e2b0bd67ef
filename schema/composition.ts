import { composeServices } from '@apollo/composition';
import { parse } from 'graphql';
import { allSubgraphSdls } from '../subgraphs/sdl';

export interface ComposedSchemas {
  subgraphs: { name: string; sdl: string }[];
  supergraphSdl: string;
}

export class CompositionError extends Error {}

/** Composes the product's subgraphs into a supergraph, pointing at each subgraph's default local URL. */
export function composeProductSupergraph(host = 'localhost'): ComposedSchemas {
  const subgraphs = allSubgraphSdls();
  const result = composeServices(
    subgraphs.map(({ name, sdl, defaultPort }) => ({
      name,
      typeDefs: parse(sdl),
      url: `http://${host}:${defaultPort}/graphql`,
    })),
  );
  if (result.errors) {
    throw new CompositionError(`Composition failed:\n${result.errors.map((error) => `- ${error.message}`).join('\n')}`);
  }
  return { subgraphs: subgraphs.map(({ name, sdl }) => ({ name, sdl })), supergraphSdl: result.supergraphSdl };
}
