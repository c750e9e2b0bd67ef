/**
 * The benchmark's code works (no timing assertions): the generator at a tiny size against the
 * harness MongoDB (counts, fiscal years, exact amounts, determinism), and one short autocannon
 * run, one plan replay and one BI extraction against a started stack, all without failures.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Decimal } from '../../subgraphs/common/decimal';
import { minorDigits } from '../../subgraphs/common/currencies';
import { fiscalYearOf } from '../../subgraphs/common/fiscal-year';
import { GROUP_FISCAL_CALENDAR, subsidiaryByKey } from '../../subgraphs/common/registry';
import { CAUSE_AREAS, CONTRIBUTION_TYPES } from '../../subgraphs/common/catalog';
import { ROLES } from '../../subgraphs/common/scopes';
import { SUBGRAPH_NAMES } from '../../subgraphs/launch';
import { startStack, SUPERGRAPH_PATH, type RunningStack } from '../../scripts/stack';
import { REGIONAL_KEYS, seedDocuments, type SeedDatabases } from '../../seed/load';
import { generateDataset, initiativeCount, participationCount, type GeneratedDataset } from '../../bench/generate';
import { failures, graphqlBody, runLoad } from '../../bench/load';
import { recordFetches, replayPlan } from '../../bench/floor';
import { extractAll } from '../../bench/bi';
import { explainQueries, summarizePlan } from '../../bench/explain';
import { DASHBOARD } from '../../bench/workloads';
import { createTestDatabases, type TestDatabases } from '../harness/mongo';

// @apollo/gateway otherwise reports usage to Apollo and probes cloud metadata addresses when it starts.
process.env.APOLLO_TELEMETRY_DISABLED = 'true';

const SIZE = 200;
let dbs: TestDatabases;
let databases: SeedDatabases;
let dataset: GeneratedDataset;

const namesOf = (set: TestDatabases, suffix = '') => Object.fromEntries(SUBGRAPH_NAMES.map((name) => [name, set.name(`${name}${suffix}`)])) as unknown as SeedDatabases;

beforeAll(async () => {
  dbs = await createTestDatabases('bench_smoke');
  databases = namesOf(dbs);
  dataset = await generateDataset(dbs.client, { size: SIZE, databases, batchSize: 64 });
});

afterAll(async () => {
  await dbs?.dispose();
});

describe('bench data generator', () => {
  it('writes the expected number of documents per subsidiary and the group reference data', async () => {
    for (const key of REGIONAL_KEYS) {
      const db = dbs.client.db(databases[key]);
      const summary = dataset.subsidiaries[key]!;
      expect(summary.expenses).toBe(SIZE);
      expect(await db.collection('expenses').countDocuments()).toBe(SIZE);
      expect(await db.collection('initiatives').countDocuments()).toBe(initiativeCount(SIZE));
      expect(initiativeCount(SIZE)).toBe(20);
      expect(await db.collection('volunteer_participation').countDocuments()).toBe(participationCount(SIZE));
      expect(await db.collection('volunteer_registrations').countDocuments()).toBe(60);
      expect(await db.collection('counters').findOne({ _id: 'expense' as never })).toMatchObject({ seq: SIZE });
      expect([...summary.byContributionType.values()].every((count) => count > 0)).toBe(true);
      expect([...summary.byCauseArea.keys()].sort()).toEqual(CAUSE_AREAS.map((area) => area.code).sort());
      expect(summary.byContributionType.size).toBe(CONTRIBUTION_TYPES.length);
    }
    const { group } = seedDocuments();
    const groupDb = dbs.client.db(databases.group);
    expect(await groupDb.collection('exchange_rates').countDocuments()).toBe(group.exchangeRates.length);
    expect(await groupDb.collection('goals').countDocuments()).toBe(group.goals.length);
    expect(await groupDb.collection('cause_areas').countDocuments()).toBe(group.causeAreas.length);
  });

  it("dates every record in group fiscal years 2022–2026 with the subsidiary's own fiscal year", async () => {
    for (const key of REGIONAL_KEYS) {
      const subsidiary = subsidiaryByKey(key)!;
      for (const collection of ['expenses', 'volunteer_participation', 'volunteer_registrations']) {
        const documents = await dbs.client.db(databases[key]).collection(collection).find().toArray();
        for (const document of documents) {
          expect(document.groupFiscalYear).toBe(fiscalYearOf(document.date, GROUP_FISCAL_CALENDAR));
          expect(document.fiscalYear).toBe(fiscalYearOf(document.date, subsidiary.fiscalCalendar));
          expect(document.groupFiscalYear).toBeGreaterThanOrEqual(2022);
          expect(document.groupFiscalYear).toBeLessThanOrEqual(2026);
        }
      }
    }
    // Thailand's fiscal year is the calendar year: April–December fall in the next group fiscal year.
    const thai = await dbs.client.db(databases.thailand).collection('expenses').findOne({ date: { $regex: '^\\d{4}-(0[4-9]|1[0-2])-' } });
    expect(thai?.fiscalYear).toBe(thai?.groupFiscalYear - 1);
  });

  it('stores exact amounts with the currency minor digits, summed exactly by MongoDB', async () => {
    for (const key of REGIONAL_KEYS) {
      const summary = dataset.subsidiaries[key]!;
      const digits = minorDigits(summary.currency);
      const expenses = dbs.client.db(databases[key]).collection('expenses');
      for (const expense of await expenses.find().toArray()) {
        const amount = expense.amount.toString() as string;
        expect(amount).toMatch(digits === 0 ? /^\d+$/ : new RegExp(`^\\d+\\.\\d{${digits}}$`));
        if (expense.quantity) {
          const exact = Decimal.parse(expense.quantity.toString()).multiply(Decimal.parse(expense.unitPrice.toString())).round(digits);
          expect(amount).toBe(exact.toFixed(digits));
        }
      }
      const sums = await expenses.aggregate<{ _id: number; amount: { toString(): string }; count: number }>([
        { $group: { _id: '$groupFiscalYear', amount: { $sum: '$amount' }, count: { $sum: 1 } } },
      ]).toArray();
      for (const { _id, amount, count } of sums) {
        const expected = summary.byGroupFiscalYear.get(_id)!;
        expect(count).toBe(expected.expenses);
        expect(Decimal.parse(amount.toString()).toFixed(digits)).toBe(Decimal.of(expected.minorUnits, digits).toFixed(digits));
      }
    }
  });

  it('is deterministic: the same size gives the same documents', async () => {
    const again = await createTestDatabases('bench_smoke_again');
    try {
      await generateDataset(again.client, { size: SIZE, databases: namesOf(again), subsidiaries: ['thailand'] });
      const strip = (documents: Record<string, unknown>[]) => documents.map((document) => JSON.stringify(document));
      const first = await dbs.client.db(databases.thailand).collection('expenses').find().sort({ _id: 1 }).toArray();
      const second = await again.client.db(namesOf(again).thailand).collection('expenses').find().sort({ _id: 1 }).toArray();
      expect(strip(second)).toEqual(strip(first));
    } finally {
      await again.dispose();
    }
  });
});

describe('bench load drivers against a started stack', () => {
  let stack: RunningStack;
  let headers: { authorization: string };

  beforeAll(async () => {
    stack = await startStack({ mongoUri: dbs.uri, databasePrefix: `${dbs.namePrefix}_` });
    headers = { authorization: `Bearer ${await stack.issuer!.mint({ subject: 'bench-smoke', scopes: [...ROLES.admin] })}` };
  });

  afterAll(async () => {
    await stack?.close();
  });

  it('runs the dashboard with autocannon (a fixed number of requests, all waited for) without a failed request', async () => {
    const result = await runLoad({ label: 'smoke', url: stack.gateway.url, connections: 2, budget: { amount: 4 }, headers, requests: [{ body: graphqlBody(DASHBOARD) }] });
    expect(result.firstFailure).toBeUndefined();
    expect(failures(result)).toBe(0);
    expect(result.requests).toBeGreaterThan(0);
    expect(result.latencies.length).toBe(result.requests);
  });

  it("records the dashboard's query plan and replays it against the subgraphs without failures", async () => {
    const subgraphUrls = Object.fromEntries([...stack.subgraphs.values()].map((subgraph) => [subgraph.name, subgraph.server.url]));
    const stages = await recordFetches({ supergraphPath: SUPERGRAPH_PATH, subgraphUrls, query: DASHBOARD.query, variables: DASHBOARD.variables, authorization: headers.authorization, signingKey: stack.signingKey });
    expect(stages.flat().map((fetch) => fetch.subgraph).sort()).toEqual([...SUBGRAPH_NAMES, 'group'].sort());
    expect(stages.length).toBeGreaterThanOrEqual(2);
    const floor = await replayPlan('smoke floor', stages, { connections: 1, seconds: 1, headers, signingKey: stack.signingKey });
    expect(floor.firstFailure).toBeUndefined();
    expect(floor.requests).toBeGreaterThan(0);
  });

  it('pages the BI extraction to the end of every list', async () => {
    const extraction = await extractAll('smoke', stack.gateway.url, 10, headers);
    expect(extraction.error).toBeUndefined();
    expect(extraction.complete).toBe(true);
    let open = 0;
    for (const key of REGIONAL_KEYS) open += await dbs.client.db(databases[key]).collection('initiatives').countDocuments({ status: { $ne: 'ARCHIVED' } });
    expect(extraction.initiatives).toBe(open);
    expect(extraction.requests).toBeGreaterThan(1);
  });
});

describe('bench explain', () => {
  it('reads index use from an explain document, ignoring rejected plans', () => {
    const plan = summarizePlan({
      queryPlanner: {
        winningPlan: { stage: 'FETCH', inputStage: { stage: 'IXSCAN', indexName: 'report_cells' } },
        rejectedPlans: [{ stage: 'COLLSCAN' }],
      },
    });
    expect(plan).toEqual({ stages: ['FETCH', 'IXSCAN'], indexes: ['report_cells'], verdict: 'IXSCAN' });
    expect(summarizePlan({ stages: [{ $cursor: { queryPlanner: { winningPlan: { stage: 'COLLSCAN' } } } }] }).verdict).toBe('COLLSCAN');
  });

  it('explains the dashboard and list queries on a real mongod, and says when it cannot', async () => {
    const report = await explainQueries(dbs.uri, databases.india, 'india', 2025);
    if (report.available) {
      expect(report.queries.length).toBeGreaterThanOrEqual(4);
      for (const query of report.queries) expect(query.plan?.verdict ?? query.error).toBeTruthy();
    } else {
      expect(report.reason).toContain('explain is unavailable');
    }
  });
});
