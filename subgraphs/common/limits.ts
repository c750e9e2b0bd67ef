import type { ApolloServerPlugin, BaseContext } from '@apollo/server';
import { GraphQLError, Kind, valueFromASTUntyped, type DocumentNode, type FieldNode, type OperationDefinitionNode, type SelectionSetNode } from 'graphql';
import { getOperationAST } from 'graphql';
import { DEFAULT_LIST_SIZE, limitBreach, measureOperation, type OperationLimits } from '../../platform/measure-operation';
import { ERRORS, type ErrorCode } from './errors';

/**
 * What one request may ask of a subgraph, whoever sends it. The gateway applies the same depth,
 * alias and cost limits to the client's operation (gateway/src/plugins/limits.ts); a subgraph
 * applies them again, since it can be called directly, and bounds what only a subgraph receives:
 * the entity representations of `_entities`, in number and in size.
 */
export interface SubgraphLimits extends OperationLimits {
  /** Representations in one request, every `_entities` field (alias) together. */
  maxRepresentations: number;
  /** JSON values (object members and list items, at any depth) of one representation. */
  maxRepresentationValues: number;
  /** JSON values of all the representations of one request together. */
  maxRepresentationValuesPerRequest: number;
  /** Nesting of objects and lists within a representation. */
  maxRepresentationDepth: number;
  /** Items a list field without `first`/`last` is assumed to return in the cost estimate. */
  defaultListSize: number;
}

/**
 * The defaults: the gateway's depth, alias and cost limits (its MAX_DEPTH, MAX_ALIASES, MAX_COST
 * defaults), so that nothing the gateway lets through is refused here; its query plans ask less of
 * each subgraph than the client's operation asks of the whole graph. 1,000 representations of up to
 * 50,000 values: the largest the gateway sends is a GroupReport of a 30-year report (4 subsidiaries ×
 * 1,200 cells × 6 values ≈ 29,000).
 */
export const DEFAULT_SUBGRAPH_LIMITS: SubgraphLimits = {
  maxDepth: 12,
  maxAliases: 30,
  maxCost: 500_000,
  maxRepresentations: 1_000,
  maxRepresentationValues: 50_000,
  maxRepresentationValuesPerRequest: 250_000,
  maxRepresentationDepth: 8,
  defaultListSize: DEFAULT_LIST_SIZE,
};

function refused(code: ErrorCode, message: string, limit: number, measured: number): GraphQLError {
  return new GraphQLError(message, { extensions: { code, limit, measured, http: { status: ERRORS[code].status } } });
}

/** The `_entities` fields of the operation (aliases included), fragments followed. */
function entityFields(document: DocumentNode, operation: OperationDefinitionNode): FieldNode[] {
  const fragments = new Map(document.definitions.flatMap((definition) => (definition.kind === Kind.FRAGMENT_DEFINITION ? [[definition.name.value, definition] as const] : [])));
  const found: FieldNode[] = [];
  const visited = new Set<string>();
  const walk = (set: SelectionSetNode) => {
    for (const selection of set.selections) {
      if (selection.kind === Kind.FIELD) {
        if (selection.name.value === '_entities') found.push(selection);
      } else if (selection.kind === Kind.INLINE_FRAGMENT) {
        walk(selection.selectionSet);
      } else if (!visited.has(selection.name.value)) {
        visited.add(selection.name.value);
        const fragment = fragments.get(selection.name.value);
        if (fragment) walk(fragment.selectionSet);
      }
    }
  };
  if (operation.operation === 'query') walk(operation.selectionSet);
  return found;
}

/** The representations an `_entities` field was given: a variable's value, or a literal list. */
function representationsOf(field: FieldNode, variables: Record<string, unknown>): unknown[] {
  const argument = field.arguments?.find((candidate) => candidate.name.value === 'representations');
  if (!argument) return [];
  const value = argument.value.kind === Kind.VARIABLE ? variables[argument.value.name.value] : valueFromASTUntyped(argument.value, variables);
  // GraphQL coerces a single value into a list of one
  return Array.isArray(value) ? value : value === undefined || value === null ? [] : [value];
}

/**
 * JSON values of `value` (itself included), counting up to `budget` and no further, and its depth:
 * an oversized representation costs this walk at most `budget` steps.
 */
function sizeOf(value: unknown, budget: number, maxDepth: number): { values: number; tooDeep: boolean } {
  let values = 0;
  let tooDeep = false;
  const stack: [unknown, number][] = [[value, 1]];
  while (stack.length > 0 && values <= budget && !tooDeep) {
    const [current, depth] = stack.pop()!;
    values += 1;
    if (typeof current !== 'object' || current === null) continue;
    if (depth > maxDepth) tooDeep = true;
    const children = Array.isArray(current) ? current : Object.values(current);
    for (const child of children) stack.push([child, depth + 1]);
  }
  return { values, tooDeep };
}

/**
 * A subgraph's own limits, as an Apollo Server plugin: before anything is resolved, it refuses
 * (HTTP 400, nothing read) an operation deeper, with more aliases or costlier than allowed — the
 * gateway's measures (platform/measure-operation.ts), with `_entities` counted as the number of
 * representations it was given — and more or larger representations than allowed.
 */
export function subgraphLimitsPlugin<TContext extends BaseContext>(overrides: Partial<SubgraphLimits> = {}): ApolloServerPlugin<TContext> {
  const limits: SubgraphLimits = { ...DEFAULT_SUBGRAPH_LIMITS, ...overrides };
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ schema, document, request }) {
          const operation = getOperationAST(document, request.operationName ?? undefined);
          if (!operation) return;
          const variables = request.variables ?? {};
          const representations = new Map<FieldNode, unknown[]>(entityFields(document, operation).map((field) => [field, representationsOf(field, variables)]));
          const count = [...representations.values()].reduce((sum, list) => sum + list.length, 0);
          if (count > limits.maxRepresentations) {
            throw refused('TOO_MANY_REPRESENTATIONS', `The request carries ${count} entity representations; the limit is ${limits.maxRepresentations}.`, limits.maxRepresentations, count);
          }
          let total = 0;
          for (const list of representations.values()) {
            for (const [index, representation] of list.entries()) {
              const { values, tooDeep } = sizeOf(representation, limits.maxRepresentationValues, limits.maxRepresentationDepth);
              if (tooDeep) {
                throw refused('REPRESENTATION_TOO_LARGE', `Representation ${index} nests deeper than ${limits.maxRepresentationDepth} levels.`, limits.maxRepresentationDepth, limits.maxRepresentationDepth + 1);
              }
              if (values > limits.maxRepresentationValues) {
                throw refused('REPRESENTATION_TOO_LARGE', `Representation ${index} holds more than ${limits.maxRepresentationValues} values.`, limits.maxRepresentationValues, values);
              }
              total += values;
              if (total > limits.maxRepresentationValuesPerRequest) {
                throw refused(
                  'REPRESENTATION_TOO_LARGE',
                  `The request's representations hold more than ${limits.maxRepresentationValuesPerRequest} values together.`,
                  limits.maxRepresentationValuesPerRequest,
                  total,
                );
              }
            }
          }
          const measures = measureOperation(schema, document, {
            operationName: request.operationName,
            variables,
            defaultListSize: limits.defaultListSize,
            listSize: (field) => representations.get(field)?.length,
          });
          if (!measures) return;
          const breach = limitBreach(measures, limits, limits.defaultListSize);
          if (breach) throw refused(breach.code as ErrorCode, breach.message, breach.limit, breach.measured);
        },
      };
    },
  };
}
