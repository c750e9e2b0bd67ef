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

/** B4SI's input types: what a contribution is counted as (docs/b4si.md). */
export const B4SI_INPUT_TYPES = [
  { code: 'CASH', name: 'Cash' },
  { code: 'TIME', name: 'Time' },
  { code: 'IN_KIND', name: 'In-kind' },
  { code: 'MANAGEMENT_COSTS', name: 'Management costs' },
] as const;
export type B4siInputType = (typeof B4SI_INPUT_TYPES)[number]['code'];

/**
 * Whether a contribution type's amounts are valued as B4SI values them (B4SI_BASIS: the amount paid,
 * the cost of the time, the cost of running the programmes) or by the group's policy (GROUP_POLICY:
 * products at unit price, facilities at the price of equivalent external facilities, where B4SI
 * asks for the cost to the company). The records hold only the group's unit values, so a B4SI
 * summary of GROUP_POLICY types is on the group's basis and says so.
 */
export type B4siValuation = 'B4SI_BASIS' | 'GROUP_POLICY';

/** The group's contribution types, each with its B4SI input type and valuation: the one place the mapping is stated. */
export const CONTRIBUTION_TYPES = [
  { code: 'CASH', description: 'Financial assistance: donations, grants, sponsorship paid', valuedBy: 'AMOUNT', b4siInputType: 'CASH', b4siValuation: 'B4SI_BASIS' },
  { code: 'IN_KIND_PRODUCT', description: 'Donated products, valued at unit price', valuedBy: 'QUANTITY_AND_UNIT_PRICE', b4siInputType: 'IN_KIND', b4siValuation: 'GROUP_POLICY' },
  {
    code: 'FACILITY_USE',
    description: 'Public use of company facilities, valued at the price of equivalent external facilities',
    valuedBy: 'QUANTITY_AND_UNIT_PRICE',
    b4siInputType: 'IN_KIND',
    b4siValuation: 'GROUP_POLICY',
  },
  { code: 'EMPLOYEE_TIME', description: 'Employee volunteering on company time, valued at its cost', valuedBy: 'QUANTITY_AND_UNIT_PRICE', b4siInputType: 'TIME', b4siValuation: 'B4SI_BASIS' },
  { code: 'MANAGEMENT_COST', description: 'Cost of running the programmes', valuedBy: 'AMOUNT', b4siInputType: 'MANAGEMENT_COSTS', b4siValuation: 'B4SI_BASIS' },
] as const satisfies readonly { code: string; description: string; valuedBy: string; b4siInputType: B4siInputType; b4siValuation: B4siValuation }[];
export type ContributionType = (typeof CONTRIBUTION_TYPES)[number]['code'];

/** B4SI's issues ("what" is addressed); each cause area names one in `b4siIssue`. */
export const B4SI_ISSUES = [
  { code: 'EDUCATION', name: 'Education and young people' },
  { code: 'HEALTH', name: 'Health' },
  { code: 'ARTS_CULTURE', name: 'Arts and culture' },
  { code: 'ENVIRONMENT', name: 'Environment' },
  { code: 'EMERGENCY_RELIEF', name: 'Emergency relief' },
  { code: 'ECONOMIC_DEVELOPMENT', name: 'Economic development' },
  { code: 'SOCIAL_WELFARE', name: 'Social welfare' },
] as const;
export type B4siIssue = (typeof B4SI_ISSUES)[number]['code'];

export const INITIATIVE_STATUSES = ['PLANNED', 'ACTIVE', 'COMPLETED', 'ARCHIVED'] as const;
export type InitiativeStatus = (typeof INITIATIVE_STATUSES)[number];

export const PARTNER_KINDS = ['NPO', 'NGO', 'GOVERNMENT', 'UNIVERSITY', 'SCHOOL', 'COMPANY', 'COMMUNITY', 'OTHER'] as const;
export type PartnerKind = (typeof PARTNER_KINDS)[number];

export const MOTIVATIONS = ['CHARITABLE_GIFT', 'COMMUNITY_INVESTMENT', 'COMMERCIAL_INITIATIVE'] as const;
export type Motivation = (typeof MOTIVATIONS)[number];

/** The B4SI classification of a contribution type and a cause area: derived, never stored. */
export function b4siInputTypeOf(type: ContributionType): B4siInputType {
  return CONTRIBUTION_TYPES.find((candidate) => candidate.code === type)!.b4siInputType;
}

export function b4siValuationOf(type: ContributionType): B4siValuation {
  return CONTRIBUTION_TYPES.find((candidate) => candidate.code === type)!.b4siValuation;
}

export function b4siIssueOf(causeArea: CauseArea): B4siIssue {
  const name = CAUSE_AREAS.find((area) => area.code === causeArea)!.b4siIssue;
  return B4SI_ISSUES.find((issue) => issue.name === name)!.code;
}

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
    enumSdl('B4siInputType', B4SI_INPUT_TYPES.map((type) => type.code), 'B4SI input type; see ContributionType for the mapping (docs/b4si.md).'),
    enumSdl('B4siIssue', B4SI_ISSUES.map((issue) => issue.code), 'B4SI issue addressed; each CauseArea maps to one (Query.causeAreas).'),
    enumSdl('B4siValuation', ['B4SI_BASIS', 'GROUP_POLICY'], "B4SI_BASIS: valued as B4SI values it; GROUP_POLICY: at the group's unit values (products at unit price, facilities at the external equivalent price) where B4SI asks for the cost to the company."),
  ].join('\n\n');
}
