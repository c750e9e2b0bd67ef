/**
 * Report entities are read in batches (kit/loaders.ts `report`, store/figures.ts `reports`): any
 * number of IndiaReport representations in one request — straight at India's subgraph, as a
 * caller may send them — cost the database round trips of a few reports, and each gets exactly
 * the figures it gets alone, writes in flight (committed journal entries) included.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { Decimal128 } from 'mongodb';
import { CAUSE_AREAS, CONTRIBUTION_TYPES } from '../../subgraphs/common/catalog';
import { ROLES } from '../../subgraphs/common/scopes';
import { useSeededStack, type GraphQLClient } from '../harness/stack';
import { requestCommands } from '../harness/upkeep';

const stack = useSeededStack('e2e_report_batching', { gatewayEnv: { RESPONSE_CACHE: 'false' } });
let bi: string;

beforeAll(async () => {
  bi = await stack.token(ROLES.bi, { subject: 'powerbi-service' });
});

const REPORTS = `query Reports($representations: [_Any!]!) { _entities(representations: $representations) {
  ... on IndiaReport { id currency cells { groupFiscalYear causeArea contributionType amount expenseCount }
    volunteering { groupFiscalYear newRegistrations participants hours } dataset { id } } } }`;

/** 1,000 report keys of India: spans, cause areas (and none) and contribution types (and none), each many times. */
function keys(count: number): string[] {
  const causes = ['*', ...CAUSE_AREAS.map((area) => area.code)];
  const types = ['*', ...CONTRIBUTION_TYPES.map((type) => type.code)];
  const spans = [[2024, 2024], [2023, 2025], [2025, 2025], [2020, 2026], [2024, 2025]] as const;
  return Array.from({ length: count }, (_, index) => {
    const [from, to] = spans[index % spans.length]!;
    return `IN|${from}|${to}|${causes[index % causes.length]}|${types[Math.floor(index / causes.length) % types.length]}`;
  });
}

/**
 * Straight at a subgraph, past the gateway: signed as the gateway signs (the harness's asGateway)
 * where subgraphs require signatures on `_entities` — so that what is tested here is the subgraph's
 * own defence, behind any signature check — else as is.
 */
function straightAt(subgraph: string, token: string): GraphQLClient {
  const harness = stack as typeof stack & { asGateway?: (token: string | null, subgraph: string) => GraphQLClient };
  return harness.asGateway ? harness.asGateway(token, subgraph) : stack.as(token, stack.stack.subgraphs.get(subgraph)!.server.url);
}

async function reports(ids: readonly string[]) {
  const answer = await straightAt('india', bi).query(REPORTS, { representations: ids.map((id) => ({ __typename: 'IndiaReport', id })) });
  expect(answer.errors).toBeUndefined();
  return answer.data!._entities as Record<string, any>[];
}

async function commandsOf(action: () => Promise<unknown>): Promise<number> {
  return requestCommands(new Map([['india', (await stack.countCommands(action)).get('india')!]]));
}

describe('IndiaReport representations in one request', () => {
  it('cost the round trips of a few reports: 1,000 representations were ~3,000 database operations', async () => {
    const one = await commandsOf(() => reports(['IN|2024|2024|*|*']));
    const thousand = await commandsOf(() => reports(keys(1_000)));
    expect(one).toBeGreaterThan(0);
    // the dataset mark, the cells, the journal and the cause areas once; the stored volunteering per cause area asked (9)
    expect(thousand).toBeLessThanOrEqual(30);
  });

  it('each get the figures they get alone', async () => {
    const ids = [...new Set(keys(1_000))];
    const batched = await reports(ids);
    for (const [index, id] of ids.entries()) {
      if (index % 7 !== 0) continue; // a sample of each cause area, type and span
      expect(batched[index], id).toEqual((await reports([id]))[0]);
    }
    expect(batched.some((report) => report.cells.length > 0)).toBe(true);
  });

  it('count a write in flight once, in every report it belongs to, and in none other', async () => {
    const initiative = await stack.db('india').collection<{ _id: string; causeArea: string }>('initiatives').findOne({ _id: 'IN-I0001' });
    const cause = initiative!.causeArea;
    const otherCause = CAUSE_AREAS.map((area) => area.code).find((code) => code !== cause)!;
    const ids = ['IN|2024|2024|*|*', `IN|2024|2024|${cause}|*`, `IN|2023|2025|${cause}|CASH`, `IN|2024|2024|${otherCause}|*`, 'IN|2025|2025|*|*', 'IN|2024|2024|*|FACILITY_USE'];
    const before = await reports(ids);
    const journal = stack.db('india').collection('write_journal');
    // a committed write whose cell delta and registration are not applied yet (its writer holds a long lease)
    await journal.insertOne({
      _id: 'op-batching-test',
      key: 'op:op-batching-test',
      clientKey: false,
      action: 'RecordExpense',
      requestHash: 'test',
      state: 'committed',
      leaseUntil: new Date(Date.now() + 3_600_000),
      lock: null,
      changes: [{ kind: 'insert', collection: 'volunteer_registrations', document: { _id: 'IN-R-BATCH', date: '2023-06-30', fiscalYear: 2024, groupFiscalYear: 2024, count: 7, note: '', illustrative: true, source: null } }],
      deltas: [{ cell: '2024|IN-I0001|CASH', groupFiscalYear: 2024, initiativeId: 'IN-I0001', contributionType: 'CASH', amount: Decimal128.fromString('1234.56'), expenseCount: 1 }],
      audit: null,
      result: null,
      createdAt: new Date(),
    } as never);
    try {
      const after = await reports(ids);
      const cashOf = (report: Record<string, any>) => report.cells.filter((cell: any) => cell.groupFiscalYear === 2024 && cell.causeArea === cause && cell.contributionType === 'CASH');
      const total = (cells: any[]) => cells.reduce((sum: number, cell: any) => sum + Math.round(Number(cell.amount) * 100), 0);
      const count = (cells: any[]) => cells.reduce((sum: number, cell: any) => sum + cell.expenseCount, 0);
      const registrations = (report: Record<string, any>) => report.volunteering.find((row: any) => row.groupFiscalYear === 2024)?.newRegistrations ?? 0;
      for (const index of [0, 1, 2]) {
        expect(total(cashOf(after[index]!)) - total(cashOf(before[index]!)), ids[index]).toBe(123456);
        expect(count(cashOf(after[index]!)) - count(cashOf(before[index]!)), ids[index]).toBe(1);
      }
      for (const index of [3, 4, 5]) expect(after[index]!.cells, ids[index]).toEqual(before[index]!.cells);
      // registrations belong to no initiative: every report spanning FY2024 counts them, whatever its cause area
      for (const index of [0, 1, 2, 3, 5]) expect(registrations(after[index]!) - registrations(before[index]!), ids[index]).toBe(7);
      expect(after[4]!.volunteering).toEqual(before[4]!.volunteering);
    } finally {
      await journal.deleteOne({ _id: 'op-batching-test' } as never);
    }
  });
});
