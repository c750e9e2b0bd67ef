/**
 * The group subgraph defends its consolidation: a GroupReport representation handed to `_entities`
 * (straight at the subgraph, with a read token) is checked field by field before anything is
 * consolidated from it (subgraphs/group/representation.ts), and refused with BAD_USER_INPUT naming
 * the path of what is wrong. What the gateway itself sends still consolidates, through the gateway
 * and straight at the subgraph. The hand-written figures are signed with each subsidiary's key
 * (harness/signed-figures.ts) so that what is tested here is the shape check, which comes first;
 * the signatures themselves are figure-signatures.e2e.test.ts's.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { ROLES } from '../../subgraphs/common/scopes';
import { useSeededStack, type GraphQLClient } from '../harness/stack';
import { signRepresentation } from '../harness/signed-figures';

const stack = useSeededStack('e2e_group_representations', { gatewayEnv: { RESPONSE_CACHE: 'false' } });
let bi: string;

beforeAll(async () => {
  bi = await stack.token(ROLES.bi, { subject: 'powerbi-service' });
});

const ENTITIES = `query Forged($representations: [_Any!]!) { _entities(representations: $representations) {
  ... on GroupReport { total { amount currency partial } completeness { complete } volunteering { newRegistrations } } } }`;

type Json = Record<string, any>;

const cell = (groupFiscalYear: number, causeArea: string, contributionType: string, amount: string, expenseCount: number) => ({ groupFiscalYear, causeArea, contributionType, motivation: 'COMMUNITY_INVESTMENT', amount, expenseCount });
const report = (currency: string, cells: Json[], newRegistrations = 10) => ({
  currency,
  cells,
  volunteering: [{ groupFiscalYear: 2024, newRegistrations, participants: 100, hours: '250.5' }],
  asOf: '2026-01-05T09:00:00.000Z',
  dataset: { id: `dataset-${currency}` },
});

/** A FY2024 GroupReport representation shaped exactly like the gateway's (no __typename on the subsidiaries' reports), signed by each subsidiary. */
function representation(id = '2024|2024|JPY|*|*|complete'): Json {
  return signRepresentation(unsigned(id), stack.stack.regionalKeys);
}

function unsigned(id: string): Json {
  return {
    __typename: 'GroupReport',
    id,
    subsidiaries: [
      report('JPY', [cell(2024, 'EDUCATION_RESEARCH', 'CASH', '3000000', 3), cell(2024, 'ENVIRONMENT', 'EMPLOYEE_TIME', '2000000', 2)]),
      report('INR', [cell(2024, 'EDUCATION_RESEARCH', 'CASH', '1000.30', 1)]),
      report('USD', [cell(2024, 'HEALTH_WELFARE', 'CASH', '100.00', 1)]),
      report('THB', [cell(2024, 'ENVIRONMENT', 'IN_KIND_PRODUCT', '1000.13', 2)]),
    ],
  };
}

/** A well-formed adjustment of India's (as ReportAdjustment serves it). */
const ADJUSTMENT = {
  id: 'IN-A000001',
  originalExpenseId: 'IN-X000001',
  initiativeId: 'IN-I0001',
  date: '2025-05-10',
  groupFiscalYear: 2025,
  restatedFiscalYear: 2024,
  causeArea: 'EDUCATION_RESEARCH',
  contributionType: 'CASH',
  amountChange: '-1000.00',
  closeId: 'FY2024-C1',
  reason: 'receipt re-issued',
  recordedBy: 'priya',
  recordedAt: '2025-05-10T04:00:00.000Z',
};

/**
 * Straight at a subgraph, past the gateway: signed as the gateway signs (the harness's asGateway)
 * where subgraphs require signatures on `_entities` — so that what is tested here is the subgraph's
 * own defence, behind any signature check — else as is.
 */
function straightAt(subgraph: string, token: string): GraphQLClient {
  const harness = stack as typeof stack & { asGateway?: (token: string | null, subgraph: string) => GraphQLClient };
  return harness.asGateway ? harness.asGateway(token, subgraph) : stack.as(token, stack.stack.subgraphs.get(subgraph)!.server.url);
}

async function entities(representations: unknown[], query = ENTITIES) {
  return straightAt('group', bi).query(query, { representations });
}

/** Each malformation of the gateway's shape, and the path the refusal must name. */
const MALFORMED: [string, (rep: Json) => void, string][] = [
  ['Japan’s report in India’s place', (rep) => (rep.subsidiaries[1] = { __typename: 'JapanReport', ...rep.subsidiaries[0] }), 'subsidiaries[1].__typename'],
  ['India reporting in yen', (rep) => (rep.subsidiaries[1].currency = 'JPY'), 'subsidiaries[1].currency'],
  ['three reports for four subsidiaries', (rep) => rep.subsidiaries.pop(), 'subsidiaries'],
  ['no reports at all', (rep) => delete rep.subsidiaries, 'subsidiaries'],
  ['a field the representation does not have', (rep) => (rep.total = '1'), 'representation.total'],
  ['a cell of a year outside the report (FY2019 in a FY2024 report)', (rep) => (rep.subsidiaries[0].cells[0].groupFiscalYear = 2019), 'subsidiaries[0].cells[0].groupFiscalYear'],
  ['a cause area that does not exist', (rep) => (rep.subsidiaries[0].cells[0].causeArea = 'HOBBIES'), 'subsidiaries[0].cells[0].causeArea'],
  ['a contribution type that does not exist', (rep) => (rep.subsidiaries[0].cells[0].contributionType = 'GOODWILL'), 'subsidiaries[0].cells[0].contributionType'],
  ['a motivation that does not exist', (rep) => (rep.subsidiaries[0].cells[0].motivation = 'PUBLICITY'), 'subsidiaries[0].cells[0].motivation'],
  ['the same cell twice', (rep) => rep.subsidiaries[0].cells.push({ ...rep.subsidiaries[0].cells[0] }), 'subsidiaries[0].cells[2]'],
  ['a negative expense count', (rep) => (rep.subsidiaries[2].cells[0].expenseCount = -5), 'subsidiaries[2].cells[0].expenseCount'],
  ['a fractional expense count', (rep) => (rep.subsidiaries[2].cells[0].expenseCount = 1.5), 'subsidiaries[2].cells[0].expenseCount'],
  ['a cell without its expense count', (rep) => delete rep.subsidiaries[2].cells[0].expenseCount, 'subsidiaries[2].cells[0].expenseCount'],
  ['a cell with a field of its own', (rep) => (rep.subsidiaries[2].cells[0].bonus = 1), 'subsidiaries[2].cells[0].bonus'],
  ['a negative amount', (rep) => (rep.subsidiaries[3].cells[0].amount = '-1000.13'), 'subsidiaries[3].cells[0].amount'],
  ['an amount as a JSON number', (rep) => (rep.subsidiaries[3].cells[0].amount = 1000.13), 'subsidiaries[3].cells[0].amount'],
  ['yen with sen (JPY has no minor unit)', (rep) => (rep.subsidiaries[0].cells[0].amount = '3000000.5'), 'subsidiaries[0].cells[0].amount'],
  ['an amount of 35 significant digits', (rep) => (rep.subsidiaries[0].cells[0].amount = '12345678901234567890123456789012345'), 'subsidiaries[0].cells[0].amount'],
  ['an amount of 20,000 digits', (rep) => (rep.subsidiaries[0].cells[0].amount = '9'.repeat(20_000)), 'subsidiaries[0].cells[0].amount'],
  ['4,000 cells in a one-year report', (rep) => (rep.subsidiaries[0].cells = Array.from({ length: 4_000 }, () => cell(2024, 'ENVIRONMENT', 'CASH', '1', 1))), 'subsidiaries[0].cells'],
  ['a cell of another cause area than the report’s', (rep) => (rep.id = '2024|2024|JPY|ENVIRONMENT|*|complete'), 'subsidiaries[0].cells[0].causeArea'],
  ['volunteering of a year outside the report', (rep) => (rep.subsidiaries[1].volunteering[0].groupFiscalYear = 2030), 'subsidiaries[1].volunteering[0].groupFiscalYear'],
  ['volunteering with negative registrants', (rep) => (rep.subsidiaries[1].volunteering[0].newRegistrations = -1_000_000), 'subsidiaries[1].volunteering[0].newRegistrations'],
  ['two volunteering rows for one year', (rep) => rep.subsidiaries[1].volunteering.push({ ...rep.subsidiaries[1].volunteering[0] }), 'subsidiaries[1].volunteering'],
  ['hours of 20,000 digits', (rep) => (rep.subsidiaries[1].volunteering[0].hours = '1'.repeat(20_000)), 'subsidiaries[1].volunteering[0].hours'],
  ['figures without the dataset they come from', (rep) => delete rep.subsidiaries[2].dataset, 'subsidiaries[2].dataset'],
  ['figures read at no time', (rep) => (rep.subsidiaries[2].asOf = 'yesterday'), 'subsidiaries[2].asOf'],
  ['a report that is a list', (rep) => (rep.subsidiaries[3] = []), 'subsidiaries[3]'],
  ['figures without the adjustments they are signed with', (rep) => delete rep.subsidiaries[1].adjustments, 'subsidiaries[1].adjustments'],
  ['an adjustment of 20,000 digits', (rep) => rep.subsidiaries[1].adjustments.push({ ...ADJUSTMENT, amountChange: `-${'9'.repeat(20_000)}` }), 'subsidiaries[1].adjustments[0].amountChange'],
  ['an adjustment restating a year outside the report', (rep) => rep.subsidiaries[1].adjustments.push({ ...ADJUSTMENT, restatedFiscalYear: 2019 }), 'subsidiaries[1].adjustments[0].restatedFiscalYear'],
  ['an adjustment with a field of its own', (rep) => rep.subsidiaries[1].adjustments.push({ ...ADJUSTMENT, approved: true }), 'subsidiaries[1].adjustments[0].approved'],
  ['a signature that is a string', (rep) => (rep.subsidiaries[2].signature = 'signed, honestly'), 'subsidiaries[2].signature'],
  ['a signature of 20,000 characters', (rep) => (rep.subsidiaries[2].signature.value = 'A'.repeat(20_000)), 'subsidiaries[2].signature.value'],
];

describe('GroupReport representations straight at the group subgraph', () => {
  it('consolidates what has the gateway’s shape (that whoever wrote it is the gateway is for signatures to prove)', async () => {
    const answer = await entities([representation()]);
    expect(answer.errors).toBeUndefined();
    // 5,000,000 + 1000.30 INR + 100 USD + 1000.13 THB at the seed's FY2024 rates, rounded once
    expect(answer.data?._entities[0].total).toEqual({ amount: expect.stringMatching(/^50\d{5}$/), currency: 'JPY', partial: false });
    expect(answer.data?._entities[0].completeness).toEqual({ complete: true });
    expect(answer.data?._entities[0].volunteering).toEqual({ newRegistrations: 40 });
  });

  it('takes a subsidiary that did not answer, or whose database holds no dataset, as missing', async () => {
    const rep = representation();
    rep.subsidiaries[1] = {}; // what the gateway sends for a subgraph that failed
    rep.subsidiaries[3] = { currency: 'THB', cells: null, volunteering: null, asOf: '2026-01-05T09:00:00.000Z', dataset: null };
    const answer = await entities([rep], `query M($representations: [_Any!]!) { _entities(representations: $representations) {
      ... on GroupReport { completeness { complete missing { code reasonCode } } } } }`);
    expect(answer.errors).toBeUndefined();
    expect(answer.data?._entities[0].completeness).toEqual({
      complete: false,
      missing: [{ code: 'IN', reasonCode: 'UNAVAILABLE' }, { code: 'TH', reasonCode: 'NO_DATASET' }],
    });
  });

  it.each(MALFORMED)('refuses %s, naming the path, and consolidates nothing', async (_label, malform, path) => {
    const rep = representation();
    malform(rep);
    const answer = await entities([rep]);
    expect(answer.data?._entities?.[0] ?? null).toBeNull();
    expect(answer.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', path });
    expect(answer.errors?.[0]?.message).toContain(path);
  });

  it('refuses each malformed representation of a batch on its own, the well-formed ones still consolidated', async () => {
    const bad = representation();
    bad.subsidiaries[0].cells[0].amount = '9'.repeat(20_000);
    const answer = await entities([representation(), bad, representation()]);
    expect(answer.data?._entities.map((entity: Json | null) => entity?.total?.amount ?? null)).toEqual([expect.any(String), null, expect.any(String)]);
    expect(answer.errors?.map((error) => [error.path, error.extensions?.path])).toEqual([[['_entities', 1], 'subsidiaries[0].cells[0].amount']]);
  });

  it('refuses 20,000-digit amounts however many aliases ask for the total (100 aliases stalled the group subgraph 4.1 s; 30 pass its alias limit)', async () => {
    const rep = representation();
    for (const report of rep.subsidiaries) for (const each of report.cells) each.amount = '7'.repeat(20_000);
    const aliases = Array.from({ length: 30 }, (_, index) => `t${index}: total { amount }`).join(' ');
    const answer = await entities([rep], `query A($representations: [_Any!]!) { _entities(representations: $representations) { ... on GroupReport { ${aliases} } } }`);
    expect(answer.data?._entities?.[0] ?? null).toBeNull();
    expect(answer.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', path: 'subsidiaries[0].cells[0].amount' });
  });
});

describe('many GroupReport representations in one request', () => {
  it('read headquarters’ rates and goals once for all of them (each read both)', async () => {
    const reports = Array.from({ length: 30 }, (_, index) => representation(`${2019 + (index % 6)}|2024|JPY|*|*|partial`));
    let answer: Awaited<ReturnType<typeof entities>> | undefined;
    const commands = await stack.countCommands(async () => (answer = await entities(reports)));
    expect((answer!.errors ?? []).filter((error) => error.extensions?.code !== 'EXCHANGE_RATE_MISSING')).toEqual([]);
    expect(commands.get('group')!.map((event) => event.commandName).sort()).toEqual(['find', 'find']);
  });
});

describe('the gateway’s own representations', () => {
  it('pass, for the widest report the gateway allows (30 fiscal years, every subsidiary)', async () => {
    const answer = await stack.query(`{ groupReport(fromFiscalYear: 1996, toFiscalYear: 2025, allowPartial: true) {
      total { amount partial } completeness { complete } byFiscalYear { fiscalYear } volunteering { newRegistrations } } }`);
    const codes = (answer.errors ?? []).map((error) => error.extensions?.code);
    // years without exchange rates are the only complaint a 30-year report may get
    expect(codes.filter((code) => code !== 'EXCHANGE_RATE_MISSING')).toEqual([]);
    expect(answer.data?.groupReport.completeness.complete).toBe(true);
    expect(answer.data?.groupReport.volunteering.newRegistrations).toBeGreaterThan(0);
  });
});
