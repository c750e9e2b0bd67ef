import { describe, expect, it } from 'vitest';
import { CircuitBreaker, CircuitBreakers, type CircuitTransition, type CircuitSettings } from '../../gateway/src/circuit-breaker';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** A breaker whose probe answers what `answers` says, recording transitions and refusals. */
function breaker(settings: Partial<CircuitSettings> = {}) {
  const transitions: string[] = [];
  const seen: CircuitTransition[] = [];
  let refused = 0;
  const state = { answers: false, probes: 0 };
  const circuit = new CircuitBreaker('india', {
    failureThreshold: 3,
    openMs: 40,
    probe: async () => {
      state.probes += 1;
      return state.answers;
    },
    onTransition: (transition) => {
      seen.push(transition);
      transitions.push(`${transition.from}->${transition.to}`);
    },
    onRefused: () => (refused += 1),
    ...settings,
  });
  return { circuit, transitions, seen, state, refused: () => refused };
}

describe('a subgraph circuit breaker', () => {
  it('opens after the threshold of failures in a row, and a success in between resets the count', () => {
    const { circuit, transitions } = breaker();
    circuit.failed();
    circuit.failed();
    circuit.succeeded();
    circuit.failed();
    circuit.failed();
    expect(circuit.state).toBe('closed');
    expect(circuit.refusal()).toBeUndefined();
    circuit.failed();
    expect(circuit.state).toBe('open');
    expect(transitions).toEqual(['closed->open']);
    circuit.dispose();
  });

  it('refuses every call while open, saying since when, and counts the refusals', () => {
    const { circuit, refused } = breaker();
    const before = Date.now();
    for (let i = 0; i < 3; i += 1) circuit.failed();
    const refusal = circuit.refusal();
    expect(refusal).toMatchObject({ service: 'india', failures: 3, openMs: 40 });
    expect(refusal!.since.getTime()).toBeGreaterThanOrEqual(before);
    circuit.refusal();
    expect(refused()).toBe(2);
    circuit.dispose();
  });

  it('probes after the cooldown: no answer opens it again (keeping since when), an answer closes it', async () => {
    const { circuit, transitions, seen, state } = breaker();
    for (let i = 0; i < 3; i += 1) circuit.failed();
    const since = circuit.refusal()!.since;
    await sleep(70);
    expect(state.probes).toBe(1);
    expect(circuit.state).toBe('open');
    expect(circuit.refusal()!.since).toEqual(since);
    state.answers = true;
    await sleep(70);
    expect(circuit.state).toBe('closed');
    expect(circuit.refusal()).toBeUndefined();
    expect(transitions).toEqual(['closed->open', 'open->half_open', 'half_open->open', 'open->half_open', 'half_open->closed']);
    expect(seen.at(-1)).toEqual({ service: 'india', from: 'half_open', to: 'closed', failures: 0, since });
    // closed again: it takes the full threshold to open once more
    circuit.failed();
    circuit.failed();
    expect(circuit.state).toBe('closed');
    circuit.dispose();
  });

  it('refuses calls while its probe runs, and ignores late answers of calls sent before it opened', async () => {
    let finish!: (answered: boolean) => void;
    const { circuit } = breaker({ probe: () => new Promise<boolean>((resolve) => (finish = resolve)) });
    for (let i = 0; i < 3; i += 1) circuit.failed();
    await sleep(60);
    expect(circuit.state).toBe('half_open');
    expect(circuit.refusal()).toBeDefined();
    circuit.succeeded();
    circuit.failed();
    expect(circuit.state).toBe('half_open');
    finish(true);
    await sleep(0);
    expect(circuit.state).toBe('closed');
    circuit.dispose();
  });

  it('stops probing once disposed', async () => {
    const { circuit, state } = breaker();
    for (let i = 0; i < 3; i += 1) circuit.failed();
    circuit.dispose();
    await sleep(70);
    expect(state.probes).toBe(0);
  });
});

describe('the breakers of a gateway', () => {
  it('keeps one breaker per subgraph across reloads, probing the URL last given', async () => {
    const probed: string[] = [];
    const breakers = new CircuitBreakers((service, url) => new CircuitBreaker(service, { failureThreshold: 1, openMs: 20, probe: async () => (probed.push(url()), true) }));
    const first = breakers.of('india', 'http://127.0.0.1:1/graphql');
    expect(breakers.of('india', 'http://127.0.0.1:2/graphql')).toBe(first);
    expect(breakers.of('japan', 'http://127.0.0.1:3/graphql')).not.toBe(first);
    first.failed();
    expect(breakers.snapshot('india')).toMatchObject({ state: 'open', consecutiveFailures: 1 });
    await sleep(50);
    expect(probed).toEqual(['http://127.0.0.1:2/graphql']);
    expect(breakers.snapshot('india')).toEqual({ state: 'closed', consecutiveFailures: 0 });
    expect(breakers.snapshot('thailand')).toBeUndefined();
    breakers.dispose();
  });
});
