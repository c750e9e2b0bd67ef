import { SUBSIDIARIES, type SubsidiaryConfig } from '../common/registry';
import { regionalTypeNames } from '../kit/schema';

/** What a subsidiary signs besides the figures consolidated (group/figure-signatures.ts), and its signature. */
const SIGNED_REPORT_FIELDS =
  'adjustments { id originalExpenseId initiativeId date groupFiscalYear restatedFiscalYear causeArea contributionType amountChange closeId reason recordedBy recordedAt } signature { keyId algorithm value }';

/** The fields of each subsidiary report that the consolidation needs, as one @requires selection. */
export function consolidationRequires(): string {
  return `subsidiaries { ${SUBSIDIARIES.map(subsidiaryReportSelection).join(' ')} }`;
}

/** One subsidiary's part of consolidationRequires (the fiscal-year close requires the same of each report). */
export function subsidiaryReportSelection(subsidiary: SubsidiaryConfig): string {
  return `... on ${regionalTypeNames(subsidiary).report} { currency cells { groupFiscalYear causeArea contributionType motivation amount expenseCount } volunteering { groupFiscalYear newRegistrations participants hours } asOf dataset { id } ${SIGNED_REPORT_FIELDS} }`;
}
