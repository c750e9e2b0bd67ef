import { AuthConfigError, type AuthConfig } from '../platform/auth';
import { startMongoServer, type StartedMongoServer } from '../platform/mongo-server';
import { DEV_IDENTITY_FILE, TokenIssuerError, saveDevIdentity, type TokenIssuer } from '../platform/token-issuer';
import { ROLES } from '../subgraphs/common/scopes';
import { DEFAULT_DATABASE_PREFIX, createMongoClient, databaseName } from '../subgraphs/common/mongo';
import { SUBGRAPH_NAMES } from '../subgraphs/launch';
import type { SeedDatabases } from '../seed/load';
import { EmbeddedDataError, embeddedData, type EmbeddedData } from './embedded-data';
import { seedWhenEmpty } from './seed-when-empty';
import { stackIdentity, startStack, type RunningStack } from './stack';
import { loadJournalSettings, loadMongoTuning } from '../subgraphs/config';
import { exitOnTermination } from '../platform/termination';
import { appLink } from './app-link';

/**
 * `npm start`: the gateway and every subgraph on their default ports (4000–4005; PORT=0: free ones), over
 * MONGODB_URI or, when it is unset, an embedded MongoDB started here that keeps its data in
 * .data/mongo (EMBEDDED_MONGO_DATA_DIR; EMBEDDED_MONGO_DATA=memory or --ephemeral: a throwaway
 * run). The seed loads only into an empty store.
 */
const EXAMPLE = `{ groupReport(fiscalYear: 2024) { total { amount currency } bySubsidiary { code local { amount currency } converted { amount } } } }`;

let data: EmbeddedData;
try {
  data = embeddedData(process.env, process.argv.slice(2));
} catch (error) {
  if (!(error instanceof EmbeddedDataError)) throw error;
  console.error(`Configuration error: ${error.message}`);
  process.exit(2);
}

async function mongo(): Promise<StartedMongoServer> {
  if (!process.env.MONGODB_URI) {
    console.log(
      data.kind === 'disk'
        ? `MONGODB_URI is not set: starting an embedded MongoDB that keeps its data in ${data.dir} (EMBEDDED_MONGO_DATA=memory or npm start -- --ephemeral for a throwaway run).`
        : 'MONGODB_URI is not set: starting an embedded MongoDB in memory (data lives only as long as this process).',
    );
  }
  try {
    return await startMongoServer(data.kind === 'disk' ? { dataDir: data.dir } : {});
  } catch (error) {
    console.error(
      [
        `Could not start an embedded MongoDB: ${error instanceof Error ? error.message.split('\n')[0] : String(error)}`,
        'Either point the project at a MongoDB you run:   MONGODB_URI=mongodb://127.0.0.1:27017 npm start',
        'or install Java 17+ and Maven (Debian: apt-get install -y openjdk-17-jdk-headless maven) for the bundled test server.',
      ].join('\n'),
    );
    process.exit(1);
  }
}

async function seed(uri: string, prefix: string): Promise<void> {
  const client = createMongoClient(uri);
  try {
    await client.connect();
    const databases = Object.fromEntries(SUBGRAPH_NAMES.map((name) => [name, databaseName(prefix, name)])) as unknown as SeedDatabases;
    const outcome = await seedWhenEmpty(client, databases);
    console.log(
      outcome.seeded
        ? `Seeded the empty store: ${outcome.documents} documents.`
        : `Kept the data already there (${outcome.documents} documents in ${outcome.databases.join(', ')}); the seed loads only into an empty store.`,
    );
    if (!outcome.seeded && outcome.unmarked.length > 0) {
      console.warn(
        `${outcome.unmarked.join(', ')} hold no dataset mark and take no writes (an interrupted first seed, or wiped): ` +
          'restore them, initialise them (npm run dataset -- init), or start over with an empty data folder.',
      );
    }
  } finally {
    await client.close();
  }
}

let auth: AuthConfig;
let issuer: TokenIssuer | null;
try {
  ({ auth, issuer } = stackIdentity(process.env));
} catch (error) {
  if (!(error instanceof AuthConfigError) && !(error instanceof TokenIssuerError)) throw error;
  console.error(`Configuration error: ${error.message}`);
  process.exit(2);
}

/** How to get tokens for this stack, and a ready headquarters token (development only). */
async function printAuthentication(url: string): Promise<void> {
  if (process.env.NODE_ENV === 'production' || !issuer) {
    console.log(`Every request needs a bearer token from your identity provider (issuer ${auth.issuer}, audience ${auth.audience}).`);
    console.log(`Web app: ${new URL(url).origin}/app/ (paste a token there)\n`);
    return;
  }
  const token = await issuer.mint({ subject: 'hq-demo', scopes: ROLES.hq, ttlSeconds: 12 * 3600 });
  const origin =
    issuer.algorithm === 'HS256'
      ? 'HS256 with AUTH_JWT_SECRET from your environment: every service that holds it could mint tokens too (docs/security.md)'
      : process.env.AUTH_JWT_PRIVATE_KEY?.trim()
        ? 'ES256 with AUTH_JWT_PRIVATE_KEY from your environment; the gateway and the subgraphs hold only its public key'
        : `ES256 with a key pair made for this run; the gateway and the subgraphs hold only its public key, the private key is in ${DEV_IDENTITY_FILE} for npm run token`;
  console.log(
    [
      `Every request needs a bearer token (issuer ${auth.issuer}, audience ${auth.audience}), signed ${origin}.`,
      'Mint tokens for other roles (hq, bi, admin, regional:<CODE>, or --scope …) in another terminal:',
      '  npm run -s token -- --role regional:IN --sub priya',
      `\nHeadquarters token (${ROLES.hq.join(' ')}, valid 12 hours):\n  ${token}\n`,
      `Web app, signed in as headquarters (development only; a regional team's link: npm run -s token -- --role regional:IN --sub priya --link):\n  ${appLink(url, token)}\n`,
      `Try:\n  curl -s ${url} -H 'content-type: application/json' \\\n    -H 'authorization: Bearer ${token}' \\\n    -d '${JSON.stringify({ query: EXAMPLE })}'\n`,
    ].join('\n'),
  );
}

const termination = exitOnTermination();
const server = await mongo();
const prefix = process.env.DATABASE_PREFIX ?? DEFAULT_DATABASE_PREFIX;
let stack: RunningStack | undefined;
try {
  if (process.env.SEED !== 'false') await seed(server.uri, prefix);
  stack = await startStack({
    mongoUri: server.uri,
    databasePrefix: prefix,
    host: process.env.HOST ?? '127.0.0.1',
    // PORT=0: every server on a free port (the addresses are printed below)
    defaultPorts: process.env.PORT !== '0',
    production: process.env.NODE_ENV === 'production',
    gatewayEnv: process.env,
    subgraphEnv: process.env,
    auth,
    ...(issuer ? { issuer } : {}),
    mongo: loadMongoTuning(process.env),
    journal: loadJournalSettings(process.env),
  });
} catch (error) {
  const message = error instanceof Error ? error.message : String(error);
  console.error(`Could not start the stack: ${message}`);
  if (message.includes('EADDRINUSE')) console.error('A port from 4000 to 4005 is taken: stop what uses it, start with PORT=0 (free ports), or run the servers one by one (README, "Running pieces alone").');
  await server.stop();
  process.exit(1);
}

// the token script mints for this stack with the key left here (private key; .cache/ is not committed)
if (issuer && !process.env.AUTH_JWT_PRIVATE_KEY?.trim()) saveDevIdentity(DEV_IDENTITY_FILE, issuer);
termination.serving(async () => {
  console.log('Stopping…');
  await stack?.close();
  await server.stop();
});
console.log(`MongoDB:  ${server.uri} (${server.kind}${server.dataPath ? `, data in ${server.dataPath}` : ''}), databases ${prefix}group, ${prefix}japan, …`);
for (const subgraph of stack.subgraphs.values()) console.log(`Subgraph ${subgraph.name.padEnd(9)} ${subgraph.server.url}`);
console.log(
  `Subgraph calls are signed by the gateway with Ed25519 key "${stack.signingKey.keyId}" (${process.env.GATEWAY_SIGNING_KEY?.trim() ? 'GATEWAY_SIGNING_KEY' : 'made for this run'}); the subgraphs refuse _entities and _service without it.`,
);
console.log(
  `Each subsidiary signs the figures it hands to consolidation with its own Ed25519 key (${[...stack.regionalKeys.keys()].map((code) => `"${code}"`).join(', ')}; REGIONAL_SIGNING_KEY_<CODE> or made for this run); the group subgraph refuses figures their subsidiary did not sign.`,
);
console.log(`\nGateway ready at ${stack.gateway.url}\n`);
await printAuthentication(stack.gateway.url);
