/**
 * Classifications shared by every subgraph. They are GraphQL enums, so a value outside them is
 * refused by validation before any resolver runs.
 */

export const CAUSE_AREAS = [
  { code: 'EDUCATION_RESEARCH', name: 'Academia, Research, and Education', b4siIssue: 'Education and young people' },
  { code: 'ARTS_CULTURE_SPORTS', name: 'Arts, Culture, and Sports', b4siIssue: 'Arts and culture' },
  { code: 'HEALTH_WELFARE', name: 'Health and Welfare', b4siIssue: 'Social welfare' },
  { code: 'ENVIRONMENT', name: 'Environment', b4siIssue: 'Environment' },
  { code: 'DISASTER_RELIEF', name: 'Disaster Relief and Recovery', b4siIssue: 'Emergency relief' },
  { code: 'COMMUNITY_DEVELOPMENT', name: 'Community Development', b4siIssue: 'Economic development' },
  { code: 'SOCIAL_ENTREPRENEURSHIP', name: 'Social Entrepreneurship', b4siIssue: 'Economic development' },
  { code: 'INCLUSION_DIVERSITY', name: 'Inclusion and Diversity', b4siIssue: 'Social welfare' },
] as const;
export type CauseArea = (typeof CAUSE_AREAS)[number]['code'];

export const CONTRIBUTION_TYPES = [
  { code: 'CASH', description: 'Financial assistance: donations, grants, sponsorship paid', valuedBy: 'AMOUNT' },
  { code: 'IN_KIND_PRODUCT', description: 'Donated products, valued at unit price', valuedBy: 'QUANTITY_AND_UNIT_PRICE' },
  { code: 'FACILITY_USE', description: 'Public use of company facilities, valued at the price of equivalent external facilities', valuedBy: 'QUANTITY_AND_UNIT_PRICE' },
  { code: 'EMPLOYEE_TIME', description: 'Employee volunteering on company time, valued at its cost', valuedBy: 'QUANTITY_AND_UNIT_PRICE' },
  { code: 'MANAGEMENT_COST', description: 'Cost of running the programmes', valuedBy: 'AMOUNT' },
] as const;
export type ContributionType = (typeof CONTRIBUTION_TYPES)[number]['code'];

export const INITIATIVE_STATUSES = ['PLANNED', 'ACTIVE', 'COMPLETED', 'ARCHIVED'] as const;
export type InitiativeStatus = (typeof INITIATIVE_STATUSES)[number];

export const PARTNER_KINDS = ['NPO', 'NGO', 'GOVERNMENT', 'UNIVERSITY', 'SCHOOL', 'COMPANY', 'COMMUNITY', 'OTHER'] as const;
export type PartnerKind = (typeof PARTNER_KINDS)[number];

export const MOTIVATIONS = ['CHARITABLE_GIFT', 'COMMUNITY_INVESTMENT', 'COMMERCIAL_INITIATIVE'] as const;
export type Motivation = (typeof MOTIVATIONS)[number];

export function enumSdl(name: string, values: readonly string[], description?: string): string {
  const doc = description ? `"""${description}"""\n` : '';
  return `${doc}enum ${name} {\n${values.map((value) => `  ${value}`).join('\n')}\n}`;
}

/** The SDL of the shared enums, identical in every subgraph. */
export function catalogSdl(): string {
  return [
    enumSdl('CauseArea', CAUSE_AREAS.map((area) => area.code), 'Field of activity; see Query.causeAreas for names and the B4SI mapping.'),
    enumSdl('ContributionType', CONTRIBUTION_TYPES.map((type) => type.code), 'How a contribution was given and valued (B4SI: cash, in-kind, time, management costs).'),
    enumSdl('InitiativeStatus', INITIATIVE_STATUSES),
    enumSdl('PartnerKind', PARTNER_KINDS),
    enumSdl('Motivation', MOTIVATIONS, 'B4SI motivation class.'),
  ].join('\n\n');
}
