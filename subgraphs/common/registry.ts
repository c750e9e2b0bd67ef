import type { FiscalCalendar } from './fiscal-year';
import { japan } from '../japan/config';
import { india } from '../india/config';
import { america } from '../america/config';
import { thailand } from '../thailand/config';

/**
 * The group's registry of subsidiaries. Type names (`IndiaInitiative`, `IndiaReport`, …), the
 * consolidation's `@requires` selections and the default ports are generated from it: adding a
 * subsidiary is an entry here plus a folder under subgraphs/ with its configuration.
 */
export interface SubsidiaryConfig {
  /** Short code, also the prefix of every id the subsidiary owns ("IN-I0001"). */
  code: string;
  /** Subgraph name and folder under subgraphs/. */
  key: string;
  /** Prefix of the subsidiary's GraphQL type names. */
  typePrefix: string;
  name: string;
  legalName: string;
  /** ISO 3166-1 alpha-2. */
  country: string;
  /** ISO 4217: the currency its amounts are recorded in. */
  currency: string;
  fiscalCalendar: FiscalCalendar;
  timeZone: string;
  defaultPort: number;
}

/** The group's own calendar: April–March, named by the year it ends in. Consolidation uses it. */
export const GROUP_FISCAL_CALENDAR: FiscalCalendar = { startMonth: 4, naming: 'END_YEAR' };
export const GROUP_BASE_CURRENCY = 'JPY';
export const GROUP_SUBGRAPH = { key: 'group', defaultPort: 4001 } as const;

export const SUBSIDIARIES: readonly SubsidiaryConfig[] = [japan, india, america, thailand];

export function subsidiaryByCode(code: string): SubsidiaryConfig | undefined {
  return SUBSIDIARIES.find((subsidiary) => subsidiary.code === code);
}

export function subsidiaryByKey(key: string): SubsidiaryConfig | undefined {
  return SUBSIDIARIES.find((subsidiary) => subsidiary.key === key);
}

/** The subsidiary owning an id such as "IN-I0007", from its prefix. */
export function subsidiaryOwning(id: string): SubsidiaryConfig | undefined {
  const prefix = id.split('-', 1)[0] ?? '';
  return subsidiaryByCode(prefix);
}
