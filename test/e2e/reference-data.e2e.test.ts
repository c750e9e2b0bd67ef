import { describe, expect, it } from 'vitest';
import { ROLES } from '../../subgraphs/common/scopes';
import { useSeededStack } from '../harness/stack';

const stack = useSeededStack('e2e_reference_data');

const SET_RATE = `mutation($input: ExchangeRateInput!) { setExchangeRate(input: $input) { currency fiscalYear jpyPerUnit source asOf illustrative } }`;
const TOTAL = `{ groupReport(fiscalYear: 2025) { total { amount } } }`;

describe("headquarters' reference data: exchange rates and goals", () => {
  it('a rate missing from a report is named, and recording it makes the report whole', async () => {
    const rates = stack.db('group').collection('exchange_rates');
    const original = await rates.findOne({ _id: 'THB:2025' as never });
    await rates.deleteOne({ _id: 'THB:2025' as never });
    const hq = stack.as(await stack.token(ROLES.hq, { subject: 'hq-treasury' }));
    const missing = await hq.query(TOTAL);
    expect(missing.errors?.[0]?.extensions).toMatchObject({ code: 'EXCHANGE_RATE_MISSING', currency: 'THB', fiscalYear: 2025 });

    const recorded = await hq.data(SET_RATE, { input: { currency: 'THB', fiscalYear: 2025, jpyPerUnit: original!.jpyPerUnit.toString(), source: 'Treasury: FY2025 average', asOf: '2025-03-31' } });
    expect(recorded.setExchangeRate).toMatchObject({ currency: 'THB', fiscalYear: 2025, jpyPerUnit: original!.jpyPerUnit.toString(), source: 'Treasury: FY2025 average', illustrative: false });
    const whole = await hq.data(TOTAL);
    expect(whole.groupReport.total.amount).toMatch(/^\d+$/);
  });

  it('refuses rates and goals that make no sense, and writes nothing', async () => {
    const hq = stack.as(await stack.token(ROLES.hq));
    const before = await stack.db('group').collection('exchange_rates').countDocuments();
    const bad = [
      { currency: 'JPY', fiscalYear: 2025, jpyPerUnit: '1', source: 's', asOf: '2025-03-31' },
      { currency: 'XYZ', fiscalYear: 2025, jpyPerUnit: '1', source: 's', asOf: '2025-03-31' },
      { currency: 'USD', fiscalYear: 2025, jpyPerUnit: '0', source: 's', asOf: '2025-03-31' },
      { currency: 'USD', fiscalYear: 2025, jpyPerUnit: '-150', source: 's', asOf: '2025-03-31' },
      { currency: 'USD', fiscalYear: 1800, jpyPerUnit: '150', source: 's', asOf: '2025-03-31' },
      { currency: 'USD', fiscalYear: 2025, jpyPerUnit: '150', source: '  ', asOf: '2025-03-31' },
    ];
    for (const input of bad) {
      const result = await hq.query(SET_RATE, { input });
      expect(result.errors?.[0]?.extensions?.code, JSON.stringify(input)).toBe('BAD_USER_INPUT');
    }
    const goal = await hq.query(`mutation { setGoal(input: { id: "G-X", title: "T", metric: VOLUNTEER_HOURS, cadence: CUMULATIVE, fromFiscalYear: 2026, toFiscalYear: 2024, target: 10, unit: "hours" }) { id } }`);
    expect(goal.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect(await stack.db('group').collection('exchange_rates').countDocuments()).toBe(before);
  });

  it('only headquarters may write them', async () => {
    const input = { currency: 'USD', fiscalYear: 2026, jpyPerUnit: '150.1', source: 'x', asOf: '2026-03-31' };
    const stored = await stack.db('group').collection('exchange_rates').findOne({ _id: 'USD:2026' as never });
    for (const scopes of [ROLES.bi, ROLES.regional('IN')]) {
      const result = await stack.as(await stack.token(scopes)).query(SET_RATE, { input });
      expect(result.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    }
    expect(await stack.db('group').collection('exchange_rates').findOne({ _id: 'USD:2026' as never })).toEqual(stored);
  });

  it('records a goal that the next report measures', async () => {
    const hq = stack.as(await stack.token(ROLES.hq));
    await hq.data(`mutation { setGoal(input: { id: "G-HOURS-2025", title: "Volunteer hours", metric: VOLUNTEER_HOURS, cadence: PER_FISCAL_YEAR, fromFiscalYear: 2025, toFiscalYear: 2025, target: 1000, unit: "hours" }) { id } }`);
    const { groupReport } = await hq.data(`{ groupReport(fiscalYear: 2025) { goals { goal { id } target actual } } }`);
    const progress = groupReport.goals.find((entry: any) => entry.goal.id === 'G-HOURS-2025');
    expect(progress).toMatchObject({ target: 1000 });
    expect(progress.actual).toBeGreaterThan(0);
  });
});

describe("headquarters' writes in the group's audit trail", () => {
  it('records who changed which rate, with before and after', async () => {
    const hq = stack.as(await stack.token(ROLES.hq, { subject: 'hq-auditor-check' }));
    await hq.data(SET_RATE, { input: { currency: 'INR', fiscalYear: 2026, jpyPerUnit: '1.81', source: 'Treasury: revised', asOf: '2026-03-31' } });
    const entry = await stack.db('group').collection('audit_log').findOne({ actor: 'hq-auditor-check' });
    expect(entry).toMatchObject({ action: 'setExchangeRate', entity: 'ExchangeRate', entityId: 'INR:2026', changedFields: expect.arrayContaining(['jpyPerUnit', 'source']) });
    expect(entry!._id).toMatch(/^HQ-A\d+$/);
    expect(entry!.before).not.toBeNull();
  });
});
