import { parseArgs } from 'node:util';
import { DEV_IDENTITY_FILE, issuerFromEnv } from '../platform/token-issuer';
import { roleScopes } from '../subgraphs/common/scopes';
import { appLink } from './app-link';

/**
 * Mints a bearer token and prints it alone on stdout, as the development identity provider:
 *
 *   npm run -s token -- --role hq --sub alice
 *   npm run -s token -- --scope group:read --scope subsidiary:IN:write --sub priya --ttl 3600
 *
 * It signs with AUTH_JWT_PRIVATE_KEY (ES256; `npm run -s keys` prints one), else AUTH_JWT_SECRET
 * (HS256), else the key a running `npm start` left in .cache/dev-identity.json; AUTH_ISSUER and
 * AUTH_AUDIENCE as the stack verifies them. Services never hold the private key: they verify
 * with AUTH_JWT_PUBLIC_KEY or AUTH_JWKS_URL.
 *
 * With --link, it prints the web app's link that signs in with the token instead (the gateway at
 * GATEWAY_URL, default http://127.0.0.1:4000): `npm run -s token -- --role regional:IN --sub priya --link`.
 *
 * Roles: hq (group:read group:audit group:write), bi (bi:read), admin (every scope), regional:<CODE>
 * (group:read subsidiary:<CODE>:write). --scope may be repeated or space-separated.
 */
const USAGE = 'Usage: npm run -s token -- [--role hq|bi|admin|regional:<CODE>] [--scope <scope>]... [--sub <subject>] [--ttl <seconds>] [--link]';

try {
  const { values } = parseArgs({
    options: {
      role: { type: 'string' },
      scope: { type: 'string', multiple: true },
      sub: { type: 'string', default: 'developer' },
      ttl: { type: 'string', default: '3600' },
      link: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    console.log(USAGE);
    process.exit(0);
  }
  const scopes = (values.scope ?? []).flatMap((scope) => scope.split(/\s+/)).filter(Boolean);
  if (values.role) {
    const ofRole = roleScopes(values.role);
    if (!ofRole) throw new RangeError(`Unknown role "${values.role}"`);
    scopes.push(...ofRole);
  }
  if (scopes.length === 0) throw new RangeError('Give --role or at least one --scope');
  const ttl = Number(values.ttl);
  if (!Number.isInteger(ttl) || ttl < 1 || ttl > 30 * 24 * 3600) throw new RangeError('--ttl must be whole seconds from 1 to 2592000');
  const issuer = issuerFromEnv(process.env, DEV_IDENTITY_FILE);
  const token = await issuer.mint({ subject: values.sub, scopes: [...new Set(scopes)], ttlSeconds: ttl });
  console.log(values.link ? appLink(process.env.GATEWAY_URL?.trim() || 'http://127.0.0.1:4000', token) : token);
} catch (error) {
  console.error(`${error instanceof Error ? error.message : String(error)}\n${USAGE}`);
  process.exit(2);
}
