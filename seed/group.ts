/**
 * Seed documents of the group (headquarters) database: cause areas, exchange rates, goals.
 */
import { Decimal128 } from 'mongodb';
import type { CauseAreaDocument, ExchangeRateDocument, GoalDocument } from '../subgraphs/group/documents';
import { CAUSE_AREAS } from '../subgraphs/common/catalog';
import type { CauseArea } from '../subgraphs/common/catalog';
import { Decimal } from '../subgraphs/common/decimal';
import { fiscalYearRange } from '../subgraphs/common/fiscal-year';
import { GROUP_FISCAL_CALENDAR } from '../subgraphs/common/registry';
import { fromReport, illustrative } from './builders';

export interface GroupSeed {
  causeAreas: CauseAreaDocument[];
  exchangeRates: ExchangeRateDocument[];
  goals: GoalDocument[];
}

const CAUSE_AREA_DESCRIPTIONS: Record<CauseArea, string> = {
  EDUCATION_RESEARCH:
    'Support for schools, universities, research and learning, from programmes for pupils and students to internet-safety lessons for families.',
  ARTS_CULTURE_SPORTS:
    'Support for the arts, cultural heritage and traditions, and sport, including wheelchair tennis and other sporting events.',
  HEALTH_WELFARE:
    'Support for health, social welfare and people in need, such as elderly people, widows and people without a home.',
  ENVIRONMENT: 'Conservation of forests, coasts and biodiversity, and environmental education.',
  DISASTER_RELIEF: 'Donations and other help for relief and recovery after natural disasters.',
  COMMUNITY_DEVELOPMENT:
    'Support for local communities and regional revitalisation, including partnerships with local governments and public use of company facilities.',
  SOCIAL_ENTREPRENEURSHIP:
    'Helping social entrepreneurs and non-profit organisations start up and grow, with funding, mentoring and employees\' skills.',
  INCLUSION_DIVERSITY:
    'Promoting an inclusive society in which people with disabilities and other diverse people take part, for example through para-sports.',
};

export function causeAreaDocuments(): CauseAreaDocument[] {
  return CAUSE_AREAS.map((area, index) => ({
    _id: area.code,
    name: area.name,
    b4siIssue: area.b4siIssue,
    description: CAUSE_AREA_DESCRIPTIONS[area.code],
    order: index + 1,
  }));
}

/**
 * JPY per unit, approximate averages over each group fiscal year (April–March, named by its end
 * year). Illustrative: rounded from public market rates, not an official or audited rate.
 */
export const SEED_RATES: Readonly<Record<'USD' | 'INR' | 'THB', Readonly<Record<number, string>>>> = {
  USD: { 2020: '108.70', 2021: '106.00', 2022: '112.40', 2023: '135.50', 2024: '144.60', 2025: '152.60', 2026: '149.00' },
  INR: { 2020: '1.54', 2021: '1.43', 2022: '1.51', 2023: '1.70', 2024: '1.75', 2025: '1.82', 2026: '1.71' },
  THB: { 2020: '3.49', 2021: '3.39', 2022: '3.45', 2023: '3.85', 2024: '4.12', 2025: '4.32', 2026: '4.56' },
};

export const RATE_SOURCE = 'Illustrative approximate annual average (not an official rate)';

export function exchangeRateDocuments(): ExchangeRateDocument[] {
  const documents: ExchangeRateDocument[] = [];
  for (const [currency, byYear] of Object.entries(SEED_RATES)) {
    for (const [year, rate] of Object.entries(byYear)) {
      const fiscalYear = Number(year);
      documents.push({
        _id: `${currency}:${fiscalYear}`,
        currency,
        fiscalYear,
        jpyPerUnit: Decimal128.fromString(Decimal.parse(rate).toString()),
        kind: 'AVERAGE',
        // Every year seeded (FY2020–FY2026) has ended, so each rate is dated the year's last day.
        asOf: fiscalYearRange(fiscalYear, GROUP_FISCAL_CALENDAR).end,
        illustrative: true,
        source: RATE_SOURCE,
      });
    }
  }
  return documents;
}

export function goalDocuments(): GoalDocument[] {
  return [
    {
      _id: 'G-REGISTRANTS-YEARLY',
      title: 'New registrants in the Volunteer Support Service each fiscal year',
      metric: 'NEW_VOLUNTEER_REGISTRANTS',
      cadence: 'PER_FISCAL_YEAR',
      fromFiscalYear: 2022,
      toFiscalYear: 2026,
      target: 1200,
      unit: 'registrants',
      ...fromReport('target of 1,200 new volunteer registrants a year'),
    },
    {
      _id: 'G-REGISTRANTS-PLAN',
      title: 'New registrants in the Volunteer Support Service over the medium-term plan (April 2021 – March 2026)',
      metric: 'NEW_VOLUNTEER_REGISTRANTS',
      cadence: 'CUMULATIVE',
      fromFiscalYear: 2022,
      toFiscalYear: 2026,
      target: 10000,
      unit: 'registrants',
      ...fromReport('target of 10,000 new volunteer registrants over the medium-term plan, April 2021 – March 2026'),
    },
    {
      _id: 'G-PARTICIPANTS-YEARLY',
      title: 'Employees taking part in volunteering each fiscal year',
      metric: 'VOLUNTEER_PARTICIPANTS',
      cadence: 'PER_FISCAL_YEAR',
      fromFiscalYear: 2025,
      toFiscalYear: 2026,
      target: 13500,
      unit: 'participants',
      ...illustrative('example goal for the participation metric; the report sets no such target'),
    },
  ];
}

export function groupSeed(): GroupSeed {
  return { causeAreas: causeAreaDocuments(), exchangeRates: exchangeRateDocuments(), goals: goalDocuments() };
}
