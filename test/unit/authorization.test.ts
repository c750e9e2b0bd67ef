import { describe, expect, it } from 'vitest';
import { getOperationAST, parse } from 'graphql';
import { buildSubgraphSchema } from '@apollo/subgraph';
import { ScopePolicy, describeRequirement, satisfies, scopeDirectives } from '../../platform/authorization';
import { enforcedSupergraph } from '../../gateway/src/plugins/auth';
import { composeProductSupergraph } from '../../schema/composition';
import { READ_REQUIREMENT, requiresScopes, roleScopes } from '../../subgraphs/common/scopes';

const SDL = parse(`
extend schema @link(url: "https://specs.apollo.dev/federation/v2.7", import: ["@key", "@requiresScopes"])

interface Thing { id: ID! secret: String }

type Box implements Thing @key(fields: "id") ${READ_REQUIREMENT} {
  id: ID!
  secret: String ${requiresScopes(['audit'])}
  label: String
}

type Crate implements Thing @key(fields: "id") ${READ_REQUIREMENT} {
  id: ID!
  secret: String ${requiresScopes(['audit'])}
}

type Open { note: String }

type Query {
  things: [Thing!]! ${READ_REQUIREMENT}
  open: Open
  both: String ${requiresScopes(['a', 'b'])}
}

type Mutation {
  declared(x: Int): Int ${requiresScopes(['box:write'])}
  undeclared(x: Int): Int
  returnsBox: Box ${requiresScopes(['box:write'])}
}
`);

// Built by @apollo/subgraph, that is by graphql's CommonJS copy, as in the servers.
const schema = buildSubgraphSchema({ typeDefs: SDL, resolvers: {} });
const policy = ScopePolicy.fromSdl(schema, SDL, []);

function check(scopes: string[], query: string, variables: Record<string, unknown> = {}) {
  const document = parse(query);
  return policy.check(new Set(scopes), document, getOperationAST(document)!, variables);
}

describe('scope requirements', () => {
  it('reads @requiresScopes of types and fields', () => {
    const directives = scopeDirectives(SDL);
    expect(directives.types.get('Box')).toEqual([[['group:read'], ['bi:read']]]);
    expect(directives.fields.get('Box.secret')).toEqual([[['audit']]]);
    expect(directives.fields.get('Query.both')).toEqual([[['a', 'b']]]);
  });

  it('is "any of" the alternatives and "all of" one alternative', () => {
    expect(satisfies(new Set(['bi:read']), [['group:read'], ['bi:read']])).toBe(true);
    expect(satisfies(new Set(['a']), [['a', 'b']])).toBe(false);
    expect(satisfies(new Set(['a', 'b']), [['a', 'b']])).toBe(true);
    expect(satisfies(new Set(['a']), [])).toBe(false);
    expect(describeRequirement([['group:read'], ['bi:read']])).toBe('group:read or bi:read');
  });

  it('lets a field through with one of its alternatives, and refuses it without', () => {
    expect(check(['group:read'], '{ things { id } }')).toBeNull();
    expect(check(['bi:read'], '{ things { id } }')).toBeNull();
    expect(check(['subsidiary:IN:write'], '{ things { id } }')).toEqual({ coordinate: 'Query.things', requirement: [['group:read'], ['bi:read']] });
    expect(check([], '{ open { note } __typename }')).toBeNull();
    expect(check(['a'], '{ both }')?.coordinate).toBe('Query.both');
    expect(check(['a', 'b'], '{ both }')).toBeNull();
  });

  it('gives an interface field what it needs on every implementation, through fragments too', () => {
    expect(check(['group:read'], '{ things { secret } }')?.coordinate).toBe('Thing.secret');
    expect(check(['group:read', 'audit'], '{ things { secret } }')).toBeNull();
    expect(check(['group:read'], '{ things { ... on Box { secret } } }')?.coordinate).toBe('Box.secret');
    expect(check(['group:read'], '{ things { ...S } } fragment S on Crate { secret }')?.coordinate).toBe('Crate.secret');
    expect(check(['group:read'], 'query { things { ...L } } fragment L on Box { label }')).toBeNull();
  });

  it('protects a type wherever it is returned, and all of its fields', () => {
    expect(check(['box:write'], 'mutation { returnsBox { id } }')?.coordinate).toBe('Mutation.returnsBox');
    expect(check(['box:write', 'group:read'], 'mutation { returnsBox { label } }')).toBeNull();
  });

  it('refuses a mutation that declares nothing (fail closed), and checks declared ones', () => {
    expect(check(['group:read', 'audit', 'box:write'], 'mutation { undeclared(x: 1) }')).toEqual({ coordinate: 'Mutation.undeclared', requirement: [] });
    expect(check(['group:read'], 'mutation { declared(x: 1) }')?.coordinate).toBe('Mutation.declared');
    expect(check(['box:write'], 'mutation { declared(x: 1) }')).toBeNull();
    const lenient = ScopePolicy.fromSdl(schema, SDL, [['box:write']]);
    const document = parse('mutation { undeclared(x: 1) }');
    expect(lenient.check(new Set(['box:write']), document, getOperationAST(document)!)).toBeNull();
  });

  it('checks _entities against the type of every representation, from variables or literals', () => {
    const query = 'query($r: [_Any!]!) { _entities(representations: $r) { ... on Box { label } } }';
    expect(check([], query, { r: [{ __typename: 'Box', id: '1' }] })?.coordinate).toBe('Box');
    expect(check(['bi:read'], query, { r: [{ __typename: 'Box', id: '1' }] })).toBeNull();
    expect(check([], '{ _entities(representations: [{ __typename: "Crate", id: "1" }]) { __typename } }')?.coordinate).toBe('Crate');
    expect(check([], '{ _service { sdl } }')).toBeNull();
  });

  // finding 5: representations given as a list of variables, a variable's default, or of no known type went unchecked
  it.each<[string, string, Record<string, unknown>]>([
    ['a list of variables', 'query($r: _Any!) { _entities(representations: [$r]) { __typename } }', { r: { __typename: 'Box', id: '1' } }],
    ['a list mixing a literal and a variable', 'query($r: _Any!) { _entities(representations: [{ __typename: "Open", id: "x" }, $r]) { __typename } }', { r: { __typename: 'Crate', id: '1' } }],
    ['a variable inside a literal', 'query($t: String!) { _entities(representations: [{ __typename: $t, id: "1" }]) { __typename } }', { t: 'Box' }],
    ["a variable's default value", 'query($r: [_Any!]! = [{ __typename: "Box", id: "1" }]) { _entities(representations: $r) { __typename } }', {}],
    ['a single representation, not a list', 'query($r: [_Any!]!) { _entities(representations: $r) { __typename } }', { r: { __typename: 'Crate', id: '1' } }],
    ['a representation without __typename', 'query($r: [_Any!]!) { _entities(representations: $r) { __typename } }', { r: [{ id: '1' }] }],
    ['a representation of a type the schema lacks', '{ _entities(representations: [{ __typename: "Nope", id: "1" }]) { __typename } }', {}],
    ['a representation that is not an object', 'query($r: [_Any!]!) { _entities(representations: $r) { __typename } }', { r: ['Box'] }],
    ['a __typename that is not a string', 'query($r: [_Any!]!) { _entities(representations: $r) { __typename } }', { r: [{ __typename: ['Box'], id: '1' }] }],
  ])('checks _entities whatever the form of the representations: %s', (_name, query, variables) => {
    expect(check([], query, variables), 'a token without scopes').not.toBeNull();
    expect(check(['bi:read'], query, variables), 'a reader').toBeNull();
  });
});

describe('the product schema', () => {
  const { supergraphSdl } = composeProductSupergraph();

  it('keeps @requiresScopes in the supergraph, for the gateway to enforce', () => {
    const directives = scopeDirectives(parse(supergraphSdl));
    expect(directives.fields.get('Mutation.indiaRecordExpense')).toEqual([[['subsidiary:IN:write']]]);
    expect(directives.fields.get('Query.groupReport')).toEqual([[['group:read'], ['bi:read']]]);
    expect(directives.fields.get('IndiaSubsidiary.auditLog')).toEqual([[['group:audit'], ['subsidiary:IN:write']]]);
    expect(directives.types.get('JapanExpense')).toEqual([[['group:read'], ['bi:read']]]);
  });

  it('is served only by a gateway that enforces it', () => {
    expect(supergraphSdl).toContain('@link(url: "https://specs.apollo.dev/requiresScopes/v0.1", for: SECURITY)');
    const served = enforcedSupergraph(supergraphSdl, true);
    expect(served).toContain('@link(url: "https://specs.apollo.dev/requiresScopes/v0.1")');
    expect(served).toContain('@link(url: "https://specs.apollo.dev/join/v0.4", for: EXECUTION)');
    expect(served.replace('@link(url: "https://specs.apollo.dev/requiresScopes/v0.1")', '')).toBe(
      supergraphSdl.replace('@link(url: "https://specs.apollo.dev/requiresScopes/v0.1", for: SECURITY)', ''),
    );
    expect(() => enforcedSupergraph(supergraphSdl, false)).toThrow(/AUTH_JWKS_URL, AUTH_JWT_PUBLIC_KEY or AUTH_JWT_SECRET/);
    const foreign = supergraphSdl.replace('\n  @link(url: "https://specs.apollo.dev/requiresScopes/v0.1", for: SECURITY)', '');
    expect(enforcedSupergraph(foreign, false)).toBe(foreign);
  });

  it('names the roles', () => {
    expect(roleScopes('hq')).toEqual(['group:read', 'group:audit', 'group:write', 'group:close']);
    expect(roleScopes('regional:IN')).toEqual(['group:read', 'subsidiary:IN:write']);
    expect(roleScopes('bi')).toEqual(['bi:read']);
    expect(roleScopes('admin')).toContain('subsidiary:TH:write');
    expect(roleScopes('regional:XX')).toBeNull();
    expect(roleScopes('root')).toBeNull();
  });
});
