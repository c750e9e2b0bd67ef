/**
 * ScopePolicy.check, remembered per operation and set of scopes: Apollo Server keeps one parsed
 * document per operation text, so the same operation asked again by callers with the same scopes
 * gets the decision without walking it again. An operation that selects `_entities` is checked
 * every time: what it needs depends on its representations, which variables may carry. Entries go
 * with the document (a WeakMap), and with the policy when the supergraph changes.
 */
import { BREAK, visit, type DocumentNode, type OperationDefinitionNode } from 'graphql';
import type { ScopePolicy, ScopeRefusal } from './authorization';

/** Distinct scope sets remembered per operation; past it, decisions are computed each time. */
const MAX_SCOPE_SETS = 64;

interface OperationDecisions {
  /** Does the document select `_entities` (whose needs depend on variables)? */
  variableDependent: boolean;
  byScopes: Map<string, ScopeRefusal | null>;
}

function selectsEntities(document: DocumentNode): boolean {
  let found = false;
  visit(document, {
    Field(node) {
      if (node.name.value !== '_entities') return undefined;
      found = true;
      return BREAK;
    },
  });
  return found;
}

export class ScopeDecisions {
  private readonly operations = new WeakMap<OperationDefinitionNode, OperationDecisions>();
  /** One key per scope set; a verified token's principal is reused (verified-tokens.ts), and its set with it. */
  private readonly scopeKeys = new WeakMap<ReadonlySet<string>, string>();

  constructor(readonly policy: ScopePolicy) {}

  check(scopes: ReadonlySet<string>, document: DocumentNode, operation: OperationDefinitionNode, variables: Record<string, unknown> = {}): ScopeRefusal | null {
    let decisions = this.operations.get(operation);
    if (!decisions) {
      decisions = { variableDependent: selectsEntities(document), byScopes: new Map() };
      this.operations.set(operation, decisions);
    }
    if (decisions.variableDependent) return this.policy.check(scopes, document, operation, variables);
    const key = this.keyOf(scopes);
    const known = decisions.byScopes.get(key);
    if (known !== undefined) return known;
    const decision = this.policy.check(scopes, document, operation, variables);
    if (decisions.byScopes.size < MAX_SCOPE_SETS) decisions.byScopes.set(key, decision);
    return decision;
  }

  private keyOf(scopes: ReadonlySet<string>): string {
    let key = this.scopeKeys.get(scopes);
    if (key === undefined) {
      key = [...scopes].sort().join(' ');
      this.scopeKeys.set(scopes, key);
    }
    return key;
  }
}
