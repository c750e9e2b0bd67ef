/**
 * The B4SI summary computed by the tests themselves from the raw documents, with none of the
 * product's code: B4SI's input types and issues written out here as the framework defines them,
 * plain bigint fractions, one half-up rounding per line.
 */
import type { Db } from 'mongodb';
import { SUBSIDIARIES } from '../../subgraphs/common/registry';
import { fraction, roundHalfUp } from './independent-sums';

/** B4SI input type of each contribution type: products and premises are in-kind, volunteering on company time is time. */
export const INPUT_TYPE: Record<string, string> = {
  CASH: 'CASH',
  IN_KIND_PRODUCT: 'IN_KIND',
  FACILITY_USE: 'IN_KIND',
  EMPLOYEE_TIME: 'TIME',
  MANAGEMENT_COST: 'MANAGEMENT_COSTS',
};

/** B4SI issue of each of the group's fields (the cause areas). */
export const ISSUE: Record<string, string> = {
  EDUCATION_RESEARCH: 'EDUCATION',
  ARTS_CULTURE_SPORTS: 'ARTS_CULTURE',
  HEALTH_WELFARE: 'SOCIAL_WELFARE',
  ENVIRONMENT: 'ENVIRONMENT',
  DISASTER_RELIEF: 'EMERGENCY_RELIEF',
  COMMUNITY_DEVELOPMENT: 'ECONOMIC_DEVELOPMENT',
  SOCIAL_ENTREPRENEURSHIP: 'ECONOMIC_DEVELOPMENT',
  INCLUSION_DIVERSITY: 'SOCIAL_WELFARE',
};

type Fraction = [bigint, bigint];

export interface IndependentB4siLine {
  /** "input type|motivation|issue" */
  key: string;
  exact: Fraction;
  amount: string;
  expenseCount: number;
}

/**
 * Exact JPY per input type × motivation × issue of one group fiscal year, from every subsidiary's
 * expenses and initiatives and the group's stored rates; each line rounded once, half up.
 */
export async function b4siFromRecords(dbOf: (subgraph: string) => Db, fiscalYear: number): Promise<Map<string, IndependentB4siLine>> {
  const rates = await dbOf('group').collection('exchange_rates').find({ fiscalYear }).toArray();
  const lines = new Map<string, { exact: Fraction; expenseCount: number }>();
  for (const subsidiary of SUBSIDIARIES) {
    const db = dbOf(subsidiary.key);
    const [rn, rd] = subsidiary.currency === 'JPY' ? [1n, 1n] : fraction(rates.find((rate) => rate.currency === subsidiary.currency)!.jpyPerUnit.toString());
    const initiatives = new Map((await db.collection('initiatives').find({}).toArray()).map((initiative) => [String(initiative._id), initiative]));
    for (const expense of await db.collection('expenses').find({ groupFiscalYear: fiscalYear }).toArray()) {
      const initiative = initiatives.get(String(expense.initiativeId))!;
      const key = `${INPUT_TYPE[String(expense.contributionType)]}|${String(initiative.motivation)}|${ISSUE[String(initiative.causeArea)]}`;
      const [an, ad] = fraction(expense.amount.toString());
      const line = lines.get(key) ?? { exact: [0n, 1n] as Fraction, expenseCount: 0 };
      const [n, d] = line.exact;
      line.exact = [n * ad * rd + an * rn * d, d * ad * rd];
      line.expenseCount += 1;
      lines.set(key, line);
    }
  }
  return new Map([...lines].map(([key, line]) => [key, { key, exact: line.exact, amount: roundHalfUp(line.exact).toString(), expenseCount: line.expenseCount }]));
}
