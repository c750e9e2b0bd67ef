import type { SubsidiaryConfig } from '../common/registry';

export const thailand: SubsidiaryConfig = {
  code: 'TH',
  key: 'thailand',
  typePrefix: 'Thailand',
  name: 'NEC Platforms Thai',
  legalName: 'NEC Platforms Thai Co., Ltd.',
  country: 'TH',
  currency: 'THB',
  fiscalCalendar: { startMonth: 1, naming: 'END_YEAR' },
  timeZone: 'Asia/Bangkok',
  defaultPort: 4005,
};
