import { CAUSE_AREAS, b4siInputTypeOf, b4siIssueOf, b4siValuationOf } from '../common/catalog';
import type { ExpenseDocument, InitiativeDocument } from './documents';

/** An expense in B4SI's terms, from its contribution type and its initiative's motivation and cause area as they are now. */
export function expenseB4si(expense: Pick<ExpenseDocument, '_id' | 'contributionType'>, initiative: Pick<InitiativeDocument, 'causeArea' | 'motivation'> | null) {
  if (!initiative) throw new Error(`Expense ${expense._id} names an initiative that does not exist`);
  const issue = b4siIssueOf(initiative.causeArea);
  return {
    inputType: b4siInputTypeOf(expense.contributionType),
    motivation: initiative.motivation,
    issue,
    issueName: CAUSE_AREAS.find((area) => area.code === initiative.causeArea)!.b4siIssue,
    valuation: b4siValuationOf(expense.contributionType),
  };
}
