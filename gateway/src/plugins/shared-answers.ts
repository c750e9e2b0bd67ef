import { createHash } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import type { GraphQLAnswer, GraphQLCall, GraphQLExecution } from '../../../platform/http';
import { requestScope } from '../../../platform/logger';

/**
 * Inbound deduplication's fast path, at the HTTP layer: identical POSTs in flight — the same bytes,
 * from the same caller identity, with the same headers that shape the answer — get the bytes of one
 * answer, serialized once. A caller who joins skips parsing, Apollo's pipeline and serialization
 * altogether (answering 50 identical callers costs one execution plus 49 writes of one buffer).
 *
 * Whether an answer may be shared is decided by the execution that led, inside Apollo
 * (plugins/inbound-deduplication.ts, through the context's `answerFlight`): a query answered in
 * one piece within its deadline. Anything else — a mutation, a request refused, a timeout, an
 * incremental answer — is released to the callers who joined, who then execute on their own,
 * within what is left of their own deadline. Requests that differ in bytes but not in operation
 * (whitespace, an APQ hash for the text) still share one execution through that plugin.
 */
export interface SharedAnswersOptions<TAdmitted> {
  /** Who asks, as far as sharing goes (inbound-deduplication.ts callerKey). */
  callerOf(admitted: TAdmitted, headers: IncomingHttpHeaders): string;
  /** How long a caller may wait in all (REQUEST_TIMEOUT_MS). */
  deadlineMs: number;
  /** The answer of a caller whose deadline passed while it waited. */
  timedOut(): GraphQLAnswer;
  /** A caller answered with an execution already in flight. */
  onShared?: () => void;
}

/** What the log line and metrics of a caller who joined say of its answer (platform/observability.ts). */
interface AnswerOutcome {
  operationName: string | null | undefined;
  operationType: string | undefined;
  errorCodes: string[];
  hasData: boolean | undefined;
}

interface SharedAnswer {
  status: number;
  headers: [string, string][];
  body: Buffer;
  outcome: AnswerOutcome;
}

/** One execution callers may join; the leading execution's Apollo plugins mark it shareable or release it. */
export class AnswerFlight {
  /** Set inside Apollo once the answer is known to be one to share. */
  shareable = false;
  readonly answer: Promise<SharedAnswer | null>;
  private settle!: (answer: SharedAnswer | null) => void;

  constructor() {
    this.answer = new Promise((resolve) => (this.settle = resolve));
  }

  /** No answer to share: whoever joined executes on its own, now. */
  release(): void {
    this.settle(null);
  }

  share(answer: SharedAnswer): void {
    this.settle(answer);
  }
}

/** What the leading execution's context carries (server.ts merges it into the request's context). */
export interface AnswerFlightContext {
  answerFlight?: AnswerFlight;
  /** When the request runs out of time, epoch ms: a caller who waited for nothing executes within what is left (plugins/limits.ts). */
  deadlineAt?: number;
}

/** Request headers that change the answer's bytes or whether it is given: content negotiation and CSRF prevention. */
const SHAPING_HEADERS = ['content-type', 'accept', 'apollo-require-preflight', 'x-apollo-operation-name'] as const;

export function wantsFreshAnswer(cacheControl: string | undefined): boolean {
  return /(^|,)\s*(no-cache|no-store|max-age=0)\s*(,|$)/i.test(cacheControl ?? '');
}

function answerKey(caller: string, headers: IncomingHttpHeaders, url: string | undefined, body: Buffer): string {
  const hash = createHash('sha256').update(caller).update('\n').update(url ?? '');
  for (const name of SHAPING_HEADERS) hash.update('\n').update(String(headers[name] ?? ''));
  return hash.update('\n').update(body).digest('base64url');
}

type Waited = SharedAnswer | null | 'timed out';

function within(answer: Promise<SharedAnswer | null>, ms: number): Promise<Waited> {
  if (ms <= 0) return Promise.resolve('timed out');
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve('timed out'), ms);
    void answer.then((shared) => {
      clearTimeout(timer);
      resolve(shared);
    });
  });
}

function recordOutcome(outcome: AnswerOutcome): void {
  const scope = requestScope.getStore();
  if (!scope) return;
  scope.operationName = outcome.operationName;
  scope.operationType = outcome.operationType;
  scope.errorCodes = [...outcome.errorCodes];
  scope.hasData = outcome.hasData;
  scope.shared = true;
}

function outcomeOfThisRequest(): AnswerOutcome {
  const scope = requestScope.getStore();
  // the observability plugin reads the answer as finally sent; it is final now
  scope?.settle?.();
  return { operationName: scope?.operationName, operationType: scope?.operationType, errorCodes: scope?.errorCodes ?? [], hasData: scope?.hasData };
}

export class SharedAnswers<TAdmitted, TContext extends AnswerFlightContext> {
  private readonly flights = new Map<string, AnswerFlight>();

  constructor(private readonly options: SharedAnswersOptions<TAdmitted>) {}

  /** What is in flight can no longer be joined (a write has its answer, the supergraph changed); it finishes for the callers it has. */
  clear(): void {
    this.flights.clear();
  }

  async around(call: GraphQLCall<TAdmitted>, execute: GraphQLExecution<TContext>): Promise<GraphQLAnswer> {
    const { headers } = call.request;
    if (wantsFreshAnswer(headers['cache-control'])) return execute();
    const key = answerKey(this.options.callerOf(call.admitted, headers), headers, call.request.url, call.body);
    const deadlineAt = Date.now() + this.options.deadlineMs;
    const inFlight = this.flights.get(key);
    if (inFlight) {
      const shared = await within(inFlight.answer, deadlineAt - Date.now());
      if (shared === 'timed out') return this.options.timedOut();
      if (!shared) return execute({ deadlineAt } as Partial<TContext>);
      recordOutcome(shared.outcome);
      this.options.onShared?.();
      return { status: shared.status, headers: shared.headers, body: shared.body };
    }
    const flight = new AnswerFlight();
    this.flights.set(key, flight);
    const leave = () => {
      if (this.flights.get(key) === flight) this.flights.delete(key);
    };
    try {
      const answer = await execute({ answerFlight: flight, deadlineAt } as Partial<TContext>);
      leave();
      if (!flight.shareable || typeof answer.body !== 'string') {
        flight.release();
        return answer;
      }
      const shared: SharedAnswer = { status: answer.status, headers: answer.headers, body: Buffer.from(answer.body), outcome: outcomeOfThisRequest() };
      flight.share(shared);
      return { status: shared.status, headers: shared.headers, body: shared.body };
    } catch (error) {
      leave();
      flight.release();
      throw error;
    }
  }
}
