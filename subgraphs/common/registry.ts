import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fromRoot } from '../../shared/repo-root';
import type { FiscalCalendar } from './fiscal-year';
import type { SubsidiaryConfig } from './subsidiary-config';
import { SubsidiaryFileError, assignPorts, parseSubsidiaryFile } from './subsidiary-file';

export type { SubsidiaryConfig } from './subsidiary-config';

/**
 * The group's registry of subsidiaries: one per folder subgraphs/<key>/ holding a subsidiary.json,
 * read once when this module loads. Type names (`IndiaInitiative`, …), the consolidation's
 * `@requires` selections, the default ports and the docker-compose services follow from it:
 * adding a subsidiary is adding its folder (then `npm run compose`).
 */
export const SUBGRAPHS_DIR = fromRoot('subgraphs');
export const SUBSIDIARY_FILE = 'subsidiary.json';

/** The group's own calendar: April–March, named by the year it ends in. Consolidation uses it. */
export const GROUP_FISCAL_CALENDAR: FiscalCalendar = { startMonth: 4, naming: 'END_YEAR' };
export const GROUP_BASE_CURRENCY = 'JPY';
export const GROUP_SUBGRAPH = { key: 'group', defaultPort: 4001 } as const;
export const GATEWAY_DEFAULT_PORT = 4000;

function readSubsidiaries(): SubsidiaryConfig[] {
  const folders = readdirSync(SUBGRAPHS_DIR, { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && existsSync(join(SUBGRAPHS_DIR, entry.name, SUBSIDIARY_FILE)))
    .map((entry) => entry.name);
  const files = folders.map((key) => {
    const file = join('subgraphs', key, SUBSIDIARY_FILE);
    let json: unknown;
    try {
      json = JSON.parse(readFileSync(join(SUBGRAPHS_DIR, key, SUBSIDIARY_FILE), 'utf8'));
    } catch (error) {
      throw new SubsidiaryFileError(`${file}: not valid JSON (${error instanceof Error ? error.message : String(error)})`);
    }
    if (key === GROUP_SUBGRAPH.key) throw new SubsidiaryFileError(`${file}: "${key}" is the group subgraph's name`);
    return parseSubsidiaryFile(key, json, file);
  });
  return assignPorts(files, [GATEWAY_DEFAULT_PORT, GROUP_SUBGRAPH.defaultPort]);
}

/** Every subsidiary, by default port then code. */
export const SUBSIDIARIES: readonly SubsidiaryConfig[] = Object.freeze(readSubsidiaries());

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

/** The subsidiary of a folder that must exist (a local extension's own, a test's). */
export function requireSubsidiary(key: string): SubsidiaryConfig {
  const subsidiary = subsidiaryByKey(key);
  if (!subsidiary) throw new SubsidiaryFileError(`No subgraphs/${key}/${SUBSIDIARY_FILE}; subsidiaries: ${SUBSIDIARIES.map((known) => known.key).join(', ')}`);
  return subsidiary;
}
