/**
 * NEC America (USD, fiscal year April–March). The report names support for Texas schools and
 * non-profits (Catch Up & Read, Young Women's Preparatory Network, Haven for Hope); all amounts,
 * hours and dates are illustrative.
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
const HOURLY_COST = { 2023: '56.20', 2024: '58.40', 2025: '60.15' } as const;

export function americaSeed(): RegionalSeed {
  const seed = new SubsidiarySeedBuilder('america');

  const catchUp = seed.initiative({
    title: 'Catch Up & Read',
    description: 'Support for Catch Up & Read, which helps struggling early readers in Texas schools reach grade-level reading.',
    causeArea: 'EDUCATION_RESEARCH',
    motivation: 'COMMUNITY_INVESTMENT',
    status: 'ACTIVE',
    startDate: '2019-09-01',
    partners: [{ name: 'Catch Up & Read', kind: 'NPO' }],
    tags: ['literacy', 'reading', 'Texas', 'schools'],
    provenance: fromReport('support for Catch Up & Read in Texas (figures and start date illustrative)'),
  });

  const ywpn = seed.initiative({
    title: "Young Women's Preparatory Network",
    description: "Support for the Young Women's Preparatory Network's college-preparatory public schools for girls in Texas, with employee mentoring in STEM.",
    causeArea: 'EDUCATION_RESEARCH',
    motivation: 'COMMUNITY_INVESTMENT',
    status: 'ACTIVE',
    startDate: '2020-09-01',
    partners: [{ name: "Young Women's Preparatory Network", kind: 'NPO' }],
    tags: ['girls', 'STEM', 'mentoring', 'Texas', 'schools'],
    provenance: fromReport("support for the Young Women's Preparatory Network in Texas (figures, mentoring and start date illustrative)"),
  });

  const haven = seed.initiative({
    title: 'Haven for Hope',
    description: 'Support for Haven for Hope, a campus in San Antonio, Texas, serving people experiencing homelessness: donations, hygiene kits and meal service by employees.',
    causeArea: 'HEALTH_WELFARE',
    motivation: 'CHARITABLE_GIFT',
    status: 'ACTIVE',
    startDate: '2019-11-01',
    partners: [{ name: 'Haven for Hope', kind: 'NPO' }],
    tags: ['homelessness', 'San Antonio', 'Texas', 'hygiene kits', 'meals'],
    provenance: fromReport('support for Haven for Hope in Texas (figures, items and start date illustrative)'),
  });

  const schoolTech = seed.initiative({
    title: 'Technology for Texas schools',
    description: 'Laptops donated to Texas schools and meeting space lent to local non-profits at the Irving office.',
    causeArea: 'EDUCATION_RESEARCH',
    motivation: 'CHARITABLE_GIFT',
    status: 'ACTIVE',
    startDate: '2021-08-01',
    partners: [{ name: 'Texas public schools', kind: 'SCHOOL' }],
    tags: ['laptops', 'digital divide', 'Texas', 'schools', 'facilities'],
    provenance: illustrative('stands for "Texas schools and non-profits" of the report, which names no such programme'),
  });

  const parks = seed.initiative({
    title: 'Community park clean-ups',
    description: 'Employee clean-up and tree-care days in local parks with the city parks department.',
    causeArea: 'ENVIRONMENT',
    motivation: 'COMMUNITY_INVESTMENT',
    status: 'ACTIVE',
    startDate: '2022-04-22',
    partners: [{ name: 'City parks department', kind: 'GOVERNMENT' }],
    tags: ['environment', 'parks', 'clean-up', 'volunteering'],
    provenance: illustrative(),
  });

  // --- Expenses ----------------------------------------------------------------------------

  seed.yearly(catchUp, {
    monthDay: '09-15',
    type: 'CASH',
    amount: { 2023: '35000.00', 2024: '40000.00', 2025: '40000.00' },
    description: 'Grant to Catch Up & Read',
  });
  seed.yearly(catchUp, {
    monthDay: '02-28',
    type: 'EMPLOYEE_TIME',
    quantity: { 2023: '360', 2024: '420', 2025: '430.5' },
    unit: 'hour',
    unitPrice: HOURLY_COST,
    description: 'Employees reading with pupils on company time',
  });
  seed.yearly(catchUp, {
    monthDay: '03-31',
    type: 'MANAGEMENT_COST',
    amount: { 2023: '5500.00', 2024: '6000.00', 2025: '6200.00' },
    description: 'Administration of the community programme (year-end booking)',
  });

  seed.yearly(ywpn, {
    monthDay: '10-15',
    type: 'CASH',
    amount: { 2023: '25000.00', 2024: '30000.00', 2025: '30000.00' },
    description: "Donation to the Young Women's Preparatory Network",
  });
  seed.yearly(ywpn, {
    monthDay: '01-20',
    type: 'EMPLOYEE_TIME',
    quantity: { 2023: '120', 2024: '150', 2025: '160' },
    unit: 'hour',
    unitPrice: HOURLY_COST,
    description: 'Employees mentoring students in STEM',
  });

  seed.yearly(haven, {
    monthDay: '11-20',
    type: 'CASH',
    amount: { 2023: '18000.00', 2024: '20000.00', 2025: '20000.00' },
    description: 'Donation to Haven for Hope',
  });
  seed.yearly(haven, {
    monthDay: '12-15',
    type: 'IN_KIND_PRODUCT',
    quantity: { 2023: '500', 2024: '600', 2025: '650' },
    unit: 'hygiene kit',
    unitPrice: { 2023: '11.95', 2024: '12.35', 2025: '12.80' },
    description: 'Hygiene kits assembled and donated',
    valuationBasis: 'Donated products, valued at unit price (purchase price of a kit)',
  });
  seed.yearly(haven, {
    monthDay: '04-01',
    type: 'EMPLOYEE_TIME',
    quantity: { 2023: '160', 2024: '200', 2025: '210' },
    unit: 'hour',
    unitPrice: HOURLY_COST,
    description: 'Employees serving meals (first shift of the year on 1 April)',
  });

  seed.yearly(schoolTech, {
    monthDay: '08-10',
    type: 'IN_KIND_PRODUCT',
    quantity: { 2023: '30', 2024: '40', 2025: '40' },
    unit: 'laptop',
    unitPrice: { 2023: '479.99', 2024: '489.99', 2025: '499.99' },
    description: 'Laptops donated for the new school year',
    valuationBasis: 'Donated products, valued at unit price (list price of the laptop model)',
  });
  seed.yearly(schoolTech, {
    monthDay: '06-30',
    type: 'FACILITY_USE',
    quantity: { 2023: '40', 2024: '48', 2025: '52' },
    unit: 'hour',
    unitPrice: '85.00',
    description: 'Office meeting space lent to local non-profits',
    valuationBasis: 'Meeting space, valued at the hourly hire of an equivalent external conference room (USD 85 an hour)',
  });

  seed.yearly(parks, {
    monthDay: '04-22',
    type: 'EMPLOYEE_TIME',
    quantity: { 2023: '96', 2024: '112', 2025: '120' },
    unit: 'hour',
    unitPrice: HOURLY_COST,
    description: 'Employees at the Earth Day park clean-up',
  });
  seed.yearly(parks, {
    monthDay: '04-22',
    type: 'CASH',
    amount: { 2023: '2500.00', 2024: '3000.00', 2025: '3000.00' },
    description: 'Tools, saplings and supplies for the clean-up',
  });

  // --- Volunteering ------------------------------------------------------------------------

  const registrations = { 2022: 22, 2023: 21, 2024: 14, 2025: 12 } as const;
  for (const [year, total] of Object.entries(registrations)) {
    seed.registrationsOfYear(Number(year), total, {
      periods: 'QUARTER',
      seed: Number(year) * 10 + 3,
      note: 'New registrations in the volunteer database during the quarter',
      provenance: registrationProvenance(Number(year)),
    });
  }

  seed.participationYearly(catchUp, {
    monthDay: '02-28',
    people: { 2023: 45, 2024: 60, 2025: 62 },
    hoursEach: '7',
    note: 'Employee reading volunteers',
    provenance: participationProvenance,
  });
  seed.participationYearly(ywpn, {
    monthDay: '01-20',
    people: { 2023: 20, 2024: 25, 2025: 26 },
    hoursEach: '6',
    note: 'Employee STEM mentors',
    provenance: participationProvenance,
  });
  seed.participationYearly(haven, {
    monthDay: '12-15',
    people: { 2023: 50, 2024: 70, 2025: 74 },
    hoursEach: '3',
    note: 'Employees assembling hygiene kits and serving meals',
    provenance: participationProvenance,
  });
  seed.participationYearly(parks, {
    monthDay: '04-22',
    people: { 2023: 35, 2024: 45, 2025: 48 },
    hoursEach: '2.5',
    note: 'Employees at the Earth Day park clean-up',
    provenance: participationProvenance,
  });

  return seed.build();
}
