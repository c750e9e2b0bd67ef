import { describe, expect, it } from 'vitest';
import { useSeededStack } from '../harness/stack';

const stack = useSeededStack('e2e_india_csr');

const OBLIGATION = `query($year: Int!) { subsidiary(code: "IN") { ... on IndiaSubsidiary {
  csrObligation(fiscalYear: $year) { fiscalYear applicable averageNetProfit { amount currency } obligation { amount }
    eligibleSpend { amount } ineligibleSpend { amount } overheads { amount } overheadCap { amount } shortfall { amount }
    unclassifiedInitiatives precedingYears { fiscalYear } unspentCsrAccountDeadline } } } }`;

describe("India's statutory CSR obligation, a local extension of the regional template", () => {
  it('computes the obligation from the preceding three years and the year\'s eligible spend', async () => {
    const { subsidiary } = await stack.data(OBLIGATION, { year: 2025 });
    const result = subsidiary.csrObligation;
    // seed: FY2022 72,400,000; FY2023 85,100,000; FY2024 94,600,000 → average 84,033,333.33; 2% = 1,680,666.67
    expect(result).toMatchObject({
      fiscalYear: 2025,
      applicable: true,
      averageNetProfit: { amount: '84033333.33', currency: 'INR' },
      obligation: { amount: '1680666.67' },
      precedingYears: [{ fiscalYear: 2024 }, { fiscalYear: 2023 }, { fiscalYear: 2022 }],
      unclassifiedInitiatives: ['IN-I0005'],
      unspentCsrAccountDeadline: '2025-04-30',
    });
    const expenses = await stack.db('india').collection('expenses').find({ fiscalYear: 2025 }).toArray();
    const paise = (initiatives: (id: string) => boolean) =>
      expenses.filter((e) => initiatives(e.initiativeId)).reduce((sum, e) => sum + BigInt(Math.round(Number(e.amount.toString()) * 100)), 0n);
    expect(BigInt(Math.round(Number(result.ineligibleSpend.amount) * 100))).toBe(paise((id) => id === 'IN-I0005'));
  });

  it('names the missing year when preceding figures are absent', async () => {
    const result = await stack.query(OBLIGATION, { year: 2022 });
    expect(result.errors?.[0]?.extensions).toMatchObject({ code: 'NOT_FOUND', missingFiscalYears: [2020, 2019] });
    expect(result.errors?.[0]?.message).toContain('FY2020, FY2019');
  });

  it('classifies an initiative and records financials through India-only mutations', async () => {
    const classified = await stack.data(`mutation { indiaClassifyCsrInitiative(initiativeId: "IN-I0005", input: { scheduleVII: [ENVIRONMENT], ongoingProject: false }) {
      id ... on IndiaInitiative { csrClassification { scheduleVII eligible } } } }`);
    expect(classified.indiaClassifyCsrInitiative.csrClassification).toEqual({ scheduleVII: ['ENVIRONMENT'], eligible: true });
    const { subsidiary } = await stack.data(OBLIGATION, { year: 2025 });
    expect(subsidiary.csrObligation.unclassifiedInitiatives).toEqual([]);
    expect(subsidiary.csrObligation.ineligibleSpend.amount).toBe('0.00');

    await stack.data(`mutation { indiaRecordCsrFinancials(input: { fiscalYear: 2025, netProfit: "-1000000.00" }) { fiscalYear netProfit { amount } } }`);
    const next = await stack.data(`{ subsidiary(code: "IN") { ... on IndiaSubsidiary { csrObligation(fiscalYear: 2026) { averageNetProfit { amount } } } } }`);
    expect(next.subsidiary.csrObligation.averageNetProfit.amount).toBe('59566666.67'); // (-1,000,000 + 94,600,000 + 85,100,000) / 3

    const refused = await stack.query(`mutation { indiaClassifyCsrInitiative(initiativeId: "JP-I0001", input: { scheduleVII: [SPORTS], ongoingProject: false }) { id } }`);
    expect(refused.errors?.[0]?.extensions?.code).toBe('WRONG_SUBSIDIARY');
    const badFigure = await stack.query(`mutation { indiaRecordCsrFinancials(input: { fiscalYear: 2025, netProfit: "12.345" }) { fiscalYear } }`);
    expect(badFigure.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
  });

  it('is not part of the other regional subgraphs', async () => {
    const result = await stack.query(`{ subsidiary(code: "JP") { ... on JapanSubsidiary { csrObligation(fiscalYear: 2025) { obligation { amount } } } } }`);
    expect(result.errors?.[0]?.extensions?.code).toBe('GRAPHQL_VALIDATION_FAILED');
  });
});
