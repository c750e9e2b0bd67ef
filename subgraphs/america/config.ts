import type { SubsidiaryConfig } from '../common/registry';

export const america: SubsidiaryConfig = {
  code: 'US',
  key: 'america',
  typePrefix: 'America',
  name: 'NEC America',
  legalName: 'NEC Corporation of America',
  country: 'US',
  currency: 'USD',
  fiscalCalendar: { startMonth: 4, naming: 'END_YEAR' },
  timeZone: 'America/Chicago',
  defaultPort: 4004,
};
