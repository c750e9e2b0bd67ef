import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { SigningKeyError, parseVerificationKeys } from '../platform/signing-keys';
import { MAX_REGIONAL_KEYS } from '../subgraphs/common/statements';
import { ReportVerificationError, verifyPublishedReport } from '../subgraphs/group/report-verification';

/**
 * `npm run -s verify-report -- FILE [--keys JWKS_FILE]`: checks a published report offline (no
 * network, no database; docs/reporting.md, "Verifying a published report"). FILE is what
 * `publishedReport` returned (the object, or the whole GraphQL response). --keys pins the public
 * keys (a JWKS: each subsidiary's, kid = its code, and headquarters', kid "HQ") instead of those the
 * document lists.
 *
 * Exit codes: 0 the report holds; 1 it does not (the first mismatch is named); 2 the file or the
 * keys cannot be read, or there are no keys to check the signatures with.
 */
const USAGE = 'Usage: npm run -s verify-report -- <published-report.json> [--keys <public-keys.jwks.json>]';

function readJson(path: string, what: string): unknown {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new UsageError(`cannot read ${what} ${path}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
  }
  try {
    return JSON.parse(text);
  } catch {
    throw new UsageError(`${what} ${path} is not JSON`);
  }
}

class UsageError extends Error {}

const keysOf = (jwks: unknown, name: string) => parseVerificationKeys(JSON.stringify(jwks), name, MAX_REGIONAL_KEYS + 4);

try {
  const { values, positionals } = parseArgs({ allowPositionals: true, options: { keys: { type: 'string' }, help: { type: 'boolean', short: 'h' } } });
  if (values.help) {
    console.log(USAGE);
    process.exit(0);
  }
  if (positionals.length !== 1) throw new UsageError('give exactly one published report file');
  const pinnedKeys = values.keys ? keysOf(readJson(values.keys, 'keys file'), '--keys') : undefined;
  const verified = verifyPublishedReport(readJson(positionals[0]!, 'published report'), { ...(pinnedKeys ? { pinnedKeys } : {}), parseKeys: (jwks) => keysOf(jwks, 'document.keys') });
  const signers = Object.entries(verified.signedBy).map(([code, keyId]) => `${code} (key ${keyId})`).join(', ');
  console.log(
    [
      `OK: published report of fiscal year ${verified.fiscalYear}, version ${verified.version} (${verified.closeId})`,
      `  hash       ${verified.hash} matches the document`,
      `  signatures every subsidiary's figures and lock confirmation signed by its own key: ${signers} (keys ${verified.keysFrom === 'pinned' ? 'pinned with --keys' : 'as the document lists them; pin them with --keys'})`,
      `  headquarters ${verified.headquartersSignature === 'verified' ? "signature over the document verified" : verified.headquartersSignature === 'absent' ? 'did not sign the document' : 'signed the document, but no key of headquarters ("HQ") is known to check it'}`,
      `  figures    ${verified.figuresChecked} figures recomputed from the signed figures and the stated rates, all equal; total ${verified.total.amount} ${verified.total.currency}`,
    ].join('\n'),
  );
} catch (error) {
  if (error instanceof ReportVerificationError && error.check === 'keys') {
    console.error(`CANNOT VERIFY: ${error.message}\n${USAGE}`);
    process.exit(2);
  }
  if (error instanceof ReportVerificationError) {
    console.error(`NOT VERIFIED (${error.check}): ${error.message}`);
    process.exit(1);
  }
  if (error instanceof UsageError || error instanceof SigningKeyError || (error as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')) {
    console.error(`${(error as Error).message}\n${USAGE}`);
    process.exit(2);
  }
  throw error;
}
