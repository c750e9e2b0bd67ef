/**
 * Authorization declared in the schema with federation's `@requiresScopes(scopes: [[String!]!]!)`:
 * the outer list is "any of", each inner list "all of". Apollo Gateway does not enforce it, so the
 * gateway (from the supergraph) and every subgraph (from its own SDL) check each operation here,
 * before anything resolves.
 *
 * What a field needs, all of:
 *   - the directive on the field itself;
 *   - the directive on its parent object type (a protected type protects all its fields);
 *   - the directive on the type it returns (a protected type is protected wherever it is reached);
 *   - on an interface field, what the field needs on every implementation.
 * `_entities` needs what each representation's type needs (its return type, the union of every
 * entity, is not counted), whatever form the representations take: a literal list, a variable, a
 * list of variables, a variable's default value. A representation whose type cannot be told (no
 * `__typename`, a type the schema lacks, not an object) needs what every entity type needs: the
 * check fails closed. Meta-fields (`__typename`, introspection) need nothing here.
 * A subgraph may fail closed on mutations: `unannotatedMutations` is what a Mutation field without
 * a directive of its own needs (`[]`, any of nothing, refuses it).
 */
import {
  Kind,
  type ConstDirectiveNode,
  type GraphQLAbstractType,
  type DocumentNode,
  type FragmentDefinitionNode,
  type GraphQLCompositeType,
  type GraphQLField,
  type GraphQLNamedType,
  type GraphQLObjectType,
  type GraphQLSchema,
  type GraphQLType,
  type OperationDefinitionNode,
  type SelectionSetNode,
  type ValueNode,
  valueFromASTUntyped,
} from 'graphql';

// Schemas reach this module from Apollo, built by graphql's CommonJS copy, while the project's own
// files may get its ESM copy (under Vite); graphql's instanceof-based helpers refuse objects of the
// other copy, so types are told apart by their tag and walked with their own methods.
const tagOf = (type: unknown) => (type as { [Symbol.toStringTag]?: string })[Symbol.toStringTag];
const isAbstract = (type: GraphQLNamedType) => tagOf(type) === 'GraphQLInterfaceType' || tagOf(type) === 'GraphQLUnionType';
const hasFields = (type: GraphQLNamedType): type is GraphQLObjectType => tagOf(type) === 'GraphQLObjectType' || tagOf(type) === 'GraphQLInterfaceType';
function namedType(type: GraphQLType): GraphQLNamedType {
  let inner: GraphQLType = type;
  while ('ofType' in inner && inner.ofType) inner = inner.ofType as GraphQLType;
  return inner as GraphQLNamedType;
}

/** Any of the inner lists; every scope of one inner list. */
export type ScopeRequirement = readonly (readonly string[])[];

/** The `@requiresScopes` applications of a schema document, by type and by "Type.field". */
export interface ScopeDirectives {
  types: ReadonlyMap<string, ScopeRequirement[]>;
  fields: ReadonlyMap<string, ScopeRequirement[]>;
}

const SPEC = 'https://specs.apollo.dev/requiresScopes/';

/** Name the document gives the directive: `@link(url: ".../requiresScopes/v0.1", as: "…")`, else requiresScopes. */
function directiveNames(document: DocumentNode): Set<string> {
  const names = new Set(['requiresScopes', 'federation__requiresScopes']);
  for (const definition of document.definitions) {
    if (definition.kind !== Kind.SCHEMA_DEFINITION && definition.kind !== Kind.SCHEMA_EXTENSION) continue;
    for (const directive of definition.directives ?? []) {
      if (directive.name.value !== 'link') continue;
      const arg = (name: string) => directive.arguments?.find((candidate) => candidate.name.value === name)?.value;
      const url = arg('url');
      const as = arg('as');
      if (url?.kind === Kind.STRING && url.value.startsWith(SPEC) && as?.kind === Kind.STRING) names.add(as.value);
    }
  }
  return names;
}

function stringLists(value: ValueNode | undefined): ScopeRequirement | null {
  if (value?.kind !== Kind.LIST) return null;
  const outer: string[][] = [];
  for (const item of value.values) {
    if (item.kind !== Kind.LIST) return null;
    const inner = item.values.map((scope) => (scope.kind === Kind.STRING ? scope.value : null));
    if (inner.some((scope) => scope === null)) return null;
    outer.push(inner as string[]);
  }
  return outer;
}

/** Reads every `@requiresScopes` of a subgraph SDL or a supergraph SDL. */
export function scopeDirectives(document: DocumentNode): ScopeDirectives {
  const names = directiveNames(document);
  const types = new Map<string, ScopeRequirement[]>();
  const fields = new Map<string, ScopeRequirement[]>();
  const collect = (into: Map<string, ScopeRequirement[]>, key: string, directives: readonly ConstDirectiveNode[] | undefined) => {
    for (const directive of directives ?? []) {
      if (!names.has(directive.name.value)) continue;
      const requirement = stringLists(directive.arguments?.find((arg) => arg.name.value === 'scopes')?.value);
      if (!requirement) throw new Error(`@${directive.name.value} on ${key} must be given scopes: [[String!]!]!`);
      into.set(key, [...(into.get(key) ?? []), requirement]);
    }
  };
  for (const definition of document.definitions) {
    switch (definition.kind) {
      case Kind.OBJECT_TYPE_DEFINITION:
      case Kind.OBJECT_TYPE_EXTENSION:
      case Kind.INTERFACE_TYPE_DEFINITION:
      case Kind.INTERFACE_TYPE_EXTENSION:
        collect(types, definition.name.value, definition.directives);
        for (const field of definition.fields ?? []) collect(fields, `${definition.name.value}.${field.name.value}`, field.directives);
        break;
      case Kind.SCALAR_TYPE_DEFINITION:
      case Kind.ENUM_TYPE_DEFINITION:
        collect(types, definition.name.value, definition.directives);
        break;
      default:
    }
  }
  return { types, fields };
}

export function satisfies(scopes: ReadonlySet<string>, requirement: ScopeRequirement): boolean {
  return requirement.some((all) => all.every((scope) => scopes.has(scope)));
}

export function describeRequirement(requirement: ScopeRequirement): string {
  return requirement.map((all) => all.join(' + ')).join(' or ');
}

/** A field the caller may not use, and what it would need. */
export interface ScopeRefusal {
  coordinate: string;
  requirement: ScopeRequirement;
}

/** The requirements of one schema, resolved per type and field (memoised). */
export class ScopePolicy {
  private readonly typeCache = new Map<string, ScopeRequirement[]>();
  private readonly fieldCache = new Map<string, ScopeRequirement[]>();

  constructor(
    readonly schema: GraphQLSchema,
    private readonly directives: ScopeDirectives,
    private readonly unannotatedMutations: ScopeRequirement | null = null,
  ) {}

  static fromSdl(schema: GraphQLSchema, sdl: DocumentNode, unannotatedMutations: ScopeRequirement | null = null): ScopePolicy {
    return new ScopePolicy(schema, scopeDirectives(sdl), unannotatedMutations);
  }

  /** True when no field or type of the schema declares a requirement. */
  get empty(): boolean {
    return this.directives.types.size === 0 && this.directives.fields.size === 0 && this.unannotatedMutations === null;
  }

  /** A type's own requirements; an abstract type's include every possible type's. */
  typeRequirements(type: GraphQLNamedType): ScopeRequirement[] {
    let cached = this.typeCache.get(type.name);
    if (!cached) {
      cached = [...(this.directives.types.get(type.name) ?? [])];
      if (isAbstract(type)) for (const possible of this.schema.getPossibleTypes(type as GraphQLAbstractType)) cached.push(...(this.directives.types.get(possible.name) ?? []));
      this.typeCache.set(type.name, cached);
    }
    return cached;
  }

  fieldRequirements(parent: GraphQLCompositeType, fieldName: string): ScopeRequirement[] {
    const key = `${parent.name}.${fieldName}`;
    let cached = this.fieldCache.get(key);
    if (cached) return cached;
    const own = this.directives.fields.get(key) ?? [];
    const isMutation = parent === this.schema.getMutationType();
    cached = [...own, ...(isMutation && own.length === 0 && this.unannotatedMutations ? [this.unannotatedMutations] : []), ...(this.directives.types.get(parent.name) ?? [])];
    if (hasFields(parent)) {
      const field = parent.getFields()[fieldName];
      const isEntities = parent === this.schema.getQueryType() && fieldName === '_entities';
      if (field && !isEntities) cached.push(...this.typeRequirements(namedType(field.type)));
    }
    if (isAbstract(parent)) {
      for (const possible of this.schema.getPossibleTypes(parent as GraphQLAbstractType)) {
        if (possible.getFields()[fieldName]) cached.push(...this.fieldRequirements(possible, fieldName));
      }
    }
    this.fieldCache.set(key, cached);
    return cached;
  }

  /**
   * The first field of the operation (fragments included) whose requirements the scopes do not
   * meet, or null when the caller may run it.
   */
  check(scopes: ReadonlySet<string>, document: DocumentNode, operation: OperationDefinitionNode, variables: Record<string, unknown> = {}): ScopeRefusal | null {
    if (this.empty) return null;
    const fragments = new Map(
      document.definitions.filter((definition): definition is FragmentDefinitionNode => definition.kind === Kind.FRAGMENT_DEFINITION).map((fragment) => [fragment.name.value, fragment]),
    );
    const root = operation.operation === 'mutation' ? this.schema.getMutationType() : operation.operation === 'subscription' ? this.schema.getSubscriptionType() : this.schema.getQueryType();
    const checked = new Set<string>();
    const refuse = (coordinate: string, requirements: readonly ScopeRequirement[]): ScopeRefusal | null => {
      const unmet = requirements.find((requirement) => !satisfies(scopes, requirement));
      return unmet ? { coordinate, requirement: unmet } : null;
    };

    const walk = (selectionSet: SelectionSetNode, parent: GraphQLNamedType): ScopeRefusal | null => {
      for (const selection of selectionSet.selections) {
        let refusal: ScopeRefusal | null = null;
        if (selection.kind === Kind.FIELD) {
          const name = selection.name.value;
          const field = hasFields(parent) ? (parent.getFields()[name] as GraphQLField<unknown, unknown> | undefined) : undefined;
          if (name.startsWith('__') || !field) continue; // meta-fields; unknown fields fail validation
          refusal = refuse(`${parent.name}.${name}`, this.fieldRequirements(parent as GraphQLCompositeType, name));
          if (!refusal && parent === this.schema.getQueryType() && name === '_entities') {
            const representations = selection.arguments?.find((arg) => arg.name.value === 'representations')?.value;
            refusal = this.entitiesRefusal(representations, effectiveVariables(operation, variables), field, refuse);
          }
          if (!refusal && selection.selectionSet) refusal = walk(selection.selectionSet, namedType(field.type));
        } else if (selection.kind === Kind.INLINE_FRAGMENT) {
          const type = selection.typeCondition ? this.schema.getType(selection.typeCondition.name.value) : parent;
          if (type) refusal = walk(selection.selectionSet, type);
        } else {
          const fragment = fragments.get(selection.name.value);
          const type = fragment && this.schema.getType(fragment.typeCondition.name.value);
          // a fragment's fields depend on its type condition only: checked once
          if (fragment && type && !checked.has(fragment.name.value)) {
            checked.add(fragment.name.value);
            refusal = walk(fragment.selectionSet, type);
          }
        }
        if (refusal) return refusal;
      }
      return null;
    };
    return root ? walk(operation.selectionSet, root) : null;
  }

  /** `_entities` needs what each representation's type needs; an unknown type, what every entity type needs. */
  private entitiesRefusal(
    argument: ValueNode | undefined,
    variables: Record<string, unknown>,
    field: GraphQLField<unknown, unknown>,
    refuse: (coordinate: string, requirements: readonly ScopeRequirement[]) => ScopeRefusal | null,
  ): ScopeRefusal | null {
    // the argument as GraphQL will coerce it: variables (or their defaults) put in, a single value as a list of one
    const value = argument ? valueFromASTUntyped(argument, variables) : undefined;
    const representations = Array.isArray(value) ? value : [value];
    const typeNames = new Set<string | null>();
    for (const representation of representations) {
      const typename = typeof representation === 'object' && representation !== null ? (representation as { __typename?: unknown }).__typename : undefined;
      const type = typeof typename === 'string' ? this.schema.getType(typename) : undefined;
      typeNames.add(type ? type.name : null);
    }
    for (const typeName of typeNames) {
      // fail closed: a representation of no known type needs what any entity of `_entities` could need
      const requirements = typeName === null ? this.typeRequirements(namedType(field.type)) : this.typeRequirements(this.schema.getType(typeName)!);
      const refusal = refuse(typeName ?? 'Query._entities', requirements);
      if (refusal) return refusal;
    }
    return null;
  }
}

/** The operation's variables as execution sees them: the given values, else each variable's default. */
function effectiveVariables(operation: OperationDefinitionNode, variables: Record<string, unknown>): Record<string, unknown> {
  const effective: Record<string, unknown> = { ...variables };
  for (const definition of operation.variableDefinitions ?? []) {
    const name = definition.variable.name.value;
    if (effective[name] === undefined && definition.defaultValue) effective[name] = valueFromASTUntyped(definition.defaultValue, {});
  }
  return effective;
}

/** The message the gateway and subgraphs refuse an operation with (code FORBIDDEN, HTTP 403). */
export function refusalMessage(refusal: ScopeRefusal): string {
  return `Not allowed: ${refusal.coordinate} requires the scope ${describeRequirement(refusal.requirement)}`;
}
