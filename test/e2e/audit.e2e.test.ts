/**
 * The audit trail: every successful write records who (the token's subject), when, which
 * mutation and what changed, in the subsidiary's own database; headquarters reads it through the
 * gateway with stable cursor pagination; refused writes and no-op replays record nothing.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { ROLES } from '../../subgraphs/common/scopes';
import { useSeededStack, type GraphQLClient } from '../harness/stack';

const stack = useSeededStack('e2e_audit');
let priya: GraphQLClient;
let hq: GraphQLClient;
let priyaToken: string;

beforeAll(async () => {
  priyaToken = await stack.token(ROLES.regional('IN'), { subject: 'in-priya' });
  priya = stack.as(priyaToken);
  hq = stack.as(await stack.token(ROLES.hq, { subject: 'hq-alice' }));
});

const AUDIT = `query($first: Int, $after: String, $entityId: ID) { subsidiary(code: "IN") { ... on IndiaSubsidiary {
  auditLog(first: $first, after: $after, entityId: $entityId) {
    nodes { id at actor action entity entityId changedFields before after requestId }
    pageInfo { endCursor hasNextPage } } } } }`;

async function auditOf(entityId: string | null, first = 50) {
  const result = await hq.data(AUDIT, { entityId, first });
  return result.subsidiary.auditLog.nodes as Record<string, any>[];
}

const auditCount = () => stack.db('india').collection('audit_log').countDocuments();

describe('every write is in the audit trail', () => {
  it('records creation, update and archive of an initiative with before and after', async () => {
    const created = await priya.data(`mutation { indiaCreateInitiative(input: { title: "Audit trail club", description: "Created for the audit test", causeArea: ENVIRONMENT, startDate: "2024-04-01" }) { id } }`);
    const id = created.indiaCreateInitiative.id;
    await priya.data(`mutation($id: ID!) { indiaUpdateInitiative(id: $id, changes: { title: "Audit trail society", beneficiaries: 40 }) { version } }`, { id });
    await priya.data(`mutation($id: ID!) { indiaArchiveInitiative(id: $id) { status } }`, { id });

    const entries = await auditOf(id);
    expect(entries.map((entry) => [entry.action, entry.entity, entry.actor])).toEqual([
      ['indiaArchiveInitiative', 'Initiative', 'in-priya'],
      ['indiaUpdateInitiative', 'Initiative', 'in-priya'],
      ['indiaCreateInitiative', 'Initiative', 'in-priya'],
    ]);
    const [archived, updated, creation] = entries as [Record<string, any>, Record<string, any>, Record<string, any>];
    expect(creation.before).toBeNull();
    expect(JSON.parse(creation.after)).toMatchObject({ _id: id, title: 'Audit trail club', version: 1, updatedBy: 'in-priya' });
    expect(JSON.parse(creation.after)).not.toHaveProperty('searchText');
    expect(updated.changedFields).toEqual(['beneficiaries', 'title']);
    expect(JSON.parse(updated.before)).toMatchObject({ title: 'Audit trail club', beneficiaries: null, version: 1 });
    expect(JSON.parse(updated.after)).toMatchObject({ title: 'Audit trail society', beneficiaries: 40, version: 2 });
    expect(archived.changedFields).toEqual(['status']);
    // newest first, by time too
    expect(Date.parse(archived.at)).toBeGreaterThanOrEqual(Date.parse(updated.at));
    expect(Math.abs(Date.parse(creation.at) - Date.now())).toBeLessThan(60_000);

    // archiving again changes nothing and records nothing
    const count = await auditCount();
    await priya.data(`mutation($id: ID!) { indiaArchiveInitiative(id: $id) { status } }`, { id });
    expect(await auditCount()).toBe(count);
  });

  it('records expenses: amounts as exact decimals, corrections with both sides, deletion with the record removed', async () => {
    const recorded = await priya.data(`mutation { indiaRecordExpense(input: { initiativeId: "IN-I0001", date: "2024-06-15", contributionType: CASH, amount: "1234.50", description: "Audited donation" }) { id } }`);
    const id = recorded.indiaRecordExpense.id;
    await priya.data(`mutation($id: ID!) { indiaCorrectExpense(id: $id, correction: { amount: "1300" }) { id } }`, { id });
    await priya.data(`mutation($id: ID!) { indiaDeleteExpense(id: $id) { id } }`, { id });
    const [deletion, correction, creation] = (await auditOf(id)) as [Record<string, any>, Record<string, any>, Record<string, any>];
    expect([creation.action, correction.action, deletion.action]).toEqual(['indiaRecordExpense', 'indiaCorrectExpense', 'indiaDeleteExpense']);
    expect(JSON.parse(creation.after)).toMatchObject({ amount: '1234.50', currency: 'INR', initiativeId: 'IN-I0001' });
    expect(correction.changedFields).toEqual(['amount', 'valuationBasis'].filter((field) => JSON.parse(correction.before)[field] !== JSON.parse(correction.after)[field]));
    expect(JSON.parse(correction.before).amount).toBe('1234.50');
    expect(JSON.parse(correction.after).amount).toBe('1300');
    expect(JSON.parse(deletion.before).amount).toBe('1300');
    expect(deletion.after).toBeNull();
    // stored in the subsidiary's own database, with BSON types intact
    const stored = await stack.db('india').collection('audit_log').findOne({ entityId: id, action: 'indiaRecordExpense' });
    expect(stored?.after.amount.toString()).toBe('1234.50');
    expect(stored?.at).toBeInstanceOf(Date);
    expect(await stack.db('japan').collection('audit_log').countDocuments({ entityId: id })).toBe(0);
  });

  it('records volunteering and keeps the request id the gateway forwards', async () => {
    const response = await priya.query(`mutation { indiaRecordVolunteerRegistrations(input: { date: "2024-10-31", count: 12 }) { id } }`, {}, { 'x-request-id': 'audit-req-42' });
    const id = response.data?.indiaRecordVolunteerRegistrations.id;
    await priya.data(`mutation { indiaRecordVolunteerParticipation(input: { initiativeId: "IN-I0002", date: "2024-11-02", people: 4, hours: "10" }) { id } }`);
    const [entry] = await auditOf(id);
    expect(entry).toMatchObject({ action: 'indiaRecordVolunteerRegistrations', entity: 'VolunteerRegistration', actor: 'in-priya', requestId: 'audit-req-42' });
    expect(JSON.parse(entry!.after)).toMatchObject({ count: 12, updatedBy: 'in-priya' });
    const [latest] = await auditOf(null, 1);
    expect(latest).toMatchObject({ action: 'indiaRecordVolunteerParticipation', entity: 'VolunteerParticipation' });
    expect(latest!.requestId).not.toBe('audit-req-42');
  });

  it('writes one entry for an idempotent write, however often it is replayed', async () => {
    const record = `mutation { indiaRecordExpense(idempotencyKey: "audit-key-1", input: { initiativeId: "IN-I0003", date: "2024-07-01", contributionType: CASH, amount: "75", description: "Retried" }) { id } }`;
    const id = (await priya.data(record)).indiaRecordExpense.id;
    const count = await auditCount();
    await Promise.all([priya.data(record), priya.data(record)]);
    expect(await auditCount()).toBe(count);
    expect((await auditOf(id)).map((entry) => entry.action)).toEqual(['indiaRecordExpense']);
  });

  it("records a local extension's writes too (India's CSR mutations), though they do not call the trail themselves", async () => {
    const count = await auditCount();
    await priya.data(`mutation { indiaClassifyCsrInitiative(initiativeId: "IN-I0002", input: { scheduleVII: [HUNGER_HEALTH_SANITATION], ongoingProject: true }) { id } }`);
    expect(await auditCount()).toBe(count + 1);
    const [entry] = await auditOf('IN-I0002', 1);
    expect(entry).toMatchObject({ action: 'indiaClassifyCsrInitiative', actor: 'in-priya', before: null });
    expect(entry!.after).toContain('IN-I0002');
  });

  it('records nothing for refused writes', async () => {
    const count = await auditCount();
    const refused = [
      `mutation { indiaRecordExpense(input: { initiativeId: "IN-I0001", date: "2024-06-15", contributionType: CASH, amount: "-5", description: "x" }) { id } }`,
      `mutation { indiaUpdateInitiative(id: "IN-I0001", expectedVersion: 999, changes: { title: "Stale" }) { id } }`,
      `mutation { indiaDeleteExpense(id: "IN-X999999") { id } }`,
      `mutation { indiaArchiveInitiative(id: "JP-I0001") { id } }`,
    ];
    for (const mutation of refused) expect((await priya.query(mutation)).errors?.length, mutation).toBeGreaterThan(0);
    const forbidden = await stack.as(await stack.token(ROLES.regional('JP'))).query(`mutation { indiaRecordVolunteerRegistrations(input: { date: "2024-10-31", count: 1 }) { id } }`);
    expect(forbidden.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    expect(await auditCount()).toBe(count);
  });
});

describe('headquarters reads the trail', () => {
  it('pages newest first with stable cursors, unaffected by entries written meanwhile', async () => {
    for (let i = 0; i < 5; i += 1) await priya.data(`mutation { indiaRecordVolunteerRegistrations(input: { date: "2024-09-30", count: ${i + 1} }) { id } }`);
    const all = await auditOf(null, 100);
    expect(all.length).toBeGreaterThanOrEqual(5);
    expect(all.map((entry) => entry.id)).toEqual([...all.map((entry) => entry.id)].sort().reverse());

    const paged: string[] = [];
    let after: string | null = null;
    let pages = 0;
    do {
      const page: Record<string, any> = (await hq.data(AUDIT, { first: 3, after })).subsidiary.auditLog;
      paged.push(...page.nodes.map((entry: { id: string }) => entry.id));
      after = page.pageInfo.hasNextPage ? page.pageInfo.endCursor : null;
      // a write between pages does not shift the pages still to come
      if (pages === 0) await priya.data(`mutation { indiaRecordVolunteerRegistrations(input: { date: "2024-09-30", count: 99 }) { id } }`);
      pages += 1;
    } while (after !== null && pages < 100);
    expect(paged).toEqual(all.map((entry) => entry.id));
  });

  it('is readable across subsidiaries through the interface, and refuses bad arguments', async () => {
    const { subsidiaries } = await hq.data(`{ subsidiaries { code auditLog(first: 1) { nodes { actor } } } }`);
    expect(subsidiaries.find((subsidiary: any) => subsidiary.code === 'IN').auditLog.nodes).toEqual([{ actor: 'in-priya' }]);
    expect(subsidiaries.find((subsidiary: any) => subsidiary.code === 'TH').auditLog.nodes).toEqual([]);
    for (const [variables, field] of [
      [{ after: 'forged' }, 'after'],
      [{ after: Buffer.from(JSON.stringify(['JP-A0000000001'])).toString('base64url') }, 'after'],
      [{ after: Buffer.from(JSON.stringify([{ $gt: '' }])).toString('base64url') }, 'after'],
      [{ first: -1 }, 'first'],
      [{ entityId: 'x'.repeat(41) }, 'entityId'],
    ] as const) {
      const result = await hq.query(AUDIT, variables);
      expect(result.errors?.[0]?.extensions, JSON.stringify(variables)).toMatchObject({ code: 'BAD_USER_INPUT', field });
    }
    // the gateway's limits refuse a huge page first; the subgraph refuses it too when reached directly
    const direct = await stack
      .as(await stack.token(ROLES.hq), stack.stack.subgraphs.get('india')!.server.url)
      .query(`{ _entities(representations: [{ __typename: "IndiaSubsidiary", code: "IN" }]) { ... on IndiaSubsidiary { auditLog(first: 1000) { nodes { id } } } } }`);
    expect(direct.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'first' });
  });
});
