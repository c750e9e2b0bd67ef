import { Decimal128 } from 'mongodb';
import type { CsrClassificationDocument, CsrFinancialsDocument } from '../subgraphs/india/csr/documents';
import { CSR_COLLECTIONS } from '../subgraphs/india/csr/documents';

/**
 * India's CSR extension data. The company's financial figures are not in the report: they are
 * illustrative, chosen so that section 135 applies (net profit above ₹5 crore).
 */
const SEEDED_AT = new Date('2025-04-01T00:00:00Z');
const SOURCE = 'Illustrative record (no figure in the report): financial figures of NEC Corporation India are not published there';

const financials = (fiscalYear: number, netProfit: string, netWorth: string, turnover: string): CsrFinancialsDocument => ({
  _id: `FY${fiscalYear}`,
  fiscalYear,
  netProfit: Decimal128.fromString(netProfit),
  netWorth: Decimal128.fromString(netWorth),
  turnover: Decimal128.fromString(turnover),
  illustrative: true,
  source: SOURCE,
  updatedAt: SEEDED_AT,
  updatedBy: 'seed',
});

const classification = (id: string, scheduleVII: CsrClassificationDocument['scheduleVII'], ongoingProject: boolean): CsrClassificationDocument => ({
  _id: id,
  scheduleVII,
  ongoingProject,
  inIndia: true,
  employeesOnly: false,
  marketing: false,
  updatedAt: SEEDED_AT,
  updatedBy: 'seed',
});

export function indiaCsrSeed() {
  return {
    [CSR_COLLECTIONS.financials]: [
      financials(2021, '61250000.00', '2410000000.00', '9150000000.00'),
      financials(2022, '72400000.00', '2530000000.00', '10250000000.00'),
      financials(2023, '85100000.00', '2660000000.00', '11300000000.00'),
      financials(2024, '94600000.00', '2820000000.00', '12050000000.00'),
    ],
    // IN-I0005 (tree plantation) is left unclassified on purpose: the obligation lists it as such.
    [CSR_COLLECTIONS.classifications]: [
      classification('IN-I0001', ['HUNGER_HEALTH_SANITATION', 'GENDER_EQUALITY_SENIOR_CITIZENS'], false),
      classification('IN-I0002', ['GENDER_EQUALITY_SENIOR_CITIZENS'], true),
      classification('IN-I0003', ['EDUCATION_LIVELIHOOD', 'RURAL_DEVELOPMENT'], true),
      classification('IN-I0004', ['EDUCATION_LIVELIHOOD'], true),
    ],
  };
}
