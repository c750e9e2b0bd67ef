import type { Collection, Db, Filter } from 'mongodb';
import type { IndexDescription } from 'mongodb';
import { GROUP_COLLECTIONS, type CauseAreaDocument, type ExchangeRateDocument, type GoalDocument } from './documents';

export const GROUP_INDEXES: Record<string, IndexDescription[]> = {
  [GROUP_COLLECTIONS.exchangeRates]: [{ key: { fiscalYear: 1, currency: 1 }, name: 'fiscalYear_currency', unique: true }],
};

/** Headquarters' reference data: cause areas, exchange rates, goals. */
export class GroupStore {
  private readonly causeAreaCollection: Collection<CauseAreaDocument>;
  private readonly rateCollection: Collection<ExchangeRateDocument>;
  private readonly goalCollection: Collection<GoalDocument>;

  constructor(db: Db) {
    this.causeAreaCollection = db.collection<CauseAreaDocument>(GROUP_COLLECTIONS.causeAreas);
    this.rateCollection = db.collection<ExchangeRateDocument>(GROUP_COLLECTIONS.exchangeRates);
    this.goalCollection = db.collection<GoalDocument>(GROUP_COLLECTIONS.goals);
  }

  causeAreas(): Promise<CauseAreaDocument[]> {
    return this.causeAreaCollection.find().sort({ order: 1 }).toArray();
  }

  rates(query: { fiscalYear: number | null; currency: string | null }): Promise<ExchangeRateDocument[]> {
    const filter: Filter<ExchangeRateDocument> = {};
    if (query.fiscalYear !== null) filter.fiscalYear = query.fiscalYear;
    if (query.currency !== null) filter.currency = query.currency;
    return this.rateCollection.find(filter).sort({ fiscalYear: 1, currency: 1 }).toArray();
  }

  ratesForSpan(from: number, to: number): Promise<ExchangeRateDocument[]> {
    return this.rateCollection.find({ fiscalYear: { $gte: from, $lte: to } }).toArray();
  }

  rate(id: string): Promise<ExchangeRateDocument | null> {
    return this.rateCollection.findOne({ _id: id });
  }

  goal(id: string): Promise<GoalDocument | null> {
    return this.goalCollection.findOne({ _id: id });
  }

  async saveRate(rate: ExchangeRateDocument): Promise<ExchangeRateDocument> {
    await this.rateCollection.replaceOne({ _id: rate._id }, rate, { upsert: true });
    return rate;
  }

  async saveGoal(goal: GoalDocument): Promise<GoalDocument> {
    await this.goalCollection.replaceOne({ _id: goal._id }, goal, { upsert: true });
    return goal;
  }

  goals(): Promise<GoalDocument[]> {
    return this.goalCollection.find().sort({ _id: 1 }).toArray();
  }
}
