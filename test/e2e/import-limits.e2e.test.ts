import { describe, expect, it } from 'vitest';
import { useSeededStack } from '../harness/stack';
import { ROLES } from '../../subgraphs/common/scopes';

// read by the regional subgraphs when they start (this file's stack runs them in this process)
process.env.IMPORT_MAX_ROWS = '3';
process.env.IMPORT_MAX_BYTES = '2048';
process.env.IMPORT_MAX_PROBLEMS = '2';

const stack = useSeededStack('e2e_import_limits');

const IMPORT = `mutation($input: ImportFileInput!) { indiaImportExpenses(input: $input, mode: DRY_RUN) { status rows problemCount problems { row column } } }`;
const HEADER = 'initiativeId,date,contributionType,amount,description';

describe('import limits (IMPORT_MAX_ROWS, IMPORT_MAX_BYTES, IMPORT_MAX_PROBLEMS)', () => {
  it('refuses a file with too many rows or bytes with IMPORT_TOO_LARGE, and lists at most the first problems', async () => {
    const india = stack.as(await stack.token(ROLES.regional('IN')));
    const rows = (count: number, amount = '10') => [HEADER, ...Array.from({ length: count }, (_, i) => `IN-I0001,2024-06-0${1 + i},CASH,${amount},Row ${i}`)].join('\n');
    const tooMany = await india.query(IMPORT, { input: { content: rows(4) } });
    expect(tooMany.errors?.[0]).toMatchObject({ extensions: { code: 'IMPORT_TOO_LARGE', rows: 4, maxRows: 3 } });
    expect(tooMany.errors?.[0]?.message).toMatch(/at most 3 \(IMPORT_MAX_ROWS\): split it into several files/);
    const tooBig = await india.query(IMPORT, { input: { content: `${rows(1)},${'x'.repeat(2100)}` } });
    expect(tooBig.errors?.[0]).toMatchObject({ extensions: { code: 'IMPORT_TOO_LARGE', maxBytes: 2048 } });
    const bad = (await india.data(IMPORT, { input: { content: rows(3, '-1') } })).indiaImportExpenses;
    expect(bad).toMatchObject({ status: 'REJECTED', rows: 3, problemCount: 3, problems: [{ row: 2, column: 'amount' }, { row: 3, column: 'amount' }] });
  });
});
