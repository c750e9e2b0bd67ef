/**
 * Fault: the MongoDB under the India subgraph dies (SIGKILL) and comes back, empty, on the same port.
 * India runs on a MongoDB-protocol server of its own (a second process); every other subgraph keeps
 * the suite's shared server. Real servers on 127.0.0.1.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MongoClient } from 'mongodb';
import { loadSeed, type SeedDatabases } from '../../seed/load';
import type { StackOptions } from '../../scripts/stack';
import { SUBGRAPH_NAMES } from '../../subgraphs/launch';
import { DEFAULT_MONGO_TUNING } from '../../subgraphs/common/mongo';
import { startMongoProcess, within, type MongoProcess } from '../harness/faults';
import { useSeededStack } from '../harness/stack';

let indiaMongo: MongoProcess | undefined;
// filled in before the stack starts (hooks run in order): India's own MongoDB, and short driver waits
const options: Partial<StackOptions> = {
  mongo: { ...DEFAULT_MONGO_TUNING, serverSelectionTimeoutMS: 2_000, connectTimeoutMS: 2_000, heartbeatFrequencyMS: 1_000 },
};

beforeAll(async () => {
  indiaMongo = await startMongoProcess();
  options.mongoUris = { india: indiaMongo.uri };
});
afterAll(async () => {
  await indiaMongo?.stop();
});

const stack = useSeededStack('fault_mongo', options);

/** Seeds India's database on its own server, under the name the stack gave it. */
async function seedIndia(): Promise<void> {
  const client = new MongoClient(indiaMongo!.uri, { serverSelectionTimeoutMS: 5_000 });
  try {
    const names = Object.fromEntries(SUBGRAPH_NAMES.map((name) => [name, stack.db(name).databaseName])) as unknown as SeedDatabases;
    await loadSeed(client, names);
  } finally {
    await client.close();
  }
}

beforeAll(seedIndia);

const LIST = `{ subsidiaries { code initiatives { totalCount } } }`;
const indiaReady = () => fetch(stack.stack.subgraphs.get('india')!.server.url.replace(/\/graphql$/, '/ready'));

describe("a regional subgraph whose MongoDB dies", () => {
  it('answers for every other region, names India, reports India down while the gateway stays ready, and recovers by itself', { timeout: 90_000 }, async () => {
    const before = await stack.data(LIST);
    expect(before.subsidiaries[1]).toEqual({ code: 'IN', initiatives: { totalCount: 5 } });
    const totalBefore = (await stack.data(`{ groupReport(fiscalYear: 2024) { total { amount } } }`)).groupReport.total;
    const subgraphBefore = stack.stack.subgraphs.get('india');

    await indiaMongo!.kill();

    // 1. other regions intact; India null with SUBSIDIARY_UNAVAILABLE (reason: database) on its path
    const started = Date.now();
    const list = await stack.query(LIST);
    const outageMs = Date.now() - started;
    expect(list.data?.subsidiaries.map((s: any) => [s.code, s.initiatives?.totalCount ?? null])).toEqual([
      ['JP', before.subsidiaries[0].initiatives.totalCount],
      ['IN', null],
      ['US', before.subsidiaries[2].initiatives.totalCount],
      ['TH', before.subsidiaries[3].initiatives.totalCount],
    ]);
    expect(list.errors?.[0]).toMatchObject({
      path: ['subsidiaries', 1, 'initiatives'],
      extensions: { code: 'SUBSIDIARY_UNAVAILABLE', subsidiary: 'IN', reason: 'database', serviceName: 'india' },
    });
    expect(list.errors?.[0]?.message).not.toMatch(/127\.0\.0\.1|ECONN|mongodb:/);
    // bounded by the driver's server selection timeout (2 s here), not a hang
    expect(outageMs).toBeLessThan(5_000);

    // 2. the consolidated total refuses to be wrong
    const report = await stack.query(`{ groupReport(fiscalYear: 2024) { total { amount } completeness { missing { code } } } }`);
    expect(report.data?.groupReport).toEqual({ total: null, completeness: { missing: [{ code: 'IN' }] } });
    expect(report.errors?.find((error) => error.extensions?.code === 'CONSOLIDATION_INCOMPLETE')?.extensions?.missingSubsidiaries).toEqual(['IN']);

    // 3. India's readiness fails fast; its liveness does not; the gateway stays ready and reports India down
    const readyStarted = Date.now();
    const ready = await indiaReady();
    expect(ready.status).toBe(503);
    expect(await ready.json()).toMatchObject({ details: { mongodb: 'down' } });
    expect(Date.now() - readyStarted).toBeLessThan(2_000);
    expect((await fetch(stack.stack.subgraphs.get('india')!.server.url.replace(/\/graphql$/, '/health'))).status).toBe(200);
    const gatewayReady = await fetch(stack.gatewayUrl.replace(/\/graphql$/, '/ready'));
    expect(gatewayReady.status).toBe(200);
    const subgraphs = await fetch(stack.gatewayUrl.replace(/\/graphql$/, '/subgraphs'));
    expect(subgraphs.status).toBe(200);
    // India's process answers GraphQL (its circuit stays closed); its own /ready fails on its database
    expect(((await subgraphs.json()) as { subgraphs: Record<string, unknown> }).subgraphs.india).toMatchObject({ status: 'down', circuit: { state: 'closed' } });

    // 4. MongoDB comes back on the same port (empty: it is in memory) and is seeded again;
    //    the same India subgraph process recovers without a restart
    await indiaMongo!.restart();
    await seedIndia();
    const recoveredInMs = await within(20_000, async () => {
      const result = await stack.query(LIST);
      return !result.errors && result.data?.subsidiaries[1]?.initiatives?.totalCount === 5;
    });
    expect(recoveredInMs, 'India did not recover within 20 s of MongoDB coming back').not.toBeNull();
    console.info(`[fault] India recovered ${recoveredInMs} ms after its MongoDB came back; outage answer took ${outageMs} ms`);
    expect(stack.stack.subgraphs.get('india')).toBe(subgraphBefore);
    expect(await stack.data(LIST)).toEqual(before);
    expect((await stack.data(`{ groupReport(fiscalYear: 2024) { total { amount } } }`)).groupReport.total).toEqual(totalBefore);
    expect((await indiaReady()).status).toBe(200);
  });
});
