/**
 * Fault: the India subgraph hangs (a TCP proxy on 127.0.0.1 holds its answers back for an hour).
 * The gateway's per-subgraph budget is 500 ms; its circuit breaker runs with its defaults
 * (5 failed attempts in a row, 2 s open). Requests keep coming, one at a time and ten at once.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningServer } from '../../platform/http';
import { ROLES } from '../../subgraphs/common/scopes';
import { useStackWithIndiaBehindProxy, within } from '../harness/faults';
import { capturedLogger, startGatewayOver } from '../harness/gateway';
import { graphql, type GraphQLResponse } from '../harness/graphql';
import { samples } from '../harness/metrics';

const TIMEOUT_MS = 500;
const { stack, proxy } = useStackWithIndiaBehindProxy('fault_circuit', TIMEOUT_MS);
const { logger, lines } = capturedLogger();
let gateway: RunningServer;
let token: string;

beforeAll(async () => {
  gateway = await startGatewayOver(stack, { SUBGRAPH_URL_INDIA: `http://127.0.0.1:${proxy().port}/graphql`, SUBGRAPH_TIMEOUT_MS: String(TIMEOUT_MS), RESPONSE_CACHE: 'false' }, { logger });
  token = await stack.token(ROLES.hq);
});
afterAll(async () => {
  await gateway?.close();
});

const LIST = `{ subsidiaries { code initiatives { totalCount } } }`;
const indiaPosts = () => (proxy().sent.match(/POST \/graphql/g) ?? []).length;
const indiaProbes = () => (proxy().sent.match(/GET \/health/g) ?? []).length;

async function timed(query = LIST): Promise<{ ms: number; result: GraphQLResponse }> {
  const started = performance.now();
  const result = await graphql(gateway.url, query, {}, { authorization: `Bearer ${token}` });
  return { ms: performance.now() - started, result };
}

async function circuitState(): Promise<number | undefined> {
  return (await samples(gateway.url, 'gateway_subgraph_circuit_state')).find((sample) => sample.labels.subgraph === 'india')?.value;
}

describe('a hung regional subgraph behind a circuit breaker', () => {
  it('is no longer called once its circuit opens: answers come at once, the other regions intact; then it recovers', { timeout: 30_000 }, async () => {
    expect(await within(15_000, async () => !(await timed()).result.errors)).not.toBeNull();
    const healthy = (await timed()).result.data!;
    const postsBefore = indiaPosts();
    const probesBefore = indiaProbes();
    const withoutIndia = healthy.subsidiaries.map((s: { code: string }) => (s.code === 'IN' ? { code: 'IN', initiatives: null } : s));

    proxy().delayMs = 3_600_000;
    const answers: { ms: number; result: GraphQLResponse; alone: boolean }[] = [];
    let rounds = 0;
    try {
      // 1. learning: five different requests at once (identical ones would share one call), each waits out India's budget
      const learning = await Promise.all(Array.from({ length: 5 }, (_, index) => timed(`{ subsidiaries { code initiatives(first: ${index + 1}) { totalCount } } }`)));
      for (const { result } of learning) expect(result.errors?.[0]?.extensions).toMatchObject({ code: 'SUBSIDIARY_UNAVAILABLE', subsidiary: 'IN', reason: 'timeout' });
      expect(await circuitState()).toBe(2);

      // 2. open: for three seconds, one request at a time and ten at once, none waits for India
      const started = Date.now();
      while (Date.now() - started < 3_000) {
        rounds += 1;
        answers.push({ ...(await timed()), alone: true });
        answers.push(...(await Promise.all(Array.from({ length: 10 }, async () => ({ ...(await timed()), alone: false })))));
      }
    } finally {
      proxy().delayMs = 0;
    }
    const times = (alone: boolean) => answers.filter((answer) => answer.alone === alone).map((answer) => answer.ms).sort((a, b) => a - b);
    const median = (alone: boolean) => times(alone)[Math.floor(times(alone).length / 2)]!;
    const shown = (alone: boolean) => `median ${median(alone).toFixed(1)} ms, slowest ${times(alone).at(-1)!.toFixed(1)} ms`;
    console.info(`[fault] ${answers.length} answers with India's circuit open: alone ${shown(true)}; ten at once ${shown(false)}; India saw ${indiaPosts() - postsBefore} GraphQL requests and ${indiaProbes() - probesBefore} probes`);
    // within milliseconds alone; none, even ten at once on two loaded cores, waited for India's 500 ms
    expect(median(true)).toBeLessThan(100);
    expect(answers.length).toBeGreaterThan(30);
    for (const { ms, result } of answers) {
      expect(result.data?.subsidiaries).toEqual(withoutIndia);
      expect(result.errors).toHaveLength(1);
      expect(result.errors![0]).toMatchObject({
        path: ['subsidiaries', 1, 'initiatives'],
        extensions: { code: 'SUBSIDIARY_UNAVAILABLE', subsidiary: 'IN', serviceName: 'india', reason: 'circuit_open' },
      });
      expect(result.errors![0]!.message).toMatch(/^NEC India \(IN\) is unavailable since \d{4}-\d\d-\d\dT[\d:.]+Z: 5 calls to it in a row failed/);
      expect(ms).toBeLessThan(TIMEOUT_MS - 100);
    }
    // India saw the five learning requests and a probe or two, not one request per answer
    expect(indiaPosts() - postsBefore).toBe(5);
    expect(indiaProbes() - probesBefore).toBeGreaterThanOrEqual(1);
    expect(indiaProbes() - probesBefore).toBeLessThanOrEqual(3);
    const refused = (await samples(gateway.url, 'gateway_subgraph_circuit_refused_total')).find((sample) => sample.labels.subgraph === 'india')?.value;
    // identical concurrent requests share one refused call (plugins/deduplicate.ts)
    expect(refused).toBeGreaterThanOrEqual(2 * rounds);

    // 3. India answers again: within the cooldown and a probe, full answers
    const recoveredMs = await within(5_000, async () => JSON.stringify((await timed()).result.data) === JSON.stringify(healthy), 50);
    console.info(`[fault] India answering through the gateway ${recoveredMs} ms after it stopped hanging`);
    expect(recoveredMs).not.toBeNull();
    expect(recoveredMs!).toBeLessThan(3_000);
    expect(await circuitState()).toBe(0);

    // every transition was one JSON log line, and counted
    const transitions = lines.filter((line) => typeof line.event === 'string' && line.event.startsWith('circuit_')).map((line) => [line.event, line.subgraph, line.from, line.to]);
    expect(transitions[0]).toEqual(['circuit_opened', 'india', 'closed', 'open']);
    expect(transitions.at(-2)).toEqual(['circuit_half_open', 'india', 'open', 'half_open']);
    expect(transitions.at(-1)).toEqual(['circuit_closed', 'india', 'half_open', 'closed']);
    expect(lines.find((line) => line.event === 'circuit_opened')).toMatchObject({ level: 'warn', service: 'gateway', failures: 5, since: expect.stringMatching(/Z$/) });
    const counted = await samples(gateway.url, 'gateway_subgraph_circuit_transitions_total');
    expect(counted.find((sample) => sample.labels.subgraph === 'india' && sample.labels.from === 'closed' && sample.labels.to === 'open')?.value).toBe(1);
    expect(counted.find((sample) => sample.labels.subgraph === 'india' && sample.labels.to === 'closed')?.value).toBe(1);
  });
});
