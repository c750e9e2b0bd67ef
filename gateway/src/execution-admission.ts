import { performance, type EventLoopUtilization } from 'node:perf_hooks';

/**
 * How many GraphQL executions run at once, adapted to what the process's CPU can take
 * (MAX_CONCURRENT_EXECUTIONS). A gateway whose event loop is saturated gains nothing from starting
 * more executions: each one only waits longer for the CPU while the intermediate results of all of
 * them stay alive, survive the young-generation collections and fill the old generation (at 50
 * concurrent deep queries on one core: about 2.5 times the memory, and second-long collection
 * pauses). So when the event loop is busy the limit shrinks, down to `min`; when it has time to
 * spare and executions are waiting, the limit grows, up to `max` — a gateway waiting on slow
 * subgraphs runs as many executions as are asked for. Waiting executions start in arrival order;
 * one whose deadline passes while it waits is answered as timed out without running.
 */
export interface AdmissionOptions {
  min: number;
  max: number;
  /** How often the limit adapts (ms). */
  intervalMs?: number;
  /** The event loop's utilization since the last adaptation, 0–1 (default: perf_hooks). */
  utilization?: () => number;
}

/** Event-loop utilization at which the CPU counts as saturated, and below which it has time to spare. */
const BUSY = 0.95;
const SPARE = 0.85;

interface Waiting {
  start: () => void;
  timer: NodeJS.Timeout | undefined;
}

function eventLoopUtilization(): () => number {
  let last: EventLoopUtilization = performance.eventLoopUtilization();
  return () => {
    const now = performance.eventLoopUtilization();
    const { utilization } = performance.eventLoopUtilization(now, last);
    last = now;
    return utilization;
  };
}

export class ExecutionAdmission {
  private current: number;
  private running = 0;
  private readonly waiting: Waiting[] = [];
  private readonly timer: NodeJS.Timeout | undefined;
  private readonly utilization: () => number;

  constructor(private readonly options: AdmissionOptions) {
    this.current = options.max;
    this.utilization = options.utilization ?? eventLoopUtilization();
    if (options.min < options.max) this.timer = setInterval(() => this.adapt(), options.intervalMs ?? 100).unref();
  }

  get limit(): number {
    return this.current;
  }

  get active(): number {
    return this.running;
  }

  get queued(): number {
    return this.waiting.length;
  }

  /** Runs `execute` once a place is free, or answers `timedOut()` if `deadlineAt` (epoch ms) passes first. */
  async run<T>(deadlineAt: number, execute: () => Promise<T>, timedOut: () => T): Promise<T> {
    if (this.running < this.current) this.running += 1;
    else if (!(await this.place(deadlineAt))) return timedOut();
    try {
      return await execute();
    } finally {
      this.release();
    }
  }

  /** Adapts the limit to the event loop's utilization since the last call (a timer calls it). */
  adapt(): void {
    const utilization = this.utilization();
    const { min, max } = this.options;
    if (utilization >= BUSY) this.current = Math.max(min, Math.floor(Math.min(this.current, this.running) * 0.75));
    else if (utilization < SPARE && this.waiting.length > 0) this.current = Math.min(max, this.current + Math.max(1, Math.floor(this.current / 4)));
    while (this.running < this.current && this.startNext());
  }

  close(): void {
    if (this.timer) clearInterval(this.timer);
  }

  /** Resolves true once the caller holds a place, false when its deadline passed first. */
  private place(deadlineAt: number): Promise<boolean> {
    return new Promise((resolve) => {
      const entry: Waiting = { start: () => resolve(true), timer: undefined };
      const left = deadlineAt - Date.now();
      if (left <= 0) return resolve(false);
      entry.timer = setTimeout(() => {
        this.waiting.splice(this.waiting.indexOf(entry), 1);
        resolve(false);
      }, left);
      this.waiting.push(entry);
    });
  }

  private release(): void {
    this.running -= 1;
    while (this.running < this.current && this.startNext());
  }

  private startNext(): boolean {
    const next = this.waiting.shift();
    if (!next) return false;
    clearTimeout(next.timer);
    this.running += 1;
    next.start();
    return true;
  }
}
