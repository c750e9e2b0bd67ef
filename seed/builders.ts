import type { Document } from 'mongodb';
/**
 * What the seed's documents share (their fixed creation time and writer, the shape of one
 * subsidiary's seed) and the deterministic helpers the benchmark's generator and tests use. The
 * records themselves are data files: subgraphs/<key>/seed/ (seed/regional-files.ts).
 */
import type {
  ExpenseDocument,
  InitiativeDocument,
  Provenance,
  VolunteerParticipationDocument,
  VolunteerRegistrationDocument,
} from '../subgraphs/kit/documents';
import { isIsoDate } from '../subgraphs/common/fiscal-year';
import { GROUP_FISCAL_CALENDAR } from '../subgraphs/common/registry';

/** Fixed creation time of every seeded document, so that two runs write identical data. */
export const SEEDED_AT = new Date('2026-04-01T00:00:00.000Z');
export const SEED_USER = 'seed';

export const ILLUSTRATIVE_SOURCE = 'Illustrative record (no figure in the report)';

/** A record invented to fill a gap of the report; `detail` says what it is based on, if anything. */
export function illustrative(detail?: string): Provenance {
  return { illustrative: true, source: detail ? `${ILLUSTRATIVE_SOURCE}: ${detail}` : ILLUSTRATIVE_SOURCE };
}

/** The subsidiaries the tests name; the seed loads every subsidiary of the registry. */
export type SubsidiaryKey = 'japan' | 'india' | 'america' | 'thailand';

export interface RegionalSeed {
  initiatives: InitiativeDocument[];
  expenses: ExpenseDocument[];
  registrations: VolunteerRegistrationDocument[];
  participation: VolunteerParticipationDocument[];
  /** Collections of the subsidiary's local extension, by name. */
  local?: Record<string, Document[]>;
}

// ---------------------------------------------------------------------------------------------
// Deterministic helpers

/** mulberry32: a small seeded PRNG returning numbers in [0, 1). */
export function createRng(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * Splits a whole `total` into `parts` non-negative whole shares that sum to it exactly, with
 * weights drawn from `rng` (between 0.6 and 1.4 each) and largest-remainder rounding.
 */
export function distribute(total: number, parts: number, rng: () => number): number[] {
  if (!Number.isInteger(total) || total < 0) throw new RangeError(`distribute: ${total} is not a whole count`);
  const weights = Array.from({ length: parts }, () => 0.6 + 0.8 * rng());
  const weightSum = weights.reduce((sum, weight) => sum + weight, 0);
  const exact = weights.map((weight) => (total * weight) / weightSum);
  const shares = exact.map(Math.floor);
  let missing = total - shares.reduce((sum, share) => sum + share, 0);
  const byRemainder = exact.map((value, index) => ({ index, remainder: value - Math.floor(value) }));
  byRemainder.sort((a, b) => b.remainder - a.remainder || a.index - b.index);
  for (const { index } of byRemainder) {
    if (missing === 0) break;
    shares[index] = (shares[index] ?? 0) + 1;
    missing -= 1;
  }
  return shares;
}

/**
 * The date with month-day `monthDay` ("MM-DD") inside group fiscal year `groupFiscalYear`
 * (April–March, named by its end year): "06-30" of FY2024 is 2023-06-30, "01-15" is 2024-01-15.
 */
export function inGroupYear(groupFiscalYear: number, monthDay: string): string {
  const month = Number(monthDay.slice(0, 2));
  const year = month >= GROUP_FISCAL_CALENDAR.startMonth ? groupFiscalYear - 1 : groupFiscalYear;
  const date = `${year}-${monthDay}`;
  if (!isIsoDate(date)) throw new RangeError(`inGroupYear: ${date} is not a calendar date`);
  return date;
}

/** Last day of each month of a group fiscal year, April first. */
export function monthEndsOfGroupYear(groupFiscalYear: number): string[] {
  return Array.from({ length: 12 }, (_, index) => {
    const month = ((GROUP_FISCAL_CALENDAR.startMonth - 1 + index) % 12) + 1;
    const year = month >= GROUP_FISCAL_CALENDAR.startMonth ? groupFiscalYear - 1 : groupFiscalYear;
    return new Date(Date.UTC(year, month, 0)).toISOString().slice(0, 10);
  });
}
