import type { SubsidiaryConfig } from '../common/registry';

/** Type names a regional subgraph owns, derived from the subsidiary's prefix. */
export function regionalTypeNames(subsidiary: Pick<SubsidiaryConfig, 'typePrefix'>) {
  const prefix = subsidiary.typePrefix;
  return {
    subsidiary: `${prefix}Subsidiary`,
    initiative: `${prefix}Initiative`,
    expense: `${prefix}Expense`,
    report: `${prefix}Report`,
    fiscalYearLock: `${prefix}FiscalYearLock`,
  };
}

/** Name of a regional mutation: `indiaRecordExpense`. */
export function regionalMutationName(subsidiary: Pick<SubsidiaryConfig, 'key'>, action: string): string {
  return `${subsidiary.key}${action}`;
}

/** The actions every regional subgraph has a mutation for (`<key><Action>`). */
export const REGIONAL_MUTATIONS = [
  'CreateInitiative',
  'UpdateInitiative',
  'ArchiveInitiative',
  'RecordExpense',
  'CorrectExpense',
  'DeleteExpense',
  'RecordVolunteerRegistrations',
  'RecordVolunteerParticipation',
  'RecordAdjustment',
] as const;
