/**
 * The trusted documents manifest (operations/manifest.json) is what `npm run manifest` builds from
 * operations/*.graphql, and every operation in it validates against the committed supergraph; a
 * manifest edited by hand, or in another format, does not load.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { apiSchemaOf } from '../../gateway/src/api-schema';
import { ManifestError, buildManifest, invalidOperations, manifestText, parseManifest, readOperationFiles, sha256Hex } from '../../gateway/src/operation-manifest';
import { EXPORT_OPERATIONS } from '../../gateway/src/exports/operations';

const committed = readFileSync('operations/manifest.json', 'utf8');

describe('operations/manifest.json', () => {
  it('is what npm run manifest writes from operations/*.graphql (run it after editing them)', () => {
    expect(committed).toBe(manifestText(buildManifest(readOperationFiles('operations'))));
  });

  it('holds operations that all validate against schema/supergraph.graphql, the exports\' among them', () => {
    const manifest = parseManifest(committed);
    expect(invalidOperations(manifest, apiSchemaOf(readFileSync('schema/supergraph.graphql', 'utf8')))).toEqual([]);
    expect(manifest.operations.map((operation) => operation.name)).toEqual(expect.arrayContaining([...EXPORT_OPERATIONS]));
    for (const operation of manifest.operations) expect(operation.id).toBe(sha256Hex(operation.body));
  });

  it('refuses a body changed without its id, a wrong format, two operations in one body, a duplicated id', () => {
    const manifest = JSON.parse(committed);
    const tampered = structuredClone(manifest);
    tampered.operations[0].body = tampered.operations[0].body.replace('{', '{ __typename ');
    expect(() => parseManifest(JSON.stringify(tampered))).toThrow(/is not the SHA-256 of "body"; regenerate the manifest/);
    expect(() => parseManifest(JSON.stringify({ ...manifest, format: 'relay' }))).toThrow(ManifestError);
    const double = 'query A { goals { id } } query B { goals { id } }';
    expect(() => parseManifest(JSON.stringify({ ...manifest, operations: [{ id: sha256Hex(double), name: 'A', type: 'query', body: double }] }))).toThrow(/exactly one operation/);
    expect(() => parseManifest(JSON.stringify({ ...manifest, operations: [manifest.operations[0], manifest.operations[0]] }))).toThrow(/appears twice/);
  });

  it('builds deterministically: fragments are included once, by name, and unnamed operations are refused', () => {
    const sources = [
      { path: 'a.graphql', text: 'query Two { goals { ...G } }\nfragment G on Goal { id title }' },
      { path: 'b.graphql', text: 'query One { goals { ...G } }' },
    ];
    const built = buildManifest(sources);
    expect(built.operations.map((operation) => operation.name)).toEqual(['One', 'Two']);
    expect(built.operations[0]!.body).toBe('query One {\n  goals {\n    ...G\n  }\n}\n\nfragment G on Goal {\n  id\n  title\n}');
    expect(buildManifest([...sources].reverse())).toEqual(built);
    expect(() => buildManifest([{ path: 'c.graphql', text: '{ goals { id } }' }])).toThrow(/every operation needs a name/);
  });
});

describe('TRUSTED_DOCUMENTS settings', () => {
  it('restricts bi:read callers by default, takes another list of scopes or none, and refuses what it cannot read', async () => {
    const { ConfigError, loadGatewayConfig } = await import('../../gateway/src/config');
    const defaults = loadGatewayConfig({}, []).trustedDocuments;
    expect(defaults).toMatchObject({ mode: 'allowed', onlyFor: ['bi:read'] });
    expect(defaults.path).toMatch(/operations\/manifest\.json$/);
    expect(loadGatewayConfig({ TRUSTED_DOCUMENTS_ONLY_FOR: 'bi:read, partner:read' }, []).trustedDocuments.onlyFor).toEqual(['bi:read', 'partner:read']);
    expect(loadGatewayConfig({ TRUSTED_DOCUMENTS_ONLY_FOR: '' }, []).trustedDocuments.onlyFor).toEqual([]);
    expect(loadGatewayConfig({ TRUSTED_DOCUMENTS: 'REQUIRED' }, []).trustedDocuments.mode).toBe('required');
    expect(() => loadGatewayConfig({ TRUSTED_DOCUMENTS: 'sometimes' }, [])).toThrow(ConfigError);
    expect(() => loadGatewayConfig({ TRUSTED_DOCUMENTS_ONLY_FOR: 'bi:read "x"' }, [])).toThrow(/TRUSTED_DOCUMENTS_ONLY_FOR/);
  });

  it('who is restricted: the listed scopes, or everyone with TRUSTED_DOCUMENTS=required', async () => {
    const { trustedDocuments } = await import('../../gateway/src/plugins/trusted-documents');
    const principal = (...scopes: string[]) => ({ subject: 't', scopes: new Set(scopes), anonymous: false });
    const allowed = trustedDocuments({ mode: 'allowed', path: 'operations/manifest.json', onlyFor: ['bi:read'], watch: false })!;
    expect([allowed.restricts(principal('bi:read')), allowed.restricts(principal('group:read')), allowed.restricts(undefined)]).toEqual([true, false, false]);
    const required = trustedDocuments({ mode: 'required', path: 'operations/manifest.json', onlyFor: [], watch: false })!;
    expect(required.restricts(principal('group:read'))).toBe(true);
    expect(trustedDocuments({ mode: 'off', path: 'nowhere.json', onlyFor: [], watch: false })).toBeNull();
    expect(() => trustedDocuments({ mode: 'allowed', path: 'nowhere.json', onlyFor: [], watch: false })).toThrow(/cannot read the trusted documents manifest nowhere.json: ENOENT .*TRUSTED_DOCUMENTS=off serves without one/);
    allowed.close();
    required.close();
  });
});
