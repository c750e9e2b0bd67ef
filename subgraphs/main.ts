import { AuthConfigError, authEnabled, loadAuthConfig, type AuthConfig } from '../platform/auth';
import { DEFAULT_DATABASE_PREFIX, type MongoTuning } from './common/mongo';
import type { JournalSettings } from './kit/store/journal';
import type { SubgraphEdge } from './common/subgraph-server';
import { SubgraphConfigError, loadJournalSettings, loadMongoTuning, loadSubgraphEdge } from './config';
import { SUBGRAPH_NAMES, defaultPortOf, launchSubgraph, type SubgraphLaunch } from './launch';
import { loadSubgraphReporting } from './reporting-config';
import { loadCacheInvalidation } from './common/write-invalidation';
import { exitOnTermination } from '../platform/termination';

/** Runs one subgraph alone: `npm run subgraph -- india` (PORT, HOST, MONGODB_URI, DATABASE_PREFIX). */
const name = process.argv[2];
if (!name || !(SUBGRAPH_NAMES as readonly string[]).includes(name)) {
  console.error(`Usage: npm run subgraph -- <${SUBGRAPH_NAMES.join('|')}>`);
  process.exit(2);
}
const mongoUri = process.env.MONGODB_URI;
if (!mongoUri) {
  console.error('Set MONGODB_URI to the MongoDB server this subgraph should use (e.g. mongodb://127.0.0.1:27017).');
  process.exit(2);
}
let auth: AuthConfig;
try {
  auth = loadAuthConfig(process.env);
} catch (error) {
  if (!(error instanceof AuthConfigError)) throw error;
  console.error(`Configuration error: ${error.message}`);
  process.exit(2);
}
if (!authEnabled(auth) && !auth.allowAnonymous) {
  console.error(
    "Set AUTH_JWKS_URL or AUTH_JWT_PUBLIC_KEY (the identity provider's public key; AUTH_JWT_SECRET for HS256), with AUTH_ISSUER and AUTH_AUDIENCE: a subgraph refuses every request without a valid token.",
  );
  process.exit(2);
}
const production = process.env.NODE_ENV === 'production';
let mongo: MongoTuning;
let journal: JournalSettings;
let edge: SubgraphEdge;
let reporting: SubgraphLaunch['reporting'];
try {
  mongo = loadMongoTuning(process.env);
  journal = loadJournalSettings(process.env);
  edge = loadSubgraphEdge(process.env, production);
  reporting = loadSubgraphReporting(name, process.env, production);
} catch (error) {
  if (!(error instanceof SubgraphConfigError)) throw error;
  console.error(`Configuration error: ${error.message}`);
  process.exit(2);
}
if (edge.gatewayCalls.keys.length === 0) {
  console.warn(`Subgraph ${name}: GATEWAY_PUBLIC_KEYS is not set, so no gateway call verifies: _entities and _service are refused (the gateway cannot federate this subgraph). npm run -s keys prints a pair.`);
}
if (reporting?.group && reporting.group.regionalKeys.size === 0) {
  console.warn(`Subgraph ${name}: REGIONAL_PUBLIC_KEYS is not set, so no subsidiary's figures verify: every groupReport is refused (FIGURES_SIGNATURE_INVALID). npm run -s keys prints them.`);
}
const port = process.env.PORT ? Number(process.env.PORT) : defaultPortOf(name);
// SIGTERM: stop accepting, let in-flight requests finish (bounded), then close the MongoDB client
const termination = exitOnTermination();
try {
  const launched = await launchSubgraph(
    { name, mongoUri, databasePrefix: process.env.DATABASE_PREFIX ?? DEFAULT_DATABASE_PREFIX, production, auth, mongo, journal, edge, reporting, cacheInvalidation: loadCacheInvalidation(process.env) },
    port,
    process.env.HOST ?? '127.0.0.1',
  );
  termination.serving(() => launched.close());
  console.log(`Subgraph ${name} ready at ${launched.server.url}`);
} catch (error) {
  console.error(`Subgraph ${name} failed to start: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
}
