import type { Collection, Db, Filter } from 'mongodb';
import { Decimal } from '../../common/decimal';
import { fromDecimal128 } from '../../common/mongo';
import type { SubsidiaryConfig } from '../../common/registry';
import type { CauseArea } from '../../common/catalog';
import { REGIONAL_COLLECTIONS, type VolunteerParticipationDocument, type VolunteerRegistrationDocument } from '../documents';
import { insertWithNextId } from './ids';

export interface VolunteeringByYear {
  groupFiscalYear: number;
  newRegistrations: number;
  participants: number;
  hours: Decimal;
}

export interface FiscalYearSpan {
  from: number;
  to: number;
}

export class VolunteeringStore {
  private readonly registrations: Collection<VolunteerRegistrationDocument>;
  private readonly participation: Collection<VolunteerParticipationDocument>;

  constructor(
    private readonly db: Db,
    private readonly subsidiary: SubsidiaryConfig,
  ) {
    this.registrations = db.collection<VolunteerRegistrationDocument>(REGIONAL_COLLECTIONS.registrations);
    this.participation = db.collection<VolunteerParticipationDocument>(REGIONAL_COLLECTIONS.participation);
  }

  async recordRegistrations(fields: Omit<VolunteerRegistrationDocument, '_id' | 'createdAt'>): Promise<VolunteerRegistrationDocument> {
    return insertWithNextId(this.db, this.subsidiary.code, 'registration', this.registrations, (id) => ({ _id: id, ...fields, createdAt: new Date() }));
  }

  async recordParticipation(fields: Omit<VolunteerParticipationDocument, '_id' | 'createdAt'>): Promise<VolunteerParticipationDocument> {
    return insertWithNextId(this.db, this.subsidiary.code, 'participation', this.participation, (id) => ({ _id: id, ...fields, createdAt: new Date() }));
  }

  /**
   * Volunteering per group fiscal year, summed in MongoDB. Registrations are not attributed to a
   * cause area, so the cause-area filter narrows participation only.
   */
  async byYear(span: FiscalYearSpan, causeArea: CauseArea | null): Promise<VolunteeringByYear[]> {
    const years = { groupFiscalYear: { $gte: span.from, $lte: span.to } };
    const participationFilter: Filter<VolunteerParticipationDocument> = causeArea ? { ...years, causeArea } : years;
    const [registrations, participation] = await Promise.all([
      this.registrations
        .aggregate<{ _id: number; count: number }>([{ $match: years }, { $group: { _id: '$groupFiscalYear', count: { $sum: '$count' } } }])
        .toArray(),
      this.participation
        .aggregate<{ _id: number; people: number; hours: { toString(): string } }>([
          { $match: participationFilter },
          { $group: { _id: '$groupFiscalYear', people: { $sum: '$people' }, hours: { $sum: '$hours' } } },
        ])
        .toArray(),
    ]);
    const rows = new Map<number, VolunteeringByYear>();
    const row = (year: number) => {
      let entry = rows.get(year);
      if (!entry) rows.set(year, (entry = { groupFiscalYear: year, newRegistrations: 0, participants: 0, hours: Decimal.ZERO }));
      return entry;
    };
    for (const { _id, count } of registrations) row(_id).newRegistrations += count;
    for (const { _id, people, hours } of participation) {
      const entry = row(_id);
      entry.participants += people;
      entry.hours = entry.hours.add(fromDecimal128(hours));
    }
    return [...rows.values()].sort((a, b) => a.groupFiscalYear - b.groupFiscalYear);
  }
}
