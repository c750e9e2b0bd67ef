/**
 * NEC India (INR, fiscal year April–March). The report names the programmes (children in rural
 * areas, elderly people and widows: Gift the Warmth Drive, Radhakund Ashram, NGO Krish,
 * education); all amounts, hours and dates are illustrative.
 */
import { indiaCsrSeed } from './india-csr';
import {
  SubsidiarySeedBuilder,
  fromReport,
  illustrative,
  participationProvenance,
  registrationProvenance,
} from './builders';
import type { RegionalSeed } from './builders';

/** Hourly employment cost used to value employee time (illustrative). */
const HOURLY_COST = { 2023: '612.50', 2024: '648.75', 2025: '680.00' } as const;

export function indiaSeed(): RegionalSeed {
  const seed = new SubsidiarySeedBuilder('india');

  const warmth = seed.initiative({
    title: 'Gift the Warmth Drive',
    description:
      'Winter drive giving blankets and warm clothing to elderly people, widows and families in need, handed out by employee volunteers.',
    causeArea: 'HEALTH_WELFARE',
    motivation: 'CHARITABLE_GIFT',
    status: 'ACTIVE',
    startDate: '2019-12-01',
    tags: ['winter', 'blankets', 'elderly', 'widows', 'employee volunteering'],
    provenance: fromReport('"Gift the Warmth Drive" (items, start date and figures illustrative)'),
  });

  const ashram = seed.initiative({
    title: 'Support for Radhakund Ashram',
    description: 'Support for elderly people and widows living at Radhakund Ashram: food, daily necessities and care.',
    causeArea: 'HEALTH_WELFARE',
    motivation: 'CHARITABLE_GIFT',
    status: 'ACTIVE',
    startDate: '2020-04-01',
    partners: [{ name: 'Radhakund Ashram', kind: 'COMMUNITY' }],
    tags: ['elderly', 'widows', 'ashram', 'food'],
    provenance: fromReport('support for Radhakund Ashram, elderly people and widows (figures and start date illustrative)'),
  });

  const krish = seed.initiative({
    title: 'Rural children with NGO Krish',
    description: 'Support for children in rural areas with the NGO Krish: nutrition, health camps and learning support.',
    causeArea: 'COMMUNITY_DEVELOPMENT',
    motivation: 'COMMUNITY_INVESTMENT',
    status: 'ACTIVE',
    startDate: '2020-04-01',
    partners: [{ name: 'Krish', kind: 'NGO' }],
    tags: ['rural', 'children', 'NGO', 'Krish'],
    provenance: fromReport('support for children in rural areas with NGO Krish (activities, figures and start date illustrative)'),
  });

  const education = seed.initiative({
    title: 'Education for rural children',
    description: 'School kits, learning materials and after-school tutoring for children in rural villages.',
    causeArea: 'EDUCATION_RESEARCH',
    motivation: 'COMMUNITY_INVESTMENT',
    status: 'ACTIVE',
    startDate: '2021-04-01',
    partners: [{ name: 'Village government schools', kind: 'SCHOOL' }],
    beneficiaries: 1500,
    tags: ['education', 'rural', 'children', 'school kits', 'tutoring'],
    provenance: fromReport('education of children in rural areas (kits, beneficiaries, figures and start date illustrative)'),
  });

  const trees = seed.initiative({
    title: 'Tree plantation drive',
    description: 'Employees plant and tend native trees with local communities around the offices.',
    causeArea: 'ENVIRONMENT',
    motivation: 'COMMUNITY_INVESTMENT',
    status: 'ACTIVE',
    startDate: '2022-07-01',
    tags: ['environment', 'trees', 'plantation', 'volunteering'],
    provenance: illustrative(),
  });

  // --- Expenses ----------------------------------------------------------------------------

  seed.yearly(warmth, {
    monthDay: '12-20',
    type: 'IN_KIND_PRODUCT',
    quantity: { 2023: '1000', 2024: '1200', 2025: '1300' },
    unit: 'blanket',
    unitPrice: { 2023: '430.00', 2024: '450.00', 2025: '465.00' },
    description: 'Blankets distributed in the Gift the Warmth Drive',
    valuationBasis: 'Donated products, valued at unit price (purchase price of a blanket)',
  });
  seed.yearly(warmth, {
    monthDay: '01-10',
    type: 'EMPLOYEE_TIME',
    quantity: { 2023: '280', 2024: '312.5', 2025: '330' },
    unit: 'hour',
    unitPrice: HOURLY_COST,
    description: 'Employees distributing blankets on company time',
  });
  seed.yearly(warmth, {
    monthDay: '01-31',
    type: 'MANAGEMENT_COST',
    amount: { 2023: '55000.00', 2024: '60000.00', 2025: '62500.00' },
    description: 'Logistics of the drive',
  });

  seed.yearly(ashram, {
    monthDay: '06-30',
    type: 'CASH',
    amount: { 2023: '1200000.00', 2024: '1500000.00', 2025: '1600000.00' },
    description: 'Donation to Radhakund Ashram for the care of elderly people and widows',
  });
  seed.yearly(ashram, {
    monthDay: '10-15',
    type: 'IN_KIND_PRODUCT',
    quantity: { 2023: '360', 2024: '400', 2025: '420' },
    unit: 'ration kit',
    unitPrice: { 2023: '1190.25', 2024: '1250.75', 2025: '1299.99' },
    description: 'Food ration kits for Radhakund Ashram residents',
    valuationBasis: 'Donated products, valued at unit price (purchase price of a ration kit)',
  });

  seed.yearly(krish, {
    monthDay: '07-31',
    type: 'CASH',
    amount: { 2023: '2000000.00', 2024: '2400000.00', 2025: '2500000.00' },
    description: 'Grant to NGO Krish for programmes for rural children',
  });
  seed.yearly(krish, {
    monthDay: '03-31',
    type: 'MANAGEMENT_COST',
    amount: { 2023: '140000.00', 2024: '150000.00', 2025: '155000.00' },
    description: 'Monitoring and impact assessment of the Krish programme (year-end booking)',
  });

  seed.yearly(education, {
    monthDay: '04-01',
    type: 'IN_KIND_PRODUCT',
    quantity: { 2023: '1300', 2024: '1500', 2025: '1550' },
    unit: 'school kit',
    unitPrice: { 2023: '385.40', 2024: '402.60', 2025: '415.80' },
    description: 'School kits for the new school year (given on 1 April)',
    valuationBasis: 'Donated products, valued at unit price (purchase price of a school kit)',
  });
  seed.yearly(education, {
    monthDay: '09-30',
    type: 'EMPLOYEE_TIME',
    quantity: { 2023: '240', 2024: '266.5', 2025: '280' },
    unit: 'hour',
    unitPrice: HOURLY_COST,
    description: 'Employees tutoring children after school',
  });
  seed.yearly(education, {
    monthDay: '11-30',
    type: 'FACILITY_USE',
    quantity: { 2023: '20', 2024: '24', 2025: '24' },
    unit: 'day',
    unitPrice: '8500.00',
    description: 'Office training room used for weekend learning camps',
    valuationBasis: 'Training room, valued at the daily hire of an equivalent external training room (INR 8,500 a day)',
  });

  seed.yearly(trees, {
    monthDay: '07-15',
    type: 'CASH',
    amount: { 2023: '220000.00', 2024: '250000.00', 2025: '260000.00' },
    description: 'Saplings, planting and three years of care',
  });
  seed.yearly(trees, {
    monthDay: '08-15',
    type: 'EMPLOYEE_TIME',
    quantity: { 2023: '180', 2024: '210', 2025: '220' },
    unit: 'hour',
    unitPrice: HOURLY_COST,
    description: 'Employees planting trees on company time',
  });

  // --- Volunteering ------------------------------------------------------------------------

  const registrations = { 2022: 50, 2023: 40, 2024: 26, 2025: 25 } as const;
  for (const [year, total] of Object.entries(registrations)) {
    seed.registrationsOfYear(Number(year), total, {
      periods: 'QUARTER',
      seed: Number(year) * 10 + 2,
      note: 'New registrations in the volunteer database during the quarter',
      provenance: registrationProvenance(Number(year)),
    });
  }

  seed.participationYearly(warmth, {
    monthDay: '01-10',
    people: { 2023: 90, 2024: 120, 2025: 125 },
    hoursEach: '2.5',
    note: 'Employees distributing blankets',
    provenance: participationProvenance,
  });
  seed.participationYearly(education, {
    monthDay: '09-30',
    people: { 2023: 60, 2024: 80, 2025: 85 },
    hoursEach: '3.5',
    note: 'Employee tutors',
    provenance: participationProvenance,
  });
  seed.participationYearly(trees, {
    monthDay: '08-15',
    people: { 2023: 70, 2024: 85, 2025: 90 },
    hoursEach: '2.5',
    note: 'Employees at the plantation drive',
    provenance: participationProvenance,
  });
  seed.participationYearly(ashram, {
    monthDay: '10-15',
    people: { 2023: 30, 2024: 35, 2025: 40 },
    hoursEach: '3',
    note: 'Employees visiting the ashram with the ration kits',
    provenance: participationProvenance,
  });

  return { ...seed.build(), local: indiaCsrSeed() };
}
