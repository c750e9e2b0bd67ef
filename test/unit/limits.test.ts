/**
 * The measures behind the gateway's query limits (platform/measure-operation.ts), against a
 * small schema unrelated to CSR, and the limits' configuration.
 */
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { buildSchema, getIntrospectionQuery, parse, printSchema, validate } from 'graphql';
import { DEFAULT_LIST_SIZE, measureOperation, type MeasureOptions } from '../../platform/measure-operation';
import { ConfigError, loadGatewayConfig } from '../../gateway/src/config';

const schema = buildSchema(/* GraphQL */ `
  type Query {
    shop(id: ID!): Shop
    shops: [Shop!]!
    products(first: Int, last: Int): [Product!]!
    "A connection: its page size applies to the lists inside."
    productPage(first: Int = 20, after: String): ProductPage!
    search(text: String!): [SearchResult!]!
    node(id: ID!): Node
  }

  type Mutation {
    addProduct(name: String!): Product!
  }

  interface Node {
    id: ID!
  }

  type Shop implements Node {
    id: ID!
    name: String!
    products(first: Int = 50): [Product!]!
    owner: Person
  }

  type Person implements Node {
    id: ID!
    name: String!
    friends(first: Int): [Person!]!
    "Groups of friends: a list of lists."
    circles: [[Person!]!]!
    shop: Shop
  }

  type Product implements Node {
    id: ID!
    name: String!
    tags: [String!]!
    reviews(first: Int): [Review!]!
  }

  type Review {
    stars: Int!
    author: Person
  }

  type ProductPage {
    nodes: [Product!]!
    totalCount: Int!
    cursor: String
  }

  union SearchResult = Shop | Product
`);

function measure(query: string, options: MeasureOptions = {}) {
  const document = parse(query);
  const result = measureOperation(schema, document, options);
  if (!result) throw new Error('no operation');
  return result;
}

/** Only valid documents reach the plugin; the tests keep to them unless they say otherwise. */
function valid(query: string): string {
  const errors = validate(schema, parse(query));
  if (errors.length) throw new Error(`invalid test query: ${errors.map((error) => error.message).join('; ')}`);
  return query;
}

describe('depth', () => {
  it('counts the fields on the longest path', () => {
    expect(measure(valid(`{ shops { id } }`)).depth).toBe(2);
    expect(measure(valid(`{ shops { id owner { name shop { name } } } }`)).depth).toBe(4);
    expect(measure(valid(`{ __typename }`)).depth).toBe(1);
  });

  it('follows named and inline fragments, and nested fragments', () => {
    const query = valid(`
      query { shops { ...ShopParts } }
      fragment ShopParts on Shop { id owner { ...PersonParts } }
      fragment PersonParts on Person { name ... on Person { friends { shop { name } } } }
    `);
    // shops > owner > friends > shop > name
    expect(measure(query).depth).toBe(5);
  });

  it('follows fragments on union members and interfaces', () => {
    const query = valid(`{ search(text: "x") { ... on Shop { owner { friends { name } } } ... on Product { name } } node(id: "1") { ... on Person { shop { name } } } }`);
    expect(measure(query).depth).toBe(4);
  });

  it('stops on a fragment cycle instead of looping (validation refuses the document anyway)', () => {
    const query = `
      { shops { ...A } }
      fragment A on Shop { owner { ...B } }
      fragment B on Person { shop { ...A } }
    `;
    expect(validate(schema, parse(query)).length).toBeGreaterThan(0);
    const result = measure(query);
    expect(result.depth).toBe(3);
    expect(Number.isFinite(result.cost)).toBe(true);
  });

  it('picks the operation by name', () => {
    const query = valid(`query Shallow { shops { id } } query Deep { shops { owner { shop { owner { name } } } } }`);
    expect(measure(query, { operationName: 'Shallow' }).depth).toBe(2);
    expect(measure(query, { operationName: 'Deep' }).depth).toBe(5);
    expect(measureOperation(schema, parse(query), { operationName: 'Missing' })).toBeNull();
  });
});

describe('aliases', () => {
  it('counts every aliased field, nested ones too', () => {
    expect(measure(valid(`{ shops { id } }`)).aliases).toBe(0);
    expect(measure(valid(`{ a: shops { id } b: shops { x: id y: name } }`)).aliases).toBe(4);
  });

  it('counts an alias bomb', () => {
    const bomb = `{ ${Array.from({ length: 200 }, (_, index) => `s${index}: shops { id }`).join(' ')} }`;
    expect(measure(valid(bomb)).aliases).toBe(200);
  });

  it('counts a fragment’s aliases each time it is spread', () => {
    const query = valid(`
      { a: shops { ...Names } b: shops { ...Names } shops { ...Names } }
      fragment Names on Shop { n1: name n2: name n3: name }
    `);
    expect(measure(query).aliases).toBe(2 + 3 * 3);
  });

  it('stays cheap to compute when fragments fan out exponentially', () => {
    // each level spreads the next 10 times: 10^6 expanded selections, measured in one pass per fragment
    const levels = 6;
    const fragments = Array.from({ length: levels }, (_, level) =>
      level === levels - 1
        ? `fragment F${level} on Shop { x: name }`
        : `fragment F${level} on Shop { ${Array.from({ length: 10 }, () => `...F${level + 1}`).join(' ')} }`,
    );
    const query = `{ shops { ...F0 } } ${fragments.join(' ')}`;
    const started = performance.now();
    const result = measure(query);
    expect(performance.now() - started).toBeLessThan(1_000);
    expect(result.aliases).toBe(10 ** (levels - 1));
  });
});

describe('cost', () => {
  it('is one per field when nothing is a list', () => {
    expect(measure(valid(`{ shop(id: "1") { id name owner { name } } }`)).cost).toBe(5);
  });

  it('multiplies a list field without first/last by the default list size', () => {
    // shops: 1 + 10 × (id + name)
    expect(measure(valid(`{ shops { id name } }`)).cost).toBe(1 + DEFAULT_LIST_SIZE * 2);
    expect(measure(valid(`{ shops { id name } }`), { defaultListSize: 3 }).cost).toBe(1 + 3 * 2);
  });

  it('reads first from a literal', () => {
    expect(measure(valid(`{ products(first: 7) { id } }`)).cost).toBe(1 + 7);
  });

  it('reads first from a variable, or from the variable’s default', () => {
    const query = valid(`query ($n: Int = 4) { products(first: $n) { id name } }`);
    expect(measure(query, { variables: { n: 30 } }).cost).toBe(1 + 30 * 2);
    expect(measure(query).cost).toBe(1 + 4 * 2);
    // null means "not given": the default list size
    expect(measure(query, { variables: { n: null } }).cost).toBe(1 + DEFAULT_LIST_SIZE * 2);
  });

  it('uses the schema’s default first when the caller gives none', () => {
    // Shop.products(first: Int = 50)
    expect(measure(valid(`{ shop(id: "1") { products { id } } }`)).cost).toBe(1 + 1 + 50);
  });

  it('takes the smaller of first and last', () => {
    expect(measure(valid(`{ products(first: 40, last: 5) { id } }`)).cost).toBe(1 + 5);
  });

  it('multiplies nested lists', () => {
    // products: 1 + 100 × reviews; reviews: 1 + 100 × (stars + author + author.name)
    const query = valid(`{ products(first: 100) { reviews(first: 100) { stars author { name } } } }`);
    expect(measure(query).cost).toBe(1 + 100 * (1 + 100 * (1 + 1 + 1)));
    // a list of lists of objects multiplies by the default size once more
    expect(measure(valid(`{ shop(id: "1") { owner { circles { name } } } }`)).cost).toBe(1 + 1 + (1 + DEFAULT_LIST_SIZE * DEFAULT_LIST_SIZE * 1));
  });

  it('applies a connection’s first to the lists directly inside it', () => {
    // productPage(first: 30) { nodes } : nodes returns 30 items
    expect(measure(valid(`{ productPage(first: 30) { totalCount nodes { id name } } }`)).cost).toBe(1 + 1 + (1 + 30 * 2));
    // the schema default (20) when the caller gives none
    expect(measure(valid(`{ productPage { nodes { id } } }`)).cost).toBe(1 + (1 + 20));
    // lists further down are on their own: reviews without first counts the default size
    expect(measure(valid(`{ productPage(first: 2) { nodes { reviews { stars } } } }`)).cost).toBe(1 + (1 + 2 * (1 + DEFAULT_LIST_SIZE)));
  });

  it('costs the same through fragments as inline', () => {
    const inline = measure(valid(`{ products(first: 5) { id reviews(first: 3) { stars } } }`));
    const fragments = measure(
      valid(`
        { products(first: 5) { ...P } }
        fragment P on Product { id ... on Product { reviews(first: 3) { ...R } } }
        fragment R on Review { stars }
      `),
    );
    expect(fragments.cost).toBe(inline.cost);
    expect(fragments.depth).toBe(inline.depth);
  });

  it('leaves out selections skipped with @skip/@include, and counts unknown conditions', () => {
    const query = valid(`query ($heavy: Boolean!) { shops { id } products(first: 50) @include(if: $heavy) { id } }`);
    expect(measure(query, { variables: { heavy: false } }).cost).toBe(1 + DEFAULT_LIST_SIZE);
    expect(measure(query, { variables: { heavy: true } }).cost).toBe(1 + DEFAULT_LIST_SIZE + 1 + 50);
    expect(measure(valid(`{ products(first: 50) @skip(if: true) { id } }`)).cost).toBe(0);
  });

  it('counts mutation fields too', () => {
    expect(measure(valid(`mutation { addProduct(name: "x") { id reviews(first: 2) { stars } } }`)).cost).toBe(1 + 1 + (1 + 2));
  });
});

describe('page size', () => {
  it('reports the largest first/last given, with where it was given', () => {
    const result = measure(valid(`{ products(first: 5) { reviews(first: 500) { stars } } shops { owner { friends(first: 20) { name } } } }`));
    expect(result.largestPage).toEqual({ argument: 'first', value: 500, field: 'Product.reviews' });
  });

  it('reads last, and variables', () => {
    const query = valid(`query ($n: Int) { products(last: $n) { id } }`);
    expect(measure(query, { variables: { n: 1_000 } }).largestPage).toEqual({ argument: 'last', value: 1_000, field: 'Query.products' });
  });

  it('finds first inside fragments', () => {
    const query = valid(`{ shops { ...S } } fragment S on Shop { owner { friends(first: 300) { name } } }`);
    expect(measure(query).largestPage?.value).toBe(300);
  });

  it('ignores the schema’s defaults: only what the caller asks for', () => {
    expect(measure(valid(`{ productPage { nodes { id } } shop(id: "1") { products { id } } }`)).largestPage).toBeNull();
  });
});

describe('introspection', () => {
  it('the full introspection query is shallow and cheap: it is answered from the schema', () => {
    const query = getIntrospectionQuery();
    expect(validate(schema, parse(query))).toEqual([]);
    const result = measure(query);
    expect(result).toEqual({ depth: 1, aliases: 0, cost: 1, largestPage: null });
  });

  it('__type and __typename alongside data fields', () => {
    const result = measure(valid(`{ __typename t: __type(name: "Shop") { fields { name type { name ofType { name } } } } shops { id } }`));
    expect(result.depth).toBe(2);
    expect(result.aliases).toBe(1);
    expect(result.cost).toBe(1 + 1 + (1 + DEFAULT_LIST_SIZE));
  });
});

describe('schemas built by the CommonJS graphql', () => {
  it('measures a schema built by the CommonJS graphql (as @apollo/gateway builds it) like one built here', () => {
    const commonJs = createRequire(import.meta.url)('graphql') as typeof import('graphql');
    const foreign = commonJs.buildSchema(printSchema(schema));
    const query = `{ productPage(first: 3) { nodes { reviews(first: 4) { stars } } } shops { owner { circles { name } } } __schema { types { name } } }`;
    expect(measureOperation(foreign, parse(query))).toEqual(measureOperation(schema, parse(query)));
    expect(measureOperation(foreign, parse(query))?.cost).toBe(1 + (1 + 3 * (1 + 4)) + (1 + DEFAULT_LIST_SIZE * (1 + (1 + DEFAULT_LIST_SIZE * DEFAULT_LIST_SIZE))) + 1);
  });
});

describe('limits configuration', () => {
  it('has defaults', () => {
    expect(loadGatewayConfig({}, []).limits).toEqual({ maxDepth: 12, maxAliases: 30, maxCost: 500_000, maxPageSize: 100, requestTimeoutMs: 30_000 });
  });

  it('reads the environment', () => {
    const config = loadGatewayConfig({ MAX_DEPTH: '5', MAX_ALIASES: '0', MAX_COST: '2500', MAX_PAGE_SIZE: '1000', REQUEST_TIMEOUT_MS: '5000' }, []);
    expect(config.limits).toEqual({ maxDepth: 5, maxAliases: 0, maxCost: 2_500, maxPageSize: 1_000, requestTimeoutMs: 5_000 });
  });

  it.each([
    ['MAX_DEPTH', 'deep', /MAX_DEPTH must be a whole number from 1 to 1000, got "deep"/],
    ['MAX_DEPTH', '0', /MAX_DEPTH must be a whole number from 1/],
    ['MAX_ALIASES', '-1', /MAX_ALIASES must be a whole number from 0/],
    ['MAX_COST', '1.5', /MAX_COST must be a whole number/],
    ['MAX_PAGE_SIZE', '0', /MAX_PAGE_SIZE must be a whole number from 1/],
    ['REQUEST_TIMEOUT_MS', '10', /REQUEST_TIMEOUT_MS must be a whole number from 100 to 600000, got "10"/],
  ])('%s=%s is refused with a clear message', (name, value, message) => {
    expect(() => loadGatewayConfig({ [name]: value }, [])).toThrow(ConfigError);
    expect(() => loadGatewayConfig({ [name]: value }, [])).toThrow(message);
  });
});
