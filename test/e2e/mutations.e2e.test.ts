import { beforeAll, describe, expect, it } from 'vitest';
import { useSeededStack } from '../harness/stack';

const stack = useSeededStack('e2e_mutations');

const TOTAL = `query Total($year: Int!) { groupReport(fiscalYear: $year) {
  total { amount } bySubsidiary { code local { amount } converted { amount } } } }`;

const RECORD = `mutation Record($input: ExpenseInput!, $key: String) {
  indiaRecordExpense(input: $input, idempotencyKey: $key) {
    id initiativeId date fiscalYear groupFiscalYear contributionType quantity unit unitPrice { amount currency } amount { amount currency } valuationBasis
  } }`;

async function snapshot() {
  const names = ['japan', 'india', 'america', 'thailand'];
  const counts: Record<string, number> = {};
  for (const name of names) {
    for (const collection of ['initiatives', 'expenses', 'volunteer_registrations', 'volunteer_participation']) {
      counts[`${name}.${collection}`] = await stack.db(name).collection(collection).countDocuments();
    }
  }
  return counts;
}

describe('regional writes through the gateway', () => {
  it('records an expense that the next consolidated report includes', async () => {
    const before = await stack.data(TOTAL, { year: 2025 });
    const indiaBefore = before.groupReport.bySubsidiary.find((line: any) => line.code === 'IN');
    const { indiaRecordExpense: expense } = await stack.data(RECORD, {
      input: { initiativeId: 'IN-I0001', date: '2024-06-15', contributionType: 'IN_KIND_PRODUCT', quantity: '120', unit: 'blanket', unitPrice: '349.99', description: 'Blankets for the winter drive' },
    });
    expect(expense).toMatchObject({
      initiativeId: 'IN-I0001', fiscalYear: 2025, groupFiscalYear: 2025, contributionType: 'IN_KIND_PRODUCT',
      quantity: '120', unit: 'blanket', unitPrice: { amount: '349.99', currency: 'INR' }, amount: { amount: '41998.80', currency: 'INR' },
    });
    expect(expense.id).toMatch(/^IN-X\d{6}$/);
    const after = await stack.data(TOTAL, { year: 2025 });
    const indiaAfter = after.groupReport.bySubsidiary.find((line: any) => line.code === 'IN');
    expect(Number(indiaAfter.local.amount) * 100 - Number(indiaBefore.local.amount) * 100).toBeCloseTo(4199880, 0);
    expect(BigInt(after.groupReport.total.amount)).toBeGreaterThan(BigInt(before.groupReport.total.amount));
    const stored = await stack.db('india').collection('expenses').findOne({ _id: expense.id });
    expect(stored?.amount.toString()).toBe('41998.80');
    // its cause area is its initiative's, read by every report: no copy to fall out of step
    expect(stored).not.toHaveProperty('causeArea');
  });

  it('derives fiscal years from the subsidiary calendar at the boundaries', async () => {
    const thai = `mutation($input: ExpenseInput!) { thailandRecordExpense(input: $input) { fiscalYear groupFiscalYear } }`;
    const base = { initiativeId: 'TH-I0001', contributionType: 'CASH', amount: '1000.00', description: 'Boundary check' };
    const december = await stack.data(thai, { input: { ...base, date: '2023-12-31' } });
    const january = await stack.data(thai, { input: { ...base, date: '2024-01-01' } });
    const april = await stack.data(thai, { input: { ...base, date: '2024-04-01' } });
    expect(december.thailandRecordExpense).toEqual({ fiscalYear: 2023, groupFiscalYear: 2024 });
    expect(january.thailandRecordExpense).toEqual({ fiscalYear: 2024, groupFiscalYear: 2024 });
    expect(april.thailandRecordExpense).toEqual({ fiscalYear: 2024, groupFiscalYear: 2025 });
  });

  it('records an expense once per idempotency key, and refuses the key for a different expense', async () => {
    const input = { initiativeId: 'IN-I0002', date: '2024-07-01', contributionType: 'CASH', amount: '5000.00', description: 'Retried donation' };
    const first = await stack.data(RECORD, { input, key: 'retry-test-1' });
    const count = await stack.db('india').collection('expenses').countDocuments();
    const second = await stack.data(RECORD, { input, key: 'retry-test-1' });
    expect(second.indiaRecordExpense.id).toBe(first.indiaRecordExpense.id);
    expect(await stack.db('india').collection('expenses').countDocuments()).toBe(count);
    const reused = await stack.query(RECORD, { input: { ...input, amount: '6000.00' }, key: 'retry-test-1' });
    expect(reused.errors?.[0]?.extensions?.code).toBe('IDEMPOTENCY_KEY_REUSED');
    expect(await stack.db('india').collection('expenses').countDocuments()).toBe(count);
  });

  it('corrects and deletes an expense', async () => {
    const { indiaRecordExpense: created } = await stack.data(RECORD, {
      input: { initiativeId: 'IN-I0003', date: '2024-08-01', contributionType: 'EMPLOYEE_TIME', quantity: '10', unit: 'hour', unitPrice: '500', description: 'Teaching hours' },
    });
    const corrected = await stack.data(`mutation($id: ID!) { indiaCorrectExpense(id: $id, correction: { quantity: "12.5" }) { amount { amount } quantity } }`, { id: created.id });
    expect(corrected.indiaCorrectExpense).toEqual({ amount: { amount: '6250.00' }, quantity: '12.5' });
    const toCash = await stack.data(`mutation($id: ID!) { indiaCorrectExpense(id: $id, correction: { contributionType: CASH, amount: "7000" }) { amount { amount } quantity unitPrice { amount } } }`, { id: created.id });
    expect(toCash.indiaCorrectExpense).toEqual({ amount: { amount: '7000.00' }, quantity: null, unitPrice: null });
    const deleted = await stack.data(`mutation($id: ID!) { indiaDeleteExpense(id: $id) { id initiativeId } }`, { id: created.id });
    expect(deleted.indiaDeleteExpense).toEqual({ id: created.id, initiativeId: 'IN-I0003' });
    expect(await stack.db('india').collection('expenses').findOne({ _id: created.id })).toBeNull();
    const again = await stack.query(`mutation($id: ID!) { indiaDeleteExpense(id: $id) { id } }`, { id: created.id });
    expect(again.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
  });

  it('creates, updates with optimistic locking, and archives an initiative', async () => {
    const created = await stack.data(`mutation { americaCreateInitiative(input: {
        title: "Robotics club", description: "After-school robotics with a Dallas school", causeArea: EDUCATION_RESEARCH,
        startDate: "2024-09-01", partners: [{ name: "A Dallas school", kind: SCHOOL }], tags: ["stem", "robotics"] }) { id version status } }`);
    const id = created.americaCreateInitiative.id;
    expect(id).toMatch(/^US-I\d{4}$/);
    const updated = await stack.data(`mutation($id: ID!) { americaUpdateInitiative(id: $id, expectedVersion: 1, changes: { causeArea: COMMUNITY_DEVELOPMENT }) { version causeArea } }`, { id });
    expect(updated.americaUpdateInitiative).toEqual({ version: 2, causeArea: 'COMMUNITY_DEVELOPMENT' });
    const stale = await stack.query(`mutation($id: ID!) { americaUpdateInitiative(id: $id, expectedVersion: 1, changes: { title: "Stale" }) { version } }`, { id });
    expect(stale.errors?.[0]?.extensions?.code).toBe('VERSION_CONFLICT');
    const found = await stack.data(`{ subsidiaries { code initiatives(filter: { text: "robotics" }) { nodes { id title } } } }`);
    expect(found.subsidiaries.find((s: any) => s.code === 'US').initiatives.nodes).toEqual([{ id, title: 'Robotics club' }]);
    await stack.data(`mutation($id: ID!) { americaArchiveInitiative(id: $id) { status } }`, { id });
    const hidden = await stack.data(`{ subsidiaries { code initiatives(filter: { text: "robotics" }) { totalCount } } }`);
    expect(hidden.subsidiaries.find((s: any) => s.code === 'US').initiatives.totalCount).toBe(0);
    const onArchived = await stack.query(`mutation($id: ID!) { americaRecordExpense(input: { initiativeId: $id, date: "2024-10-01", contributionType: CASH, amount: "10", description: "x" }) { id } }`, { id });
    expect(onArchived.errors?.[0]?.extensions?.code).toBe('INVALID_STATE');
  });

  it('moves every expense of an initiative to its new cause area in one write: the breakdown follows at once, the total does not move', async () => {
    await stack.data(RECORD, { input: { initiativeId: 'IN-I0004', date: '2024-05-05', contributionType: 'CASH', amount: '100', description: 'Books' } });
    const BREAKDOWN = `{ groupReport(fiscalYear: 2025) { total { amount } byCauseArea { causeArea amount { amount } expenseCount } } }`;
    const areaOf = async () => (await stack.db('india').collection('initiatives').findOne({ _id: 'IN-I0004' as never }))!.causeArea as string;
    const from = await areaOf();
    const moved = (await stack.db('india').collection('expenses').find({ initiativeId: 'IN-I0004', groupFiscalYear: 2025 }).toArray()).length;
    expect(moved).toBeGreaterThan(1);
    const before = (await stack.data(BREAKDOWN)).groupReport;
    const writes = await stack.countCommands(() => stack.data(`mutation { indiaUpdateInitiative(id: "IN-I0004", changes: { causeArea: INCLUSION_DIVERSITY }) { version } }`));
    const after = (await stack.data(BREAKDOWN)).groupReport;
    expect(after.total).toEqual(before.total);
    const count = (report: any, area: string) => report.byCauseArea.find((line: any) => line.causeArea === area)?.expenseCount ?? 0;
    expect(count(after, 'INCLUSION_DIVERSITY') - count(before, 'INCLUSION_DIVERSITY')).toBe(moved);
    expect(count(before, from) - count(after, from)).toBe(moved);
    // the expenses themselves are not touched, whatever their number
    const touched = writes.get('india')!.filter((event) => ['update', 'findAndModify'].includes(event.commandName) && (event.command as any)[event.commandName] === 'expenses');
    expect(touched).toEqual([]);
  });

  it('records volunteer registrations and participation, visible in the report', async () => {
    const before = await stack.data(`{ groupReport(fiscalYear: 2025) { volunteering { newRegistrations participants } } }`);
    await stack.data(`mutation { japanRecordVolunteerRegistrations(input: { date: "2024-10-31", count: 25 }) { id groupFiscalYear } }`);
    await stack.data(`mutation { japanRecordVolunteerParticipation(input: { initiativeId: "JP-I0001", date: "2024-11-02", people: 12, hours: "36.5" }) { id } }`);
    const after = await stack.data(`{ groupReport(fiscalYear: 2025) { volunteering { newRegistrations participants } } }`);
    expect(after.groupReport.volunteering.newRegistrations).toBe(before.groupReport.volunteering.newRegistrations + 25);
    expect(after.groupReport.volunteering.participants).toBe(before.groupReport.volunteering.participants + 12);
  });
});

describe('bad writes are refused with a code and change nothing', () => {
  const base = { initiativeId: 'IN-I0001', date: '2024-06-15', contributionType: 'CASH', amount: '1000.00', description: 'Donation' };
  const cases: [string, Record<string, unknown>, string][] = [
    ['a foreign currency', { ...base, currency: 'USD' }, 'BAD_USER_INPUT'],
    ['a currency that is not ISO 4217', { ...base, currency: 'XYZ' }, 'BAD_USER_INPUT'],
    ['a negative amount', { ...base, amount: '-5.00' }, 'BAD_USER_INPUT'],
    ['a zero amount', { ...base, amount: '0' }, 'BAD_USER_INPUT'],
    ['an absurd amount', { ...base, amount: '99999999999999999' }, 'BAD_USER_INPUT'],
    ['more digits than the currency has', { ...base, amount: '10.001' }, 'BAD_USER_INPUT'],
    ['an amount sent as a JSON number', { ...base, amount: 1000.5 }, 'BAD_USER_INPUT'],
    ['a float-like string', { ...base, amount: '1e3' }, 'BAD_USER_INPUT'],
    ['an amount and a quantity for cash', { ...base, quantity: '2', unitPrice: '500' }, 'BAD_USER_INPUT'],
    ['a product without unit price', { ...base, contributionType: 'IN_KIND_PRODUCT', amount: null, quantity: '3', unit: 'box' }, 'BAD_USER_INPUT'],
    ['an amount that disagrees with quantity × price', { ...base, contributionType: 'FACILITY_USE', amount: '999', quantity: '4', unit: 'hour', unitPrice: '300' }, 'BAD_USER_INPUT'],
    ['a date in the future', { ...base, date: '2999-01-01' }, 'BAD_USER_INPUT'],
    ['an impossible date', { ...base, date: '2024-02-30' }, 'BAD_USER_INPUT'],
    ['an unknown initiative', { ...base, initiativeId: 'IN-I9999' }, 'NOT_FOUND'],
    ["another subsidiary's initiative", { ...base, initiativeId: 'JP-I0001' }, 'WRONG_SUBSIDIARY'],
    ['an operator object as the initiative id', { ...base, initiativeId: { $ne: null } }, 'BAD_USER_INPUT'],
    ['an empty description', { ...base, description: '   ' }, 'BAD_USER_INPUT'],
    ['an unknown contribution type', { ...base, contributionType: 'BRIBE' }, 'BAD_USER_INPUT'],
  ];

  it.each(cases)('refuses %s', async (_name, input, code) => {
    const before = await snapshot();
    const result = await stack.query(RECORD, { input });
    expect(result.data?.indiaRecordExpense ?? null).toBeNull();
    expect(result.errors?.[0]?.extensions?.code).toBe(code);
    expect(result.errors?.[0]?.message.length).toBeGreaterThan(10);
    expect(await snapshot()).toEqual(before);
  });

  it('refuses invalid initiatives and volunteering without writing', async () => {
    const before = await snapshot();
    const attempts = [
      `mutation { indiaCreateInitiative(input: { title: "", description: "x", causeArea: ENVIRONMENT, startDate: "2024-01-01" }) { id } }`,
      `mutation { indiaCreateInitiative(input: { title: "T", description: "x", causeArea: ENVIRONMENT, startDate: "2024-05-01", endDate: "2024-01-01" }) { id } }`,
      `mutation { indiaCreateInitiative(input: { title: "T", description: "x", causeArea: ENVIRONMENT, startDate: "2024-05-01", beneficiaries: -3 }) { id } }`,
      `mutation { indiaUpdateInitiative(id: "JP-I0001", changes: { title: "Hijack" }) { id } }`,
      `mutation { indiaUpdateInitiative(id: "IN-I0001", changes: {}) { id } }`,
      `mutation { indiaRecordVolunteerRegistrations(input: { date: "2024-01-31", count: -1 }) { id } }`,
      `mutation { indiaRecordVolunteerParticipation(input: { initiativeId: "IN-I0001", date: "2024-01-31", people: 3, hours: "-2" }) { id } }`,
    ];
    for (const mutation of attempts) {
      const result = await stack.query(mutation);
      expect(result.errors?.[0]?.extensions?.code, mutation).toMatch(/^(BAD_USER_INPUT|WRONG_SUBSIDIARY|GRAPHQL_VALIDATION_FAILED)$/);
    }
    expect(await snapshot()).toEqual(before);
  });
});

describe('every regional write takes an idempotency key', () => {
  const targets: Record<string, string> = {};
  const initiative = (title: string) => `{ title: "${title}", description: "Keyed", causeArea: ENVIRONMENT, startDate: "2024-04-01" }`;
  const expense = (amount: string) => `{ initiativeId: "IN-I0002", date: "2024-06-01", contributionType: CASH, amount: "${amount}", description: "Keyed" }`;

  beforeAll(async () => {
    for (const name of ['update', 'archive']) targets[name] = (await stack.data(`mutation { indiaCreateInitiative(input: ${initiative(`Keyed ${name}`)}) { id } }`)).indiaCreateInitiative.id;
    for (const name of ['correct', 'delete', 'other']) targets[name] = (await stack.data(`mutation { indiaRecordExpense(input: ${expense('3.00')}) { id } }`)).indiaRecordExpense.id;
  });

  // each write, and a different request under the same key
  const WRITES: [action: string, collection: string, write: () => string, other: () => string][] = [
    ['CreateInitiative', 'initiatives', () => `indiaCreateInitiative(input: ${initiative('Keyed create')}, idempotencyKey: $k) { id version }`, () => `indiaCreateInitiative(input: ${initiative('Keyed other')}, idempotencyKey: $k) { id }`],
    ['UpdateInitiative', 'initiatives', () => `indiaUpdateInitiative(id: "${targets.update}", changes: { title: "Keyed, renamed" }, idempotencyKey: $k) { id version title }`, () => `indiaUpdateInitiative(id: "${targets.update}", changes: { title: "Other" }, idempotencyKey: $k) { id }`],
    ['ArchiveInitiative', 'initiatives', () => `indiaArchiveInitiative(id: "${targets.archive}", idempotencyKey: $k) { id status version }`, () => `indiaArchiveInitiative(id: "${targets.update}", idempotencyKey: $k) { id }`],
    ['RecordExpense', 'expenses', () => `indiaRecordExpense(input: ${expense('11.00')}, idempotencyKey: $k) { id amount { amount } }`, () => `indiaRecordExpense(input: ${expense('12.00')}, idempotencyKey: $k) { id }`],
    ['CorrectExpense', 'expenses', () => `indiaCorrectExpense(id: "${targets.correct}", correction: { amount: "4.00" }, idempotencyKey: $k) { id amount { amount } }`, () => `indiaCorrectExpense(id: "${targets.correct}", correction: { amount: "5.00" }, idempotencyKey: $k) { id }`],
    ['DeleteExpense', 'expenses', () => `indiaDeleteExpense(id: "${targets.delete}", idempotencyKey: $k) { id initiativeId }`, () => `indiaDeleteExpense(id: "${targets.other}", idempotencyKey: $k) { id }`],
    ['RecordVolunteerRegistrations', 'volunteer_registrations', () => `indiaRecordVolunteerRegistrations(input: { date: "2024-06-30", count: 4 }, idempotencyKey: $k) { id }`, () => `indiaRecordVolunteerRegistrations(input: { date: "2024-06-30", count: 5 }, idempotencyKey: $k) { id }`],
    ['RecordVolunteerParticipation', 'volunteer_participation', () => `indiaRecordVolunteerParticipation(input: { initiativeId: "IN-I0002", date: "2024-06-30", people: 3, hours: "6" }, idempotencyKey: $k) { id }`, () => `indiaRecordVolunteerParticipation(input: { initiativeId: "IN-I0002", date: "2024-06-30", people: 4, hours: "6" }, idempotencyKey: $k) { id }`],
  ];

  it.each(WRITES)('%s: a repeat with the key answers the first answer and writes nothing more; another request under it is refused', async (action, collection, write, other) => {
    const key = `every-write-${action}`;
    const mutation = (fields: string) => `mutation($k: String) { ${fields} }`;
    const snapshot = async () => [
      await stack.db('india').collection(collection).find().toArray(),
      await stack.db('india').collection('audit_log').countDocuments({ action: `india${action}` }),
    ];
    const first = await stack.data(mutation(write()), { k: key });
    const afterFirst = await snapshot();
    const repeats = await Promise.all([stack.data(mutation(write()), { k: key }), stack.data(mutation(write()), { k: key })]);
    expect(repeats).toEqual([first, first]);
    expect(await snapshot()).toEqual(afterFirst);
    const misused = await stack.query(mutation(other()), { k: key });
    expect(misused.errors?.[0]?.extensions).toMatchObject({ code: 'IDEMPOTENCY_KEY_REUSED', idempotencyKey: key });
    expect(await snapshot()).toEqual(afterFirst);
  });
});
