/**
 * NEC Japan (JPY, fiscal year April–March named by its end year). Programmes, partners, the two
 * disaster donations and the programme figures come from the report; amounts, hours and dates it
 * does not give are illustrative and marked so.
 */
import {
  SubsidiarySeedBuilder,
  fromReport,
  illustrative,
  participationProvenance,
  registrationProvenance,
} from './builders';
import type { RegionalSeed } from './builders';

/** Hourly employment cost used to value employee time on company time (illustrative). */
const HOURLY_COST = { 2023: '4800', 2024: '4900', 2025: '5000' } as const;

export function japanSeed(): RegionalSeed {
  const seed = new SubsidiarySeedBuilder('japan');

  // --- Initiatives -------------------------------------------------------------------------

  const school = seed.initiative({
    title: 'NEC Social Entrepreneurship School',
    description:
      'Programme run with the NPO ETIC since fiscal 2003 that helps social entrepreneurs start and grow their businesses through training, mentoring by employees and funding.',
    causeArea: 'SOCIAL_ENTREPRENEURSHIP',
    motivation: 'COMMUNITY_INVESTMENT',
    status: 'ACTIVE',
    startDate: '2002-04-01',
    partners: [{ name: 'ETIC', kind: 'NPO' }],
    outcomes: [{ description: 'Groups graduated from the school by fiscal 2024', value: 72, unit: 'groups' }],
    tags: ['social entrepreneurs', 'startups', 'mentoring', 'ETIC'],
    provenance: fromReport('Social Entrepreneurship School since fiscal 2003 with the NPO ETIC; 72 groups graduated by fiscal 2024 (start day illustrative)'),
  });

  const proBono = seed.initiative({
    title: 'NEC Pro Bono Initiative',
    description:
      'Employees use their professional skills to support non-profit organisations and communities; run since fiscal 2011 with partners including the Tokyo Metropolitan Government and Kawasaki City, and a pro bono festival.',
    causeArea: 'COMMUNITY_DEVELOPMENT',
    motivation: 'COMMUNITY_INVESTMENT',
    status: 'ACTIVE',
    startDate: '2010-04-01',
    partners: [
      { name: 'Tokyo Metropolitan Government', kind: 'GOVERNMENT' },
      { name: 'Kawasaki City', kind: 'GOVERNMENT' },
    ],
    outcomes: [{ description: 'Attendees of the pro bono festival', value: 4000, unit: 'people' }],
    tags: ['pro bono', 'skills-based volunteering', 'non-profits', 'Tokyo', 'Kawasaki'],
    provenance: fromReport('Pro Bono Initiative since fiscal 2011; partners Tokyo Metropolitan Government and Kawasaki City; festival with about 4,000 attendees (start day illustrative)'),
  });

  const futureCreation = seed.initiative({
    title: 'Future Creation Program',
    description:
      'Employees work with high-school students on social issues and how technology can address them; 3 high schools, 70 students and 47 employees took part.',
    causeArea: 'EDUCATION_RESEARCH',
    motivation: 'COMMUNITY_INVESTMENT',
    status: 'ACTIVE',
    startDate: '2022-04-01',
    partners: [{ name: 'Partner high schools (3)', kind: 'SCHOOL' }],
    beneficiaries: 70,
    participants: 47,
    outcomes: [
      { description: 'High schools taking part', value: 3, unit: 'schools' },
      { description: 'Students saying their interest in social issues grew', value: 90, unit: 'percent' },
    ],
    tags: ['high school', 'students', 'social issues', 'career education'],
    provenance: fromReport('Future Creation Program: 3 high schools, 70 students, 47 employees; about 90% said interest in social issues grew (start date illustrative)'),
  });

  const eNetCaravan = seed.initiative({
    title: 'e-Net Caravan',
    description:
      'Certified employee instructors give lessons on the safe use of the internet and smartphones to pupils, parents and teachers.',
    causeArea: 'EDUCATION_RESEARCH',
    motivation: 'COMMUNITY_INVESTMENT',
    status: 'ACTIVE',
    startDate: '2006-04-01',
    participants: 333,
    outcomes: [{ description: 'Certified employee instructors', value: 333, unit: 'instructors' }],
    tags: ['internet safety', 'digital literacy', 'schools', 'parents'],
    provenance: fromReport('e-Net Caravan with 333 certified employee instructors (start date illustrative)'),
  });

  const paraSports = seed.initiative({
    title: 'Para-sports support',
    description:
      'Support for para-sports events and athletes, with employees volunteering at competitions, to promote an inclusive society.',
    causeArea: 'INCLUSION_DIVERSITY',
    motivation: 'COMMUNITY_INVESTMENT',
    status: 'ACTIVE',
    startDate: '2015-04-01',
    tags: ['para-sports', 'disability', 'inclusion', 'sports'],
    provenance: fromReport('para-sports support (amounts and start date illustrative)'),
  });

  const wheelchairTennis = seed.initiative({
    title: 'Wheelchair tennis',
    description: 'Support for wheelchair tennis since 1991: tournaments, players and employee volunteers at events.',
    causeArea: 'ARTS_CULTURE_SPORTS',
    motivation: 'COMMUNITY_INVESTMENT',
    status: 'ACTIVE',
    startDate: '1991-04-01',
    tags: ['wheelchair tennis', 'sports', 'tournaments'],
    provenance: fromReport('wheelchair tennis support since 1991 (start day illustrative)'),
  });

  const collectionDrives = seed.initiative({
    title: 'Seasonal collection drives',
    description:
      'Every December and January employees collect seven kinds of items, such as used stamps, books and unused goods, for charities; the company covers sorting and shipping.',
    causeArea: 'HEALTH_WELFARE',
    motivation: 'CHARITABLE_GIFT',
    status: 'ACTIVE',
    startDate: '2008-12-01',
    outcomes: [{ description: 'Kinds of items collected', value: 7, unit: 'item kinds' }],
    tags: ['collection drive', 'donations', 'charity', 'winter'],
    provenance: fromReport('seasonal collection drives of seven item kinds in December–January (start date and item examples illustrative)'),
  });

  const maui = seed.initiative({
    title: 'Maui wildfire relief donation',
    description: 'Donation of 5 million yen for relief after the wildfires on Maui, Hawaii, in August 2023.',
    causeArea: 'DISASTER_RELIEF',
    motivation: 'CHARITABLE_GIFT',
    status: 'COMPLETED',
    startDate: '2023-08-21',
    endDate: '2023-08-21',
    tags: ['disaster relief', 'wildfire', 'Maui', 'Hawaii'],
    provenance: fromReport('5 million yen donated for the Maui wildfires, August 2023 (day illustrative)'),
  });

  const noto = seed.initiative({
    title: 'Noto Peninsula earthquake relief donation',
    description:
      'Donation of 15 million yen for relief after the Noto Peninsula earthquake of January 2024; employees also gave through online donation and cafeteria (benefit) points, which is counted as leverage, not as company expense.',
    causeArea: 'DISASTER_RELIEF',
    motivation: 'CHARITABLE_GIFT',
    status: 'COMPLETED',
    startDate: '2024-01-12',
    endDate: '2024-03-31',
    outcomes: [
      {
        description: 'Employee donations collected through online donation and cafeteria (benefit) points (leverage, reported separately)',
        value: null,
        unit: null,
      },
    ],
    tags: ['disaster relief', 'earthquake', 'Noto', 'Ishikawa', 'employee giving'],
    provenance: fromReport('15 million yen donated for the Noto earthquake, January 2024, plus employee donations through online donation and cafeteria points (days illustrative)'),
  });

  const fukushima = seed.initiative({
    title: 'Comprehensive partnership with Fukushima Prefecture',
    description:
      'Comprehensive partnership agreement with Fukushima Prefecture on regional revitalisation, digital skills and recovery.',
    causeArea: 'COMMUNITY_DEVELOPMENT',
    motivation: 'COMMUNITY_INVESTMENT',
    status: 'ACTIVE',
    startDate: '2021-04-01',
    partners: [{ name: 'Fukushima Prefecture', kind: 'GOVERNMENT' }],
    tags: ['Fukushima', 'regional revitalisation', 'partnership agreement'],
    provenance: fromReport('comprehensive partnership with Fukushima Prefecture (start date and activities illustrative)'),
  });

  const kawasakiWelfare = seed.initiative({
    title: 'Partnership with the Kawasaki City Council of Social Welfare',
    description:
      'Partnership with the Kawasaki City Council of Social Welfare on local welfare activities and employee volunteering in Kawasaki.',
    causeArea: 'HEALTH_WELFARE',
    motivation: 'COMMUNITY_INVESTMENT',
    status: 'ACTIVE',
    startDate: '2019-04-01',
    partners: [{ name: 'Kawasaki City Council of Social Welfare', kind: 'OTHER' }],
    tags: ['Kawasaki', 'social welfare', 'volunteering', 'partnership agreement'],
    provenance: fromReport('partnership with the Kawasaki City Council of Social Welfare (start date and activities illustrative)'),
  });

  const facilities = seed.initiative({
    title: 'Community use of company facilities',
    description:
      'Company sports grounds and halls lent free of charge to local clubs, schools and community events, valued at the price of equivalent external facilities.',
    causeArea: 'COMMUNITY_DEVELOPMENT',
    motivation: 'COMMUNITY_INVESTMENT',
    status: 'ACTIVE',
    startDate: '2010-04-01',
    partners: [{ name: 'Local community groups', kind: 'COMMUNITY' }],
    tags: ['facilities', 'sports ground', 'hall', 'community'],
    provenance: illustrative('the report counts public use of company facilities but names no facility'),
  });

  const grants = seed.initiative({
    title: 'Grants for research and education',
    description: 'Grants to universities, research institutes and educational organisations in information and communications technology.',
    causeArea: 'EDUCATION_RESEARCH',
    motivation: 'COMMUNITY_INVESTMENT',
    status: 'ACTIVE',
    startDate: '2000-04-01',
    partners: [{ name: 'Universities and research institutes', kind: 'UNIVERSITY' }],
    tags: ['grants', 'research', 'universities', 'ICT'],
    provenance: illustrative('stands for the report\'s "Academia, Research, and Education" field, which it does not break down'),
  });

  const pcs = seed.initiative({
    title: 'Donation of refurbished PCs',
    description: 'Refurbished company PCs donated to schools and non-profit organisations, valued at unit price.',
    causeArea: 'EDUCATION_RESEARCH',
    motivation: 'CHARITABLE_GIFT',
    status: 'ACTIVE',
    startDate: '2018-04-01',
    tags: ['in-kind', 'PCs', 'digital divide', 'schools', 'non-profits'],
    provenance: illustrative('the report counts product donations at unit price but names no product'),
  });

  const woodland = seed.initiative({
    title: 'Satoyama woodland conservation',
    description: 'Employees and families maintain satoyama woodland with local conservation groups; the company funds the groups.',
    causeArea: 'ENVIRONMENT',
    motivation: 'COMMUNITY_INVESTMENT',
    status: 'ACTIVE',
    startDate: '2012-04-01',
    partners: [{ name: 'Local conservation groups', kind: 'COMMUNITY' }],
    tags: ['environment', 'forest', 'biodiversity', 'volunteering'],
    provenance: illustrative(),
  });

  // --- Expenses (group fiscal years 2023–2025) ---------------------------------------------

  seed.yearly(school, {
    monthDay: '06-30',
    type: 'CASH',
    amount: { 2023: '28000000', 2024: '30000000', 2025: '30000000' },
    description: 'Programme funding to ETIC for the Social Entrepreneurship School',
  });
  seed.yearly(school, {
    monthDay: '02-28',
    type: 'EMPLOYEE_TIME',
    quantity: { 2023: '1400', 2024: '1500', 2025: '1550' },
    unit: 'hour',
    unitPrice: HOURLY_COST,
    description: 'Employee mentoring of school participants',
  });
  seed.yearly(school, {
    monthDay: '03-31',
    type: 'MANAGEMENT_COST',
    amount: { 2023: '5500000', 2024: '6000000', 2025: '6200000' },
    description: 'Running the school: secretariat and events (year-end booking)',
  });

  seed.monthlyTime(proBono, {
    description: 'Pro bono projects for non-profit organisations',
    years: {
      2023: { hours: 10500, hourlyCost: HOURLY_COST[2023] },
      2024: { hours: 12000, hourlyCost: HOURLY_COST[2024] },
      2025: { hours: 12600, hourlyCost: HOURLY_COST[2025] },
    },
    seed: 2011,
  });
  seed.yearly(proBono, {
    monthDay: '11-15',
    type: 'FACILITY_USE',
    quantity: { 2023: '2', 2024: '2', 2025: '2' },
    unit: 'day',
    unitPrice: '1800000',
    description: 'Company hall used for the pro bono festival',
    valuationBasis: 'Company hall, valued at the daily hire of an equivalent external event hall (JPY 1,800,000 a day)',
  });
  seed.yearly(proBono, {
    monthDay: '04-01',
    type: 'MANAGEMENT_COST',
    amount: { 2023: '8000000', 2024: '9000000', 2025: '9500000' },
    description: 'Coordinating pro bono projects with partners (annual contract from 1 April)',
  });

  seed.yearly(futureCreation, {
    monthDay: '12-10',
    type: 'EMPLOYEE_TIME',
    quantity: { 2023: '900', 2024: '1128', 2025: '1200' },
    unit: 'hour',
    unitPrice: HOURLY_COST,
    description: 'Employees working with high-school students (fiscal 2024: 47 employees × 24 hours)',
  });
  seed.yearly(futureCreation, {
    monthDay: '10-20',
    type: 'FACILITY_USE',
    quantity: { 2023: '48', 2024: '60', 2025: '60' },
    unit: 'hour',
    unitPrice: '12000',
    description: 'Company meeting rooms used for workshops with students',
    valuationBasis: 'Meeting rooms, valued at the hourly hire of an equivalent external rental room (JPY 12,000 an hour)',
  });
  seed.yearly(futureCreation, {
    monthDay: '03-15',
    type: 'MANAGEMENT_COST',
    amount: { 2023: '3500000', 2024: '4000000', 2025: '4200000' },
    description: 'Programme design and coordination with the schools',
  });

  seed.monthlyTime(eNetCaravan, {
    description: 'Internet-safety lessons given by certified employee instructors',
    years: {
      2023: { hours: 2600, hourlyCost: HOURLY_COST[2023] },
      2024: { hours: 2900, hourlyCost: HOURLY_COST[2024] },
      2025: { hours: 3000, hourlyCost: HOURLY_COST[2025] },
    },
    seed: 333,
  });
  seed.yearly(eNetCaravan, {
    monthDay: '05-31',
    type: 'MANAGEMENT_COST',
    amount: { 2023: '2500000', 2024: '3000000', 2025: '3000000' },
    description: 'Instructor certification, training and materials',
  });

  seed.yearly(paraSports, {
    monthDay: '07-31',
    type: 'CASH',
    amount: { 2023: '85000000', 2024: '90000000', 2025: '92000000' },
    description: 'Sponsorship of para-sports competitions and athletes',
  });
  seed.yearly(paraSports, {
    monthDay: '10-31',
    type: 'EMPLOYEE_TIME',
    quantity: { 2023: '1800', 2024: '2000', 2025: '2100' },
    unit: 'hour',
    unitPrice: HOURLY_COST,
    description: 'Employee volunteers at para-sports competitions',
  });

  seed.yearly(wheelchairTennis, {
    monthDay: '04-01',
    type: 'CASH',
    amount: { 2023: '20000000', 2024: '20000000', 2025: '20000000' },
    description: 'Annual support for wheelchair tennis players (paid on 1 April)',
  });
  seed.yearly(wheelchairTennis, {
    monthDay: '05-31',
    type: 'CASH',
    amount: { 2023: '140000000', 2024: '150000000', 2025: '155000000' },
    description: 'Sponsorship of wheelchair tennis tournaments',
  });
  seed.yearly(wheelchairTennis, {
    monthDay: '09-30',
    type: 'EMPLOYEE_TIME',
    quantity: { 2023: '1100', 2024: '1200', 2025: '1250' },
    unit: 'hour',
    unitPrice: HOURLY_COST,
    description: 'Employee volunteers at wheelchair tennis tournaments',
  });
  seed.yearly(wheelchairTennis, {
    monthDay: '03-31',
    type: 'MANAGEMENT_COST',
    amount: { 2023: '7000000', 2024: '8000000', 2025: '8000000' },
    description: 'Running the wheelchair tennis programme (year-end booking)',
  });

  seed.yearly(collectionDrives, {
    monthDay: '12-20',
    type: 'EMPLOYEE_TIME',
    quantity: { 2023: '300', 2024: '350', 2025: '360' },
    unit: 'hour',
    unitPrice: HOURLY_COST,
    description: 'Sorting and packing collected items on company time',
  });
  seed.yearly(collectionDrives, {
    monthDay: '01-31',
    type: 'MANAGEMENT_COST',
    amount: { 2023: '2200000', 2024: '2500000', 2025: '2600000' },
    description: 'Shipping collected items to charities',
  });

  seed.expense(maui, {
    type: 'CASH',
    date: '2023-08-21',
    amount: '5000000',
    description: 'Donation for relief after the Maui wildfires',
    provenance: fromReport('5 million yen donated for the Maui wildfires, August 2023 (day illustrative)'),
  });
  seed.expense(noto, {
    type: 'CASH',
    date: '2024-01-12',
    amount: '15000000',
    description: 'Donation for relief after the Noto Peninsula earthquake',
    provenance: fromReport('15 million yen donated for the Noto earthquake, January 2024 (day illustrative)'),
  });

  seed.yearly(fukushima, {
    monthDay: '08-31',
    type: 'CASH',
    amount: { 2023: '10000000', 2024: '12000000', 2025: '12000000' },
    description: 'Funding of joint projects under the partnership with Fukushima Prefecture',
  });
  seed.yearly(fukushima, {
    monthDay: '11-30',
    type: 'EMPLOYEE_TIME',
    quantity: { 2023: '600', 2024: '650', 2025: '700' },
    unit: 'hour',
    unitPrice: HOURLY_COST,
    description: 'Employees running digital-skills workshops in Fukushima',
  });

  seed.yearly(kawasakiWelfare, {
    monthDay: '12-15',
    type: 'CASH',
    amount: { 2023: '5000000', 2024: '6000000', 2025: '6000000' },
    description: 'Donation to welfare activities of the Kawasaki City Council of Social Welfare',
  });
  seed.yearly(kawasakiWelfare, {
    monthDay: '02-15',
    type: 'EMPLOYEE_TIME',
    quantity: { 2023: '380', 2024: '420', 2025: '450' },
    unit: 'hour',
    unitPrice: HOURLY_COST,
    description: 'Employee volunteering at welfare facilities in Kawasaki',
  });
  seed.yearly(kawasakiWelfare, {
    monthDay: '09-10',
    type: 'FACILITY_USE',
    quantity: { 2023: '36', 2024: '40', 2025: '40' },
    unit: 'hour',
    unitPrice: '20000',
    description: 'Company hall used for welfare events',
    valuationBasis: 'Company hall, valued at the hourly hire of an equivalent public hall (JPY 20,000 an hour)',
  });

  seed.yearly(facilities, {
    monthDay: '03-31',
    type: 'FACILITY_USE',
    quantity: { 2023: '110', 2024: '120', 2025: '125' },
    unit: 'day',
    unitPrice: '150000',
    description: 'Sports grounds lent to local clubs and schools (annual total, booked at year end)',
    valuationBasis: 'Sports ground, valued at the daily hire of an equivalent municipal ground (JPY 150,000 a day)',
  });
  seed.yearly(facilities, {
    monthDay: '04-01',
    type: 'FACILITY_USE',
    quantity: { 2023: '380', 2024: '400', 2025: '420' },
    unit: 'hour',
    unitPrice: '25000',
    description: 'Halls lent to community events (annual allocation from 1 April)',
    valuationBasis: 'Hall, valued at the hourly hire of an equivalent external hall (JPY 25,000 an hour)',
  });

  seed.yearly(grants, {
    monthDay: '09-15',
    type: 'CASH',
    amount: { 2023: '198000000', 2024: '211600000', 2025: '216000000' },
    description: 'Research and education grants',
  });

  seed.yearly(pcs, {
    monthDay: '02-20',
    type: 'IN_KIND_PRODUCT',
    quantity: { 2023: '700', 2024: '800', 2025: '820' },
    unit: 'PC',
    unitPrice: '55000',
    description: 'Refurbished PCs donated to schools and non-profits',
    valuationBasis: 'Donated products, valued at unit price (JPY 55,000 a refurbished PC)',
  });

  seed.yearly(woodland, {
    monthDay: '06-15',
    type: 'CASH',
    amount: { 2023: '14000000', 2024: '15000000', 2025: '15000000' },
    description: 'Funding of local woodland conservation groups',
  });
  seed.yearly(woodland, {
    monthDay: '11-05',
    type: 'EMPLOYEE_TIME',
    quantity: { 2023: '2200', 2024: '2400', 2025: '2500' },
    unit: 'hour',
    unitPrice: HOURLY_COST,
    description: 'Employee conservation days on company time',
  });

  // --- Volunteering ------------------------------------------------------------------------

  const registrations = { 2022: 4830, 2023: 2400, 2024: 1290, 2025: 1205 } as const;
  for (const [year, total] of Object.entries(registrations)) {
    seed.registrationsOfYear(Number(year), total, {
      periods: 'MONTH',
      seed: Number(year) * 10 + 1,
      note: 'New registrations in the Volunteer Support Service during the month',
      provenance: registrationProvenance(Number(year)),
    });
  }

  const yearlyParticipation = participationProvenance;
  seed.participationYearly(school, {
    monthDay: '02-28',
    people: { 2023: 80, 2024: 90, 2025: 95 },
    hoursEach: '6',
    note: 'Employee mentors',
    provenance: yearlyParticipation,
  });
  seed.participationYearly(proBono, {
    monthDay: '03-31',
    people: { 2023: 520, 2024: 600, 2025: 640 },
    hoursEach: '20',
    note: 'Employees in pro bono projects during the year',
    provenance: yearlyParticipation,
  });
  seed.participationYearly(futureCreation, {
    monthDay: '12-10',
    people: { 2023: 35, 2025: 50 },
    hoursEach: '24',
    note: 'Employees working with high-school students',
    provenance: yearlyParticipation,
  });
  seed.participate(futureCreation, {
    date: '2023-12-10',
    people: 47,
    hours: '1128',
    note: 'Employees working with high-school students',
    provenance: fromReport('47 employees took part in the Future Creation Program (date and hours illustrative)'),
  });
  seed.participationYearly(eNetCaravan, {
    monthDay: '03-31',
    people: { 2023: 280, 2024: 300, 2025: 340 },
    hoursEach: '9.5',
    note: 'Certified employee instructors who gave lessons during the year',
    provenance: yearlyParticipation,
  });
  seed.participationYearly(paraSports, {
    monthDay: '10-31',
    people: { 2023: 1600, 2024: 2100, 2025: 2200 },
    hoursEach: '4',
    note: 'Employee volunteers and supporters at para-sports competitions',
    provenance: yearlyParticipation,
  });
  seed.participationYearly(wheelchairTennis, {
    monthDay: '09-30',
    people: { 2023: 900, 2024: 1100, 2025: 1150 },
    hoursEach: '5',
    note: 'Employee volunteers at wheelchair tennis tournaments',
    provenance: yearlyParticipation,
  });
  seed.participationYearly(collectionDrives, {
    monthDay: '12-31',
    people: { 2023: 2300, 2024: 3400, 2025: 3500 },
    hoursEach: '0.5',
    note: 'Employees who brought items in December',
    provenance: yearlyParticipation,
  });
  seed.participationYearly(collectionDrives, {
    monthDay: '01-31',
    people: { 2023: 2600, 2024: 3600, 2025: 3700 },
    hoursEach: '0.5',
    note: 'Employees who brought items in January',
    provenance: yearlyParticipation,
  });
  seed.participationYearly(fukushima, {
    monthDay: '11-30',
    people: { 2023: 150, 2024: 200, 2025: 220 },
    hoursEach: '8',
    note: 'Employees at workshops and events in Fukushima',
    provenance: yearlyParticipation,
  });
  seed.participationYearly(kawasakiWelfare, {
    monthDay: '02-15',
    people: { 2023: 300, 2024: 400, 2025: 430 },
    hoursEach: '3',
    note: 'Employee volunteers at welfare facilities in Kawasaki',
    provenance: yearlyParticipation,
  });
  seed.participationYearly(woodland, {
    monthDay: '11-05',
    people: { 2023: 285, 2024: 543, 2025: 575 },
    hoursEach: '6',
    note: 'Employees at woodland conservation days',
    provenance: yearlyParticipation,
  });

  return seed.build();
}
