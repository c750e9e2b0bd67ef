import type { IncomingMessage } from 'node:http';
import { HeaderMap, type ApolloServerPlugin, type HTTPGraphQLRequest } from '@apollo/server';
import { GraphQLError, Kind, type GraphQLSchema, type OperationDefinitionNode } from 'graphql';
import { sendJson, type Route } from '../../../platform/http';
import type { Logger } from '../../../platform/logger';
import type { Principal } from '../../../platform/auth';
import { ManifestError, ManifestFile, invalidOperations, type ManifestOperation, type TrustedDocuments } from '../operation-manifest';
import type { AuthContext } from './auth';

/**
 * TRUSTED_DOCUMENTS:
 *   off       no manifest: every caller sends operations as text (or as APQ hashes), as before
 *   allowed   the manifest's operations can be run by id by anyone; callers holding a scope of
 *             TRUSTED_DOCUMENTS_ONLY_FOR (default bi:read) may run nothing else
 *   required  every caller may run only the manifest's operations (a safelist)
 */
export type TrustedDocumentsMode = 'off' | 'allowed' | 'required';

export interface TrustedDocumentsConfig {
  mode: TrustedDocumentsMode;
  /** TRUSTED_DOCUMENTS_PATH: the manifest file (default operations/manifest.json). */
  path: string;
  /** TRUSTED_DOCUMENTS_ONLY_FOR: a caller holding any of these scopes runs manifest operations only. */
  onlyFor: readonly string[];
  /** WATCH_TRUSTED_DOCUMENTS: reload the manifest when its file changes. */
  watch: boolean;
}

/** The codes this feature answers with (kept in production by errors.ts: they are not "unexpected"). */
export const TRUSTED_DOCUMENT_CODES = {
  /** The operation is not one of the manifest's, and this caller may run only those (403). */
  notTrusted: 'OPERATION_NOT_TRUSTED',
  /** A `documentId` (or persisted query hash sent as a document id) the manifest does not hold (400). */
  notInList: 'PERSISTED_QUERY_NOT_IN_LIST',
} as const;

/** Where the gateway lists the manifest's operations (ids, names, types, bodies) to callers with a valid token. */
export const TRUSTED_DOCUMENTS_PATH = '/trusted-documents';

export interface TrustedDocumentsFeature {
  /** The manifest in force. */
  documents(): TrustedDocuments;
  /** Whether this caller may run only the manifest's operations. */
  restricts(principal: Principal | undefined): boolean;
  /** Refuses, before planning, an operation outside the manifest from a restricted caller (OPERATION_NOT_TRUSTED, HTTP 403). */
  plugin: ApolloServerPlugin<AuthContext>;
  /** For platform/http.ts: an operation sent by its id (documentId, or a persisted query hash of the manifest) becomes its text. */
  prepare(request: HTTPGraphQLRequest): HTTPGraphQLRequest;
  /** GET /trusted-documents: the manifest, to callers `admit` lets in. */
  route(admit: (request: IncomingMessage) => Promise<unknown>): Route;
  close(): void;
}

function badRequest(message: string, code = 'BAD_REQUEST'): GraphQLError {
  return new GraphQLError(message, { extensions: { code, http: { status: 400 } } });
}

function notInList(id: string, source: string): GraphQLError {
  return badRequest(
    `No trusted document has the id ${id.slice(0, 80)}: GET ${TRUSTED_DOCUMENTS_PATH} lists the operations this gateway runs by id (its manifest, ${source}).`,
    TRUSTED_DOCUMENT_CODES.notInList,
  );
}

interface Requested {
  documentId: unknown;
  hash: unknown;
  query: unknown;
  operationName: unknown;
  extensions: Record<string, unknown> | undefined;
}

function requestedOf(request: HTTPGraphQLRequest): Requested | null {
  if (request.method === 'GET') {
    const params = new URLSearchParams(request.search);
    let extensions: Record<string, unknown> | undefined;
    const text = params.get('extensions');
    if (text) {
      try {
        const parsed: unknown = JSON.parse(text);
        if (parsed && typeof parsed === 'object' && !Array.isArray(parsed)) extensions = parsed as Record<string, unknown>;
      } catch {
        return null; // Apollo Server answers the malformed parameter
      }
    }
    return { documentId: params.get('documentId') ?? undefined, hash: hashOf(extensions), query: params.get('query') ?? undefined, operationName: params.get('operationName') ?? undefined, extensions };
  }
  const body = request.body;
  if (!body || typeof body !== 'object' || Array.isArray(body)) return null;
  const fields = body as Record<string, unknown>;
  const extensions = fields.extensions && typeof fields.extensions === 'object' && !Array.isArray(fields.extensions) ? (fields.extensions as Record<string, unknown>) : undefined;
  return { documentId: fields.documentId, hash: hashOf(extensions), query: fields.query, operationName: fields.operationName, extensions };
}

function hashOf(extensions: Record<string, unknown> | undefined): unknown {
  const persisted = extensions?.persistedQuery as { sha256Hash?: unknown } | undefined;
  return persisted && typeof persisted === 'object' ? persisted.sha256Hash : undefined;
}

/** The request with the operation's text in place of its id (and without the persisted query extension). */
function withText(request: HTTPGraphQLRequest, requested: Requested, operation: ManifestOperation): HTTPGraphQLRequest {
  const extensions = requested.extensions ? Object.fromEntries(Object.entries(requested.extensions).filter(([name]) => name !== 'persistedQuery')) : undefined;
  const operationName = typeof requested.operationName === 'string' && requested.operationName !== '' ? requested.operationName : operation.name;
  if (request.method === 'GET') {
    const params = new URLSearchParams(request.search);
    params.delete('documentId');
    params.set('query', operation.body);
    params.set('operationName', operationName);
    if (extensions && Object.keys(extensions).length > 0) params.set('extensions', JSON.stringify(extensions));
    else params.delete('extensions');
    // CSRF prevention asks a GET without a JSON content type for a preflight header, so that a
    // browser's "simple" cross-site request cannot run an operation with side effects. A trusted
    // *query* by id has none (GET runs no mutation: 405), and this gateway authenticates with bearer
    // tokens, which a cross-site page cannot make a browser attach: it is let through, so that BI
    // tools, links and HTTP caches can GET it as it is. Any other GET keeps the check.
    const headers = new HeaderMap([...request.headers]);
    if (operation.type === 'query' && !headers.has('apollo-require-preflight') && !headers.has('x-apollo-operation-name')) headers.set('apollo-require-preflight', 'trusted-document');
    return { ...request, headers, search: `?${params.toString()}` };
  }
  const { documentId: _documentId, ...body } = request.body as Record<string, unknown>;
  return { ...request, body: { ...body, query: operation.body, operationName, ...(extensions ? { extensions } : {}) } };
}

/**
 * An operation that reads only the schema (`__schema`, `__type`, `__typename` at its root): no
 * subgraph answers it, and whether it is served at all is INTROSPECTION's say. BI tools read the
 * schema to offer its fields; they run the manifest's operations for data.
 */
function introspectionOnly(operation: OperationDefinitionNode): boolean {
  return operation.operation === 'query' && operation.selectionSet.selections.every((selection) => selection.kind === Kind.FIELD && selection.name.value.startsWith('__'));
}

/**
 * Trusted documents for any supergraph (plugins/trusted-documents.ts): a manifest of operations
 * in Apollo's persisted query manifest format (operation-manifest.ts) that clients run by id —
 * `GET /graphql?documentId=<id>&variables=…`, `{"documentId": "<id>", "variables": …}` by POST, or
 * Apollo's APQ extension with the id as `sha256Hash` — and, for callers holding a scope of
 * TRUSTED_DOCUMENTS_ONLY_FOR (a BI tool's `bi:read`), or for everyone with
 * TRUSTED_DOCUMENTS=required, the only operations they may run. The check is on the operation's
 * text (its SHA-256 is a manifest id), however it arrived: by id, by APQ hash, or as the very
 * same text. Every other check (token, scopes, limits) still applies to a trusted operation.
 */
export function trustedDocuments(config: TrustedDocumentsConfig, logger?: Logger): TrustedDocumentsFeature | null {
  if (config.mode === 'off') return null;
  let file: ManifestFile;
  try {
    file = new ManifestFile(config.path, config.watch, logger);
  } catch (error) {
    if (error instanceof ManifestError) throw new ManifestError(`${error.message} (TRUSTED_DOCUMENTS=${config.mode}; TRUSTED_DOCUMENTS_PATH names the manifest, TRUSTED_DOCUMENTS=off serves without one)`);
    throw error;
  }
  let schema: GraphQLSchema | undefined;
  // operations that do not validate against the supergraph in force would fail when run: said once per schema or manifest
  const checkOperations = () => {
    if (!schema) return;
    const invalid = invalidOperations(file.documents.manifest, schema);
    if (invalid.length > 0) {
      logger?.warn({ event: 'trusted_documents_invalid', path: config.path, operations: invalid }, `${invalid.length} trusted document(s) do not validate against the supergraph`);
    }
  };
  file.onReload(checkOperations);

  const restricts = (principal: Principal | undefined) => config.mode === 'required' || (principal !== undefined && config.onlyFor.some((scope) => principal.scopes.has(scope)));
  const refusal = (principal: Principal | undefined) => {
    const who =
      config.mode === 'required'
        ? 'This gateway runs only its trusted documents (TRUSTED_DOCUMENTS=required)'
        : `A caller holding ${config.onlyFor.filter((scope) => principal?.scopes.has(scope)).join(' or ')} may run only the gateway's trusted documents`;
    return new GraphQLError(
      `${who}, and this operation is not one of them: run one by its id (GET /graphql?documentId=<id>&variables=…, "documentId" in a POST body, or extensions.persistedQuery.sha256Hash). GET ${TRUSTED_DOCUMENTS_PATH} lists the ids, names and texts.`,
      { extensions: { code: TRUSTED_DOCUMENT_CODES.notTrusted, trustedDocuments: TRUSTED_DOCUMENTS_PATH, http: { status: 403 } } },
    );
  };

  return {
    documents: () => file.documents,
    restricts,
    plugin: {
      async serverWillStart() {
        return {
          schemaDidLoadOrUpdate({ apiSchema }) {
            schema = apiSchema;
            checkOperations();
          },
        };
      },
      async requestDidStart({ contextValue }) {
        if (!restricts(contextValue.principal)) return undefined;
        return {
          // after parsing and validation (Apollo Server answers a hook that throws earlier with a
          // 500), before planning: nothing of an untrusted operation reaches a subgraph
          async didResolveOperation({ source, operation }) {
            if (file.documents.trusts(source) || (operation && introspectionOnly(operation))) return;
            throw refusal(contextValue.principal);
          },
        };
      },
    },
    prepare(request) {
      const requested = requestedOf(request);
      if (!requested) return request;
      const documents = file.documents;
      if (requested.documentId !== undefined && requested.documentId !== null) {
        if (typeof requested.documentId !== 'string' || requested.documentId === '') throw badRequest('documentId must be the id (a SHA-256, hex) of one of the trusted documents.');
        if (requested.query !== undefined && requested.query !== null && requested.query !== '') throw badRequest('Send an operation by documentId or as query text, not both.');
        if (typeof requested.hash === 'string' && requested.hash !== requested.documentId) throw badRequest('documentId and extensions.persistedQuery.sha256Hash name different operations.');
        const operation = documents.get(requested.documentId);
        if (!operation) throw notInList(requested.documentId, documents.source);
        return withText(request, requested, operation);
      }
      // an APQ hash that is a manifest id needs no registration: it is the operation's id
      if (typeof requested.hash === 'string' && (requested.query === undefined || requested.query === null)) {
        const operation = documents.get(requested.hash);
        if (operation) return withText(request, requested, operation);
      }
      return request;
    },
    route: (admit) => async (request, response) => {
      if (request.method !== 'GET' || new URL(request.url ?? '/', 'http://localhost').pathname !== TRUSTED_DOCUMENTS_PATH) return false;
      try {
        await admit(request);
      } catch (error) {
        if (!(error instanceof GraphQLError)) throw error;
        const { http, ...extensions } = error.extensions as { http?: { status?: number; headers?: Map<string, string> } };
        sendJson(response, http?.status ?? 401, { errors: [{ message: error.message, extensions }] }, Object.fromEntries(http?.headers ?? []));
        return true;
      }
      sendJson(response, 200, file.documents.manifest, { 'cache-control': 'private, max-age=60' });
      return true;
    },
    close: () => file.close(),
  };
}
