import { isCurrencyCode } from './currencies';
import type { FiscalCalendar } from './fiscal-year';
import type { SubsidiaryConfig } from './subsidiary-config';

/** A subsidiary.json that the registry cannot use; the message names the file and the field. */
export class SubsidiaryFileError extends Error {
  override name = 'SubsidiaryFileError';
}

/** subsidiary.json: the configuration without the key (the folder's name) and, optionally, without a port. */
export type SubsidiaryFile = Omit<SubsidiaryConfig, 'key' | 'defaultPort'> & { defaultPort?: number };

/** The folder's name is the subgraph's: it also names its database and the gateway's SUBGRAPH_URL_<NAME> variable. */
const KEY = /^[a-z][a-z0-9]*$/;
const FIELDS: Record<string, RegExp> = {
  code: /^[A-Z]{2}$/,
  typePrefix: /^[A-Z][A-Za-z0-9]*$/,
  name: /\S/,
  legalName: /\S/,
  country: /^[A-Z]{2}$/,
  currency: /^[A-Z]{3}$/,
  timeZone: /\S/,
};
const KNOWN = new Set([...Object.keys(FIELDS), 'fiscalCalendar', 'defaultPort']);

function isTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

function fiscalCalendar(value: unknown, fail: (why: string) => never): FiscalCalendar {
  const calendar = (value ?? {}) as Record<string, unknown>;
  const { startMonth, naming } = calendar;
  if (typeof startMonth !== 'number' || !Number.isInteger(startMonth) || startMonth < 1 || startMonth > 12) fail('fiscalCalendar.startMonth must be a month number 1–12 (4 = April)');
  if (naming !== 'END_YEAR' && naming !== 'START_YEAR') fail('fiscalCalendar.naming must be "END_YEAR" (named by the year it ends in) or "START_YEAR"');
  const extra = Object.keys(calendar).filter((field) => field !== 'startMonth' && field !== 'naming');
  if (extra.length > 0) fail(`fiscalCalendar has unknown fields: ${extra.join(', ')}`);
  return { startMonth, naming };
}

/** Checks one folder's subsidiary.json (already parsed) and returns its configuration, port still optional. */
export function parseSubsidiaryFile(key: string, json: unknown, file: string): SubsidiaryFile & { key: string } {
  const fail = (why: string): never => {
    throw new SubsidiaryFileError(`${file}: ${why}`);
  };
  if (!KEY.test(key)) fail(`the folder name "${key}" is the subgraph's name: lower-case letters and digits, starting with a letter`);
  if (typeof json !== 'object' || json === null || Array.isArray(json)) fail('must be a JSON object');
  const fields = json as Record<string, unknown>;
  const unknown = Object.keys(fields).filter((field) => !KNOWN.has(field));
  if (unknown.length > 0) fail(`unknown fields: ${unknown.join(', ')} (known: ${[...KNOWN].join(', ')})`);
  for (const [field, pattern] of Object.entries(FIELDS)) {
    const value = fields[field];
    if (typeof value !== 'string' || !pattern.test(value)) fail(`"${field}" is missing or malformed (expected ${pattern})`);
  }
  const text = fields as Record<keyof typeof FIELDS, string>;
  if (!isCurrencyCode(text.currency!)) fail(`"currency" ${text.currency} is not an ISO 4217 code`);
  if (!isTimeZone(text.timeZone!)) fail(`"timeZone" ${text.timeZone} is not an IANA time zone (e.g. "Australia/Sydney")`);
  const port = fields.defaultPort;
  if (port !== undefined && (typeof port !== 'number' || !Number.isInteger(port) || port < 1024 || port > 65535)) fail('"defaultPort" must be a port number 1024–65535');
  return {
    code: text.code!,
    key,
    typePrefix: text.typePrefix!,
    name: text.name!,
    legalName: text.legalName!,
    country: text.country!,
    currency: text.currency!,
    fiscalCalendar: fiscalCalendar(fields.fiscalCalendar, fail),
    timeZone: text.timeZone!,
    ...(port === undefined ? {} : { defaultPort: port as number }),
  };
}

/**
 * The registry's order and ports: by port, then code; a subsidiary without a port gets the next
 * free one after the highest. Codes, type prefixes and ports must be unique, and no subsidiary
 * may take a port the group's servers use.
 */
export function assignPorts(files: readonly (SubsidiaryFile & { key: string })[], reserved: readonly number[]): SubsidiaryConfig[] {
  const ordered = [...files].sort((a, b) => (a.defaultPort ?? Infinity) - (b.defaultPort ?? Infinity) || a.code.localeCompare(b.code));
  let next = Math.max(...reserved, ...ordered.map((file) => file.defaultPort ?? 0)) + 1;
  const configs = ordered.map((file): SubsidiaryConfig => ({ ...file, defaultPort: file.defaultPort ?? next++ }));
  for (const field of ['code', 'typePrefix', 'defaultPort'] as const) {
    const seen = new Map<unknown, string>(field === 'defaultPort' ? reserved.map((port) => [port, 'the gateway or the group subgraph']) : []);
    for (const config of configs) {
      const other = seen.get(config[field]);
      if (other) throw new SubsidiaryFileError(`subgraphs/${config.key}/subsidiary.json: ${field} ${String(config[field])} is already ${other.startsWith('the ') ? 'used by ' + other : `subgraphs/${other}'s`}`);
      seen.set(config[field], config.key);
    }
  }
  return configs;
}
