import {
  Kind,
  getOperationAST,
  type DocumentNode,
  type FieldNode,
  type FragmentDefinitionNode,
  type GraphQLCompositeType,
  type GraphQLField,
  type GraphQLInterfaceType,
  type GraphQLList,
  type GraphQLNamedType,
  type GraphQLNonNull,
  type GraphQLObjectType,
  type GraphQLOutputType,
  type GraphQLSchema,
  type GraphQLType,
  type SelectionNode,
  type SelectionSetNode,
  type ValueNode,
} from 'graphql';

/** Items a list field is assumed to return when no `first`/`last` argument says how many. */
export const DEFAULT_LIST_SIZE = 10;

/** Arguments that set how many items a field returns (list fields, or the lists inside a connection). */
const PAGE_ARGUMENTS = ['first', 'last'] as const;

export interface PageArgument {
  argument: (typeof PAGE_ARGUMENTS)[number];
  value: number;
  /** `Type.field` the argument was given to. */
  field: string;
}

export interface OperationMeasures {
  /** Fields on the longest path from the root: `{ a { b } }` is 2. An introspection field counts as one. */
  depth: number;
  /** Aliased fields, a fragment counted once for every place it is spread. */
  aliases: number;
  /**
   * Estimated fields the operation resolves: each field costs 1, and a list field multiplies the cost
   * of its selection by the items it may return. Introspection fields cost 1: they are answered from
   * the schema, never by a subgraph.
   */
  cost: number;
  /** The largest `first`/`last` the caller gave (literal or variable), or null. */
  largestPage: PageArgument | null;
}

export interface MeasureOptions {
  operationName?: string | null;
  /** The request's variables as sent (`first: $first` reads its value here). */
  variables?: Record<string, unknown> | null;
  defaultListSize?: number;
  /**
   * Items a list field returns when the caller knows better than its `first`/`last` (a subgraph's
   * `_entities` returns one per representation); undefined leaves the estimate as it is.
   */
  listSize?: (field: FieldNode, parentTypeName: string | undefined) => number | undefined;
}

// The gateway's schema is built by the CommonJS copy of graphql (@apollo/gateway requires it), while
// this module may get the ES module copy: graphql's instanceof-based predicates (isListType, …) refuse
// types of the other copy, so types are told apart by their tag, which both copies give.
function tagOf(type: GraphQLType | GraphQLNamedType): string | undefined {
  return (type as { [Symbol.toStringTag]?: string })[Symbol.toStringTag];
}

function isList(type: GraphQLType): type is GraphQLList<GraphQLOutputType> {
  return tagOf(type) === 'GraphQLList';
}

function nullable(type: GraphQLOutputType): GraphQLOutputType {
  return tagOf(type) === 'GraphQLNonNull' ? (type as GraphQLNonNull<GraphQLOutputType>).ofType : type;
}

function named(type: GraphQLOutputType): GraphQLNamedType {
  let inner: GraphQLType = type;
  while ('ofType' in inner && inner.ofType) inner = inner.ofType as GraphQLType;
  return inner as GraphQLNamedType;
}

function withFields(type: GraphQLNamedType | undefined): type is GraphQLObjectType | GraphQLInterfaceType {
  return !!type && ['GraphQLObjectType', 'GraphQLInterfaceType'].includes(tagOf(type) ?? '');
}

function composite(type: GraphQLNamedType | undefined): GraphQLCompositeType | undefined {
  return type && (withFields(type) || tagOf(type) === 'GraphQLUnionType') ? (type as GraphQLCompositeType) : undefined;
}

const NOTHING: OperationMeasures = { depth: 0, aliases: 0, cost: 0, largestPage: null };

function larger(a: PageArgument | null, b: PageArgument | null): PageArgument | null {
  if (!a) return b;
  if (!b) return a;
  return b.value > a.value ? b : a;
}

/** Measures of selections side by side: the deepest, and the sums. */
function besides(a: OperationMeasures, b: OperationMeasures): OperationMeasures {
  return { depth: Math.max(a.depth, b.depth), aliases: a.aliases + b.aliases, cost: a.cost + b.cost, largestPage: larger(a.largestPage, b.largestPage) };
}

/**
 * Measures one operation of a document against a schema, for any schema (the gateway's limits,
 * gateway/src/plugins/limits.ts, and every subgraph's, subgraphs/common/limits.ts): fragments (named and
 * inline) are followed, each named fragment measured once per context so that fragments spread many
 * times cost no extra work, and a fragment cycle (which validation refuses) is cut instead of looped.
 * Selections skipped by a literal or variable `@skip`/`@include` are left out. Returns null when the
 * document has no such operation.
 */
export function measureOperation(schema: GraphQLSchema, document: DocumentNode, options: MeasureOptions = {}): OperationMeasures | null {
  const operation = getOperationAST(document, options.operationName ?? undefined);
  if (!operation) return null;
  const variables = options.variables ?? {};
  const defaultListSize = options.defaultListSize ?? DEFAULT_LIST_SIZE;
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const definition of document.definitions) {
    if (definition.kind === Kind.FRAGMENT_DEFINITION) fragments.set(definition.name.value, definition);
  }
  const variableDefaults = new Map<string, ValueNode>();
  for (const definition of operation.variableDefinitions ?? []) {
    if (definition.defaultValue) variableDefaults.set(definition.variable.name.value, definition.defaultValue);
  }
  const measured = new Map<string, OperationMeasures>();
  const visiting = new Set<string>();

  /** A literal, or the variable's value (sent, else its default in the operation). */
  function literal(value: ValueNode): unknown {
    if (value.kind === Kind.VARIABLE) {
      const name = value.name.value;
      if (variables[name] !== undefined) return variables[name];
      const fallback = variableDefaults.get(name);
      return fallback && fallback.kind !== Kind.VARIABLE ? literal(fallback) : undefined;
    }
    if (value.kind === Kind.INT) return Number(value.value);
    if (value.kind === Kind.BOOLEAN) return value.value;
    return undefined;
  }

  function included(selection: SelectionNode): boolean {
    for (const directive of selection.directives ?? []) {
      const name = directive.name.value;
      if (name !== 'skip' && name !== 'include') continue;
      const condition = directive.arguments?.find((argument) => argument.name.value === 'if');
      const value = condition ? literal(condition.value) : undefined;
      if (typeof value !== 'boolean') continue; // unknown: count it, the estimate stays an upper bound
      if (name === 'skip' ? value : !value) return false;
    }
    return true;
  }

  function compositeType(name: string): GraphQLCompositeType | undefined {
    return composite(schema.getType(name));
  }

  /** `__schema` and `__type` on the query root. */
  function introspectionRoot(parent: GraphQLCompositeType | undefined, name: string): boolean {
    return (name === '__schema' || name === '__type') && !!parent && parent.name === schema.getQueryType()?.name;
  }

  /** The field's definition; undefined for `__typename` (a leaf) and fields the schema lacks. */
  function fieldDefinition(parent: GraphQLCompositeType | undefined, name: string): GraphQLField<unknown, unknown> | undefined {
    return withFields(parent) ? parent.getFields()[name] : undefined;
  }

  function selectionSet(set: SelectionSetNode, parent: GraphQLCompositeType | undefined, pageOfLists: number | undefined): OperationMeasures {
    let total = NOTHING;
    for (const selection of set.selections) {
      if (!included(selection)) continue;
      if (selection.kind === Kind.FIELD) total = besides(total, field(selection, parent, pageOfLists));
      else if (selection.kind === Kind.INLINE_FRAGMENT) {
        const type = selection.typeCondition ? compositeType(selection.typeCondition.name.value) : parent;
        total = besides(total, selectionSet(selection.selectionSet, type, pageOfLists));
      } else total = besides(total, spread(selection.name.value, pageOfLists));
    }
    return total;
  }

  function spread(name: string, pageOfLists: number | undefined): OperationMeasures {
    const key = `${name}\u0000${pageOfLists ?? ''}`;
    const known = measured.get(key);
    if (known) return known;
    const fragment = fragments.get(name);
    // an unknown fragment or a cycle: validation refuses both, this only has to stop
    if (!fragment || visiting.has(name)) return NOTHING;
    visiting.add(name);
    try {
      const result = selectionSet(fragment.selectionSet, compositeType(fragment.typeCondition.name.value), pageOfLists);
      measured.set(key, result);
      return result;
    } finally {
      visiting.delete(name);
    }
  }

  /** `first`/`last` the caller gave this field, and the items it asks for (the schema's default if none given). */
  function pageOf(node: FieldNode, definition: GraphQLField<unknown, unknown> | undefined, parent: GraphQLCompositeType | undefined) {
    let given: PageArgument | null = null;
    let size: number | undefined;
    for (const argument of node.arguments ?? []) {
      const name = argument.name.value;
      if (!(PAGE_ARGUMENTS as readonly string[]).includes(name)) continue;
      const value = literal(argument.value);
      if (typeof value !== 'number') continue;
      given = larger(given, { argument: name as PageArgument['argument'], value, field: `${parent?.name ?? '?'}.${node.name.value}` });
      size = Math.min(size ?? Infinity, Math.max(0, value));
    }
    if (size === undefined) {
      for (const argument of definition?.args ?? []) {
        if ((PAGE_ARGUMENTS as readonly string[]).includes(argument.name) && typeof argument.defaultValue === 'number') {
          size = Math.min(size ?? Infinity, Math.max(0, argument.defaultValue));
        }
      }
    }
    return { given, size };
  }

  function field(node: FieldNode, parent: GraphQLCompositeType | undefined, pageOfLists: number | undefined): OperationMeasures {
    const alias = node.alias ? 1 : 0;
    if (introspectionRoot(parent, node.name.value)) {
      // bounded by the schema's size and by graphql-js's MaxIntrospectionDepthRule; only aliases count
      const type = compositeType(node.name.value === '__schema' ? '__Schema' : '__Type');
      const inner = node.selectionSet ? selectionSet(node.selectionSet, type, undefined) : NOTHING;
      return { depth: 1, aliases: alias + inner.aliases, cost: 1, largestPage: null };
    }
    const definition = fieldDefinition(parent, node.name.value);
    const type: GraphQLOutputType | undefined = definition?.type;
    const childType = type ? composite(named(type)) : undefined;

    const paged = pageOf(node, definition, parent);
    const { given } = paged;
    const size = options.listSize?.(node, parent?.name) ?? paged.size;
    // [T] returns `size` items (or the connection's page, or the default); [[T]] multiplies again by the default
    let multiplier = 1;
    let wrapped: GraphQLOutputType | undefined = type ? nullable(type) : undefined;
    let lists = 0;
    while (wrapped && isList(wrapped)) {
      multiplier *= lists === 0 ? (size ?? pageOfLists ?? defaultListSize) : defaultListSize;
      lists += 1;
      wrapped = nullable(wrapped.ofType);
    }
    // a connection (a non-list field with first/last): its page size applies to the lists directly inside (nodes, edges)
    const inner = node.selectionSet ? selectionSet(node.selectionSet, childType, lists === 0 ? size : undefined) : NOTHING;
    return {
      depth: 1 + inner.depth,
      aliases: alias + inner.aliases,
      cost: 1 + multiplier * inner.cost,
      largestPage: larger(given, inner.largestPage),
    };
  }

  const root = schema.getRootType(operation.operation) ?? undefined;
  return selectionSet(operation.selectionSet, root, undefined);
}

/** Bounds on one operation, as the gateway and every subgraph apply them. */
export interface OperationLimits {
  /** Fields on the longest path from the root. */
  maxDepth: number;
  /** Aliased fields in the operation, fragments expanded. */
  maxAliases: number;
  /** Estimated fields resolved (see measureOperation). */
  maxCost: number;
  /** Largest `first`/`last` a caller may pass; unchecked when absent. */
  maxPageSize?: number;
}

/** The codes an operation over its limits is refused with (the gateway's errors.ts and the subgraphs' registry let them through). */
export const OPERATION_LIMIT_CODES = {
  tooDeep: 'QUERY_TOO_DEEP',
  tooManyAliases: 'TOO_MANY_ALIASES',
  tooCostly: 'QUERY_TOO_COSTLY',
  pageTooLarge: 'PAGE_SIZE_TOO_LARGE',
} as const;

/** Which limit an operation goes over: its code, a message naming the limit and the measured value. */
export interface LimitBreach {
  code: (typeof OPERATION_LIMIT_CODES)[keyof typeof OPERATION_LIMIT_CODES];
  message: string;
  limit: number;
  measured: number;
}

function shown(value: number): string {
  return value < 1e15 ? Math.round(value).toLocaleString('en-US') : value.toExponential(2);
}

/** The first limit the measured operation goes over (page size, depth, aliases, cost), or null. */
export function limitBreach(measures: OperationMeasures, limits: OperationLimits, defaultListSize = DEFAULT_LIST_SIZE): LimitBreach | null {
  const page = measures.largestPage;
  if (limits.maxPageSize !== undefined && page && page.value > limits.maxPageSize) {
    return {
      code: OPERATION_LIMIT_CODES.pageTooLarge,
      message: `${page.argument}: ${page.value} on ${page.field} is larger than the largest page allowed, ${limits.maxPageSize}.`,
      limit: limits.maxPageSize,
      measured: page.value,
    };
  }
  if (measures.depth > limits.maxDepth) {
    return { code: OPERATION_LIMIT_CODES.tooDeep, message: `The operation is ${measures.depth} fields deep; the limit is ${limits.maxDepth}.`, limit: limits.maxDepth, measured: measures.depth };
  }
  if (measures.aliases > limits.maxAliases) {
    return {
      code: OPERATION_LIMIT_CODES.tooManyAliases,
      message: `The operation has ${measures.aliases} aliased fields; the limit is ${limits.maxAliases}.`,
      limit: limits.maxAliases,
      measured: measures.aliases,
    };
  }
  if (measures.cost > limits.maxCost) {
    return {
      code: OPERATION_LIMIT_CODES.tooCostly,
      message:
        `The operation's estimated cost is ${shown(measures.cost)}; the limit is ${shown(limits.maxCost)}. ` +
        `Ask for smaller pages (first/last) or fewer nested lists; a list without first/last counts as ${defaultListSize} items.`,
      limit: limits.maxCost,
      measured: measures.cost,
    };
  }
  return null;
}
