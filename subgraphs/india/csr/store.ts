import type { Collection, Db } from 'mongodb';
import { Decimal } from '../../common/decimal';
import { fromDecimal128 } from '../../common/mongo';
import { REGIONAL_COLLECTIONS, type ExpenseDocument } from '../../kit/documents';
import { CSR_COLLECTIONS, isCsrEligible, type CsrClassificationDocument, type CsrFinancialsDocument } from './documents';
import type { YearSpend } from './obligation';

export class CsrStore {
  private readonly financials: Collection<CsrFinancialsDocument>;
  private readonly classifications: Collection<CsrClassificationDocument>;
  private readonly expenses: Collection<ExpenseDocument>;

  constructor(db: Db) {
    this.financials = db.collection<CsrFinancialsDocument>(CSR_COLLECTIONS.financials);
    this.classifications = db.collection<CsrClassificationDocument>(CSR_COLLECTIONS.classifications);
    this.expenses = db.collection<ExpenseDocument>(REGIONAL_COLLECTIONS.expenses);
  }

  allFinancials(): Promise<CsrFinancialsDocument[]> {
    return this.financials.find().sort({ fiscalYear: 1 }).toArray();
  }

  financialsOf(years: readonly number[]): Promise<CsrFinancialsDocument[]> {
    return this.financials.find({ fiscalYear: { $in: [...years] } }).toArray();
  }

  async saveFinancials(document: CsrFinancialsDocument): Promise<CsrFinancialsDocument> {
    await this.financials.replaceOne({ _id: document._id }, document, { upsert: true });
    return document;
  }

  async classificationsOf(ids: readonly string[]): Promise<(CsrClassificationDocument | null)[]> {
    const found = await this.classifications.find({ _id: { $in: [...ids] } }).toArray();
    const byId = new Map(found.map((doc) => [doc._id, doc]));
    return ids.map((id) => byId.get(id) ?? null);
  }

  async saveClassification(document: CsrClassificationDocument): Promise<void> {
    await this.classifications.replaceOne({ _id: document._id }, document, { upsert: true });
  }

  /** The year's spend per initiative and contribution type (one aggregation), sorted into CSR buckets. */
  async spend(fiscalYear: number): Promise<{ spend: YearSpend; unclassified: string[] }> {
    const rows = await this.expenses
      .aggregate<{ _id: { initiativeId: string; contributionType: string }; amount: { toString(): string } }>([
        { $match: { fiscalYear } },
        { $group: { _id: { initiativeId: '$initiativeId', contributionType: '$contributionType' }, amount: { $sum: '$amount' } } },
      ])
      .toArray();
    const ids = [...new Set(rows.map((row) => row._id.initiativeId))];
    const classifications = new Map((await this.classifications.find({ _id: { $in: ids } }).toArray()).map((doc) => [doc._id, doc]));
    const spend: YearSpend = { ongoingProjects: Decimal.ZERO, otherProjects: Decimal.ZERO, overheads: Decimal.ZERO, ineligible: Decimal.ZERO };
    for (const { _id, amount } of rows) {
      const value = fromDecimal128(amount);
      const classification = classifications.get(_id.initiativeId);
      if (!classification || !isCsrEligible(classification)) spend.ineligible = spend.ineligible.add(value);
      else if (_id.contributionType === 'MANAGEMENT_COST') spend.overheads = spend.overheads.add(value);
      else if (classification.ongoingProject) spend.ongoingProjects = spend.ongoingProjects.add(value);
      else spend.otherProjects = spend.otherProjects.add(value);
    }
    return { spend, unclassified: ids.filter((id) => !classifications.has(id)).sort() };
  }
}
