import { AuthConfigError, authEnabled, loadAuthConfig, type AuthConfig } from '../platform/auth';
import { DEFAULT_DATABASE_PREFIX, type MongoTuning } from './common/mongo';
import type { JournalSettings } from './kit/store/journal';
import { SubgraphConfigError, loadJournalSettings, loadMongoTuning } from './config';
import { SUBGRAPH_NAMES, defaultPortOf, launchSubgraph } from './launch';
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
  console.error('Set AUTH_JWT_SECRET (HS256) or AUTH_JWKS_URL (RS256/ES256), with AUTH_ISSUER and AUTH_AUDIENCE: a subgraph refuses every request without a valid token.');
  process.exit(2);
}
let mongo: MongoTuning;
let journal: JournalSettings;
try {
  mongo = loadMongoTuning(process.env);
  journal = loadJournalSettings(process.env);
} catch (error) {
  if (!(error instanceof SubgraphConfigError)) throw error;
  console.error(`Configuration error: ${error.message}`);
  process.exit(2);
}
const port = process.env.PORT ? Number(process.env.PORT) : defaultPortOf(name);
// SIGTERM: stop accepting, let in-flight requests finish (bounded), then close the MongoDB client
const termination = exitOnTermination();
try {
  const launched = await launchSubgraph(
    { name, mongoUri, databasePrefix: process.env.DATABASE_PREFIX ?? DEFAULT_DATABASE_PREFIX, production: process.env.NODE_ENV === 'production', auth, mongo, journal },
    port,
    process.env.HOST ?? '127.0.0.1',
  );
  termination.serving(() => launched.close());
  console.log(`Subgraph ${name} ready at ${launched.server.url}`);
} catch (error) {
  console.error(`Subgraph ${name} failed to start: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
}
