import { raise } from './errors';
import { CAUSE_AREAS, CONTRIBUTION_TYPES, type CauseArea, type ContributionType } from './catalog';
import { FISCAL_YEAR_LIMITS } from './fiscal-year';

/**
 * The key of a subsidiary report carries the consolidated report's parameters, since @requires
 * cannot pass arguments: "<code>|<from fiscal year>|<to fiscal year>|<cause area or *>|<contribution type or *>".
 */
export interface ReportKey {
  code: string;
  span: { from: number; to: number };
  causeArea: CauseArea | null;
  contributionType: ContributionType | null;
}

const ANY = '*';

export function formatReportKey(key: ReportKey): string {
  return [key.code, key.span.from, key.span.to, key.causeArea ?? ANY, key.contributionType ?? ANY].join('|');
}

export function parseReportKey(id: string): ReportKey {
  const parts = id.split('|');
  const [code, from, to, causeArea, contributionType] = parts;
  const { min, max, maxSpan } = FISCAL_YEAR_LIMITS;
  const year = (text: string | undefined) => (text && /^\d{4}$/.test(text) ? Number(text) : NaN);
  const span = { from: year(from), to: year(to) };
  const validCause = causeArea === ANY || CAUSE_AREAS.some((area) => area.code === causeArea);
  const validType = contributionType === ANY || CONTRIBUTION_TYPES.some((type) => type.code === contributionType);
  if (
    parts.length !== 5 || !code || !validCause || !validType ||
    !(span.from >= min && span.to <= max && span.from <= span.to && span.to - span.from < maxSpan)
  ) {
    raise('BAD_USER_INPUT', `"${id.slice(0, 80)}" is not a report key "<code>|<from>|<to>|<cause area or *>|<contribution type or *>"`);
  }
  return {
    code,
    span,
    causeArea: causeArea === ANY ? null : (causeArea as CauseArea),
    contributionType: contributionType === ANY ? null : (contributionType as ContributionType),
  };
}
