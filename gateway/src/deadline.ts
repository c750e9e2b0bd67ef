/** The reason a request's signal aborts with when the request runs out of time (plugins/limits.ts). */
export class RequestDeadlineExceeded extends Error {
  constructor(readonly limitMs: number) {
    super(`request timed out after ${limitMs} ms`);
  }
}

/** The deadline that aborted `signal`, if that is why it is aborted (not a client hanging up). */
export function deadlineOf(signal: AbortSignal | undefined): RequestDeadlineExceeded | undefined {
  return signal?.aborted && signal.reason instanceof RequestDeadlineExceeded ? signal.reason : undefined;
}
