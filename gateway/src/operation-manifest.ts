import { createHash } from 'node:crypto';
import { readFileSync, readdirSync, watch, type FSWatcher } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { Kind, parse, print, validate, visit, type DefinitionNode, type FragmentDefinitionNode, type GraphQLSchema, type OperationDefinitionNode } from 'graphql';
import type { Logger } from '../../platform/logger';

/**
 * Trusted documents: the operations a client may run by id, in the format of Apollo's persisted
 * query manifests (what `@apollo/generate-persisted-query-manifest` writes and Apollo Router's
 * `persisted_queries` reads), so the same file serves this gateway, a Router and GraphOS:
 *
 *   { "format": "apollo-persisted-query-manifest", "version": 1,
 *     "operations": [{ "id": "<sha256 of body, hex>", "name": "Dashboard", "type": "query", "body": "query Dashboard … " }] }
 *
 * The id of an operation is the SHA-256 of its body, the same hash as an automatic persisted
 * query's (`extensions.persistedQuery.sha256Hash`), so a client can send either.
 */
export const MANIFEST_FORMAT = 'apollo-persisted-query-manifest';

export type OperationType = 'query' | 'mutation' | 'subscription';

export interface ManifestOperation {
  id: string;
  name: string;
  type: OperationType;
  body: string;
}

export interface OperationManifest {
  format: typeof MANIFEST_FORMAT;
  version: 1;
  operations: ManifestOperation[];
}

export class ManifestError extends Error {}

export function sha256Hex(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

const ID = /^[0-9a-f]{64}$/;
const TYPES: readonly OperationType[] = ['query', 'mutation', 'subscription'];

function describe(value: unknown): string {
  return value === null ? 'null' : Array.isArray(value) ? 'a list' : typeof value;
}

/** The only operation of a manifest body (fragments aside); throws ManifestError otherwise. */
function operationOf(body: string, where: string): OperationDefinitionNode {
  let document;
  try {
    document = parse(body, { noLocation: true });
  } catch (error) {
    throw new ManifestError(`${where}: the body does not parse: ${error instanceof Error ? error.message : String(error)}`);
  }
  const operations = document.definitions.filter((definition): definition is OperationDefinitionNode => definition.kind === Kind.OPERATION_DEFINITION);
  if (operations.length !== 1) throw new ManifestError(`${where}: the body must hold exactly one operation, it holds ${operations.length}`);
  return operations[0]!;
}

/**
 * Reads a manifest and checks it whole: its format and version, every operation's fields, that
 * every id is the SHA-256 of its body (a body edited by hand without `npm run manifest` is
 * refused), that the body holds one operation of that name and type, and that ids are unique.
 */
export function parseManifest(text: string, source = 'the manifest'): OperationManifest {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new ManifestError(`${source} is not JSON: ${error instanceof Error ? error.message : String(error)}`);
  }
  const manifest = json as Partial<OperationManifest> | null;
  if (typeof manifest !== 'object' || manifest === null || Array.isArray(manifest)) throw new ManifestError(`${source} must be a JSON object, got ${describe(json)}`);
  if (manifest.format !== MANIFEST_FORMAT) throw new ManifestError(`${source}: "format" must be "${MANIFEST_FORMAT}", got ${JSON.stringify(manifest.format)}`);
  if (manifest.version !== 1) throw new ManifestError(`${source}: "version" must be 1, got ${JSON.stringify(manifest.version)}`);
  if (!Array.isArray(manifest.operations)) throw new ManifestError(`${source}: "operations" must be a list, got ${describe(manifest.operations)}`);
  const seen = new Set<string>();
  const operations = manifest.operations.map((entry: unknown, index): ManifestOperation => {
    const where = `${source}, operations[${index}]`;
    const operation = entry as Partial<ManifestOperation> | null;
    if (typeof operation !== 'object' || operation === null) throw new ManifestError(`${where} must be an object, got ${describe(entry)}`);
    const { id, name, type, body } = operation;
    if (typeof id !== 'string' || !ID.test(id)) throw new ManifestError(`${where}: "id" must be 64 lowercase hex digits (SHA-256), got ${JSON.stringify(id)}`);
    if (typeof name !== 'string' || name === '') throw new ManifestError(`${where}: "name" must be the operation's name, got ${JSON.stringify(name)}`);
    if (typeof type !== 'string' || !TYPES.includes(type as OperationType)) throw new ManifestError(`${where}: "type" must be query, mutation or subscription, got ${JSON.stringify(type)}`);
    if (typeof body !== 'string' || body.trim() === '') throw new ManifestError(`${where}: "body" must be the operation's text`);
    if (sha256Hex(body) !== id) throw new ManifestError(`${where} (${name}): "id" is not the SHA-256 of "body"; regenerate the manifest (npm run manifest)`);
    const parsed = operationOf(body, `${where} (${name})`);
    if (parsed.name?.value !== name) throw new ManifestError(`${where}: "name" is ${JSON.stringify(name)} but the body's operation is ${JSON.stringify(parsed.name?.value ?? null)}`);
    if (parsed.operation !== type) throw new ManifestError(`${where} (${name}): "type" is ${type} but the body is a ${parsed.operation}`);
    if (seen.has(id)) throw new ManifestError(`${where} (${name}): the id ${id} appears twice`);
    seen.add(id);
    return { id, name, type: type as OperationType, body };
  });
  return { format: MANIFEST_FORMAT, version: 1, operations };
}

export interface OperationSource {
  /** Where the text comes from, for messages (a file name). */
  path: string;
  text: string;
}

function fragmentsUsed(node: DefinitionNode, fragments: ReadonlyMap<string, FragmentDefinitionNode>, found = new Set<string>()): Set<string> {
  visit(node, {
    FragmentSpread(spread) {
      const name = spread.name.value;
      if (found.has(name)) return;
      const fragment = fragments.get(name);
      if (!fragment) throw new ManifestError(`fragment ${name} is used but defined in no operations file`);
      found.add(name);
      fragmentsUsed(fragment, fragments, found);
    },
  });
  return found;
}

/**
 * Builds the manifest from operation documents (`operations/*.graphql`): one entry per named
 * operation, its body the operation printed by graphql-js followed by the fragments it uses
 * (from any of the files, by name order), its id the body's SHA-256. Entries are in name order,
 * so the same files always give the same manifest.
 */
export function buildManifest(sources: readonly OperationSource[]): OperationManifest {
  const operations: { node: OperationDefinitionNode; path: string }[] = [];
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const { path, text } of sources) {
    let document;
    try {
      document = parse(text, { noLocation: true });
    } catch (error) {
      throw new ManifestError(`${path}: ${error instanceof Error ? error.message : String(error)}`);
    }
    for (const definition of document.definitions) {
      if (definition.kind === Kind.FRAGMENT_DEFINITION) {
        if (fragments.has(definition.name.value)) throw new ManifestError(`${path}: fragment ${definition.name.value} is defined twice`);
        fragments.set(definition.name.value, definition);
      } else if (definition.kind === Kind.OPERATION_DEFINITION) {
        if (!definition.name) throw new ManifestError(`${path}: every operation needs a name (clients and logs refer to it)`);
        if (operations.some((known) => known.node.name!.value === definition.name!.value)) throw new ManifestError(`${path}: operation ${definition.name.value} is defined twice`);
        operations.push({ node: definition, path });
      } else {
        throw new ManifestError(`${path}: only operations and fragments belong in an operations file`);
      }
    }
  }
  const entries = operations
    .map(({ node, path }): ManifestOperation => {
      let used: Set<string>;
      try {
        used = fragmentsUsed(node, fragments);
      } catch (error) {
        throw new ManifestError(`${path}, ${node.name!.value}: ${(error as Error).message}`);
      }
      const body = [print(node), ...[...used].sort().map((name) => print(fragments.get(name)!))].join('\n\n');
      return { id: sha256Hex(body), name: node.name!.value, type: node.operation as OperationType, body };
    })
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  return { format: MANIFEST_FORMAT, version: 1, operations: entries };
}

/** The `*.graphql` files of a folder, in name order. */
export function readOperationFiles(directory: string): OperationSource[] {
  return readdirSync(directory)
    .filter((name) => name.endsWith('.graphql'))
    .sort()
    .map((name) => ({ path: join(directory, name), text: readFileSync(join(directory, name), 'utf8') }));
}

/** The manifest as the file holds it: two-space JSON and a final newline. */
export function manifestText(manifest: OperationManifest): string {
  return `${JSON.stringify(manifest, null, 2)}\n`;
}

/** Operations whose body does not validate against `schema`, with the first error of each. */
export function invalidOperations(manifest: OperationManifest, schema: GraphQLSchema): { name: string; error: string }[] {
  return manifest.operations.flatMap((operation) => {
    const errors = validate(schema, parse(operation.body));
    return errors.length > 0 ? [{ name: operation.name, error: errors[0]!.message }] : [];
  });
}

/** A loaded manifest, looked up by id. */
export class TrustedDocuments {
  private readonly byId: ReadonlyMap<string, ManifestOperation>;

  constructor(
    readonly manifest: OperationManifest,
    /** Where it was read from (for messages). */
    readonly source: string,
  ) {
    this.byId = new Map(manifest.operations.map((operation) => [operation.id, operation]));
  }

  get(id: string): ManifestOperation | undefined {
    return this.byId.get(id);
  }

  /** Is this exact text an operation of the manifest? */
  trusts(text: string): boolean {
    return this.byId.has(sha256Hex(text));
  }

  get size(): number {
    return this.byId.size;
  }
}

/** Reads and checks a manifest file; throws ManifestError with the path in the message. */
export function loadManifestFile(path: string): TrustedDocuments {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new ManifestError(`cannot read the trusted documents manifest ${path}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
  }
  return new TrustedDocuments(parseManifest(text, path), path);
}

/**
 * The manifest file in force: read at start (a file that does not load stops the start), and, when
 * watched, read again when it changes, as the supergraph is (supergraph-file.ts): the directory is
 * watched, unchanged content is ignored, a file that does not load keeps the previous manifest.
 * One JSON log line per reload: `trusted_documents_reloaded` or `trusted_documents_reload_failed`.
 */
export class ManifestFile {
  private current: TrustedDocuments;
  private text: string;
  private watcher: FSWatcher | undefined;
  private timer: NodeJS.Timeout | undefined;
  private readonly listeners: ((documents: TrustedDocuments) => void)[] = [];

  constructor(
    readonly path: string,
    watchForChanges: boolean,
    private readonly logger?: Logger,
  ) {
    this.current = loadManifestFile(path);
    this.text = readFileSync(path, 'utf8');
    if (watchForChanges) {
      this.watcher = watch(dirname(path), (_event, file) => {
        if (file !== null && file !== basename(path) && !file.startsWith('.')) return;
        clearTimeout(this.timer);
        this.timer = setTimeout(() => this.reload(), 100);
      });
    }
  }

  get documents(): TrustedDocuments {
    return this.current;
  }

  /** Called with every manifest loaded after the first. */
  onReload(listener: (documents: TrustedDocuments) => void): void {
    this.listeners.push(listener);
  }

  private reload(): void {
    let next: string;
    try {
      next = readFileSync(this.path, 'utf8');
    } catch {
      return; // a replace in progress: the rename that follows triggers another read
    }
    if (next === this.text || next.trim() === '') return;
    this.text = next;
    try {
      this.current = new TrustedDocuments(parseManifest(next, this.path), this.path);
      this.logger?.info({ event: 'trusted_documents_reloaded', path: this.path, operations: this.current.size }, 'reloaded the trusted documents manifest');
      for (const listener of this.listeners) listener(this.current);
    } catch (error) {
      this.logger?.error({ event: 'trusted_documents_reload_failed', path: this.path, error: (error as Error).message }, 'kept the previous trusted documents manifest: the file did not load');
    }
  }

  close(): void {
    clearTimeout(this.timer);
    this.watcher?.close();
  }
}
