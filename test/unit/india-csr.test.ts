import { describe, expect, it } from 'vitest';
import { Decimal } from '../../subgraphs/common/decimal';
import { csrObligation, type YearFinancials } from '../../subgraphs/india/csr/obligation';
import { isCsrEligible } from '../../subgraphs/india/csr/documents';

const d = (text: string) => Decimal.parse(text);
const year = (fiscalYear: number, netProfit: string, netWorth: string | null = null, turnover: string | null = null): YearFinancials => ({
  fiscalYear,
  netProfit: d(netProfit),
  netWorth: netWorth ? d(netWorth) : null,
  turnover: turnover ? d(turnover) : null,
});
const noSpend = { ongoingProjects: Decimal.ZERO, otherProjects: Decimal.ZERO, overheads: Decimal.ZERO, ineligible: Decimal.ZERO };

describe('section 135 obligation', () => {
  it('is 2% of the average net profit of the three preceding years, rounded once to paise', () => {
    const result = csrObligation(2025, [year(2024, '100000000'), year(2023, '80000000'), year(2022, '70000001')], noSpend);
    // average = 250000001 / 3 = 83333333.666…; 2% = 1666666.67333… → 1666666.67
    expect(result.averageNetProfit.toString()).toBe('83333333.67');
    expect(result.obligation.toString()).toBe('1666666.67');
    expect(result.applicable).toBe(true);
    expect(result.applicabilityReasons).toEqual(['net profit of FY2024 is at least ₹5 crore']);
    expect(result.shortfall.toString()).toBe('1666666.67');
  });

  it('does not apply below every threshold, and never asks for a negative amount', () => {
    const small = csrObligation(2025, [year(2024, '40000000', '100', '100'), year(2023, '1'), year(2022, '1')], noSpend);
    expect(small.applicable).toBe(false);
    expect(small.obligation.isZero()).toBe(true);
    const losses = csrObligation(2025, [year(2024, '-900000000', '6000000000'), year(2023, '10'), year(2022, '10')], noSpend);
    expect(losses.applicable).toBe(true);
    expect(losses.applicabilityReasons[0]).toContain('net worth');
    expect(losses.obligation.isZero()).toBe(true);
  });

  it('caps overheads at 5% of the year\'s CSR spend', () => {
    const spend = { ongoingProjects: d('600000'), otherProjects: d('300000'), overheads: d('100000'), ineligible: d('50000') };
    const result = csrObligation(2025, [year(2024, '100000000'), year(2023, '100000000'), year(2022, '100000000')], spend);
    expect(result.overheadCap.toString()).toBe('50000.00'); // 5% of 1,000,000
    expect(result.excessOverheads.toString()).toBe('50000.00');
    expect(result.eligibleSpend.toString()).toBe('950000.00');
    expect(result.shortfall.toString()).toBe('1050000.00'); // obligation 2,000,000
    expect(result.ineligibleSpend.toString()).toBe('50000');
    expect(result.unspentCsrAccountDeadline).toBe('2025-04-30');
    expect(result.scheduleVIIFundDeadline).toBe('2025-09-30');
  });

  it('counts only Schedule VII activities in India, not for employees only, not marketing', () => {
    const base = { scheduleVII: ['EDUCATION_LIVELIHOOD' as const], inIndia: true, employeesOnly: false, marketing: false };
    expect(isCsrEligible(base)).toBe(true);
    expect(isCsrEligible({ ...base, scheduleVII: [] })).toBe(false);
    expect(isCsrEligible({ ...base, inIndia: false })).toBe(false);
    expect(isCsrEligible({ ...base, employeesOnly: true })).toBe(false);
    expect(isCsrEligible({ ...base, marketing: true })).toBe(false);
  });
});
