/**
 * A subgraph behind a recording proxy: the first answer to a request body is the real subgraph's
 * (headers passed on, so the gateway's signature and token are checked there), later requests
 * with the same body get that answer from memory. Answers with errors or a status other than 200
 * are not kept. Under load the gateways then spend the CPU, not the subgraphs and their database.
 */
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';

interface Recorded {
  status: number;
  headers: Record<string, string>;
  body: string;
}

const NOT_FORWARDED = new Set(['host', 'connection', 'content-length', 'keep-alive']);

function forwarded(headers: IncomingHttpHeaders): Record<string, string> {
  return Object.fromEntries(Object.entries(headers).filter(([name, value]) => !NOT_FORWARDED.has(name) && value !== undefined).map(([name, value]) => [name, String(value)]));
}

async function record(target: string, headers: Record<string, string>, body: string): Promise<Recorded> {
  const real = await fetch(target, { method: 'POST', headers, body });
  const cacheControl = real.headers.get('cache-control');
  return { status: real.status, headers: { 'content-type': real.headers.get('content-type') ?? 'application/json', ...(cacheControl ? { 'cache-control': cacheControl } : {}) }, body: await real.text() };
}

export interface ReplayProxy {
  url: string;
  close(): Promise<void>;
}

export async function replayProxy(target: string): Promise<ReplayProxy> {
  const answers = new Map<string, Promise<Recorded>>();
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const body = Buffer.concat(chunks).toString();
      let answer = answers.get(body);
      if (!answer) {
        answer = record(target, forwarded(request.headers), body);
        answers.set(body, answer);
        answer.then((recorded) => recorded.status !== 200 || recorded.body.includes('"errors"') ? answers.delete(body) : undefined, () => answers.delete(body));
      }
      answer.then(
        (recorded) => response.writeHead(recorded.status, recorded.headers).end(recorded.body),
        (error: unknown) => response.writeHead(502, { 'content-type': 'text/plain' }).end(String(error)),
      );
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/graphql`,
    close: () => new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
}
