import type { GraphQLResolverMap } from '@apollo/subgraph/dist/schema-helper';
import type { Db } from 'mongodb';
import type { SubsidiaryConfig } from '../common/subsidiary-config';
import type { RegionalContext } from './context';

/** A subsidiary's genuine local additions to the regional template: more SDL, its resolvers and indexes. */
export interface RegionalExtension {
  typeDefs: string;
  resolvers: GraphQLResolverMap<RegionalContext>;
  ensureIndexes?: (db: Db) => Promise<void>;
}

/** Everything that makes one regional subgraph: its configuration and optional local extension. */
export interface RegionalDefinition {
  subsidiary: SubsidiaryConfig;
  extension?: RegionalExtension;
}
