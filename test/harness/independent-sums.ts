/**
 * Figures computed from the stored records by the tests themselves, with none of the product's
 * code: plain bigint fractions over the raw documents. Reports are compared against these.
 */
import type { Db } from 'mongodb';
import { SUBSIDIARIES } from '../../subgraphs/common/registry';

/** An exact decimal as a fraction: "12.50" → [1250n, 100n]. */
export function fraction(text: string): [bigint, bigint] {
  const [whole, decimals = ''] = text.split('.');
  return [BigInt(`${whole}${decimals}`), 10n ** BigInt(decimals.length)];
}

/** The same number written without trailing zeros ("12.50" and "12.5" compare equal). */
export function canonicalDecimal(text: string): string {
  if (!text.includes('.')) return text.replace(/^(-?)0+(\d)/, '$1$2');
  const trimmed = text.replace(/0+$/, '').replace(/\.$/, '');
  return trimmed === '-0' ? '0' : trimmed;
}

function add([an, ad]: [bigint, bigint], [bn, bd]: [bigint, bigint]): [bigint, bigint] {
  return [an * bd + bn * ad, ad * bd];
}

function decimalText([numerator, denominator]: [bigint, bigint]): string {
  // denominators here are powers of ten
  const digits = denominator.toString().length - 1;
  const negative = numerator < 0n;
  const absolute = (negative ? -numerator : numerator).toString().padStart(digits + 1, '0');
  const text = digits === 0 ? absolute : `${absolute.slice(0, -digits)}.${absolute.slice(-digits)}`;
  return canonicalDecimal(`${negative ? '-' : ''}${text}`);
}

/** One regional database's report cells, "year|cause area|type|motivation" → amount and count, from its expenses and initiatives. */
export async function cellsFromRecords(db: Db, fiscalYear?: number): Promise<Map<string, { amount: string; expenseCount: number }>> {
  const initiatives = await db.collection('initiatives').find({}, { projection: { causeArea: 1, motivation: 1 } }).toArray();
  const causeOf = new Map(initiatives.map((initiative) => [String(initiative._id), `${String(initiative.causeArea)}|${String(initiative.motivation)}`]));
  const sums = new Map<string, { sum: [bigint, bigint]; count: number }>();
  for (const expense of await db.collection('expenses').find(fiscalYear === undefined ? {} : { groupFiscalYear: fiscalYear }).toArray()) {
    const [causeArea, motivation] = (causeOf.get(String(expense.initiativeId)) ?? 'undefined|undefined').split('|');
    const key = `${expense.groupFiscalYear}|${causeArea}|${expense.contributionType}|${motivation}`;
    const entry = sums.get(key) ?? { sum: [0n, 1n] as [bigint, bigint], count: 0 };
    entry.sum = add(entry.sum, fraction(expense.amount.toString()));
    entry.count += 1;
    sums.set(key, entry);
  }
  return new Map([...sums].map(([key, { sum, count }]) => [key, { amount: decimalText(sum), expenseCount: count }]));
}

/** One regional database's volunteering of a year, from its records. */
export async function volunteeringFromRecords(db: Db, fiscalYear: number): Promise<{ newRegistrations: number; participants: number; hours: string }> {
  const registrations = await db.collection('volunteer_registrations').find({ groupFiscalYear: fiscalYear }).toArray();
  const participation = await db.collection('volunteer_participation').find({ groupFiscalYear: fiscalYear }).toArray();
  const hours = participation.reduce<[bigint, bigint]>((sum, record) => add(sum, fraction(record.hours.toString())), [0n, 1n]);
  return {
    newRegistrations: registrations.reduce((sum, record) => sum + Number(record.count), 0),
    participants: participation.reduce((sum, record) => sum + Number(record.people), 0),
    hours: decimalText(hours),
  };
}

/** Rounds an exact non-negative fraction to a whole number, half up, as the consolidation rounds yen. */
export function roundHalfUp([numerator, denominator]: [bigint, bigint]): bigint {
  const quotient = numerator / denominator;
  return (numerator % denominator) * 2n >= denominator ? quotient + 1n : quotient;
}

/** Exact JPY total of some subsidiaries for one group fiscal year, from the databases, rounded once (half up). */
export async function jpyTotal(dbOf: (subgraph: string) => Db, codes: readonly string[], fiscalYear: number): Promise<string> {
  return roundHalfUp(await jpyExact(dbOf, codes, fiscalYear)).toString();
}

/** The same total, exact, as a fraction. */
export async function jpyExact(dbOf: (subgraph: string) => Db, codes: readonly string[], fiscalYear: number): Promise<[bigint, bigint]> {
  const rates = await dbOf('group').collection('exchange_rates').find({ fiscalYear }).toArray();
  let [numerator, denominator] = [0n, 1n];
  for (const subsidiary of SUBSIDIARIES.filter((candidate) => codes.includes(candidate.code))) {
    const [rn, rd] = subsidiary.currency === 'JPY' ? [1n, 1n] : fraction(rates.find((rate) => rate.currency === subsidiary.currency)!.jpyPerUnit.toString());
    for (const expense of await dbOf(subsidiary.key).collection('expenses').find({ groupFiscalYear: fiscalYear }).toArray()) {
      const [an, ad] = fraction(expense.amount.toString());
      [numerator, denominator] = [numerator * ad * rd + an * rn * denominator, denominator * ad * rd];
    }
  }
  return [numerator, denominator];
}
