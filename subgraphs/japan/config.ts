import type { SubsidiaryConfig } from '../common/registry';

export const japan: SubsidiaryConfig = {
  code: 'JP',
  key: 'japan',
  typePrefix: 'Japan',
  name: 'NEC Japan',
  legalName: 'NEC Corporation',
  country: 'JP',
  currency: 'JPY',
  fiscalCalendar: { startMonth: 4, naming: 'END_YEAR' },
  timeZone: 'Asia/Tokyo',
  defaultPort: 4002,
};
