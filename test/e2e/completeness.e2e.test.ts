/**
 * Completeness that emptiness cannot fake: a subsidiary whose database holds no dataset (wiped,
 * restored empty, never seeded) is missing from every consolidated figure, never zero; and every
 * report says when its figures were read, also when it comes from the response cache.
 */
import { describe, expect, it } from 'vitest';
import { loadSeed, type SeedDatabases } from '../../seed/load';
import { SUBGRAPH_NAMES } from '../../subgraphs/launch';
import { jpyTotal } from '../harness/independent-sums';
import { useSeededStack, type SeededStack } from '../harness/stack';

const REPORT = `query Report($partial: Boolean) { groupReport(fiscalYear: 2024, allowPartial: $partial) {
  total { amount partial } completeness { complete included missing { code reason reasonCode } }
  bySubsidiary { code available local { amount } } } }`;

function reseed(stack: SeededStack) {
  const names = Object.fromEntries(SUBGRAPH_NAMES.map((name) => [name, stack.db(name).databaseName])) as unknown as SeedDatabases;
  return loadSeed(stack.db('india').client, names);
}

describe('a subsidiary whose database lost its dataset', () => {
  const stack = useSeededStack('e2e_no_dataset', { gatewayEnv: { RESPONSE_CACHE: 'false' } });

  it('is missing from the report, with that reason, never read as zero spending', async () => {
    const before = await stack.data(REPORT);
    expect(before.groupReport.completeness.complete).toBe(true);

    await stack.db('india').dropDatabase(); // wiped, or restored from an empty backup
    const wiped = await stack.query(REPORT);
    expect(wiped.data?.groupReport.total).toBeNull();
    expect(wiped.errors?.find((error) => error.extensions?.code === 'CONSOLIDATION_INCOMPLETE')?.extensions?.missingSubsidiaries).toEqual(['IN']);
    expect(wiped.data?.groupReport.completeness).toEqual({
      complete: false,
      included: ['JP', 'US', 'TH'],
      missing: [{ code: 'IN', reasonCode: 'NO_DATASET', reason: expect.stringContaining('holds no dataset') }],
    });
    expect(wiped.data?.groupReport.bySubsidiary.find((line: { code: string }) => line.code === 'IN')).toEqual({ code: 'IN', available: false, local: null });

    const partial = await stack.data(REPORT, { partial: true });
    expect(partial.groupReport.total).toEqual({ amount: await jpyTotal((name) => stack.db(name), ['JP', 'US', 'TH'], 2024), partial: true });
  });

  it('refuses writes until its data is restored, changing nothing', async () => {
    const refused = await stack.query(`mutation { indiaRecordVolunteerRegistrations(input: { date: "2024-05-01", count: 3 }, idempotencyKey: "after-wipe") { id } }`);
    expect(refused.errors?.[0]?.extensions).toMatchObject({ code: 'DATASET_MISSING', subsidiary: 'IN' });
    expect(refused.errors?.[0]?.message).toMatch(/holds no dataset/);
    expect(await stack.db('india').collection('volunteer_registrations').countDocuments()).toBe(0);
    expect(await stack.db('india').collection('write_journal').countDocuments()).toBe(0);
  });

  it('counts again, in full, once its data is back', async () => {
    await reseed(stack);
    const restored = await stack.query(REPORT);
    expect(restored.errors).toBeUndefined();
    expect(restored.data?.groupReport.completeness).toEqual({ complete: true, included: ['JP', 'IN', 'US', 'TH'], missing: [] });
    expect(restored.data?.groupReport.total).toEqual({ amount: await jpyTotal((name) => stack.db(name), ['JP', 'IN', 'US', 'TH'], 2024), partial: false });
  });
});

describe('when the figures were read', () => {
  const stack = useSeededStack('e2e_as_of');
  const AS_OF = `{ groupReport(fiscalYear: 2024) { asOf total { amount } bySubsidiary { code asOf } } }`;

  it('is stated by every report and each subsidiary line, and kept by the response cache', async () => {
    const started = new Date().toISOString();
    const first = (await stack.data(AS_OF)).groupReport;
    expect(first.asOf >= started && first.asOf <= new Date().toISOString()).toBe(true);
    const lines: string[] = first.bySubsidiary.map((line: { asOf: string }) => line.asOf);
    expect(first.asOf).toBe([...lines].sort()[0]);

    await new Promise((resolve) => setTimeout(resolve, 20));
    const cached = (await stack.data(AS_OF)).groupReport;
    expect(cached).toEqual(first); // from the cache: the figures and the time they were read

    await stack.data(`mutation { japanRecordVolunteerRegistrations(input: { date: "2024-02-01", count: 1 }) { id } }`); // empties the cache
    const fresh = (await stack.data(AS_OF)).groupReport;
    expect(fresh.asOf > first.asOf).toBe(true);
  });
});
