import type { Collection, Db, Filter } from 'mongodb';
import { fromDecimal128 } from '../../common/mongo';
import type { Decimal } from '../../common/decimal';
import type { CauseArea, ContributionType } from '../../common/catalog';
import { REGIONAL_COLLECTIONS, type ExpenseDocument } from '../documents';
import type { FiscalYearSpan } from './volunteering';

export interface ReportCell {
  groupFiscalYear: number;
  causeArea: CauseArea;
  contributionType: ContributionType;
  amount: Decimal;
  expenseCount: number;
}

export interface ReportScope {
  span: FiscalYearSpan;
  causeArea: CauseArea | null;
  contributionType: ContributionType | null;
}

/** The subsidiary's local-currency totals per group fiscal year × cause area × contribution type, grouped in MongoDB. */
export class ReportStore {
  private readonly expenses: Collection<ExpenseDocument>;

  constructor(db: Db) {
    this.expenses = db.collection<ExpenseDocument>(REGIONAL_COLLECTIONS.expenses);
  }

  async cells(scope: ReportScope): Promise<ReportCell[]> {
    const match: Filter<ExpenseDocument> = { groupFiscalYear: { $gte: scope.span.from, $lte: scope.span.to } };
    if (scope.causeArea) match.causeArea = scope.causeArea;
    if (scope.contributionType) match.contributionType = scope.contributionType;
    const rows = await this.expenses
      .aggregate<{ _id: { groupFiscalYear: number; causeArea: CauseArea; contributionType: ContributionType }; amount: { toString(): string }; count: number }>([
        { $match: match },
        {
          $group: {
            _id: { groupFiscalYear: '$groupFiscalYear', causeArea: '$causeArea', contributionType: '$contributionType' },
            amount: { $sum: '$amount' },
            count: { $sum: 1 },
          },
        },
      ])
      .toArray();
    return rows
      .map(({ _id, amount, count }) => ({ ..._id, amount: fromDecimal128(amount), expenseCount: count }))
      .sort((a, b) => a.groupFiscalYear - b.groupFiscalYear || a.causeArea.localeCompare(b.causeArea) || a.contributionType.localeCompare(b.contributionType));
  }
}
