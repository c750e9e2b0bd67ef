/**
 * The response cache shared in Redis (REDIS_URL; gateway/src/plugins/response-store-redis.ts) by
 * two gateways over the same subgraphs: the stack's own gateway (A, in this process) and a second
 * gateway process (B, `node --import tsx gateway/src/main.ts`), with a real redis-server. An answer
 * cached through one is a hit on the other; a write through A, or straight at a subgraph (signed as
 * the gateway signs), is never served stale by either once its answer is back; Redis killed or hung
 * costs no error and no stale answer, and caching resumes when it is back.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClient } from 'redis';
import { DASHBOARD as DASHBOARD_REQUEST } from '../../bench/workloads';
import { REPO_ROOT } from '../../platform/mongo-server';
import { privateJwkText } from '../../platform/signing-keys';
import { SUPERGRAPH_PATH } from '../../scripts/stack';
import { RESPONSE_CACHE_CHANNEL, subgraphTag } from '../../shared/response-cache-keys';
import { ROLES } from '../../subgraphs/common/scopes';
import { post } from '../harness/foreign-graph';
import { countSubgraphFetches, sumBy, total } from '../harness/metrics';
import { startRedis, type RedisServer } from '../harness/redis';
import { useSeededStack } from '../harness/stack';

/** A's Redis timeout: well above a dashboard's spread on a loaded machine, so that a wait for it shows. */
const TIMEOUT_MS = 400;
const gatewayEnv: NodeJS.ProcessEnv = { TRUSTED_DOCUMENTS_ONLY_FOR: '', REDIS_TIMEOUT_MS: String(TIMEOUT_MS) };
const subgraphEnv: NodeJS.ProcessEnv = {};
let redis: RedisServer;
let gatewayB: { url: string; child: ChildProcess; output: () => string } | undefined;

// Redis first: its URL goes into the stack's settings before the stack starts
beforeAll(async () => {
  redis = await startRedis();
  gatewayEnv.REDIS_URL = redis.url;
  subgraphEnv.REDIS_URL = redis.url;
});
afterAll(async () => {
  if (gatewayB && gatewayB.child.exitCode === null) {
    const exited = new Promise((resolve) => gatewayB!.child.once('exit', resolve));
    gatewayB.child.kill('SIGTERM');
    const killer = setTimeout(() => gatewayB!.child.kill('SIGKILL'), 10_000);
    await exited;
    clearTimeout(killer);
  }
  await redis?.stop();
});

const stack = useSeededStack('int_rc_redis', { gatewayEnv, subgraphEnv });

/** Gateway B: its own process over the stack's subgraphs, the same token settings, signing key and Redis. */
async function startGatewayB(): Promise<NonNullable<typeof gatewayB>> {
  const urls = Object.fromEntries([...stack.stack.subgraphs.values()].map((subgraph) => [`SUBGRAPH_URL_${subgraph.name.toUpperCase()}`, subgraph.server.url]));
  const { NODE_ENV: _mode, PORT: _port, ...inherited } = process.env;
  const child = spawn(process.execPath, ['--import', 'tsx', 'gateway/src/main.ts'], {
    cwd: REPO_ROOT,
    env: {
      ...inherited,
      ...urls,
      ...stack.issuer.verifierEnv,
      LOG_LEVEL: 'warn',
      SUPERGRAPH_PATH,
      WATCH_SUPERGRAPH: 'false',
      GATEWAY_SIGNING_KEY: privateJwkText(stack.stack.signingKey),
      TRUSTED_DOCUMENTS_ONLY_FOR: '',
      REDIS_URL: redis.url,
      PORT: '0',
      HOST: '127.0.0.1',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`gateway B did not start:\n${output}`)), 60_000);
    child.once('exit', (code) => reject(new Error(`gateway B exited (${code}):\n${output}`)));
    createInterface({ input: child.stdout! }).on('line', (line) => {
      output += `${line}\n`;
      const match = /^Gateway ready at (\S+)/.exec(line);
      if (match) {
        clearTimeout(timer);
        resolve(match[1]!);
      }
    });
  });
  return { url, child, output: () => output };
}

let hq: string;
let a: string;
let b: string;
beforeAll(async () => {
  gatewayB = await startGatewayB();
  hq = await stack.token(ROLES.hq, { subject: 'hq-analyst-1' });
  a = stack.gatewayUrl;
  b = gatewayB.url;
});

/** The dashboard under another operation name: an entry of its own per test. */
function dashboard(name: string): string {
  return DASHBOARD_REQUEST.query.replace('query Dashboard(', `query ${name}(`);
}

async function send(url: string, query: string, headers: Record<string, string> = {}) {
  const response = await post(url, { query, variables: { year: 2025 } }, { authorization: `Bearer ${hq}`, ...headers });
  expect(response.body.errors).toBeUndefined();
  return { body: response.body, cached: response.headers.has('age') };
}

type Answer = Awaited<ReturnType<typeof send>>;
const india = (answer: Answer) => answer.body.data.groupReport.bySubsidiary.find((line: { code: string }) => line.code === 'IN') as { expenseCount: number; local: { amount: string } };

/** Polls `probe` until `done` says so, at most `ms`; the last value. */
async function until<T>(probe: () => Promise<T>, done: (value: T) => boolean, ms = 5_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await probe();
    if (done(value) || Date.now() > deadline) return value;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** Sends `query` to A until B answers it from the shared cache. */
async function warm(query: string): Promise<Answer> {
  const first = await send(a, query);
  const shared = await until(() => send(b, query), (answer) => answer.cached);
  expect(shared.cached).toBe(true);
  return first;
}

async function recordIndiaExpense(amount: string, client = stack as { data: (query: string) => Promise<Record<string, any>> }) {
  const recorded = await client.data(`mutation { indiaRecordExpense(input: {
    initiativeId: "IN-I0001", date: "2024-07-10", contributionType: CASH, amount: "${amount}", description: "Shared cache check" }) { id } }`);
  expect(recorded.indiaRecordExpense.id).toMatch(/^IN-X/);
}

describe('a response cache shared by two gateway processes', () => {
  it('(1) an answer cached through A is a hit on B: no subgraph call, the same body', async () => {
    const query = dashboard('RedisShared');
    const first = await send(a, query);
    expect(first.cached).toBe(false);
    await until(() => send(a, query), (answer) => answer.cached);
    let fromB: Answer | undefined;
    const fetches = await countSubgraphFetches(b, async () => (fromB = await send(b, query)));
    expect(fromB!.cached).toBe(true);
    expect(total(fetches)).toBe(0);
    expect(fromB!.body).toEqual(first.body);
    expect((await sumBy(b, 'gateway_response_cache_total', 'event')).get('hit')).toBeGreaterThanOrEqual(1);
  });

  it('(2) a write through A is never served stale by B once A answered it (invalidation latency measured), also with B reading across the write', async () => {
    const query = dashboard('RedisWrite');
    const before = await warm(query);
    // when the invalidation is published, relative to the moment A answers the write
    const subscriber = createClient({ url: redis.url });
    await subscriber.connect();
    let publishedAt: number | undefined;
    await subscriber.subscribe(RESPONSE_CACHE_CHANNEL, () => (publishedAt ??= performance.now()));
    // B keeps computing fresh answers meanwhile (no-cache: looked up never, stored always), so
    // some of them read India before the write and try to store after it: refused
    let reading = true;
    const readers = (async () => {
      while (reading) await send(b, query, { 'cache-control': 'no-cache' });
    })();
    await new Promise((resolve) => setTimeout(resolve, 100));
    await recordIndiaExpense('12345.67');
    const written = performance.now();
    // the invalidation latency: when the first read that got the new figures was sent (its own
    // computing time, long on a loaded machine, is not the cache's)
    const reads: (Answer & { sentAt: number })[] = [];
    const fresh = await until(
      async () => {
        const sentAt = performance.now();
        const answer = { ...(await send(b, query)), sentAt };
        reads.push(answer);
        return answer;
      },
      (answer) => india(answer).expenseCount === india(before).expenseCount + 1,
      1_000,
    );
    const latencyMs = fresh.sentAt - written;
    reading = false;
    await readers;
    await subscriber.close();
    console.info(
      `shared cache: write through A seen by B after ${latencyMs.toFixed(1)} ms (${reads.length} read(s), the first ${reads[0]!.cached ? 'cached' : 'computed'}); invalidation published ${(publishedAt! - written).toFixed(1)} ms after A answered the write`,
    );
    expect(publishedAt! - written).toBeLessThan(1_000);
    expect(india(fresh).expenseCount).toBe(india(before).expenseCount + 1);
    expect(latencyMs).toBeLessThan(1_000);
    // the invalidation was in Redis before A answered the write: B's very first read is fresh
    expect(reads).toHaveLength(1);
    // from then on, neither gateway answers the old figures, cached or not
    for (let round = 0; round < 10; round += 1) {
      for (const url of [a, b]) expect(india(await send(url, query)).expenseCount).toBe(india(before).expenseCount + 1);
    }
    expect((await until(() => send(b, query), (answer) => answer.cached)).cached).toBe(true);
  });

  it('(3) a write made straight at a regional subgraph (signed as the gateway signs) invalidates both gateways’ answers, and is published', async () => {
    const subscriber = createClient({ url: redis.url });
    await subscriber.connect();
    const messages: unknown[] = [];
    await subscriber.subscribe(RESPONSE_CACHE_CHANNEL, (message) => messages.push(JSON.parse(message)));
    try {
      const query = dashboard('RedisDirect');
      const before = await warm(query);
      expect((await send(a, query)).cached).toBe(true);
      const indiaDirect = stack.asGateway(await stack.token(ROLES.admin), 'india');
      // a write the subgraph refuses changed nothing: nothing is invalidated
      const refused = await indiaDirect.query(`mutation { indiaRecordExpense(input: {
        initiativeId: "IN-I9999", date: "2024-07-10", contributionType: CASH, amount: "5.00", description: "No such initiative" }) { id } }`);
      expect(refused.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
      await new Promise((resolve) => setTimeout(resolve, 100));
      expect(messages).toEqual([]);
      expect((await send(a, query)).cached).toBe(true);
      await recordIndiaExpense('100.00', indiaDirect);
      // B first, then A: neither has the old answer (B's fresh one is then shared with A)
      for (const url of [b, a]) expect(india(await send(url, query)).expenseCount).toBe(india(before).expenseCount + 1);
      await until(async () => messages.length, (count) => count > 0, 2_000);
      expect(messages).toContainEqual({ tags: [subgraphTag('india')] });
    } finally {
      await subscriber.close();
    }
  });

  it('(3) a write made straight at the group subgraph invalidates the answers that read headquarters', async () => {
    const query = dashboard('RedisDirectGroup');
    const before = await warm(query);
    const group = stack.asGateway(await stack.token(ROLES.admin), 'group');
    const set = await group.query(`mutation { setExchangeRate(input: { currency: "THB", fiscalYear: 2030, jpyPerUnit: "4.25", source: "Treasury tool", asOf: "2030-03-31" }) { currency } }`);
    expect(set.errors).toBeUndefined();
    // a rate of another year: the same figures, computed anew (then shared with B)
    const after = await send(a, query);
    expect(after.cached).toBe(false);
    expect(after.body).toEqual(before.body);
  });

  it('(4) Redis killed mid-run: answers stay right (no error, nothing stale, a write shows at once); caching resumes after Redis restarts', async () => {
    const query = dashboard('RedisDown');
    const before = await warm(query);
    await redis.kill();
    for (const url of [a, b]) {
      const answer = await send(url, query);
      expect(answer.cached).toBe(false);
      expect(answer.body).toEqual(before.body);
    }
    await recordIndiaExpense('1.00');
    for (const url of [a, b]) expect(india(await send(url, query)).expenseCount).toBe(india(before).expenseCount + 1);
    expect((await sumBy(a, 'gateway_response_cache_redis_errors_total', 'operation')).size).toBeGreaterThan(0);

    await redis.restart();
    const resumed = await until(() => send(a, query), (answer) => answer.cached, 15_000);
    expect(resumed.cached).toBe(true);
    expect(india(resumed).expenseCount).toBe(india(before).expenseCount + 1);
    expect((await until(() => send(b, query), (answer) => answer.cached, 15_000)).cached).toBe(true);
    expect(gatewayB!.output()).toMatch(/redis_unavailable/);
  });

  it('(4) Redis hung: a query waits at most REDIS_TIMEOUT_MS for it, then not at all until it answers again; no error', async () => {
    const query = dashboard('RedisHung');
    await warm(query);
    const timed = async () => {
      const started = performance.now();
      const answer = await send(a, query, { 'cache-control': 'no-cache' });
      return { answer, ms: performance.now() - started };
    };
    const normal: number[] = [];
    for (let i = 0; i < 7; i += 1) normal.push((await timed()).ms);
    redis.pause();
    const hung: number[] = [];
    try {
      for (let i = 0; i < 7; i += 1) {
        const { answer, ms } = await timed();
        expect(answer.cached).toBe(false);
        hung.push(ms);
      }
    } finally {
      redis.resume();
    }
    const median = (values: number[]) => [...values].sort((x, y) => x - y)[Math.floor(values.length / 2)]!;
    console.info(`shared cache: query with Redis up ${median(normal).toFixed(1)} ms (median), Redis hung: first ${hung[0]!.toFixed(1)} ms, then median ${median(hung.slice(1)).toFixed(1)} ms`);
    // the first waits for the timeout once; the next ones do not ask Redis (a PING in the background finds when it is back)
    expect(hung[0]!).toBeGreaterThanOrEqual(TIMEOUT_MS);
    expect(hung[0]!).toBeLessThan(Math.max(...normal) + TIMEOUT_MS + 1_000); // bounded (a loaded machine's spread on top)
    expect(median(hung.slice(1))).toBeLessThan(median(normal) + TIMEOUT_MS / 2);
    expect((await until(() => send(a, query), (answer) => answer.cached, 10_000)).cached).toBe(true);
  });
});
