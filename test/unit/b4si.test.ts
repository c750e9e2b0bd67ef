import { describe, expect, it } from 'vitest';
import { Decimal } from '../../subgraphs/common/decimal';
import { B4SI_ISSUES, CAUSE_AREAS, CONTRIBUTION_TYPES, b4siInputTypeOf, b4siIssueOf } from '../../subgraphs/common/catalog';
import { SUBSIDIARIES } from '../../subgraphs/common/registry';
import { b4siFigures, b4siSummary, inputValuation } from '../../subgraphs/group/b4si';
import { Consolidation, type ArrivedReport, type RateQuote } from '../../subgraphs/group/consolidation';
import type { ReportParams } from '../../subgraphs/group/report-params';
import { expenseB4si } from '../../subgraphs/kit/b4si';
import { INPUT_TYPE, ISSUE } from '../harness/independent-b4si';

describe('the B4SI mapping (common/catalog.ts)', () => {
  it('counts every contribution type as the B4SI input type the framework gives it', () => {
    expect(Object.fromEntries(CONTRIBUTION_TYPES.map((type) => [type.code, b4siInputTypeOf(type.code)]))).toEqual(INPUT_TYPE);
  });

  it('maps every cause area to a B4SI issue by its stated name', () => {
    expect(Object.fromEntries(CAUSE_AREAS.map((area) => [area.code, b4siIssueOf(area.code)]))).toEqual(ISSUE);
    for (const area of CAUSE_AREAS) expect(B4SI_ISSUES.map((issue) => issue.name)).toContain(area.b4siIssue);
  });

  it("labels in-kind as the group's valuation, everything else as B4SI's", () => {
    expect(CONTRIBUTION_TYPES.filter((type) => type.b4siValuation === 'GROUP_POLICY').map((type) => type.code)).toEqual(['IN_KIND_PRODUCT', 'FACILITY_USE']);
    expect(['CASH', 'TIME', 'IN_KIND', 'MANAGEMENT_COSTS'].map((input) => inputValuation(input as never))).toEqual(['B4SI_BASIS', 'B4SI_BASIS', 'GROUP_POLICY', 'B4SI_BASIS']);
  });

  it("derives an expense's B4SI fields from its initiative as it is now", () => {
    expect(expenseB4si({ _id: 'IN-X1', contributionType: 'FACILITY_USE' }, { causeArea: 'SOCIAL_ENTREPRENEURSHIP', motivation: 'COMMERCIAL_INITIATIVE' })).toEqual({
      inputType: 'IN_KIND',
      motivation: 'COMMERCIAL_INITIATIVE',
      issue: 'ECONOMIC_DEVELOPMENT',
      issueName: 'Economic development',
      valuation: 'GROUP_POLICY',
    });
    expect(() => expenseB4si({ _id: 'IN-X1', contributionType: 'CASH' }, null)).toThrow(/IN-X1 names an initiative that does not exist/);
  });
});

const PARAMS: ReportParams = { from: 2024, to: 2024, currency: 'JPY', causeArea: null, contributionType: null, allowPartial: false };
const RATES: RateQuote[] = [
  { currency: 'INR', fiscalYear: 2024, jpyPerUnit: Decimal.parse('1.7'), source: 'test' },
  { currency: 'USD', fiscalYear: 2024, jpyPerUnit: Decimal.parse('144.6'), source: 'test' },
  { currency: 'THB', fiscalYear: 2024, jpyPerUnit: Decimal.parse('4.05'), source: 'test' },
];
const arrived = (currency: string, cells: ArrivedReport['cells']): ArrivedReport => ({ currency, cells, volunteering: [], asOf: '2026-12-01T00:00:00.000Z' });

describe('the B4SI summary (group/b4si.ts)', () => {
  const reports = [
    arrived('JPY', [
      { groupFiscalYear: 2024, causeArea: 'HEALTH_WELFARE', contributionType: 'CASH', motivation: 'CHARITABLE_GIFT', amount: '1000', expenseCount: 2 },
      { groupFiscalYear: 2024, causeArea: 'INCLUSION_DIVERSITY', contributionType: 'CASH', motivation: 'CHARITABLE_GIFT', amount: '500', expenseCount: 1 },
      { groupFiscalYear: 2024, causeArea: 'HEALTH_WELFARE', contributionType: 'FACILITY_USE', motivation: 'COMMUNITY_INVESTMENT', amount: '300', expenseCount: 1 },
    ]),
    arrived('INR', [{ groupFiscalYear: 2024, causeArea: 'HEALTH_WELFARE', contributionType: 'IN_KIND_PRODUCT', motivation: 'COMMUNITY_INVESTMENT', amount: '10.50', expenseCount: 1 }]),
    arrived('USD', []),
    arrived('THB', []),
  ];

  it('merges cause areas of one issue and contribution types of one input type, each line rounded once', () => {
    const summary = b4siSummary(new Consolidation(PARAMS, SUBSIDIARIES, reports, RATES));
    expect(summary.cells().map(({ inputType, motivation, issue, valuation, amount, expenseCount }) => [inputType, motivation, issue, valuation, amount.amount, expenseCount])).toEqual([
      ['CASH', 'CHARITABLE_GIFT', 'SOCIAL_WELFARE', 'B4SI_BASIS', '1500', 3],
      // 300 JPY + 10.50 INR × 1.7 = 317.85 → 318
      ['IN_KIND', 'COMMUNITY_INVESTMENT', 'SOCIAL_WELFARE', 'GROUP_POLICY', '318', 2],
    ]);
    expect(summary.total().amount).toBe('1818');
    expect(summary.byMotivation().map((line) => [line.motivation, line.amount.amount])).toEqual([
      ['CHARITABLE_GIFT', '1500'],
      ['COMMUNITY_INVESTMENT', '318'],
    ]);
  });

  it('gives the same lines as plain data for a published document', () => {
    const consolidation = new Consolidation(PARAMS, SUBSIDIARIES, reports, RATES);
    const figures = b4siFigures(consolidation);
    expect(JSON.parse(JSON.stringify(figures))).toEqual(figures);
    expect(figures.total).toEqual({ amount: '1818', currency: 'JPY' });
    expect(figures.cells.map((cell) => cell.amount.amount)).toEqual(b4siSummary(consolidation).cells().map((cell) => cell.amount.amount));
    expect(figures.byIssue).toEqual([{ issue: 'SOCIAL_WELFARE', issueName: 'Social welfare', amount: { amount: '1818', currency: 'JPY' }, expenseCount: 5 }]);
  });

  it('refuses its lines when a subsidiary is missing, naming it', () => {
    const summary = b4siSummary(new Consolidation(PARAMS, SUBSIDIARIES, [reports[0]!, null, reports[2]!, reports[3]!], RATES));
    for (const figure of [summary.cells, summary.total, summary.byInputType, summary.byIssue]) {
      expect(figure).toThrow(expect.objectContaining({ extensions: expect.objectContaining({ code: 'CONSOLIDATION_INCOMPLETE', missingSubsidiaries: ['IN'] }) }));
    }
  });
});
