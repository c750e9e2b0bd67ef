/**
 * The load balancer of docker-compose.yml, for real: HAProxy with the configuration
 * schema/haproxy.ts renders for deploy/haproxy.cfg (only the gateways' addresses differ: loopback
 * ports instead of compose's service names) in front of two gateways sharing one Redis, over a
 * seeded stack. Both gateways serve; a gateway that shuts down is taken out without one request
 * failing: for DRAIN_DELAY_MS it keeps serving with /ready at 503, HAProxy's checks take it out,
 * and only then does it stop accepting. Without the delay requests fail (this test with
 * DRAIN_DELAY_MS=0: 1–2 failed requests in 4 of 5 runs, "other side closed": connections the
 * gateway closed under requests HAProxy had just sent).
 * Needs haproxy (Debian's package; .ci/run installs it); skipped without it.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { freePort } from '../harness/free-port';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningServer } from '../../platform/http';
import { CHECK_FALL, CHECK_INTERVAL_S, renderHaproxyConfig } from '../../schema/haproxy';
import { GATEWAY_DRAIN_DELAY_MS } from '../../schema/topology';
import { ROLES } from '../../subgraphs/common/scopes';
import { capturedLogger, startGatewayOver } from '../harness/gateway';
import { bearer } from '../harness/graphql';
import { startRedis, type RedisServer } from '../harness/redis';
import { useSeededStack } from '../harness/stack';

const HAPROXY = spawnSync('haproxy', ['-v'], { encoding: 'utf8' }).status === 0;
const TOTAL = 'query Total { groupReport(fiscalYear: 2024) { total { amount currency } } }';

interface Replica {
  name: string;
  server: RunningServer;
  lines: Record<string, unknown>[];
  closed: boolean;
}

describe.skipIf(!HAPROXY)(`HAProxy (deploy/haproxy.cfg) in front of two gateways sharing Redis${HAPROXY ? '' : ' (skipped: haproxy is not installed)'}`, () => {
  const stack = useSeededStack('e2e_lb');
  let redis: RedisServer;
  const replicas: Replica[] = [];
  let haproxy: ChildProcess | undefined;
  let haproxyOutput = '';
  /** When HAProxy said it took gateway-1 out. */
  let firstDownAt: number | undefined;
  let url = '';
  let token = '';
  const folder = mkdtempSync(join(tmpdir(), 'haproxy-'));

  beforeAll(async () => {
    redis = await startRedis();
    token = await stack.token(ROLES.hq);
    for (const name of ['gateway-1', 'gateway-2']) {
      const { logger, lines } = capturedLogger(name);
      const server = await startGatewayOver(stack, { REDIS_URL: redis.url, DRAIN_DELAY_MS: String(GATEWAY_DRAIN_DELAY_MS) }, { logger });
      replicas.push({ name, server, lines, closed: false });
    }
    const port = await freePort();
    const config = join(folder, 'haproxy.cfg');
    writeFileSync(config, renderHaproxyConfig({ bind: `127.0.0.1:${port}`, gateways: replicas.map(({ name, server }) => ({ name, address: new URL(server.url).host })), dns: null }));
    haproxy = spawn('haproxy', ['-db', '-f', config], { stdio: ['ignore', 'pipe', 'pipe'] });
    const collect = (chunk: Buffer) => {
      haproxyOutput += chunk.toString();
      if (firstDownAt === undefined && /gateways\/gateway-1 is DOWN/.test(haproxyOutput)) firstDownAt = Date.now();
    };
    haproxy.stdout!.on('data', collect);
    haproxy.stderr!.on('data', collect);
    url = `http://127.0.0.1:${port}/graphql`;
    const deadline = Date.now() + 10_000;
    while (!(await fetch(url.replace('/graphql', '/health')).then((response) => response.ok, () => false))) {
      if (haproxy.exitCode !== null || Date.now() > deadline) throw new Error(`haproxy did not come up:\n${haproxyOutput}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }, 60_000);

  afterAll(async () => {
    if (haproxy && haproxy.exitCode === null) {
      const exited = new Promise((resolve) => haproxy!.once('exit', resolve));
      process.kill(haproxy.pid!, 'SIGTERM');
      await exited;
    }
    for (const replica of replicas) if (!replica.closed) await replica.server.close();
    await redis?.stop();
    rmSync(folder, { recursive: true, force: true });
  });

  /** One query through the load balancer; which replica answered it, from the request id in their logs. */
  async function viaLoadBalancer(requestId: string): Promise<{ status: number; total?: unknown; errors?: unknown }> {
    let response: Response;
    let text: string;
    try {
      response = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-request-id': requestId, ...bearer(token) },
        body: JSON.stringify({ query: TOTAL }),
      });
      text = await response.text();
    } catch (error) {
      return { status: 0, errors: String((error as { cause?: unknown }).cause ?? error) };
    }
    try {
      const body = JSON.parse(text) as { data?: { groupReport: { total: unknown } }; errors?: unknown };
      return { status: response.status, total: body.data?.groupReport.total, errors: body.errors };
    } catch {
      return { status: response.status, errors: text };
    }
  }

  const servedBy = (requestId: string) => replicas.filter((replica) => replica.lines.some((line) => line.requestId === requestId)).map((replica) => replica.name);

  it('answers through both gateways, the same group total from either', async () => {
    const answers = [];
    for (let index = 0; index < 16; index += 1) answers.push({ id: `lb-both-${index}`, ...(await viaLoadBalancer(`lb-both-${index}`)) });
    for (const answer of answers) expect(answer).toMatchObject({ status: 200, total: { amount: '828006924', currency: 'JPY' } });
    const byReplica = answers.map((answer) => servedBy(answer.id));
    for (const served of byReplica) expect(served).toHaveLength(1);
    expect(new Set(byReplica.flat())).toEqual(new Set(['gateway-1', 'gateway-2']));
  });

  it('takes a gateway out by its readiness when it shuts down, before it stops accepting, without one request failing', async () => {
    const results: { id: string; status: number; total?: unknown; errors?: unknown; sentAt: number }[] = [];
    let running = true;
    let counter = 0;
    const worker = async () => {
      while (running) {
        const id = `lb-drain-${counter++}`;
        const sentAt = Date.now();
        results.push({ id, ...(await viaLoadBalancer(id)), sentAt });
      }
    };
    const workers = Array.from({ length: 4 }, worker);
    await new Promise((resolve) => setTimeout(resolve, 500));
    const first = replicas[0]!;
    const stopAt = Date.now();
    await first.server.close();
    const closedAt = Date.now();
    first.closed = true;
    // then a while on the other gateway alone: 20 requests (a slow machine takes longer)
    const sentAfter = () => results.filter((result) => result.sentAt > closedAt).length;
    while (sentAfter() < 20 && Date.now() < closedAt + 15_000) await new Promise((resolve) => setTimeout(resolve, 50));
    running = false;
    await Promise.all(workers);

    expect(closedAt - stopAt).toBeGreaterThanOrEqual(GATEWAY_DRAIN_DELAY_MS);
    expect(GATEWAY_DRAIN_DELAY_MS).toBeGreaterThan(CHECK_INTERVAL_S * CHECK_FALL * 1_000);
    // out by its /ready (503), not by refused connections: it was still listening
    expect(haproxyOutput).toMatch(/gateways\/gateway-1 is DOWN, reason: Layer7 wrong status, code: 503/);
    expect(firstDownAt! - stopAt).toBeLessThan(closedAt - stopAt);

    const failed = results.filter((result) => result.status !== 200 || result.errors !== undefined || (result.total as { amount?: string })?.amount !== '828006924');
    expect(failed, haproxyOutput).toEqual([]);
    expect(results.filter((result) => result.sentAt < stopAt).map((result) => servedBy(result.id)).flat()).toContain('gateway-1');
    const afterwards = results.filter((result) => result.sentAt > closedAt);
    expect(afterwards.length).toBeGreaterThanOrEqual(20);
    for (const result of afterwards) expect(servedBy(result.id), result.id).toEqual(['gateway-2']);
  }, 45_000);
});
