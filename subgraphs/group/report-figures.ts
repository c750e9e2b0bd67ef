import type { PublishedFigures } from '../common/published-report';
import { b4siFigures } from './b4si';
import type { Consolidation } from './consolidation';

const money = ({ amount, currency }: { amount: string; currency: string }) => ({ amount, currency });

function present<T>(value: T | null | undefined, what: string): T {
  if (value === null || value === undefined) throw new Error(`${what} is missing from a complete report`);
  return value;
}

/**
 * Every figure of a complete report as plain values: what a published report states
 * (group/publishing.ts) and what its offline verification recomputes from the signed regional
 * figures and the stated rates (group/report-verification.ts). Throws as the consolidation does
 * when a subsidiary's figures or a rate are missing.
 */
export function reportFigures(consolidation: Consolidation): PublishedFigures {
  const { complete, included } = consolidation.completeness();
  const volunteering = consolidation.volunteering();
  return {
    asOf: consolidation.asOf(),
    completeness: { complete, included },
    total: money(consolidation.total()),
    bySubsidiary: consolidation.bySubsidiary().map((line) => ({
      code: line.code,
      name: line.name,
      local: money(present(line.local, `${line.code}'s local amount`)),
      converted: money(present(line.converted, `${line.code}'s converted amount`)),
      ratesUsed: line.ratesUsed.map((rate) => ({ currency: rate.currency, fiscalYear: rate.fiscalYear, rate: rate.rate, source: rate.source ?? null })),
      expenseCount: present(line.expenseCount, `${line.code}'s expense count`),
      asOf: line.asOf,
    })),
    byCauseArea: consolidation.byCauseArea().map((line) => ({ causeArea: line.causeArea, amount: money(line.amount), expenseCount: line.expenseCount })),
    byContributionType: consolidation.byContributionType().map((line) => ({ contributionType: line.contributionType, amount: money(line.amount), expenseCount: line.expenseCount })),
    byFiscalYear: consolidation.byFiscalYear().map((line) => ({ fiscalYear: line.fiscalYear, amount: money(line.amount), expenseCount: line.expenseCount })),
    volunteering: { newRegistrations: volunteering.newRegistrations, participants: volunteering.participants, hours: volunteering.hours },
    b4si: b4siFigures(consolidation),
  };
}
