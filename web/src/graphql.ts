import { session, signOut } from './session';

/** One GraphQL error as the gateway sends it: a message and `extensions.code` (and more per code). */
export interface GraphQLErrorShape {
  message: string;
  path?: readonly (string | number)[];
  extensions?: { code?: string; [key: string]: unknown };
}

export interface GraphQLResult<TData> {
  data: TData | null;
  errors: GraphQLErrorShape[];
}

/** The request failed as a whole: no data at all (network, HTTP status, or errors without data). */
export class RequestFailed extends Error {
  constructor(
    message: string,
    readonly errors: GraphQLErrorShape[] = [],
    readonly status?: number,
  ) {
    super(message);
  }

  get code(): string | undefined {
    return this.errors[0]?.extensions?.code;
  }
}

export const GRAPHQL_PATH = '/graphql';

/**
 * Sends one operation to the gateway with the session's token, as any client would (JSON body,
 * so the gateway's CSRF rule is met). Partial results come back with their errors: a screen shows
 * what arrived and says what did not.
 */
export async function request<TData>(query: string, variables: Record<string, unknown> = {}): Promise<GraphQLResult<TData>> {
  const token = session.value?.token;
  let response: Response;
  try {
    response = await fetch(GRAPHQL_PATH, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
      body: JSON.stringify({ query, variables }),
    });
  } catch (error) {
    throw new RequestFailed(`The gateway did not answer: ${error instanceof Error ? error.message : String(error)}`);
  }
  let body: { data?: TData | null; errors?: GraphQLErrorShape[] };
  try {
    body = (await response.json()) as typeof body;
  } catch {
    throw new RequestFailed(`The gateway answered HTTP ${response.status} without a GraphQL body`, [], response.status);
  }
  const errors = body.errors ?? [];
  if (response.status === 401 || errors.some((error) => error.extensions?.code === 'UNAUTHENTICATED')) {
    signOut();
    throw new RequestFailed(errors[0]?.message ?? 'The session has expired: sign in again', errors, response.status);
  }
  if (body.data === undefined || body.data === null) {
    throw new RequestFailed(errors.map((error) => error.message).join('; ') || `HTTP ${response.status}`, errors, response.status);
  }
  return { data: body.data, errors };
}

/** Like request, for operations whose every error is a failure (mutations, dry runs). */
export async function requestAll<TData>(query: string, variables: Record<string, unknown> = {}): Promise<TData> {
  const result = await request<TData>(query, variables);
  if (result.errors.length > 0) throw new RequestFailed(result.errors.map((error) => error.message).join('; '), result.errors);
  return result.data as TData;
}
