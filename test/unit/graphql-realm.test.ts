import { createRequire } from 'node:module';
import * as graphql from 'graphql';
import { expect, it } from 'vitest';

it('loads one graphql module, the one Apollo requires (no "another module or realm" errors)', () => {
  const required = createRequire(import.meta.url)('graphql') as typeof graphql;
  expect(required.GraphQLObjectType).toBe(graphql.GraphQLObjectType);
  expect(required.GraphQLError).toBe(graphql.GraphQLError);
});
