import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { apiSchemaOf } from '../gateway/src/api-schema';
import { ManifestError, buildManifest, invalidOperations, manifestText, readOperationFiles } from '../gateway/src/operation-manifest';

/**
 * `npm run manifest`: regenerates operations/manifest.json (the gateway's trusted documents, in
 * Apollo's persisted query manifest format) from operations/*.graphql, after checking every
 * operation against schema/supergraph.graphql. `npm run manifest -- --check` writes nothing and
 * exits 1 when the committed manifest differs from what it would write.
 */
const root = join(fileURLToPath(new URL('.', import.meta.url)), '..');
const operationsDir = join(root, 'operations');
const manifestPath = join(operationsDir, 'manifest.json');
const check = process.argv.includes('--check');

try {
  const manifest = buildManifest(readOperationFiles(operationsDir));
  const invalid = invalidOperations(manifest, apiSchemaOf(readFileSync(join(root, 'schema', 'supergraph.graphql'), 'utf8')));
  if (invalid.length > 0) {
    for (const { name, error } of invalid) console.error(`${name}: ${error}`);
    throw new ManifestError(`${invalid.length} operation(s) do not validate against schema/supergraph.graphql`);
  }
  const text = manifestText(manifest);
  if (check) {
    let committed = '';
    try {
      committed = readFileSync(manifestPath, 'utf8');
    } catch {
      // a missing manifest differs
    }
    if (committed !== text) {
      console.error('operations/manifest.json is out of date: run npm run manifest');
      process.exit(1);
    }
    console.log(`operations/manifest.json is up to date (${manifest.operations.length} operations)`);
  } else {
    writeFileSync(manifestPath, text);
    console.log(`Wrote ${manifest.operations.length} operations to operations/manifest.json:`);
    for (const operation of manifest.operations) console.log(`  ${operation.id}  ${operation.type} ${operation.name}`);
  }
} catch (error) {
  if (!(error instanceof ManifestError)) throw error;
  console.error(error.message);
  process.exit(1);
}
