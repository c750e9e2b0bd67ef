import type { IncomingMessage, ServerResponse } from 'node:http';

/** Answers a request outside GraphQL (health, readiness, metrics); returns false to pass it on. */
export type Route = (request: IncomingMessage, response: ServerResponse) => boolean | Promise<boolean>;
