/**
 * vitest globalSetup: ONE MongoDB server for the whole run (when MONGODB_URI is unset), handed to
 * the workers through `provide` (read with inject('mongoUri') in mongo.ts) and MONGODB_URI, and
 * stopped at teardown.
 *
 * If no server can be started (no Java/Maven and no mongod), it only warns: unit tests still run,
 * and each integration test then fails in getMongoUri() with the reason.
 */
import type { TestProject } from 'vitest/node';
import { startMongoServer, type StartedMongoServer } from '../../platform/mongo-server';
import { ensureWebAppBuilt } from './web-build';

let server: StartedMongoServer | undefined;

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  // the gateway of every test stack serves web/dist under /app
  ensureWebAppBuilt();
  try {
    server = await startMongoServer();
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    process.stderr.write(`[mongo-test-server] globalSetup could not start a MongoDB server:\n${reason}\n`);
    return async () => {};
  }
  // Forked workers inherit this environment; provide() covers pools that do not.
  process.env.MONGODB_URI = server.uri;
  project.provide('mongoUri', server.uri);
  project.provide('mongoServerKind', server.kind);
  return async () => {
    await server?.stop();
    server = undefined;
  };
}
