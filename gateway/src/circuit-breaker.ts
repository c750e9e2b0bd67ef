import type { Logger } from '../../platform/logger';
import type { SubgraphHealthMetrics } from '../../platform/metrics';

/** closed: calls go through; open: every call is refused at once; half_open: a probe decides. */
export type CircuitState = 'closed' | 'half_open' | 'open';

/** The metric value of each state (gateway_subgraph_circuit_state). */
export const CIRCUIT_STATE_VALUE: Record<CircuitState, number> = { closed: 0, half_open: 1, open: 2 };

export interface CircuitTransition {
  service: string;
  from: CircuitState;
  to: CircuitState;
  /** Failed attempts in a row when the circuit opened. */
  failures: number;
  /** Since when the subgraph is considered unavailable (set while not closed). */
  since?: Date;
}

/** Why a call is refused: the circuit is open (or half-open, while its probe runs) since `since`. */
export interface CircuitRefusal {
  service: string;
  since: Date;
  failures: number;
  openMs: number;
}

export interface CircuitSettings {
  /** Failed attempts in a row that open the circuit. */
  failureThreshold: number;
  /** How long the circuit stays open before a probe may close it. */
  openMs: number;
  /** Asks the subgraph whether it answers again (e.g. its /health); true closes the circuit. */
  probe: () => Promise<boolean>;
  onTransition?: (transition: CircuitTransition) => void;
  onRefused?: (refusal: CircuitRefusal) => void;
}

/** What GET /subgraphs shows of a circuit. */
export interface CircuitSnapshot {
  state: CircuitState;
  consecutiveFailures: number;
  since?: string;
}

/**
 * The circuit breaker of one subgraph. Attempts that fail at the transport level (timeouts,
 * connection errors, retryable 5xx) count; any other answer resets the count. After
 * `failureThreshold` failures in a row the circuit opens and every call is refused without being
 * sent; `openMs` later it turns half-open and probes the subgraph: an answer closes it, no answer
 * opens it for another `openMs`. Client requests never wait for a probe.
 */
export class CircuitBreaker {
  private current: CircuitState = 'closed';
  private failures = 0;
  private since: Date | undefined;
  private timer: NodeJS.Timeout | undefined;
  private disposed = false;

  constructor(
    readonly service: string,
    private readonly settings: CircuitSettings,
  ) {}

  get state(): CircuitState {
    return this.current;
  }

  /** Undefined when a call may go; otherwise why it may not. Counts the refusal. */
  refusal(): CircuitRefusal | undefined {
    if (this.current === 'closed') return undefined;
    const refusal = { service: this.service, since: this.since!, failures: this.failures, openMs: this.settings.openMs };
    this.settings.onRefused?.(refusal);
    return refusal;
  }

  succeeded(): void {
    if (this.current === 'closed') this.failures = 0;
  }

  failed(): void {
    if (this.current !== 'closed') return;
    this.failures += 1;
    if (this.failures >= this.settings.failureThreshold) {
      this.since = new Date();
      this.open();
    }
  }

  snapshot(): CircuitSnapshot {
    return { state: this.current, consecutiveFailures: this.failures, ...(this.since ? { since: this.since.toISOString() } : {}) };
  }

  /** Stops the probe timer (the gateway is closing). */
  dispose(): void {
    this.disposed = true;
    clearTimeout(this.timer);
  }

  private open(): void {
    this.move('open');
    this.timer = setTimeout(() => void this.probe(), this.settings.openMs);
    this.timer.unref();
  }

  private async probe(): Promise<void> {
    if (this.disposed) return;
    this.move('half_open');
    const answered = await this.settings.probe().catch(() => false);
    if (this.disposed) return;
    if (!answered) return this.open();
    this.failures = 0;
    this.move('closed');
    this.since = undefined;
  }

  private move(to: CircuitState): void {
    const from = this.current;
    this.current = to;
    this.settings.onTransition?.({ service: this.service, from, to, failures: this.failures, ...(this.since ? { since: this.since } : {}) });
  }
}

/** One breaker per subgraph name, kept across supergraph reloads (a reload builds new data sources). */
export class CircuitBreakers {
  private readonly breakers = new Map<string, CircuitBreaker>();
  private readonly urls = new Map<string, string>();

  /** `create` gets the subgraph's name and its URL as last given to `of` (a reload may change it). */
  constructor(private readonly create: (service: string, url: () => string) => CircuitBreaker) {}

  of(service: string, url: string): CircuitBreaker {
    this.urls.set(service, url);
    let breaker = this.breakers.get(service);
    if (!breaker) {
      breaker = this.create(service, () => this.urls.get(service)!);
      this.breakers.set(service, breaker);
    }
    return breaker;
  }

  snapshot(service: string): CircuitSnapshot | undefined {
    return this.breakers.get(service)?.snapshot();
  }

  dispose(): void {
    for (const breaker of this.breakers.values()) breaker.dispose();
  }
}

const TRANSITION_EVENTS: Record<CircuitState, string> = { open: 'circuit_opened', half_open: 'circuit_half_open', closed: 'circuit_closed' };

/** A gauge and a counter per transition, a counter per refused call, one log line per transition. */
export function observedCircuits(metrics: SubgraphHealthMetrics | undefined, logger: Logger | undefined): Pick<CircuitSettings, 'onTransition' | 'onRefused'> {
  return {
    onTransition: ({ service, from, to, failures, since }) => {
      metrics?.circuitState.set({ subgraph: service }, CIRCUIT_STATE_VALUE[to]);
      metrics?.circuitTransitions.inc({ subgraph: service, from, to });
      const line = { event: TRANSITION_EVENTS[to], subgraph: service, from, to, ...(to === 'open' ? { failures } : {}), ...(since ? { since: since.toISOString() } : {}) };
      if (to === 'open') logger?.warn(line, from === 'closed' ? 'subgraph circuit opened: its calls are refused until a probe finds it answering' : 'subgraph still not answering: circuit open again');
      else logger?.info(line, to === 'closed' ? 'subgraph answers again: circuit closed' : 'probing subgraph');
    },
    onRefused: ({ service }) => metrics?.circuitRefused.inc({ subgraph: service }),
  };
}
