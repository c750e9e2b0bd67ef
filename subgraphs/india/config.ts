import type { SubsidiaryConfig } from '../common/registry';

export const india: SubsidiaryConfig = {
  code: 'IN',
  key: 'india',
  typePrefix: 'India',
  name: 'NEC India',
  legalName: 'NEC Corporation India Private Limited',
  country: 'IN',
  currency: 'INR',
  fiscalCalendar: { startMonth: 4, naming: 'END_YEAR' },
  timeZone: 'Asia/Kolkata',
  defaultPort: 4003,
};
