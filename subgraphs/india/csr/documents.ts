import type { Decimal128 } from 'mongodb';
import type { Provenance } from '../../kit/documents';

/** Companies Act 2013, Schedule VII: the activities CSR spending may go to. */
export const SCHEDULE_VII_ITEMS = [
  'HUNGER_HEALTH_SANITATION',
  'EDUCATION_LIVELIHOOD',
  'GENDER_EQUALITY_SENIOR_CITIZENS',
  'ENVIRONMENT',
  'HERITAGE_ART_CULTURE',
  'ARMED_FORCES_VETERANS',
  'SPORTS',
  'GOVERNMENT_RELIEF_FUNDS',
  'INCUBATORS_RESEARCH',
  'RURAL_DEVELOPMENT',
  'SLUM_DEVELOPMENT',
  'DISASTER_MANAGEMENT',
] as const;
export type ScheduleVIIItem = (typeof SCHEDULE_VII_ITEMS)[number];

/** The company's audited figures of one Indian financial year (April–March, named by end year), in INR. */
export interface CsrFinancialsDocument extends Provenance {
  _id: string; // "FY2024"
  fiscalYear: number;
  netProfit: Decimal128;
  netWorth: Decimal128 | null;
  turnover: Decimal128 | null;
  updatedAt: Date;
  updatedBy: string;
}

/** How an initiative counts under section 135. */
export interface CsrClassificationDocument {
  _id: string; // the initiative id
  scheduleVII: ScheduleVIIItem[];
  ongoingProject: boolean;
  inIndia: boolean;
  employeesOnly: boolean;
  marketing: boolean;
  updatedAt: Date;
  updatedBy: string;
}

export const CSR_COLLECTIONS = {
  financials: 'csr_financials',
  classifications: 'csr_classifications',
} as const;

export function isCsrEligible(classification: Pick<CsrClassificationDocument, 'scheduleVII' | 'inIndia' | 'employeesOnly' | 'marketing'>): boolean {
  return classification.scheduleVII.length > 0 && classification.inIndia && !classification.employeesOnly && !classification.marketing;
}
