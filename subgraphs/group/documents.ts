import type { Decimal128 } from 'mongodb';
import type { CauseArea } from '../common/catalog';
import type { Provenance } from '../kit/documents';

/** MongoDB documents of the group (headquarters) subgraph's database. */

export interface CauseAreaDocument {
  _id: CauseArea;
  name: string;
  b4siIssue: string;
  description: string;
  order: number;
}

/** Average rate of a group fiscal year: how many JPY one unit of `currency` was worth. */
export interface ExchangeRateDocument extends Provenance {
  _id: string; // "USD:2024"
  currency: string;
  fiscalYear: number; // group fiscal year
  jpyPerUnit: Decimal128;
  kind: 'AVERAGE';
  asOf: string; // YYYY-MM-DD the rate was fixed
}

export type GoalMetric = 'NEW_VOLUNTEER_REGISTRANTS' | 'VOLUNTEER_PARTICIPANTS' | 'VOLUNTEER_HOURS';

export interface GoalDocument extends Provenance {
  _id: string; // "G-REGISTRANTS-YEARLY"
  title: string;
  metric: GoalMetric;
  /** PER_FISCAL_YEAR: the target applies to each year of the period; CUMULATIVE: to the period as a whole. */
  cadence: 'PER_FISCAL_YEAR' | 'CUMULATIVE';
  fromFiscalYear: number;
  toFiscalYear: number;
  target: number;
  unit: string;
}

export const GROUP_COLLECTIONS = {
  causeAreas: 'cause_areas',
  exchangeRates: 'exchange_rates',
  goals: 'goals',
} as const;
