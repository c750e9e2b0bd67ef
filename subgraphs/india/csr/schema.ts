import { enumSdl } from '../../common/catalog';
import { requiresScopes, writeScope } from '../../common/scopes';
import { requireSubsidiary } from '../../common/registry';
import { SCHEDULE_VII_ITEMS } from './documents';

/** India's own writes need India's write scope, like the template's (and are audited like them). */
const WRITE = requiresScopes([writeScope(requireSubsidiary('india').code)]);

/** India's statutory CSR obligation (Companies Act 2013, s. 135): local types, fields and mutations. */
export const CSR_SDL = `
${enumSdl('IndiaScheduleVIIItem', SCHEDULE_VII_ITEMS, 'Activity classes of Schedule VII of the Companies Act 2013.')}

"Audited figures of one Indian financial year (April–March, named by the year it ends in), in INR."
type IndiaCsrFinancials {
  fiscalYear: Int!
  netProfit: Money!
  netWorth: Money
  turnover: Money
  provenance: Provenance!
}

type IndiaCsrClassification {
  scheduleVII: [IndiaScheduleVIIItem!]!
  "A multi-year project: its unspent money goes to the Unspent CSR Account."
  ongoingProject: Boolean!
  inIndia: Boolean!
  employeesOnly: Boolean!
  marketing: Boolean!
  "Counts toward the obligation: a Schedule VII activity in India, not for employees only, not marketing."
  eligible: Boolean!
}

"What section 135 asks of the company for one financial year, and how far its spending meets it."
type IndiaCsrObligation {
  fiscalYear: Int!
  applicable: Boolean!
  applicabilityReasons: [String!]!
  precedingYears: [IndiaCsrFinancials!]!
  averageNetProfit: Money!
  "2% of the average net profit of the three preceding years."
  obligation: Money!
  spendOnOngoingProjects: Money!
  spendOnOtherProjects: Money!
  overheads: Money!
  "5% of the year's CSR spend."
  overheadCap: Money!
  excessOverheads: Money!
  eligibleSpend: Money!
  ineligibleSpend: Money!
  "Initiatives with spend in the year but no CSR classification yet."
  unclassifiedInitiatives: [ID!]!
  shortfall: Money!
  unspentCsrAccountDeadline: Date!
  scheduleVIIFundDeadline: Date!
}

extend type IndiaSubsidiary {
  "The CSR obligation of an Indian financial year. Errors with NOT_FOUND naming the year when a preceding year's figures are missing."
  csrObligation(fiscalYear: Int!): IndiaCsrObligation
  csrFinancials: [IndiaCsrFinancials!]!
}

extend type IndiaInitiative {
  csrClassification: IndiaCsrClassification
}

input IndiaCsrFinancialsInput {
  fiscalYear: Int!
  "Negative for a loss."
  netProfit: Decimal!
  netWorth: Decimal
  turnover: Decimal
}

input IndiaCsrClassificationInput {
  scheduleVII: [IndiaScheduleVIIItem!]!
  ongoingProject: Boolean!
  inIndia: Boolean = true
  employeesOnly: Boolean = false
  marketing: Boolean = false
}

extend type Mutation {
  indiaRecordCsrFinancials(input: IndiaCsrFinancialsInput!): IndiaCsrFinancials! ${WRITE}
  indiaClassifyCsrInitiative(initiativeId: ID!, input: IndiaCsrClassificationInput!): IndiaInitiative! ${WRITE}
}
`;
