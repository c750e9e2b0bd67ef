import type { RemoteGraphQLDataSource } from '@apollo/gateway';
import {
  Kind,
  type DocumentNode,
  type FragmentDefinitionNode,
  type GraphQLFormattedError,
  type GraphQLSchema,
  type SelectionSetNode,
} from 'graphql';
import { SUBSIDIARIES } from '../../subgraphs/common/registry';
import { regionalTypeNames } from '../../subgraphs/kit/schema';
import type { SubgraphUnavailableError } from './subgraph-fetch';

type GatewayGraphQLResponse = Awaited<ReturnType<RemoteGraphQLDataSource['process']>>;

/** A subsidiary as an error names it. */
export interface SubsidiaryLabel {
  code: string;
  name: string;
}

/**
 * Which subgraph serves which subsidiary. The gateway serves any supergraph; only when the loaded
 * one is ours (its API schema has the `Subsidiary` interface and the registry's
 * `<Prefix>Subsidiary` type implementing it) does a subgraph's failure name a subsidiary.
 * Otherwise errors keep naming the subgraph only.
 */
export class ServiceLabels {
  private subsidiaries = new Map<string, SubsidiaryLabel>();

  update(apiSchema: GraphQLSchema): void {
    // structural checks only: the gateway's graphql-js may be another module instance than ours
    const next = new Map<string, SubsidiaryLabel>();
    if (apiSchema.getType('Subsidiary')) {
      for (const subsidiary of SUBSIDIARIES) {
        const type = apiSchema.getType(regionalTypeNames(subsidiary).subsidiary) as { getInterfaces?: () => readonly { name: string }[] } | undefined;
        if (type?.getInterfaces?.().some((implemented) => implemented.name === 'Subsidiary')) next.set(subsidiary.key, { code: subsidiary.code, name: subsidiary.name });
      }
    }
    this.subsidiaries = next;
  }

  subsidiaryOf(service: string): SubsidiaryLabel | undefined {
    return this.subsidiaries.get(service);
  }
}

/** Response names of the fields selected directly in `selectionSet` for an object of `typename`. */
function fieldsFor(selectionSet: SelectionSetNode, typename: string | undefined, fragments: Map<string, FragmentDefinitionNode>, seen = new Set<string>()): string[] {
  const names: string[] = [];
  for (const selection of selectionSet.selections) {
    if (selection.kind === Kind.FIELD) {
      if (selection.name.value !== '__typename') names.push(selection.alias?.value ?? selection.name.value);
    } else if (selection.kind === Kind.INLINE_FRAGMENT) {
      if (!selection.typeCondition || typename === undefined || selection.typeCondition.name.value === typename) {
        names.push(...fieldsFor(selection.selectionSet, typename, fragments, seen));
      }
    } else {
      const fragment = fragments.get(selection.name.value);
      if (fragment && !seen.has(fragment.name.value) && (typename === undefined || fragment.typeCondition.name.value === typename)) {
        seen.add(fragment.name.value);
        names.push(...fieldsFor(fragment.selectionSet, typename, fragments, seen));
      }
    }
  }
  return [...new Set(names)];
}

/**
 * The paths, in the subgraph operation's own terms, of every field the failed call would have
 * filled: `_entities.<i>.<field>` for an entity fetch (the gateway maps them onto the entities'
 * places in the answer), `<field>` for a root fetch.
 */
export function unfilledPaths(document: DocumentNode | undefined, variables: Record<string, unknown> | undefined): (string | number)[][] {
  const operation = document?.definitions.find((definition) => definition.kind === Kind.OPERATION_DEFINITION);
  if (!document || !operation || operation.kind !== Kind.OPERATION_DEFINITION) return [];
  const fragments = new Map(
    document.definitions.filter((definition): definition is FragmentDefinitionNode => definition.kind === Kind.FRAGMENT_DEFINITION).map((fragment) => [fragment.name.value, fragment]),
  );
  const entities = operation.selectionSet.selections.find((selection) => selection.kind === Kind.FIELD && selection.name.value === '_entities');
  const representations = variables?.representations;
  if (entities && entities.kind === Kind.FIELD && entities.selectionSet && Array.isArray(representations)) {
    return representations.flatMap((representation, index) => {
      const typename = (representation as { __typename?: unknown } | null)?.__typename;
      const fields = fieldsFor(entities.selectionSet!, typeof typename === 'string' ? typename : undefined, fragments);
      return fields.length > 0 ? fields.map((field) => ['_entities', index, field]) : [['_entities', index]];
    });
  }
  return fieldsFor(operation.selectionSet, undefined, fragments).map((field) => [field]);
}

/**
 * What the data source answers instead of throwing when a subgraph is unavailable: no data and one
 * error per unfilled field, so that the gateway nulls exactly that branch, keeps every other
 * subgraph's data, and places each error at the field's path. The error names the subsidiary
 * (SUBSIDIARY_UNAVAILABLE) when the subgraph is one, and the subgraph otherwise (SUBGRAPH_UNAVAILABLE);
 * the gateway adds `serviceName` to both.
 */
export function unavailableResponse(
  failure: SubgraphUnavailableError,
  subsidiary: SubsidiaryLabel | undefined,
  document: DocumentNode | undefined,
  variables: Record<string, unknown> | undefined,
): GatewayGraphQLResponse {
  const message = subsidiary
    ? `${subsidiary.name} (${subsidiary.code}) is unavailable: ${failure.message.replace(/^The /, 'the ')}`
    : failure.message;
  const extensions = subsidiary
    ? { code: 'SUBSIDIARY_UNAVAILABLE', subsidiary: subsidiary.code, reason: failure.reason, ...(failure.status ? { status: failure.status } : {}) }
    : { code: 'SUBGRAPH_UNAVAILABLE', reason: failure.reason, ...(failure.status ? { status: failure.status } : {}) };
  const paths = unfilledPaths(document, variables);
  const errors: GraphQLFormattedError[] = (paths.length > 0 ? paths : [undefined]).map((path) => ({ message, ...(path ? { path } : {}), extensions }));
  return { errors };
}
