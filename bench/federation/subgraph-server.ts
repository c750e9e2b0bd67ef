/**
 * A small, fast GraphQL-over-HTTP server for one benchmark subgraph: node:http, the subgraph
 * schema from @apollo/subgraph, and graphql-js execution with each operation text parsed and
 * validated once. POST /graphql with a JSON body; GET /health answers 200.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { buildSubgraphSchema } from '@apollo/subgraph';
import { execute, parse, validate, type DocumentNode, type GraphQLError, type GraphQLSchema } from 'graphql';
import type { SubgraphDefinition } from './subgraphs';

export interface RunningSubgraph {
  name: string;
  url: string;
  close(): Promise<void>;
}

interface GraphQLBody {
  query?: string;
  operationName?: string | null;
  variables?: Record<string, unknown> | null;
}

type Prepared = { document: DocumentNode } | { errors: readonly GraphQLError[] };

function preparer(schema: GraphQLSchema, limit = 1_000): (query: string) => Prepared {
  const documents = new Map<string, Prepared>();
  return (query) => {
    let prepared = documents.get(query);
    if (!prepared) {
      try {
        const document = parse(query);
        const errors = validate(schema, document);
        prepared = errors.length > 0 ? { errors } : { document };
      } catch (error) {
        prepared = { errors: [error as GraphQLError] };
      }
      if (documents.size >= limit) documents.clear();
      documents.set(query, prepared);
    }
    return prepared;
  };
}

function send(response: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  response.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  response.end(text);
}

async function readBody(request: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

export async function startSubgraphServer(definition: SubgraphDefinition, port = 0, host = '127.0.0.1'): Promise<RunningSubgraph> {
  const schema = buildSubgraphSchema([{ typeDefs: definition.typeDefs, resolvers: definition.resolvers as never }]);
  const prepare = preparer(schema);
  const handle = async (request: IncomingMessage, response: ServerResponse) => {
    if (request.method === 'GET' && request.url === '/health') return send(response, 200, { status: 'ok' });
    if (request.method !== 'POST' || !request.url?.startsWith('/graphql')) return send(response, 404, { errors: [{ message: 'POST /graphql' }] });
    let body: GraphQLBody;
    try {
      body = JSON.parse(await readBody(request)) as GraphQLBody;
    } catch {
      return send(response, 400, { errors: [{ message: 'the body is not JSON' }] });
    }
    if (typeof body.query !== 'string') return send(response, 400, { errors: [{ message: 'no query in the body' }] });
    const prepared = prepare(body.query);
    if ('errors' in prepared) return send(response, 400, { errors: prepared.errors.map((error) => ({ message: error.message })) });
    const result = await execute({ schema, document: prepared.document, variableValues: body.variables ?? {}, operationName: body.operationName ?? null });
    send(response, 200, result);
  };
  const server = createServer((request, response) => {
    handle(request, response).catch((error: unknown) => {
      if (!response.headersSent) send(response, 500, { errors: [{ message: error instanceof Error ? error.message : String(error) }] });
      else response.destroy();
    });
  });
  server.keepAliveTimeout = 600_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  const { port: bound } = server.address() as { port: number };
  return {
    name: definition.name,
    url: `http://${host}:${bound}/graphql`,
    close: () =>
      new Promise((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
