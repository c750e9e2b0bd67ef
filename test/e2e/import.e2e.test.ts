import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import ExcelJS from 'exceljs';
import { useSeededStack } from '../harness/stack';
import { fraction, jpyExact, roundHalfUp } from '../harness/independent-sums';
import { ROLES } from '../../subgraphs/common/scopes';
import { RollupStore } from '../../subgraphs/kit/store/rollups';

const stack = useSeededStack('e2e_import');

const IMPORT = `mutation Import($input: ImportFileInput!, $mode: ImportMode!, $key: String) {
  indiaImportExpenses(input: $input, mode: $mode, idempotencyKey: $key) {
    mode status idempotencyKey contentSha256 rows problemCount replayed importId firstExpenseId lastExpenseId committedAt
    problems { row column code message }
    totals { groupFiscalYear contributionType rows amount { amount currency } }
    total { amount currency }
  } }`;

const TOTAL = `query Total($year: Int!) { groupReport(fiscalYear: $year) { total { amount currency } bySubsidiary { code local { amount } } } }`;

const HEADER = 'initiativeId,date,contributionType,amount,quantity,unit,unitPrice,currency,valuationBasis,description';

/** What the import may write to India's database: counted before and after. */
async function indiaCounts() {
  const db = stack.db('india');
  const counts: Record<string, number> = {};
  for (const collection of ['expenses', 'audit_log', 'write_journal', 'import_staging', 'idempotency_keys', 'report_cells']) counts[collection] = await db.collection(collection).countDocuments();
  return counts;
}

async function indiaToken() {
  return stack.token(ROLES.regional('IN'), { subject: 'india-importer' });
}

const csv = (rows: readonly string[]) => `${[HEADER, ...rows].join('\r\n')}\r\n`;

describe('bulk import of expenses (indiaImportExpenses)', () => {
  it('lists every problem by row and column, with the API\'s own codes and messages, and writes nothing', async () => {
    const india = stack.as(await indiaToken());
    const file = csv([
      'IN-I0001,2024-06-01,CASH,15000.00,,,,INR,,School kits for Pune',
      'IN-I0001,2024-06-02,CASH,-50,,,,INR,,Refund booked as a negative amount',
      'IN-I9999,2024-13-45,CASH,100,,,,USD,,Three problems in one row',
      'JP-I0001,2024-06-03,IN_KIND_PRODUCT,,10,box,25,,,Another subsidiary\'s initiative',
      '',
      'IN-I0002,2024-06-04,FACILITY_USE,,8,hour,,,,Hall without a unit price',
      'IN-I0001,2024-06-01,CASH,15000,,,,INR,,School kits for Pune',
    ]);
    const before = await indiaCounts();
    for (const mode of ['DRY_RUN', 'COMMIT']) {
      const { indiaImportExpenses: result } = await india.data(IMPORT, { input: { content: file, fileName: 'june.csv' }, mode });
      expect(result).toMatchObject({ mode, status: 'REJECTED', rows: 6, importId: null, replayed: false });
      const where = result.problems.map((problem: any) => [problem.row, problem.column, problem.code]);
      expect(where).toEqual([
        [3, 'amount', 'BAD_USER_INPUT'],
        [4, 'date', 'BAD_USER_INPUT'],
        [4, 'initiativeId', 'NOT_FOUND'],
        [4, 'currency', 'BAD_USER_INPUT'],
        [5, 'initiativeId', 'WRONG_SUBSIDIARY'],
        [7, 'unitPrice', 'BAD_USER_INPUT'],
        [8, 'description', 'DUPLICATE_RECORD'],
      ]);
      expect(result.problemCount).toBe(7);
      const message = (row: number, column: string) => result.problems.find((problem: any) => problem.row === row && problem.column === column).message;
      expect(message(3, 'amount')).toBe('input.amount must be greater than zero (got -50)');
      expect(message(4, 'initiativeId')).toBe('Initiative IN-I9999 does not exist in NEC India');
      expect(message(4, 'currency')).toMatch(/records amounts in INR; convert USD amounts/);
      expect(message(7, 'unitPrice')).toBe('FACILITY_USE is valued as quantity × unitPrice: give both');
      expect(message(8, 'description')).toMatch(/repeats row 2 of the file/);
      // what the rows without problems would add: row 2 only (row 8 repeats it)
      expect(result.totals).toEqual([{ groupFiscalYear: 2025, contributionType: 'CASH', rows: 1, amount: { amount: '15000.00', currency: 'INR' } }]);
    }
    // the single-row mutation answers row 3 with the same code and message
    const single = await india.query(`mutation { indiaRecordExpense(input: { initiativeId: "IN-I0001", date: "2024-06-02", contributionType: CASH, amount: "-50", description: "x" }) { id } }`);
    expect(single.errors?.[0]).toMatchObject({ message: 'input.amount must be greater than zero (got -50)', extensions: { code: 'BAD_USER_INPUT', field: 'input.amount' } });
    expect(await indiaCounts()).toEqual(before);
  });

  it('reads the header case- and space-insensitively and refuses unknown columns and unreadable files', async () => {
    const india = stack.as(await indiaToken());
    const header = await india.data(IMPORT, { input: { content: 'Initiative ID,Date,Contribution Type,Amount,Descripton\nIN-I0001,2024-06-01,Cash,10,x\n' }, mode: 'DRY_RUN' });
    expect(header.indiaImportExpenses.problems.map((problem: any) => [problem.row, problem.column])).toEqual([[1, 'Descripton'], [1, 'description']]);
    const cells = await india.data(IMPORT, { input: { content: csv(['IN-I0001,2024-06-01,CASH,10,,,,,,Blankets, winter drive', 'IN-I0001,2024-06-01,,10,,,,,,No type']) }, mode: 'DRY_RUN' });
    expect(cells.indiaImportExpenses.problems).toEqual([
      { row: 2, column: null, code: 'BAD_USER_INPUT', message: expect.stringMatching(/^the row has 11 cells but the header names 10 columns/) },
      // one problem per cell: empty, not also "unknown"
      { row: 3, column: 'contributionType', code: 'BAD_USER_INPUT', message: 'input.contributionType must not be empty' },
    ]);
    const unclosed = await india.query(IMPORT, { input: { content: `${HEADER}\nIN-I0001,2024-06-01,CASH,10,,,,,,"never closed\n` }, mode: 'DRY_RUN' });
    expect(unclosed.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.content' });
    const notXlsx = await india.query(IMPORT, { input: { format: 'XLSX', content: Buffer.from('not a workbook').toString('base64') }, mode: 'DRY_RUN' });
    expect(notXlsx.errors?.[0]?.message).toMatch(/not an XLSX workbook/);
  });

  it('commits a good file once: the group total grows by exactly its converted sum; the same file again adds nothing', async () => {
    const india = stack.as(await indiaToken());
    const rows = [
      'IN-I0003,2024-07-01,CASH,12345.67,,,,INR,,Import test: cash grant',
      'IN-I0003,2024-07-02,IN_KIND_PRODUCT,,120,blanket,349.99,,,"Blankets, winter drive"',
      'IN-I0004,2024-08-15,EMPLOYEE_TIME,,12.5,hour,1000.005,INR,Internal rate,Mentoring "hours"',
      'IN-I0004,2025-02-28,MANAGEMENT_COST,999.99,,,,,,Import test: programme admin',
    ];
    const file = csv(rows);
    const totalBefore = await stack.data(TOTAL, { year: 2025 });
    const exactBefore = await jpyExact((name) => stack.db(name), ['JP', 'IN', 'US', 'TH'], 2025);
    const countsBefore = await indiaCounts();

    const dry = (await india.data(IMPORT, { input: { content: file, fileName: 'july.csv' }, mode: 'DRY_RUN' })).indiaImportExpenses;
    expect(dry).toMatchObject({ status: 'VALID', rows: 4, problems: [], total: { amount: '67844.52', currency: 'INR' } });
    expect(dry.totals).toEqual([
      { groupFiscalYear: 2025, contributionType: 'CASH', rows: 1, amount: { amount: '12345.67', currency: 'INR' } },
      { groupFiscalYear: 2025, contributionType: 'EMPLOYEE_TIME', rows: 1, amount: { amount: '12500.06', currency: 'INR' } },
      { groupFiscalYear: 2025, contributionType: 'IN_KIND_PRODUCT', rows: 1, amount: { amount: '41998.80', currency: 'INR' } },
      { groupFiscalYear: 2025, contributionType: 'MANAGEMENT_COST', rows: 1, amount: { amount: '999.99', currency: 'INR' } },
    ]);
    expect(await indiaCounts()).toEqual(countsBefore);

    const committed = (await india.data(IMPORT, { input: { content: file, fileName: 'july.csv' }, mode: 'COMMIT' })).indiaImportExpenses;
    expect(committed).toMatchObject({ status: 'COMMITTED', replayed: false, rows: 4, total: dry.total, totals: dry.totals, idempotencyKey: dry.idempotencyKey });
    expect(committed.idempotencyKey).toMatch(/^import:[0-9a-f]{64}$/);
    const db = stack.db('india');
    const stored = await db.collection('expenses').find({ _id: { $gte: committed.firstExpenseId, $lte: committed.lastExpenseId } }).sort({ _id: 1 }).toArray();
    expect(stored.map((expense) => [expense.description, expense.amount.toString(), expense.source, expense.updatedBy])).toEqual([
      ['Import test: cash grant', '12345.67', 'Imported by india-importer from july.csv', 'india-importer'],
      ['Blankets, winter drive', '41998.80', 'Imported by india-importer from july.csv', 'india-importer'],
      ['Mentoring "hours"', '12500.06', 'Imported by india-importer from july.csv', 'india-importer'],
      ['Import test: programme admin', '999.99', 'Imported by india-importer from july.csv', 'india-importer'],
    ]);
    expect(stored[2]).toMatchObject({ valuationBasis: 'Internal rate', quantity: expect.anything(), unit: 'hour' });
    // one audit entry per expense, and one for the import
    const audit = await db.collection('audit_log').find({ action: 'indiaImportExpenses' }).toArray();
    expect(audit.filter((entry) => entry.entity === 'Expense').map((entry) => entry.entityId).sort()).toEqual(stored.map((expense) => expense._id));
    expect(audit.filter((entry) => entry.entity === 'ExpenseImport').map((entry) => entry.entityId)).toEqual([committed.importId]);
    const countsAfter = await indiaCounts();
    expect(countsAfter.expenses! - countsBefore.expenses!).toBe(4);
    expect(countsAfter).toMatchObject({ write_journal: 0, import_staging: 0 });
    expect(await new RollupStore(db).verify()).toEqual([]);

    // the group total grows by exactly the file's sum at FY2025's INR rate, rounded once with the rest
    const rate = fraction((await stack.db('group').collection('exchange_rates').findOne({ fiscalYear: 2025, currency: 'INR' }))!.jpyPerUnit.toString());
    const [fileN, fileD] = fraction(committed.total.amount);
    const expected = roundHalfUp([exactBefore[0] * fileD * rate[1] + fileN * rate[0] * exactBefore[1], exactBefore[1] * fileD * rate[1]]);
    const totalAfter = await stack.data(TOTAL, { year: 2025 });
    expect(totalAfter.groupReport.total.amount).toBe(expected.toString());
    expect(BigInt(totalAfter.groupReport.total.amount)).toBeGreaterThan(BigInt(totalBefore.groupReport.total.amount));
    const local = (report: any) => report.groupReport.bySubsidiary.find((line: any) => line.code === 'IN').local.amount;
    const [beforeN, beforeD] = fraction(local(totalBefore));
    const [afterN, afterD] = fraction(local(totalAfter));
    expect(afterN * beforeD * fileD - beforeN * afterD * fileD).toBe(fileN * beforeD * afterD);

    // the same file again: the first commit's answer, nothing added
    const again = (await india.data(IMPORT, { input: { content: file, fileName: 'july-copy.csv' }, mode: 'COMMIT' })).indiaImportExpenses;
    expect(again).toMatchObject({ status: 'COMMITTED', replayed: true, importId: committed.importId, firstExpenseId: committed.firstExpenseId, committedAt: committed.committedAt });
    expect(await indiaCounts()).toEqual(countsAfter);
    expect((await stack.data(TOTAL, { year: 2025 })).groupReport.total.amount).toBe(expected.toString());

    // the same rows in another file (another content hash) are duplicates of the stored expenses
    const resaved = (await india.data(IMPORT, { input: { content: csv(rows).replace(/\r\n/g, '\n') }, mode: 'COMMIT' })).indiaImportExpenses;
    expect(resaved.status).toBe('REJECTED');
    expect(resaved.problems.map((problem: any) => [problem.row, problem.code])).toEqual([[2, 'DUPLICATE_RECORD'], [3, 'DUPLICATE_RECORD'], [4, 'DUPLICATE_RECORD'], [5, 'DUPLICATE_RECORD']]);
    expect(resaved.problems[0].message).toContain(`repeats expense ${committed.firstExpenseId}`);
    // … unless the caller says they are other expenses, under a key of its own
    const deliberate = await india.data(IMPORT, { input: { content: csv(rows.slice(0, 1)), allowDuplicates: true }, mode: 'COMMIT', key: 'second-grant-2024-07' });
    expect(deliberate.indiaImportExpenses).toMatchObject({ status: 'COMMITTED', idempotencyKey: 'second-grant-2024-07', rows: 1 });
    const reused = await india.query(IMPORT, { input: { content: csv(rows.slice(1, 2)) }, mode: 'COMMIT', key: 'second-grant-2024-07' });
    expect(reused.errors?.[0]?.extensions?.code).toBe('IDEMPOTENCY_KEY_REUSED');
  });

  it('takes the template file as it is (docs/import.md)', async () => {
    const india = stack.as(await indiaToken());
    const content = await readFile(new URL('../../subgraphs/kit/import/expenses-template.csv', import.meta.url), 'utf8');
    const dry = (await india.data(IMPORT, { input: { content, fileName: 'expenses-template.csv' }, mode: 'DRY_RUN' })).indiaImportExpenses;
    expect(dry).toMatchObject({ status: 'VALID', rows: 5, problems: [], total: { amount: '237623.80', currency: 'INR' } });
  });

  it('imports an XLSX workbook (base64) with date and number cells', async () => {
    const india = stack.as(await indiaToken());
    const workbook = new ExcelJS.Workbook();
    const sheet = workbook.addWorksheet('Expenses');
    sheet.addRow(['initiativeId', 'date', 'contributionType', 'amount', 'quantity', 'unit', 'unitPrice', 'description']);
    sheet.addRow(['IN-I0002', new Date(Date.UTC(2024, 8, 10)), 'CASH', 2500.5, null, null, null, 'XLSX import: cash']);
    sheet.addRow(['IN-I0002', '2024-09-11', 'FACILITY_USE', null, 3, 'day', 1200.25, 'XLSX import: hall']);
    sheet.addRow(['IN-I0002', '2024-09-12', 'CASH', -1, null, null, null, 'XLSX import: negative']);
    const content = Buffer.from(await workbook.xlsx.writeBuffer()).toString('base64');
    const dry = (await india.data(IMPORT, { input: { format: 'XLSX', content }, mode: 'DRY_RUN' })).indiaImportExpenses;
    expect(dry.problems).toEqual([{ row: 4, column: 'amount', code: 'BAD_USER_INPUT', message: 'input.amount must be greater than zero (got -1)' }]);
    sheet.spliceRows(4, 1);
    const fixed = Buffer.from(await workbook.xlsx.writeBuffer()).toString('base64');
    const committed = (await india.data(IMPORT, { input: { format: 'XLSX', content: fixed, fileName: 'september.xlsx' }, mode: 'COMMIT' })).indiaImportExpenses;
    expect(committed).toMatchObject({ status: 'COMMITTED', rows: 2, total: { amount: '6101.25', currency: 'INR' } });
    const stored = await stack.db('india').collection('expenses').find({ _id: { $gte: committed.firstExpenseId, $lte: committed.lastExpenseId } }).sort({ _id: 1 }).toArray();
    expect(stored.map((expense) => [expense.date, expense.amount.toString()])).toEqual([['2024-09-10', '2500.5'], ['2024-09-11', '3600.75']]);
  });

  it('refuses another subsidiary\'s writer, a BI token and an anonymous caller, writing nothing', async () => {
    const file = csv(['IN-I0001,2024-06-20,CASH,100,,,,,,Scope test']);
    const before = await indiaCounts();
    for (const [who, token] of [
      ['japan', await stack.token(ROLES.regional('JP'))],
      ['bi', await stack.token(ROLES.bi)],
      ['hq', await stack.token(ROLES.hq)],
    ] as const) {
      for (const mode of ['DRY_RUN', 'COMMIT']) {
        const refused = await stack.as(token).query(IMPORT, { input: { content: file }, mode });
        expect(refused.errors?.[0]?.extensions?.code, `${who} ${mode}`).toBe('FORBIDDEN');
        expect(refused.data ?? null).toBeNull();
      }
    }
    const anonymous = await stack.as(null).query(IMPORT, { input: { content: file }, mode: 'COMMIT' });
    expect(anonymous.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    expect(await indiaCounts()).toEqual(before);
  });

  it('refuses rows dated in a closed group fiscal year, row by row', async () => {
    const db = stack.db('india');
    // a CLOSE order of FY2021 as the subsidiary keeps one once applied (kit/closes.ts)
    await db.collection('fiscal_year_orders').insertOne({
      _id: '2021#1' as never, fiscalYear: 2021, sequence: 1, action: 'CLOSE', closeId: 'close-test-2021', orderedAt: '2021-05-01T00:00:00Z', order: '{}', appliedAt: new Date(), appliedBy: 'test',
    });
    try {
      const india = stack.as(await indiaToken());
      const result = (await india.data(IMPORT, { input: { content: csv(['IN-I0001,2020-06-01,CASH,100,,,,,,Closed year row', 'IN-I0001,2024-06-21,CASH,100,,,,,,Open year row']) }, mode: 'COMMIT' })).indiaImportExpenses;
      expect(result.status).toBe('REJECTED');
      expect(result.problems).toHaveLength(1);
      expect(result.problems[0]).toMatchObject({ row: 2, column: 'date', code: 'FISCAL_YEAR_CLOSED' });
      expect(result.problems[0].message).toMatch(/^This expense is dated 2020-06-01, in group fiscal year 2021, which headquarters has closed/);
    } finally {
      await db.collection('fiscal_year_orders').deleteOne({ _id: '2021#1' as never });
    }
  });
});

const VOLUNTEERING = `query { india { volunteering(fiscalYear: 2025) { newRegistrations participants hours } } }`;

const IMPORT_PARTICIPATION = `mutation Import($input: ImportFileInput!, $mode: ImportMode!) {
  indiaImportVolunteerParticipation(input: $input, mode: $mode) {
    status rows problemCount replayed importId firstRecordId lastRecordId
    problems { row column code message }
    totals { groupFiscalYear rows newRegistrations participants hours }
  } }`;

const IMPORT_REGISTRATIONS = IMPORT_PARTICIPATION.replace('indiaImportVolunteerParticipation', 'indiaImportVolunteerRegistrations');

describe('bulk import of volunteering (indiaImportVolunteerParticipation, indiaImportVolunteerRegistrations)', () => {
  it('lists participation rows\' problems as the single-row mutation words them, and writes nothing', async () => {
    const india = stack.as(await indiaToken());
    const before = await stack.db('india').collection('volunteer_participation').countDocuments();
    const file = ['initiativeId,date,people,hours,note', 'IN-I0001,2024-10-05,many,7.5,', 'IN-I0001,2024-10-06,3,-2,', 'IN-I9999,2024-10-07,3,2,', 'IN-I0001,2024-10-08,3,2.125,'].join('\n');
    const result = (await india.data(IMPORT_PARTICIPATION, { input: { content: file }, mode: 'COMMIT' })).indiaImportVolunteerParticipation;
    expect(result.status).toBe('REJECTED');
    expect(result.problems.map((problem: any) => [problem.row, problem.column, problem.code])).toEqual([
      [2, 'people', 'BAD_USER_INPUT'],
      [3, 'hours', 'BAD_USER_INPUT'],
      [4, 'initiativeId', 'NOT_FOUND'],
      [5, 'hours', 'BAD_USER_INPUT'],
    ]);
    const single = await india.query(`mutation { indiaRecordVolunteerParticipation(input: { initiativeId: "IN-I0001", date: "2024-10-08", people: 3, hours: "2.125" }) { id } }`);
    expect(result.problems[3].message).toBe(single.errors?.[0]?.message);
    expect(await stack.db('india').collection('volunteer_participation').countDocuments()).toBe(before);
  });

  it('commits participation and registrations once each: India\'s volunteering grows by exactly the files\' totals', async () => {
    const india = stack.as(await indiaToken());
    const before = (await india.data(VOLUNTEERING)).india.volunteering;
    const participation = ['initiativeId,date,people,hours,note', 'IN-I0001,2024-10-05,12,30.5,Tree planting', 'IN-I0002,2024-11-09,4,10,Reading hour', 'IN-I0002,2024-11-16,4,10,Reading hour (week 2)'].join('\r\n');
    const dry = (await india.data(IMPORT_PARTICIPATION, { input: { content: participation }, mode: 'DRY_RUN' })).indiaImportVolunteerParticipation;
    expect(dry).toMatchObject({ status: 'VALID', rows: 3, totals: [{ groupFiscalYear: 2025, rows: 3, newRegistrations: 0, participants: 20, hours: '50.5' }] });
    const committed = (await india.data(IMPORT_PARTICIPATION, { input: { content: participation, fileName: 'october.csv' }, mode: 'COMMIT' })).indiaImportVolunteerParticipation;
    expect(committed).toMatchObject({ status: 'COMMITTED', rows: 3, replayed: false });
    const registrations = ['date,count,note', '2024-10-31,25,October sign-ups', '2024-11-30,18,'].join('\n');
    const registered = (await india.data(IMPORT_REGISTRATIONS, { input: { content: registrations }, mode: 'COMMIT' })).indiaImportVolunteerRegistrations;
    expect(registered.problems).toEqual([]);
    expect(registered).toMatchObject({ status: 'COMMITTED', rows: 2, totals: [{ groupFiscalYear: 2025, newRegistrations: 43 }] });

    const after = (await india.data(VOLUNTEERING)).india.volunteering;
    expect(after.participants - before.participants).toBe(20);
    expect(after.newRegistrations - before.newRegistrations).toBe(43);
    const [bn, bd] = fraction(before.hours);
    const [an, ad] = fraction(after.hours);
    expect(an * bd - bn * ad).toBe((505n * ad * bd) / 10n);

    const db = stack.db('india');
    const stored = await db.collection('volunteer_participation').find({ _id: { $gte: committed.firstRecordId, $lte: committed.lastRecordId } }).sort({ _id: 1 }).toArray();
    expect(stored.map((record) => [record.initiativeId, record.people, record.hours.toString(), record.source])).toEqual([
      ['IN-I0001', 12, '30.5', 'Imported by india-importer from october.csv'],
      ['IN-I0002', 4, '10', 'Imported by india-importer from october.csv'],
      ['IN-I0002', 4, '10', 'Imported by india-importer from october.csv'],
    ]);
    for (const record of stored) expect(await db.collection('audit_log').countDocuments({ entityId: record._id, action: 'indiaImportVolunteerParticipation' })).toBe(1);
    expect(await db.collection('import_staging').countDocuments()).toBe(0);

    // the same files again: nothing added
    const again = (await india.data(IMPORT_PARTICIPATION, { input: { content: participation }, mode: 'COMMIT' })).indiaImportVolunteerParticipation;
    expect(again).toMatchObject({ status: 'COMMITTED', replayed: true, importId: committed.importId });
    await india.data(IMPORT_REGISTRATIONS, { input: { content: registrations }, mode: 'COMMIT' });
    expect((await india.data(VOLUNTEERING)).india.volunteering).toEqual(after);
    // the same rows in another file are duplicates
    const copy = (await india.data(IMPORT_REGISTRATIONS, { input: { content: `${registrations}\n` }, mode: 'DRY_RUN' })).indiaImportVolunteerRegistrations;
    expect(copy.problems.map((problem: any) => [problem.row, problem.code])).toEqual([[2, 'DUPLICATE_RECORD'], [3, 'DUPLICATE_RECORD']]);
  });
});
