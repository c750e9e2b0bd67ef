import type { RemoteGraphQLDataSource } from '@apollo/gateway';
import {
  Kind,
  type DocumentNode,
  type FragmentDefinitionNode,
  type GraphQLFormattedError,
  type OperationDefinitionNode,
  type SelectionSetNode,
} from 'graphql';
import type { ServiceLabel } from './service-labels';
import type { SubgraphUnavailableError } from './subgraph-fetch';

type GatewayGraphQLResponse = Awaited<ReturnType<RemoteGraphQLDataSource['process']>>;

/** The codes of the errors a failed subgraph call becomes. */
export const UNAVAILABLE_CODES = {
  subsidiary: 'SUBSIDIARY_UNAVAILABLE',
  subgraph: 'SUBGRAPH_UNAVAILABLE',
  /** A write whose answer did not arrive: it may or may not have been applied. */
  outcomeUnknown: 'OUTCOME_UNKNOWN',
} as const;

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

function operationOf(document: DocumentNode | undefined): OperationDefinitionNode | undefined {
  return document?.definitions.find((definition): definition is OperationDefinitionNode => definition.kind === Kind.OPERATION_DEFINITION);
}

/**
 * The `idempotencyKey` argument of each root field of a mutation, by response name: an inline
 * string or a variable's value.
 */
export function idempotencyKeys(document: DocumentNode | undefined, variables: Record<string, unknown> | undefined): Map<string, string> {
  const keys = new Map<string, string>();
  const operation = operationOf(document);
  if (operation?.operation !== 'mutation') return keys;
  for (const selection of operation.selectionSet.selections) {
    if (selection.kind !== Kind.FIELD) continue;
    const value = selection.arguments?.find((argument) => argument.name.value === 'idempotencyKey')?.value;
    const key = value?.kind === Kind.STRING ? value.value : value?.kind === Kind.VARIABLE ? variables?.[value.name.value] : undefined;
    if (typeof key === 'string' && key !== '') keys.set(selection.alias?.value ?? selection.name.value, key);
  }
  return keys;
}

/** "NEC India (IN)", "Headquarters' group figures …", or the subgraph. */
function who(failure: SubgraphUnavailableError, label: ServiceLabel | undefined): string {
  if (label?.kind === 'subsidiary') return `${label.name} (${label.code})`;
  if (label?.kind === 'headquarters') return `Headquarters' group figures (registry, exchange rates, goals, every consolidated figure)`;
  return `The ${failure.service} subgraph`;
}

/** The failure after a subject: "the india subgraph did not answer: …". */
function cause(failure: SubgraphUnavailableError): string {
  return failure.message.replace(/^The /, 'the ');
}

function readMessage(failure: SubgraphUnavailableError, label: ServiceLabel | undefined): string {
  if (!label) return failure.message;
  const unavailable = `${who(failure, label)} ${label.kind === 'headquarters' ? 'are' : 'is'} unavailable`;
  // an open circuit's detail says since when, and why the subgraph is not called
  return failure.reason === 'circuit_open' ? `${unavailable} ${failure.detail}` : `${unavailable}: ${cause(failure)}`;
}

function writeMessage(failure: SubgraphUnavailableError, label: ServiceLabel | undefined, field: string, key: string | undefined): string {
  const subject = label?.kind === 'subsidiary' ? `${label.name} (${label.code})` : label?.kind === 'headquarters' ? `Headquarters (the ${failure.service} subgraph)` : `The ${failure.service} subgraph`;
  if (failure.delivery === 'not_sent') return `${readMessage(failure, label)}. ${field} was not sent, so nothing was applied: send it again once the ${failure.service} subgraph answers.`;
  const retry = key
    ? `retry with idempotencyKey "${key}" to get its result without applying it twice.`
    : 'check whether it was before retrying, and send an idempotencyKey with writes that take one.';
  return `${subject} did not confirm ${field}: ${cause(failure)}. The write may have been applied: ${retry}`;
}

/**
 * What the data source answers instead of throwing when a subgraph is unavailable: no data and one
 * error per unfilled field, so that the gateway nulls exactly that branch, keeps every other
 * subgraph's data, and places each error at the field's path. A read names the subsidiary
 * (SUBSIDIARY_UNAVAILABLE) when the subgraph is one, and the subgraph otherwise
 * (SUBGRAPH_UNAVAILABLE, saying so when it holds headquarters' figures). A write (a mutation's root
 * field) is OUTCOME_UNKNOWN unless the gateway knows its request was never sent, with the
 * idempotency key to retry with when it had one. The gateway adds `serviceName`.
 */
export function unavailableResponse(
  failure: SubgraphUnavailableError,
  label: ServiceLabel | undefined,
  document: DocumentNode | undefined,
  variables: Record<string, unknown> | undefined,
): GatewayGraphQLResponse {
  const paths = unfilledPaths(document, variables);
  const write = operationOf(document)?.operation === 'mutation';
  const keys = idempotencyKeys(document, variables);
  const unavailable = label?.kind === 'subsidiary' ? UNAVAILABLE_CODES.subsidiary : UNAVAILABLE_CODES.subgraph;
  const errors: GraphQLFormattedError[] = (paths.length > 0 ? paths : [undefined]).map((path) => {
    const field = typeof path?.[0] === 'string' ? path[0] : undefined;
    const key = field ? keys.get(field) : undefined;
    const unknown = write && failure.delivery === 'unknown';
    const extensions = {
      code: unknown ? UNAVAILABLE_CODES.outcomeUnknown : unavailable,
      ...(label?.kind === 'subsidiary' ? { subsidiary: label.code } : {}),
      ...(label?.kind === 'headquarters' ? { owner: 'headquarters' } : {}),
      reason: failure.reason,
      ...(failure.status ? { status: failure.status } : {}),
      ...(unknown && key ? { idempotencyKey: key } : {}),
    };
    const message = write && field ? writeMessage(failure, label, field, key) : readMessage(failure, label);
    return { message, ...(path ? { path } : {}), extensions };
  });
  return { errors };
}
