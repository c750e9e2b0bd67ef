import { createRequire } from 'node:module';
import { defineConfig } from 'vitest/config';

const require = createRequire(import.meta.url);

export default defineConfig({
  resolve: {
    // One graphql module for the whole process, as under Node: Apollo's packages require its
    // CommonJS build, and Vite would otherwise hand our code the ES build (two realms).
    alias: [{ find: /^graphql$/, replacement: require.resolve('graphql') }],
  },
  test: {
    // nothing in the tests may talk to hosts other than loopback (see gateway/src/server.ts)
    env: { APOLLO_TELEMETRY_DISABLED: 'true' },
    include: ['test/**/*.test.ts'],
    // one MongoDB server for the whole run unless MONGODB_URI is set (docs/mongo-test-server.md)
    globalSetup: ['test/harness/global-setup.ts'],
    testTimeout: 30_000,
    hookTimeout: 120_000,
    pool: 'forks',
    fileParallelism: true,
    maxWorkers: 2,
  },
});
