/**
 * A subsidiary's expenses as one flat, keyset-paginated list (`Subsidiary.expenses`, kit/expense-pages.ts)
 * and the expenses export that pages through it: every seed expense once in (date, id) order, the
 * filters as the raw documents say, bad cursors and filters refused naming the argument, a write
 * in flight counted as the report counts it, and an initiative with far more expenses in a year than
 * a page holds exported whole, adding up to the report's line.
 */
import { readFileSync } from 'node:fs';
import { Decimal128, type Document } from 'mongodb';
import { describe, expect, it } from 'vitest';
import { ROLES } from '../../subgraphs/common/scopes';
import { SUBSIDIARIES } from '../../subgraphs/common/registry';
import { cellId } from '../../subgraphs/kit/store/rollups';
import { csvObjects, download, exactSum, fractionText } from '../harness/downloads';
import { jpyExact, roundHalfUp } from '../harness/independent-sums';
import { useSeededStack } from '../harness/stack';

const stack = useSeededStack('e2e_expense_pages', { gatewayEnv: { RESPONSE_CACHE: 'false' } });

const PAGE = `query($code: ID!, $filter: ExpenseFilter, $first: Int, $after: String) {
  subsidiary(code: $code) {
    expenses(filter: $filter, first: $first, after: $after) {
      pageInfo { endCursor hasNextPage }
      nodes { id date groupFiscalYear contributionType initiativeId amount { amount currency } initiative { id title causeArea motivation status } }
    }
  }
}`;

interface Node {
  id: string;
  date: string;
  groupFiscalYear: number;
  contributionType: string;
  initiativeId: string;
  amount: { amount: string; currency: string };
  initiative: { id: string; title: string; causeArea: string; motivation: string; status: string } | null;
}

/** Every page of the list, following endCursor; the pages' sizes too. */
async function everyPage(code: string, filter: Record<string, unknown> | null, first: number): Promise<{ nodes: Node[]; pages: number }> {
  const nodes: Node[] = [];
  let after: string | null = null;
  let pages = 0;
  for (;;) {
    const data: any = await stack.data(PAGE, { code, filter, first, after });
    const page = data.subsidiary.expenses;
    pages += 1;
    expect(page.nodes.length).toBeLessThanOrEqual(first);
    nodes.push(...page.nodes);
    if (!page.pageInfo.hasNextPage) return { nodes, pages };
    after = page.pageInfo.endCursor;
    expect(pages).toBeLessThan(10_000);
  }
}

/** The raw documents in (date, _id) order, compared as plain strings. */
async function stored(key: string, filter: Document = {}): Promise<Document[]> {
  const documents = await stack.db(key).collection('expenses').find(filter).toArray();
  return documents.sort((a, b) => (a.date !== b.date ? (a.date < b.date ? -1 : 1) : a._id < b._id ? -1 : a._id > b._id ? 1 : 0));
}

async function codeOf(query: string, variables: Record<string, unknown>): Promise<{ code: unknown; field: unknown; message: string } | null> {
  const answer = await stack.query(query, variables);
  const error = answer.errors?.[0];
  return error ? { code: error.extensions?.code, field: error.extensions?.field, message: error.message } : null;
}

describe('Subsidiary.expenses', () => {
  it('pages through every seed expense of each subsidiary exactly once, in (date, id) order, each with its initiative', { timeout: 60_000 }, async () => {
    for (const subsidiary of SUBSIDIARIES) {
      const raw = await stored(subsidiary.key);
      expect(raw.length).toBeGreaterThan(0);
      const { nodes, pages } = await everyPage(subsidiary.code, null, 7);
      expect(nodes.map((node) => node.id)).toEqual(raw.map((doc) => doc._id));
      expect(pages).toBe(Math.ceil(raw.length / 7));
      const initiatives = new Map((await stack.db(subsidiary.key).collection('initiatives').find({}).toArray()).map((doc) => [String(doc._id), doc]));
      for (const [index, node] of nodes.entries()) {
        const doc = raw[index]!;
        expect(node).toMatchObject({ date: doc.date, groupFiscalYear: doc.groupFiscalYear, contributionType: doc.contributionType, initiativeId: doc.initiativeId, amount: { currency: subsidiary.currency } });
        expect(fractionText(exactSum([node.amount.amount]))).toBe(fractionText(exactSum([doc.amount.toString()])));
        const initiative = initiatives.get(doc.initiativeId)!;
        expect(node.initiative).toEqual({ id: doc.initiativeId, title: initiative.title, causeArea: initiative.causeArea, motivation: initiative.motivation, status: initiative.status });
      }
    }
  });

  it('filters by group fiscal years, dates, initiative and contribution type, as the raw documents say', async () => {
    const [first] = await stored('india', { groupFiscalYear: 2024 });
    const cases: [Record<string, unknown>, Document][] = [
      [{ fiscalYear: 2024 }, { groupFiscalYear: 2024 }],
      [{ fromFiscalYear: 2023, toFiscalYear: 2024 }, { groupFiscalYear: { $gte: 2023, $lte: 2024 } }],
      [{ fromFiscalYear: 2025 }, { groupFiscalYear: { $gte: 2025 } }],
      [{ from: '2023-06-01', to: '2023-12-31' }, { date: { $gte: '2023-06-01', $lte: '2023-12-31' } }],
      [{ fiscalYear: 2024, contributionType: 'CASH' }, { groupFiscalYear: 2024, contributionType: 'CASH' }],
      [{ initiativeId: first!.initiativeId }, { initiativeId: first!.initiativeId }],
    ];
    // a date several expenses share: pages of one go through them in id order (the cursor's tie-break)
    const shared = '2023-11-20';
    for (const amount of ['10.00', '20.00', '30.00']) {
      await stack.data(`mutation($input: ExpenseInput!) { indiaRecordExpense(input: $input) { id } }`, {
        input: { initiativeId: first!.initiativeId, date: shared, contributionType: 'CASH', amount, description: 'Same-day grant' },
      });
    }
    cases.push([{ from: shared, to: shared, first: 1 }, { date: shared }]);
    for (const [{ first: size, ...filter }, mongo] of cases) {
      const raw = await stored('india', mongo);
      expect(raw.length, JSON.stringify(filter)).toBeGreaterThan(0);
      expect((await everyPage('IN', filter, typeof size === 'number' ? size : 50)).nodes.map((node) => node.id), JSON.stringify(filter)).toEqual(raw.map((doc) => doc._id));
    }
  });

  it('costs a page of the export operation the same few MongoDB commands whatever its size: one read of the page, one of its initiatives', async () => {
    const operation = readFileSync(new URL('../../operations/expenses.graphql', import.meta.url), 'utf8');
    const total = await stack.db('india').collection('expenses').countDocuments({});
    const commands = async (first: number) => {
      const counts = await stack.countCommands(async () => {
        const answer = await stack.query(operation, { code: 'IN', filter: { fromFiscalYear: 2020, toFiscalYear: 2030 }, first });
        expect(answer.errors).toBeUndefined();
        expect(answer.data?.subsidiary.expenses.nodes).toHaveLength(Math.min(first, total));
      });
      return (counts.get('india') ?? [])
        .map((event) => `${event.commandName}:${String(event.command[event.commandName])}`)
        .filter((command) => command !== 'find:import_staging') // the journal sweep's look for abandoned import stages (background upkeep)
        .sort();
    };
    const small = await commands(2);
    const large = await commands(100);
    console.info('[expense-pages] MongoDB commands per page', JSON.stringify(small), JSON.stringify(large));
    // the dataset mark and the write journal (together), the page, its initiatives
    expect(large).toEqual(small);
    expect(large.filter((command) => command === 'find:expenses')).toHaveLength(1);
    expect(large.filter((command) => command === 'find:initiatives')).toHaveLength(1);
    expect(large.length).toBeLessThanOrEqual(4);
  });

  it('refuses a bad cursor, a cursor of another list and a bad filter, naming the argument; and a page over the cap', async () => {
    const japan: any = await stack.data(PAGE, { code: 'JP', filter: null, first: 1, after: null });
    const india: any = await stack.data(PAGE, { code: 'IN', filter: null, first: 1, after: null });
    const ask = (code: string, variables: Record<string, unknown>) => codeOf(PAGE, { code, filter: null, first: 10, after: null, ...variables });
    expect(await ask('IN', { after: 'not-a-cursor' })).toMatchObject({ code: 'BAD_USER_INPUT', field: 'after' });
    expect(await ask('IN', { after: Buffer.from('["a1","2024-01-01","IN","EXPENSE",{"$gt":""}]').toString('base64url') })).toMatchObject({ code: 'BAD_USER_INPUT', field: 'after' });
    expect(await ask('IN', { after: japan.subsidiary.expenses.pageInfo.endCursor })).toMatchObject({ code: 'BAD_USER_INPUT', field: 'after', message: expect.stringMatching(/not a cursor of .*expenses/) });
    expect(await ask('IN', { after: india.subsidiary.expenses.pageInfo.endCursor })).toBeNull();
    expect(await ask('IN', { filter: { fiscalYear: 2024, fromFiscalYear: 2023 } })).toMatchObject({ code: 'BAD_USER_INPUT', field: 'filter.fiscalYear' });
    expect(await ask('IN', { filter: { fromFiscalYear: 2025, toFiscalYear: 2024 } })).toMatchObject({ code: 'BAD_USER_INPUT', field: 'filter.toFiscalYear' });
    expect(await ask('IN', { filter: { fiscalYear: 1800 } })).toMatchObject({ code: 'BAD_USER_INPUT', field: 'filter.fiscalYear' });
    expect(await ask('IN', { filter: { from: '2024-03-01', to: '2024-02-01' } })).toMatchObject({ code: 'BAD_USER_INPUT', field: 'filter.to' });
    expect(await ask('IN', { filter: { initiativeId: 'JP-I0001' } })).toMatchObject({ code: 'BAD_USER_INPUT', field: 'filter.initiativeId' });
    expect(await ask('IN', { filter: { from: '2024-02-30' } })).toMatchObject({ code: 'BAD_USER_INPUT' });
    expect(await ask('IN', { first: 101 })).toMatchObject({ code: 'PAGE_SIZE_TOO_LARGE' });
  });

  it('counts writes committed but not yet applied as the report does, a bulk import\'s staged records too: the FY2024 CSV still adds up to the report', async () => {
    const india = stack.db('india');
    const op = 'op-expense-pages-in-flight';
    const importOp = 'op-expense-pages-import';
    const stageId = 'stage-expense-pages';
    const removed = (await india.collection('expenses').findOne({ groupFiscalYear: 2024 }, { sort: { _id: -1 } }))!;
    const added = {
      _id: 'IN-X900001', initiativeId: 'IN-I0001', date: '2023-06-15', fiscalYear: 2024, groupFiscalYear: 2024, contributionType: 'CASH', quantity: null, unit: null, unitPrice: null,
      amount: Decimal128.fromString('1234.56'), currency: 'INR', valuationBasis: 'Cash paid', description: 'Recorded by a writer that has not finished', illustrative: false, source: null,
      createdAt: new Date(), updatedAt: new Date(), updatedBy: 'test',
    };
    const delta = (expense: Record<string, any>, sign: 1 | -1) => ({
      cell: cellId(expense as never), groupFiscalYear: expense.groupFiscalYear, initiativeId: expense.initiativeId, contributionType: expense.contributionType,
      amount: Decimal128.fromString(`${sign < 0 ? '-' : ''}${expense.amount.toString()}`), expenseCount: sign,
    });
    const imported = [1, 2, 3].map((index) => ({ ...added, _id: `IN-X90010${index}`, date: `2023-1${index - 1}-0${index}`, amount: Decimal128.fromString(`${index}00.25`), description: `Imported row ${index}` }));
    // a committed bulk import: its records wait in a staging document until the journal applies them
    await india.collection('import_staging').insertOne({ _id: `${stageId}#0`, stageId, index: 0, records: [{ collection: 'expenses', marked: true, documents: imported }], createdAt: new Date() } as never);
    await india.collection('write_journal').insertOne({
      _id: importOp, key: `op:${importOp}`, clientKey: false, action: 'ImportExpenses', requestHash: 'test', state: 'committed', leaseUntil: new Date(Date.now() + 3_600_000), lock: null,
      changes: [{ kind: 'staged', stageId, records: imported.length }], deltas: imported.map((expense) => delta(expense, 1)), audit: null, result: null, createdAt: new Date(),
    } as never);
    // a committed write (its writer holds a long lease) that adds one expense and deletes another, applied to neither yet
    await india.collection('expenses').updateOne({ _id: removed._id }, { $set: { pendingOp: op } });
    await india.collection('write_journal').insertOne({
      _id: op, key: `op:${op}`, clientKey: false, action: 'RecordExpense', requestHash: 'test', state: 'committed', leaseUntil: new Date(Date.now() + 3_600_000), lock: null,
      changes: [{ kind: 'insert', collection: 'expenses', document: added }, { kind: 'delete', collection: 'expenses', id: removed._id }],
      deltas: [delta(added, 1), delta(removed, -1)], audit: null, result: null, createdAt: new Date(),
    } as never);
    try {
      const ids = (await everyPage('IN', { fiscalYear: 2024 }, 13)).nodes.map((node) => node.id);
      expect(ids).toContain('IN-X900001');
      expect(ids).toEqual(expect.arrayContaining(imported.map((expense) => expense._id)));
      expect(ids).not.toContain(removed._id);
      // in (date, id) order among the stored ones
      const expected = [...(await stored('india', { groupFiscalYear: 2024, _id: { $ne: removed._id } })), added, ...imported]
        .sort((a, b) => (a.date !== b.date ? (a.date < b.date ? -1 : 1) : a._id < b._id ? -1 : 1))
        .map((doc) => doc._id);
      expect(ids).toEqual(expected);
      const report = (await stack.data(`{ groupReport(fiscalYear: 2024) { total { amount } } }`)).groupReport;
      expect(report.total.amount).not.toBe('828006924');
      const csv = await download(new URL('/exports/expenses.csv?fiscalYear=2024', stack.gatewayUrl).toString(), await stack.token(ROLES.hq));
      expect(csv.trailers['x-export-status']).toBe('complete');
      const rows = csvObjects(csv.body.toString('utf8'));
      expect(rows.map((row) => row.expense_id)).toEqual(expect.arrayContaining(['IN-X900001', ...imported.map((expense) => expense._id)]));
      expect(roundHalfUp(exactSum(rows.map((row) => row.converted_amount!))).toString()).toBe(report.total.amount);
    } finally {
      await india.collection('write_journal').deleteMany({ _id: { $in: [op, importOp] } } as never);
      await india.collection('import_staging').deleteMany({ stageId });
      await india.collection('expenses').updateOne({ _id: removed._id }, { $unset: { pendingOp: '' } });
    }
  });
});

describe('the expenses export of an initiative with hundreds of expenses in a year', () => {
  const ENTRIES = 250;

  it('holds every one of them (its initiative archived since), the rows adding up exactly to the report', { timeout: 180_000 }, async () => {
    const created = await stack.data(`mutation { indiaCreateInitiative(input: { title: "Digital literacy, employee tutors", description: "Weekly tutoring by employees", causeArea: EDUCATION_RESEARCH, startDate: "2023-04-01" }) { id } }`);
    const initiativeId = created.indiaCreateInitiative.id as string;
    // employee time entries, through the regional mutation (journalled, as a real programme records them), four at a time
    const record = (index: number) =>
      stack.data(`mutation($input: ExpenseInput!) { indiaRecordExpense(input: $input) { id } }`, {
        input: {
          initiativeId, date: `2023-${String(4 + (index % 9)).padStart(2, '0')}-${String(1 + (index % 28)).padStart(2, '0')}`, contributionType: 'EMPLOYEE_TIME',
          quantity: `${1 + (index % 7)}.25`, unit: 'hour', unitPrice: '812.40', description: `Tutoring session ${index}`,
        },
      });
    for (let start = 0; start < ENTRIES; start += 4) await Promise.all(Array.from({ length: Math.min(4, ENTRIES - start) }, (_, offset) => record(start + offset)));
    await stack.data(`mutation($id: ID!) { indiaArchiveInitiative(id: $id) { status } }`, { id: initiativeId });

    const own = await stored('india', { initiativeId, groupFiscalYear: 2024 });
    expect(own).toHaveLength(ENTRIES);
    const report = (await stack.data(`{ groupReport(fiscalYear: 2024) { total { amount currency } bySubsidiary { code local { amount } expenseCount } } }`)).groupReport;

    const started = Date.now();
    const csv = await download(new URL('/exports/expenses.csv?fiscalYear=2024', stack.gatewayUrl).toString(), await stack.token(ROLES.bi, { subject: 'powerbi-service' }));
    const elapsed = Date.now() - started;
    expect(csv.status).toBe(200);
    expect(csv.complete).toBe(true);
    expect(csv.trailers['x-export-status']).toBe('complete');
    expect(csv.trailers['x-export-problems']).toBeUndefined();
    const rows = csvObjects(csv.body.toString('utf8'));
    console.info(`[expense-pages] FY2024 CSV: ${rows.length} rows in ${elapsed} ms (${Math.round((rows.length * 1000) / elapsed)} rows/s)`);

    // the initiative's entries, every one, once, with their initiative's columns
    const exported = rows.filter((row) => row.initiative_id === initiativeId);
    expect(exported.map((row) => row.expense_id).sort()).toEqual(own.map((doc) => String(doc._id)).sort());
    expect(new Set(exported.map((row) => `${row.initiative_title}|${row.cause_area}|${row.contribution_type}|${row.b4si_input_type}`))).toEqual(
      new Set(['Digital literacy, employee tutors|EDUCATION_RESEARCH|EMPLOYEE_TIME|TIME']),
    );
    // every FY2024 record of every database, once
    const all: string[] = [];
    for (const subsidiary of SUBSIDIARIES) all.push(...(await stored(subsidiary.key, { groupFiscalYear: 2024 })).map((doc) => String(doc._id)));
    expect(rows.map((row) => row.expense_id).sort()).toEqual(all.sort());

    // exactly the report: the group total (rounded once), India's local line, and the databases' own sum
    const exact = exactSum(rows.map((row) => row.converted_amount!));
    expect(roundHalfUp(exact).toString()).toBe(report.total.amount);
    const fromRecords = await jpyExact((name) => stack.db(name), SUBSIDIARIES.map((subsidiary) => subsidiary.code), 2024);
    expect(exact[0] * fromRecords[1]).toBe(fromRecords[0] * exact[1]);
    const indiaLine = report.bySubsidiary.find((line: { code: string }) => line.code === 'IN');
    const indiaRows = rows.filter((row) => row.subsidiary === 'IN');
    expect(indiaRows).toHaveLength(indiaLine.expenseCount);
    expect(fractionText(exactSum(indiaRows.map((row) => row.local_amount!)))).toBe(fractionText(exactSum([indiaLine.local.amount])));
    expect(BigInt(report.total.amount)).toBeGreaterThan(828_006_924n);
  });
});
