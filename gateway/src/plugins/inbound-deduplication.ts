import { HeaderMap, type ApolloServerPlugin, type BaseContext, type GraphQLRequestContext, type GraphQLResponse } from '@apollo/server';
import type { FormattedExecutionResult } from 'graphql';
import type { Principal } from '../../../platform/auth';
import { declaredVariables, sha256, stableJson } from './response-cache';
import { SharedAnswers, wantsFreshAnswer, type AnswerFlightContext, type SharedAnswersOptions } from './shared-answers';

/**
 * Inbound in-flight deduplication, for any supergraph: identical queries in flight execute once
 * and every caller gets that answer — its body, HTTP status, cache policy and `Age`; each caller
 * keeps its own request id, log line, metrics and response headers (request id, Cache-Control as
 * written for it). Nothing is kept once the answer is out: this is no cache.
 *
 * - Identical: the resolved document (Apollo's queryHash, also for APQ and trusted documents,
 *   which are resolved before), the operation name, the declared variables, and who asks
 *   (callerKey). Only queries: never mutations, never subscriptions, never an incremental
 *   (@defer) answer, never a caller sending `Cache-Control: no-cache`.
 * - After auth and limits: a caller refused is refused, never handed another caller's answer.
 * - Writes: when a mutation through this gateway has its answer, and when the supergraph changes,
 *   the executions in flight can no longer be joined (they finish for the callers they have): a
 *   caller arriving after a write never gets an answer that began before it.
 * - Cancellation: a caller that disconnects does not stop the execution the others wait for
 *   (client disconnects do not abort executions). Each request's deadline stays its own: an
 *   execution cut short by its caller's deadline (REQUEST_TIMEOUT_MS) is not shared, the callers
 *   who joined it and still have time join the next one or execute again (the subgraph calls
 *   still in flight are shared by plugins/deduplicate.ts); a caller whose own deadline passes
 *   while it waits gets its own timeout answer.
 * - Byte-identical POSTs are answered sooner, at the HTTP layer (plugins/shared-answers.ts, the
 *   `answers` returned here): this plugin tells it, through the context's `answerFlight`, whether
 *   the execution that led gives an answer to share.
 * - Ahead of the response cache (server.ts lists this plugin first): the leader looks the cache
 *   up and stores its answer as usual; callers who joined neither look up nor store, so an answer
 *   read before an invalidation is never stored under a later generation.
 */
export interface InboundDeduplicationOptions<TAdmitted> extends Pick<SharedAnswersOptions<TAdmitted>, 'deadlineMs' | 'timedOut'> {
  /** A caller answered with an execution already in flight. */
  onShared?: () => void;
  /** The verified caller of an admitted request (plugins/auth.ts). */
  principalOf(admitted: TAdmitted): Principal | undefined;
}

/** What the plugin reads from the request context: the verified caller (plugins/auth.ts) and the request's deadline (plugins/limits.ts). */
export interface InboundDeduplicationContext extends BaseContext, AnswerFlightContext {
  principal?: Principal;
  signal?: AbortSignal;
}

/** The overall cache policy of an answer that may be cached (Apollo's cache control). */
type CachePolicy = NonNullable<ReturnType<GraphQLRequestContext<BaseContext>['overallCachePolicy']['policyIfCacheable']>>;

interface SharedAnswer {
  result: FormattedExecutionResult;
  status: number | undefined;
  policy: CachePolicy | null;
  age: string | undefined;
}

interface Flight {
  key: string;
  answer: Promise<SharedAnswer | null>;
  settle: (answer: SharedAnswer | null) => void;
}


/**
 * Who asks, as far as sharing an execution goes. With a verified token: its subject and its scopes.
 * Scopes alone would not do: every subgraph receives the caller's token and may answer per subject
 * (a "my …" field, or a read filtered by who asks), so one subject never gets an answer computed
 * for another. Without verification by the gateway (the subgraphs check the forwarded token): the
 * exact credentials. Anonymous callers (AUTH_ALLOW_ANONYMOUS) share by their scopes.
 */
export function callerKey(principal: Principal | undefined, authorization: string | undefined): string {
  if (principal) {
    const scopes = [...principal.scopes].sort().join(' ');
    return principal.anonymous ? `anonymous\n${scopes}` : `subject:${principal.subject}\n${scopes}`;
  }
  return authorization ? `credentials:${sha256(authorization)}` : 'credentials:none';
}

export function inboundKey(requestContext: GraphQLRequestContext<InboundDeduplicationContext>): string {
  const { request, queryHash, operation, contextValue } = requestContext;
  const caller = callerKey(contextValue.principal, request.http?.headers.get('authorization'));
  return sha256(stableJson([caller, queryHash ?? null, request.operationName ?? null, declaredVariables(operation, request.variables)]));
}

function wantsFresh(requestContext: GraphQLRequestContext<BaseContext>): boolean {
  return wantsFreshAnswer(requestContext.request.http?.headers.get('cache-control'));
}

/** The flight's answer, or null when the caller's own deadline passes first. */
function answerWithin(answer: Promise<SharedAnswer | null>, signal: AbortSignal | undefined): Promise<SharedAnswer | null> {
  if (!signal) return answer;
  if (signal.aborted) return Promise.resolve(null);
  return new Promise((resolve) => {
    const onAbort = () => resolve(null);
    signal.addEventListener('abort', onAbort, { once: true });
    void answer.then((shared) => {
      signal.removeEventListener('abort', onAbort);
      resolve(shared);
    });
  });
}

function responseFor(shared: SharedAnswer, requestContext: GraphQLRequestContext<BaseContext>): GraphQLResponse {
  if (shared.policy) requestContext.overallCachePolicy.replace(shared.policy);
  else requestContext.overallCachePolicy.restrict({ maxAge: 0 });
  const headers = new HeaderMap(shared.age === undefined ? [] : [['age', shared.age]]);
  // a copy of the top level: each caller's plugins may set their own errors or extensions
  return { http: { status: shared.status, headers }, body: { kind: 'single', singleResult: { ...shared.result } } };
}

export function deduplicateInboundRequests<TContext extends InboundDeduplicationContext, TAdmitted>(
  options: InboundDeduplicationOptions<TAdmitted>,
): { plugin: ApolloServerPlugin<TContext>; answers: SharedAnswers<TAdmitted, TContext> } {
  const flights = new Map<string, Flight>();
  const leaders = new WeakMap<TContext, Flight>();
  const answers = new SharedAnswers<TAdmitted, TContext>({
    ...options,
    callerOf: (admitted, headers) => callerKey(options.principalOf(admitted), headers.authorization),
  });
  const clear = () => {
    flights.clear();
    answers.clear();
  };

  const settle = (flight: Flight, answer: SharedAnswer | null) => {
    if (flights.get(flight.key) === flight) flights.delete(flight.key);
    flight.settle(answer);
  };

  const plugin: ApolloServerPlugin<TContext> = {
    async serverWillStart() {
      // an execution against the previous supergraph is no answer for a caller of the new one
      return { schemaDidLoadOrUpdate: clear };
    },
    async unexpectedErrorProcessingRequest({ requestContext }) {
      const flight = leaders.get(requestContext.contextValue);
      if (flight) settle(flight, null);
    },
    async requestDidStart() {
      let led: Flight | undefined;
      let shareable = false;
      return {
        async responseForOperation(requestContext) {
          if (requestContext.operation?.operation !== 'query' || !requestContext.queryHash || wantsFresh(requestContext)) {
            requestContext.contextValue.answerFlight?.release();
            return null;
          }
          shareable = true;
          const key = inboundKey(requestContext);
          const { signal } = requestContext.contextValue;
          // an execution that gave no answer to share (its caller's deadline passed): the next one, or our own
          for (let inFlight = flights.get(key); inFlight; inFlight = flights.get(key)) {
            const shared = await answerWithin(inFlight.answer, signal);
            if (signal?.aborted) return null;
            if (!shared) continue;
            options.onShared?.();
            return responseFor(shared, requestContext);
          }
          let resolve!: (answer: SharedAnswer | null) => void;
          const answer = new Promise<SharedAnswer | null>((done) => (resolve = done));
          led = { key, answer, settle: resolve };
          flights.set(key, led);
          leaders.set(requestContext.contextValue, led);
          return null;
        },
        async willSendResponse({ response, overallCachePolicy, operation, contextValue }) {
          // a write has its answer: what is in flight began before it
          if (operation?.operation === 'mutation') clear();
          // cut short by its own caller's deadline: the others, with time left, execute again
          const single = shareable && response.body.kind === 'single' && !contextValue.signal?.aborted ? response.body.singleResult : null;
          if (single && contextValue.answerFlight) contextValue.answerFlight.shareable = true;
          if (!led) return;
          settle(led, single && { result: { ...single }, status: response.http.status, policy: overallCachePolicy.policyIfCacheable(), age: response.http.headers.get('age') });
        },
      };
    },
  };
  return { plugin, answers };
}
