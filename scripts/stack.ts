import { fromRoot } from '../shared/repo-root';
import { loadGatewayConfig } from '../gateway/src/config';
import { authEnabled, loadAuthConfig, type AuthConfig } from '../platform/auth';
import { createGateway } from '../gateway/src/server';
import type { RunningServer } from '../platform/http';
import { generateSigningKey, parseSigningKey, privateJwkText, publicKeySet, verificationKeysOf, type SigningKey } from '../platform/signing-keys';
import { es256Issuer, hs256Issuer, type TokenIssuer } from '../platform/token-issuer';
import { loadSubgraphEdge } from '../subgraphs/config';
import type { MongoTuning } from '../subgraphs/common/mongo';
import type { JournalSettings } from '../subgraphs/kit/store/journal';
import { SUBGRAPH_NAMES, defaultPortOf, launchSubgraph, type LaunchedSubgraph, type SubgraphLaunch } from '../subgraphs/launch';
import { GROUP_SUBGRAPH, SUBSIDIARIES } from '../subgraphs/common/registry';
import { DEFAULT_SYNC_INTERVAL_MS } from '../subgraphs/kit/closes';
import { DEFAULT_FIGURES_MAX_AGE_S, regionalSigningKey, type GroupReporting } from '../subgraphs/reporting-config';
import { RegionalKeys } from '../subgraphs/common/statements';
import { loadCacheInvalidation } from '../subgraphs/common/write-invalidation';

export const SUPERGRAPH_PATH = fromRoot('schema', 'supergraph.graphql');

export interface StackOptions {
  mongoUri: string;
  databasePrefix: string;
  host?: string;
  /** Use each server's default port (4000–4005) instead of free random ones. */
  defaultPorts?: boolean;
  production?: boolean;
  monitorCommands?: boolean;
  gatewayEnv?: NodeJS.ProcessEnv;
  /** Settings of every subgraph's edge (SUBGRAPH_DIRECT_ACCESS, GATEWAY_SIGNATURE_*, HTTP_*, METRICS_TOKEN); the stack adds GATEWAY_PUBLIC_KEYS. */
  subgraphEnv?: NodeJS.ProcessEnv;
  /** Token verification for the gateway and every subgraph; default: `issuer`'s public key (see stackIdentity). */
  auth?: AuthConfig;
  /** What mints the tokens the stack accepts; default: see stackIdentity. */
  issuer?: TokenIssuer;
  /** The key the gateway signs subgraph calls with; default: GATEWAY_SIGNING_KEY of gatewayEnv, else a fresh one. */
  signingKey?: SigningKey;
  /** More keys the subgraphs accept besides `signingKey` (a rotation's next key). */
  acceptedKeys?: readonly SigningKey[];
  /** A MongoDB of its own for some subgraphs, by name (fault tests stop one under a single subgraph). */
  mongoUris?: Record<string, string>;
  /** Timeouts and write concern of every subgraph's MongoDB client (subgraphs/config.ts loadMongoTuning). */
  mongo?: MongoTuning;
  /** The regional subgraphs' write journal settings (subgraphs/config.ts loadJournalSettings). */
  journal?: JournalSettings;
  /** Each subsidiary's figure signing key by code; default: REGIONAL_SIGNING_KEY_<CODE> of subgraphEnv, else a fresh one (kid = the code). */
  regionalKeys?: ReadonlyMap<string, SigningKey>;
  /** Headquarters' key (fiscal-year orders, published reports); default: HEADQUARTERS_SIGNING_KEY of subgraphEnv, else a fresh one. */
  headquartersKey?: SigningKey;
}

export interface RunningStack {
  /** What the gateway and subgraphs verify tokens with. */
  auth: AuthConfig;
  /** What mints tokens they accept (held here, never by a service); null when an identity provider issues them (AUTH_JWKS_URL, AUTH_JWT_PUBLIC_KEY). */
  issuer: TokenIssuer | null;
  /** The key the gateway signs its subgraph calls with (tests sign as the gateway with it). */
  signingKey: SigningKey;
  /** Each subsidiary's figure signing key, by code; the group subgraph holds their public keys (REGIONAL_PUBLIC_KEYS). */
  regionalKeys: ReadonlyMap<string, SigningKey>;
  /** Headquarters' signing key; the regional subgraphs hold its public key (HEADQUARTERS_PUBLIC_KEYS). */
  headquartersKey: SigningKey;
  gateway: RunningServer;
  subgraphs: Map<string, LaunchedSubgraph>;
  /** Stops one subgraph (draining it, closing its MongoDB client); the gateway keeps its URL. */
  stop(name: string): Promise<void>;
  /** Starts a stopped subgraph again on the same port, so the gateway reaches it at the same URL. */
  start(name: string): Promise<LaunchedSubgraph>;
  close(): Promise<void>;
}

/** Variables no service of the stack is given: they mint tokens or sign as the gateway. */
const PRIVATE_VARIABLES = ['AUTH_JWT_PRIVATE_KEY', 'GATEWAY_SIGNING_KEY', 'HEADQUARTERS_SIGNING_KEY', 'REGIONAL_SIGNING_KEY'];

function withoutPrivateKeys(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  return Object.fromEntries(Object.entries(env).filter(([name]) => !PRIVATE_VARIABLES.includes(name) && !name.startsWith('REGIONAL_SIGNING_KEY_')));
}

/** Each subsidiary's key: given, from REGIONAL_SIGNING_KEY_<CODE> of the subgraphs' env (one process, several subgraphs), or fresh (kid = its code). */
function regionalKeysOf(options: StackOptions): Map<string, SigningKey> {
  const env = options.subgraphEnv ?? {};
  return new Map(
    SUBSIDIARIES.map((subsidiary) => {
      const variable = `REGIONAL_SIGNING_KEY_${subsidiary.code}`;
      const given = options.regionalKeys?.get(subsidiary.code) ?? (env[variable]?.trim() ? regionalSigningKey({ [variable]: env[variable] }, subsidiary) : null);
      return [subsidiary.code, given ?? generateSigningKey(subsidiary.code)];
    }),
  );
}

/**
 * Who issues the stack's tokens, and what its services verify them with. AUTH_JWT_PRIVATE_KEY of
 * `env`: that ES256 key (services get its public key); AUTH_JWT_SECRET: HS256 (one trust domain);
 * AUTH_JWKS_URL or AUTH_JWT_PUBLIC_KEY (or anonymous demo access, or production): an identity
 * provider's, no issuer here. Otherwise, a fresh ES256 key pair: development stacks always check tokens.
 */
export function stackIdentity(env: NodeJS.ProcessEnv = {}): { auth: AuthConfig; issuer: TokenIssuer | null } {
  const settings = { ...(env.AUTH_ISSUER?.trim() ? { issuer: env.AUTH_ISSUER.trim() } : {}), ...(env.AUTH_AUDIENCE?.trim() ? { audience: env.AUTH_AUDIENCE.trim() } : {}) };
  const services = withoutPrivateKeys(env);
  if (env.AUTH_JWT_PRIVATE_KEY?.trim()) {
    const issuer = es256Issuer(settings, env.AUTH_JWT_PRIVATE_KEY.trim());
    return { auth: loadAuthConfig({ ...services, ...issuer.verifierEnv }), issuer };
  }
  const auth = loadAuthConfig(services);
  if (auth.secret) return { auth, issuer: hs256Issuer(env.AUTH_JWT_SECRET!.trim(), settings) };
  if (authEnabled(auth) || auth.allowAnonymous || env.NODE_ENV === 'production') return { auth, issuer: null };
  const issuer = es256Issuer(settings);
  return { auth: loadAuthConfig({ ...services, ...issuer.verifierEnv }), issuer };
}

/** Starts every subgraph and the gateway in this process, over real HTTP on loopback. */
export async function startStack(options: StackOptions): Promise<RunningStack> {
  const host = options.host ?? '127.0.0.1';
  const production = options.production ?? false;
  const modeEnv = production ? { NODE_ENV: 'production' } : {};
  const identity = options.auth
    ? { auth: options.auth, issuer: options.issuer ?? null }
    : options.issuer
      ? { auth: loadAuthConfig({ ...withoutPrivateKeys(options.gatewayEnv ?? {}), ...options.issuer.verifierEnv, ...modeEnv }), issuer: options.issuer }
      : stackIdentity({ ...options.gatewayEnv, ...modeEnv });
  const { auth } = identity;
  const signingKey = options.signingKey ?? (options.gatewayEnv?.GATEWAY_SIGNING_KEY?.trim() ? parseSigningKey(options.gatewayEnv.GATEWAY_SIGNING_KEY) : generateSigningKey());
  // one process: the subgraphs get no operational port of their own (the gateway keeps METRICS_PORT)
  const { METRICS_PORT: _port, ...subgraphEnv } = withoutPrivateKeys({ ...options.subgraphEnv, ...modeEnv });
  const edge = loadSubgraphEdge({ ...subgraphEnv, GATEWAY_PUBLIC_KEYS: publicKeySet([signingKey, ...(options.acceptedKeys ?? [])]) }, production);
  const regionalKeys = regionalKeysOf(options);
  const headquartersKey =
    options.headquartersKey ?? (options.subgraphEnv?.HEADQUARTERS_SIGNING_KEY?.trim() ? parseSigningKey(options.subgraphEnv.HEADQUARTERS_SIGNING_KEY, 'HEADQUARTERS_SIGNING_KEY') : generateSigningKey('HQ'));
  const groupReporting: GroupReporting = { regionalKeys: new RegionalKeys(verificationKeysOf([...regionalKeys.values()])), signingKey: headquartersKey, figuresMaxAgeSeconds: DEFAULT_FIGURES_MAX_AGE_S };
  let headquartersUrl: string | null = null;
  const reportingOf = (name: string): SubgraphLaunch['reporting'] => {
    if (name === GROUP_SUBGRAPH.key) return { group: groupReporting };
    const subsidiary = SUBSIDIARIES.find((candidate) => candidate.key === name);
    if (!subsidiary) return {};
    return { regional: { signingKey: regionalKeys.get(subsidiary.code)!, headquartersKeys: verificationKeysOf([headquartersKey]), headquartersUrl: () => headquartersUrl, syncIntervalMs: DEFAULT_SYNC_INTERVAL_MS } };
  };
  const launchOf = (name: string): SubgraphLaunch => ({
    name,
    mongoUri: options.mongoUris?.[name] ?? options.mongoUri,
    databasePrefix: options.databasePrefix,
    production,
    auth,
    monitorCommands: options.monitorCommands,
    mongo: options.mongo,
    journal: options.journal,
    edge,
    reporting: reportingOf(name),
    cacheInvalidation: loadCacheInvalidation(subgraphEnv),
  });
  const launched = await Promise.all(SUBGRAPH_NAMES.map((name) => launchSubgraph(launchOf(name), options.defaultPorts ? defaultPortOf(name) : 0, host)));
  const subgraphs = new Map(launched.map((subgraph) => [subgraph.name, subgraph]));
  headquartersUrl = subgraphs.get(GROUP_SUBGRAPH.key)?.server.url ?? null;
  const running = (name: string): LaunchedSubgraph => {
    const subgraph = subgraphs.get(name);
    if (!subgraph) throw new Error(`No subgraph "${name}" in this stack; known: ${[...subgraphs.keys()].join(', ')}`);
    return subgraph;
  };
  const urls = Object.fromEntries(launched.map((subgraph) => [`SUBGRAPH_URL_${subgraph.name.toUpperCase()}`, subgraph.server.url]));
  const config = {
    ...loadGatewayConfig({ WATCH_SUPERGRAPH: 'false', SUPERGRAPH_PATH, ...urls, ...withoutPrivateKeys(options.gatewayEnv ?? {}), ...modeEnv, GATEWAY_SIGNING_KEY: privateJwkText(signingKey) }, []),
    auth,
  };
  const gateway = await createGateway(config).listen(options.defaultPorts ? config.port : 0, host);
  return {
    auth,
    issuer: identity.issuer,
    signingKey,
    regionalKeys,
    headquartersKey,
    gateway,
    subgraphs,
    stop: (name) => running(name).close(),
    start: async (name) => {
      const previous = running(name);
      await previous.close();
      const restarted = await launchSubgraph(launchOf(name), previous.server.port, host);
      subgraphs.set(name, restarted);
      return restarted;
    },
    close: async () => {
      await gateway.close();
      await Promise.all([...subgraphs.values()].map((subgraph) => subgraph.close()));
    },
  };
}
