import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { SeedFileError, seedDocuments } from '../../seed/load';
import { groupSeed } from '../../seed/group-files';
import { regionalSeedOf } from '../../seed/regional-files';
import { requireSubsidiary } from '../../subgraphs/common/registry';

const root = mkdtempSync(join(tmpdir(), 'seed-files-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const INITIATIVE = {
  id: 'IN-I0001', title: 'Blanket drive', description: 'Winter blankets', causeArea: 'HEALTH_WELFARE', motivation: 'CHARITABLE_GIFT',
  status: 'ACTIVE', startDate: '2023-04-01', endDate: null, partners: [], beneficiaries: null, participants: null, outcomes: [], tags: ['winter'],
  illustrative: true, source: 'Test file',
};

/** A folder with these seed files (name → content). */
function folder(files: Record<string, string>): string {
  const path = mkdtempSync(join(root, 'seed-'));
  for (const [name, content] of Object.entries(files)) {
    mkdirSync(join(path, name, '..'), { recursive: true });
    writeFileSync(join(path, name), content);
  }
  return path;
}

function problemsOf(read: () => unknown): string {
  try {
    read();
  } catch (error) {
    expect(error).toBeInstanceOf(SeedFileError);
    return (error as Error).message;
  }
  throw new Error('the seed files were accepted');
}

const india = requireSubsidiary('india');

describe('seed data files', () => {
  it('are read into the records the bulk import would record, numbered by row, provenance per row', () => {
    const seed = regionalSeedOf(india, folder({
      'initiatives.json': JSON.stringify([INITIATIVE]),
      'expenses.csv': 'initiativeId,date,contributionType,amount,quantity,unit,unitPrice,description,illustrative,source\n'
        + 'IN-I0001,2024-01-10,CASH,15000,,,,Blankets,true,Test file\n\n'
        + 'IN-I0001,2024-01-11,IN_KIND_PRODUCT,,120,blanket,349.99,"Blankets, winter drive",false,Invoice 7\n',
      'registrations.csv': 'date,count,note,illustrative,source\n2024-03-31,12,March,true,Test file\n',
    }));
    expect(seed.initiatives.map((initiative) => [initiative._id, initiative.searchText, initiative.illustrative])).toEqual([['IN-I0001', 'blanket drive winter blankets winter', true]]);
    expect(seed.expenses.map((expense) => [expense._id, expense.amount.toString(), expense.groupFiscalYear, expense.illustrative, expense.source])).toEqual([
      ['IN-X000001', '15000', 2024, true, 'Test file'],
      ['IN-X000002', '41998.80', 2024, false, 'Invoice 7'],
    ]);
    expect(seed.registrations.map((record) => [record._id, record.count])).toEqual([['IN-R000001', 12]]);
    expect(seed.participation).toEqual([]);
  });

  it('fail with the file, row and column of each problem, worded as the import words them', () => {
    const message = problemsOf(() => regionalSeedOf(india, folder({
      'initiatives.json': JSON.stringify([INITIATIVE]),
      'expenses.csv': 'initiativeId,date,contributionType,amount,description\n'
        + 'IN-I0001,2024-01-10,CASH,-5,Negative\n'
        + 'JP-I0001,2024-01-10,CASH,5,Japan\n'
        + 'IN-I0009,2024-13-01,CASH,5,Unknown\n'
        + 'IN-I0001,2024-01-10,CASH,5.001,Too fine\n'
        + 'IN-I0001,2024-01-12,CASH,5,Twice\n'
        + 'IN-I0001,2024-01-12,CASH,5.00,Twice\n',
    })));
    expect(message).toMatch(/expenses\.csv has 6 problems/);
    expect(message).toMatch(/row 2, column amount: BAD_USER_INPUT/);
    expect(message).toMatch(/row 3, column initiativeId: WRONG_SUBSIDIARY/);
    expect(message).toMatch(/row 4, column initiativeId: NOT_FOUND Initiative IN-I0009 is not in initiatives\.json/);
    expect(message).toMatch(/row 4, column date: BAD_USER_INPUT/);
    expect(message).toMatch(/row 5, column amount: BAD_USER_INPUT/);
    expect(message).toMatch(/row 7, column description: DUPLICATE_RECORD this row repeats row 6 of the file/);
  });

  it('check the header, the initiatives and the volunteering files too', () => {
    expect(problemsOf(() => regionalSeedOf(india, folder({ 'expenses.csv': 'initiativeId,date,contributionType,amount,description,colour\n' }))))
      .toMatch(/row 1, column colour: BAD_USER_INPUT unknown column "colour"/);
    expect(problemsOf(() => regionalSeedOf(india, folder({ 'initiatives.json': JSON.stringify([{ ...INITIATIVE, causeArea: 'SPACE' }, { ...INITIATIVE, id: 'JP-I0002' }]) }))))
      .toMatch(/initiatives\.json has 2 problems:\n {2}row 1, column causeArea: BAD_USER_INPUT .*\n {2}row 2, column id: BAD_USER_INPUT/);
    expect(problemsOf(() => regionalSeedOf(india, folder({
      'initiatives.json': JSON.stringify([{ ...INITIATIVE, status: 'ARCHIVED' }]),
      'participation.csv': 'initiativeId,date,people,hours\nIN-I0001,2024-01-10,3,4.5\nIN-I0001,2024-01-10,2.5,1\n',
    })))).toMatch(/participation\.csv has 3 problems:\n {2}row 2, column initiativeId: INVALID_STATE .*\n {2}row 3, column initiativeId: INVALID_STATE .*\n {2}row 3, column people: BAD_USER_INPUT/);
  });

  it("check headquarters' rates and goals as its own writes do", () => {
    const message = problemsOf(() => groupSeed(folder({
      'exchange-rates.csv': 'currency,fiscalYear,jpyPerUnit,asOf,illustrative,source\nUSD,2024,144.60,2024-03-31,true,Rates\nJPY,2024,1,2024-03-31,true,Rates\nINR,2024,0,2024-03-31,maybe,Rates\n',
    })));
    expect(message).toMatch(/exchange-rates\.csv has 3 problems/);
    expect(message).toMatch(/row 3, column currency: BAD_USER_INPUT JPY is the base currency/);
    expect(message).toMatch(/row 4, column illustrative: BAD_USER_INPUT/);
    expect(message).toMatch(/row 4, column jpyPerUnit: BAD_USER_INPUT/);
    const rates = groupSeed(folder({ 'exchange-rates.csv': 'currency,fiscalYear,jpyPerUnit,asOf,illustrative,source\nUSD,2024,144.60,2024-03-31,true,Rates\n' })).exchangeRates;
    expect(rates.map((rate) => [rate._id, rate.jpyPerUnit.toString(), rate.illustrative])).toEqual([['USD:2024', '144.60', true]]);
  });

  it('leave a subsidiary without seed/ empty, and read every folder of the registry', () => {
    expect(regionalSeedOf(india, join(root, 'none'))).toEqual({ initiatives: [], expenses: [], registrations: [], participation: [] });
    const seed = seedDocuments();
    expect(Object.keys(seed).sort()).toEqual(['america', 'group', 'india', 'japan', 'thailand']);
    expect(seed.japan.expenses.find((expense) => expense._id === 'JP-X000023')?.initiativeId).toMatch(/^JP-I\d{4}$/);
  });
});
