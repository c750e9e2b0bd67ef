import {
  B4SI_INPUT_TYPES,
  B4SI_ISSUES,
  CONTRIBUTION_TYPES,
  MOTIVATIONS,
  b4siInputTypeOf,
  b4siIssueOf,
  type B4siInputType,
  type B4siIssue,
  type B4siValuation,
  type Motivation,
} from '../common/catalog';
import type { Consolidation } from './consolidation';

/**
 * A B4SI-style summary of a consolidated report (docs/b4si.md): the report's inputs by B4SI input
 * type × motivation × issue, from the same signed subsidiary cells, rates and completeness as the
 * rest of the report. Every line is converted and rounded once, like every line of the report, and
 * is refused with CONSOLIDATION_INCOMPLETE (naming the missing subsidiaries) when the report is
 * incomplete and partial figures were not asked for; a missing rate is EXCHANGE_RATE_MISSING naming
 * its currency and year.
 */

const INPUT_ORDER = new Map<string, number>(B4SI_INPUT_TYPES.map((type, index) => [type.code, index]));
const MOTIVATION_ORDER = new Map<string, number>(MOTIVATIONS.map((motivation, index) => [motivation, index]));
const ISSUE_ORDER = new Map<string, number>(B4SI_ISSUES.map((issue, index) => [issue.code, index]));
const ISSUE_NAME = new Map<string, string>(B4SI_ISSUES.map((issue) => [issue.code, issue.name]));

/** GROUP_POLICY when any contribution type counted as `inputType` is valued by the group's policy. */
export function inputValuation(inputType: B4siInputType): B4siValuation {
  return CONTRIBUTION_TYPES.some((type) => type.b4siInputType === inputType && type.b4siValuation === 'GROUP_POLICY') ? 'GROUP_POLICY' : 'B4SI_BASIS';
}

/** The summary's basis in words, stated with every summary. */
export const B4SI_VALUATION_BASIS =
  "Amounts are the group's recorded values, converted with each fiscal year's average rate and rounded once per line. " +
  'Cash, time (employee volunteering on company time, at its cost) and management costs are valued as B4SI values them. ' +
  "In-kind is on the group's basis: donated products at unit price and facility use at the price of equivalent external facilities; " +
  'B4SI asks for the cost to the company, which the records do not hold, so in-kind lines are not restated to it.';

interface Line<K> {
  key: K;
  amount: { amount: string; currency: string; partial: boolean };
  expenseCount: number;
}

function byOrder<K>(lines: readonly Line<K>[], rank: (key: K) => number[]): Line<K>[] {
  return [...lines].sort((a, b) => {
    const [ra, rb] = [rank(a.key), rank(b.key)];
    for (let index = 0; index < ra.length; index += 1) if (ra[index] !== rb[index]) return ra[index]! - rb[index]!;
    return 0;
  });
}

const rankOf = (order: ReadonlyMap<string, number>, code: string) => order.get(code) ?? Number.MAX_SAFE_INTEGER;

/** The `b4si` field of a GroupReport: its fields are computed when asked, each once per report. */
/** How each contribution type counts in B4SI (common/catalog.ts): B4siSummary.mapping and Query.contributionTypes. */
export function b4siMapping() {
  return CONTRIBUTION_TYPES.map((type) => ({ contributionType: type.code, inputType: type.b4siInputType, valuation: type.b4siValuation, description: type.description }));
}

export function b4siSummary(consolidation: Consolidation) {
  const currency = consolidation.params.currency;
  const cells = () =>
    byOrder(
      consolidation.linesBy('b4si', 'The B4SI summary', (cell) => `${b4siInputTypeOf(cell.contributionType)}|${cell.motivation}|${b4siIssueOf(cell.causeArea)}`),
      (key) => {
        const [inputType, motivation, issue] = key.split('|') as [string, string, string];
        return [rankOf(INPUT_ORDER, inputType), rankOf(MOTIVATION_ORDER, motivation), rankOf(ISSUE_ORDER, issue)];
      },
    ).map(({ key, amount, expenseCount }) => {
      const [inputType, motivation, issue] = key.split('|') as [B4siInputType, Motivation, B4siIssue];
      return { inputType, motivation, issue, issueName: ISSUE_NAME.get(issue)!, valuation: inputValuation(inputType), amount, expenseCount };
    });
  return {
    currency,
    valuationBasis: B4SI_VALUATION_BASIS,
    total: () => {
      // the report's total (one conversion of every cell), refused in the summary's own words
      const [all] = consolidation.linesBy('b4si:total', 'The B4SI summary', () => 'total');
      return all?.amount ?? consolidation.total();
    },
    cells,
    byInputType: () =>
      byOrder(consolidation.linesBy('b4si:input', 'The B4SI summary by input type', (cell) => b4siInputTypeOf(cell.contributionType)), (key) => [rankOf(INPUT_ORDER, key)]).map(
        ({ key, ...line }) => ({ inputType: key, valuation: inputValuation(key), ...line }),
      ),
    byMotivation: () =>
      byOrder(consolidation.linesBy('b4si:motivation', 'The B4SI summary by motivation', (cell) => cell.motivation), (key) => [rankOf(MOTIVATION_ORDER, key)]).map(({ key, ...line }) => ({
        motivation: key,
        ...line,
      })),
    byIssue: () =>
      byOrder(consolidation.linesBy('b4si:issue', 'The B4SI summary by issue', (cell) => b4siIssueOf(cell.causeArea)), (key) => [rankOf(ISSUE_ORDER, key)]).map(({ key, ...line }) => ({
        issue: key,
        issueName: ISSUE_NAME.get(key)!,
        ...line,
      })),
    mapping: b4siMapping(),
  };
}

/**
 * The summary as plain data, every line evaluated (for a published report's document and its
 * offline verification: group/publishing.ts, group/report-verification.ts). Throws as the lines do
 * when the report is incomplete or a rate is missing.
 */
export function b4siFigures(consolidation: Consolidation) {
  const summary = b4siSummary(consolidation);
  const money = ({ amount, currency }: { amount: string; currency: string }) => ({ amount, currency });
  return {
    valuationBasis: summary.valuationBasis,
    total: money(summary.total()),
    cells: summary.cells().map(({ amount, ...line }) => ({ ...line, amount: money(amount) })),
    byInputType: summary.byInputType().map(({ amount, ...line }) => ({ ...line, amount: money(amount) })),
    byMotivation: summary.byMotivation().map(({ amount, ...line }) => ({ ...line, amount: money(amount) })),
    byIssue: summary.byIssue().map(({ amount, ...line }) => ({ ...line, amount: money(amount) })),
  };
}

/** The SDL of the summary's types (group/schema.ts adds `b4si: B4siSummary` to GroupReport). */
export function b4siSdl(cacheInherit: string): string {
  return `
"A line of the B4SI summary: one input type, motivation and issue."
type B4siCell ${cacheInherit} {
  inputType: B4siInputType!
  motivation: Motivation!
  issue: B4siIssue!
  "The issue's name in B4SI's words."
  issueName: String!
  "How the line's amounts are valued (GROUP_POLICY for in-kind: see B4siSummary.valuationBasis)."
  valuation: B4siValuation!
  amount: ConsolidatedAmount!
  expenseCount: Int!
}

type B4siInputTypeTotal ${cacheInherit} {
  inputType: B4siInputType!
  valuation: B4siValuation!
  amount: ConsolidatedAmount!
  expenseCount: Int!
}

type B4siMotivationTotal ${cacheInherit} {
  motivation: Motivation!
  amount: ConsolidatedAmount!
  expenseCount: Int!
}

type B4siIssueTotal ${cacheInherit} {
  issue: B4siIssue!
  issueName: String!
  amount: ConsolidatedAmount!
  expenseCount: Int!
}

"How one of the group's contribution types is counted in B4SI."
type B4siMapping ${cacheInherit} {
  contributionType: ContributionType!
  inputType: B4siInputType!
  valuation: B4siValuation!
  description: String!
}

"""
The report's inputs in B4SI's terms (docs/b4si.md): input type (cash, time, in-kind, management
costs) × motivation (the initiative's) × issue (the cause area's B4SI issue), in the report's
currency, from the same subsidiary figures, rates and completeness as the rest of the report. Each
line is converted and rounded once, like every line of the report, so the lines may differ from
total by rounding (a few units of the currency at most per line). In-kind lines are on the group's
valuation basis, not B4SI's cost to the company: see valuationBasis. Totals and lines are null,
with CONSOLIDATION_INCOMPLETE naming the missing subsidiaries, when the report is incomplete and
allowPartial is false; EXCHANGE_RATE_MISSING names a missing rate.
"""
type B4siSummary ${cacheInherit} {
  currency: String!
  "The valuation basis of the amounts, in words."
  valuationBasis: String!
  "The report's total: the same figure as GroupReport.total."
  total: ConsolidatedAmount
  "One line per input type × motivation × issue with expenses, in that order."
  cells: [B4siCell!]
  byInputType: [B4siInputTypeTotal!]
  byMotivation: [B4siMotivationTotal!]
  byIssue: [B4siIssueTotal!]
  "The mapping from the group's contribution types to B4SI input types (common/catalog.ts)."
  mapping: [B4siMapping!]!
}
`;
}
