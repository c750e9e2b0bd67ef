/**
 * NEC Platforms Thai (THB, fiscal year = calendar year). The report names the Kathin activities
 * supporting Thai culture and Buddhism; everything else, and all amounts, are illustrative.
 * Records are placed by group fiscal year (April–March); some fall on 31 December / 1 January,
 * where the Thai fiscal year changes but the group's does not.
 */
import {
  SubsidiarySeedBuilder,
  fromReport,
  illustrative,
  participationProvenance,
  registrationProvenance,
} from './builders';
import type { RegionalSeed } from './builders';

/** Hourly employment cost used to value employee time (illustrative). */
const HOURLY_COST = { 2023: '395.00', 2024: '420.00', 2025: '437.50' } as const;

export function thailandSeed(): RegionalSeed {
  const seed = new SubsidiarySeedBuilder('thailand');

  const kathin = seed.initiative({
    title: 'Kathin merit-making ceremonies',
    description:
      'Employees join the Kathin robe-offering ceremonies at the end of the Buddhist Lent, supporting Thai culture, Buddhism and the temples\' communities.',
    causeArea: 'ARTS_CULTURE_SPORTS',
    motivation: 'COMMUNITY_INVESTMENT',
    status: 'ACTIVE',
    startDate: '2015-10-01',
    partners: [{ name: 'Local Buddhist temples', kind: 'COMMUNITY' }],
    tags: ['Kathin', 'Buddhism', 'Thai culture', 'temples', 'robes'],
    provenance: fromReport('Kathin activities supporting Thai culture and Buddhism (figures and start date illustrative)'),
  });

  const mangroves = seed.initiative({
    title: 'Mangrove planting',
    description: 'Employees plant mangroves with coastal communities to protect the shoreline and marine life.',
    causeArea: 'ENVIRONMENT',
    motivation: 'COMMUNITY_INVESTMENT',
    status: 'ACTIVE',
    startDate: '2019-06-01',
    partners: [{ name: 'Coastal community group', kind: 'COMMUNITY' }],
    tags: ['mangroves', 'coast', 'environment', 'volunteering'],
    provenance: illustrative(),
  });

  const schoolComputers = seed.initiative({
    title: 'Computers for rural schools',
    description: 'Computers donated to rural schools, with employees setting them up and teaching basic computer skills.',
    causeArea: 'EDUCATION_RESEARCH',
    motivation: 'CHARITABLE_GIFT',
    status: 'ACTIVE',
    startDate: '2020-01-01',
    partners: [{ name: 'Rural primary schools', kind: 'SCHOOL' }],
    tags: ['computers', 'schools', 'digital skills', 'rural'],
    provenance: illustrative(),
  });

  const floodRelief = seed.initiative({
    title: 'Northern Thailand flood relief 2024',
    description: 'Donation and relief supplies for communities hit by floods in northern Thailand in September 2024.',
    causeArea: 'DISASTER_RELIEF',
    motivation: 'CHARITABLE_GIFT',
    status: 'COMPLETED',
    startDate: '2024-09-20',
    endDate: '2024-10-31',
    tags: ['floods', 'disaster relief', 'Chiang Rai'],
    provenance: illustrative(),
  });

  // --- Expenses ----------------------------------------------------------------------------

  seed.yearly(kathin, {
    monthDay: '10-28',
    type: 'CASH',
    amount: { 2023: '420000.00', 2024: '450000.00', 2025: '460000.00' },
    description: 'Kathin offering to the temple',
  });
  seed.yearly(kathin, {
    monthDay: '10-27',
    type: 'IN_KIND_PRODUCT',
    quantity: { 2023: '100', 2024: '120', 2025: '120' },
    unit: 'robe set',
    unitPrice: { 2023: '1790.00', 2024: '1850.00', 2025: '1890.00' },
    description: 'Robes and requisites offered to monks',
    valuationBasis: 'Donated products, valued at unit price (purchase price of a robe set)',
  });
  seed.yearly(kathin, {
    monthDay: '10-28',
    type: 'EMPLOYEE_TIME',
    quantity: { 2023: '280', 2024: '320', 2025: '330' },
    unit: 'hour',
    unitPrice: HOURLY_COST,
    description: 'Employees preparing and attending the ceremony on company time',
  });
  seed.yearly(kathin, {
    monthDay: '12-31',
    type: 'MANAGEMENT_COST',
    amount: { 2023: '38000.00', 2024: '40000.00', 2025: '42000.00' },
    description: 'Organising the Kathin ceremony: transport and coordination (booked on the last day of the Thai fiscal year)',
  });

  seed.yearly(mangroves, {
    monthDay: '01-01',
    type: 'CASH',
    amount: { 2023: '75000.00', 2024: '80000.00', 2025: '85000.00' },
    description: 'Seedlings and planting costs for the year (committed on 1 January, first day of the Thai fiscal year)',
  });
  seed.yearly(mangroves, {
    monthDay: '06-05',
    type: 'EMPLOYEE_TIME',
    quantity: { 2023: '200', 2024: '240', 2025: '250' },
    unit: 'hour',
    unitPrice: HOURLY_COST,
    description: 'Employees planting mangroves on World Environment Day',
  });

  seed.yearly(schoolComputers, {
    monthDay: '05-15',
    type: 'IN_KIND_PRODUCT',
    quantity: { 2023: '12', 2024: '15', 2025: '15' },
    unit: 'computer',
    unitPrice: { 2023: '17900.00', 2024: '18500.00', 2025: '18900.00' },
    description: 'Computers donated for the new school term',
    valuationBasis: 'Donated products, valued at unit price (list price of the computer model)',
  });
  seed.yearly(schoolComputers, {
    monthDay: '03-31',
    type: 'FACILITY_USE',
    quantity: { 2023: '3', 2024: '4', 2025: '4' },
    unit: 'day',
    unitPrice: '6500.00',
    description: 'Company training room used for teachers\' computer workshops',
    valuationBasis: 'Training room, valued at the daily hire of an equivalent external training room (THB 6,500 a day)',
  });

  seed.expense(floodRelief, {
    type: 'CASH',
    date: '2024-09-20',
    amount: '200000.00',
    description: 'Donation for flood relief in northern Thailand',
  });

  // --- Volunteering ------------------------------------------------------------------------

  const registrations = { 2022: 10, 2023: 10, 2024: 8, 2025: 8 } as const;
  for (const [year, total] of Object.entries(registrations)) {
    seed.registrationsOfYear(Number(year), total, {
      periods: 'QUARTER',
      seed: Number(year) * 10 + 4,
      note: 'New registrations in the volunteer database during the quarter',
      provenance: registrationProvenance(Number(year)),
    });
  }

  seed.participationYearly(kathin, {
    monthDay: '10-28',
    people: { 2023: 40, 2024: 55, 2025: 60 },
    hoursEach: '6',
    note: 'Employees at the Kathin ceremony',
    provenance: participationProvenance,
  });
  seed.participationYearly(mangroves, {
    monthDay: '06-05',
    people: { 2023: 30, 2024: 45, 2025: 40 },
    hoursEach: '5',
    note: 'Employees planting mangroves',
    provenance: participationProvenance,
  });
  seed.participate(floodRelief, {
    date: '2024-10-05',
    people: 10,
    hours: '60',
    note: 'Employees packing relief supplies',
  });

  return seed.build();
}
