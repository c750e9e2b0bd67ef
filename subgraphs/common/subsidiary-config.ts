import type { FiscalCalendar } from './fiscal-year';

/**
 * One subsidiary, as its folder's subgraphs/<key>/subsidiary.json describes it (the registry reads
 * them: subgraphs/common/registry.ts). Type names (`IndiaInitiative`, …), the consolidation's
 * `@requires` selections, the default ports and the docker-compose services follow from it.
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
