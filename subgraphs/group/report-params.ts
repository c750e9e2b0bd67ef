import { raise } from '../common/errors';
import { isCurrencyCode } from '../common/currencies';
import { FISCAL_YEAR_LIMITS } from '../common/fiscal-year';
import { CAUSE_AREAS, CONTRIBUTION_TYPES, type CauseArea, type ContributionType } from '../common/catalog';

/** What a consolidated report was asked for; also its entity key, so @requires resolution can rebuild it. */
export interface ReportParams {
  from: number;
  to: number;
  currency: string;
  causeArea: CauseArea | null;
  contributionType: ContributionType | null;
  allowPartial: boolean;
}

export interface GroupReportArgs {
  fiscalYear?: number | null;
  fromFiscalYear?: number | null;
  toFiscalYear?: number | null;
  currency?: string | null;
  causeArea?: CauseArea | null;
  contributionType?: ContributionType | null;
  allowPartial?: boolean | null;
}

function checkYear(year: number, field: string): number {
  const { min, max } = FISCAL_YEAR_LIMITS;
  if (!Number.isInteger(year) || year < min || year > max) raise('BAD_USER_INPUT', `${field} must be a fiscal year from ${min} to ${max}`, { field });
  return year;
}

export function reportParams(args: GroupReportArgs): ReportParams {
  const single = args.fiscalYear ?? null;
  const from = args.fromFiscalYear ?? null;
  const to = args.toFiscalYear ?? null;
  if (single !== null && (from !== null || to !== null)) {
    raise('BAD_USER_INPUT', 'Give either fiscalYear or fromFiscalYear/toFiscalYear, not both', { field: 'fiscalYear' });
  }
  if (single === null && (from === null || to === null)) {
    raise('BAD_USER_INPUT', 'Give fiscalYear, or both fromFiscalYear and toFiscalYear', { field: from === null ? 'fromFiscalYear' : 'toFiscalYear' });
  }
  const span = single !== null ? { from: checkYear(single, 'fiscalYear'), to: single } : { from: checkYear(from!, 'fromFiscalYear'), to: checkYear(to!, 'toFiscalYear') };
  if (span.from > span.to) raise('BAD_USER_INPUT', `fromFiscalYear ${span.from} is after toFiscalYear ${span.to}`, { field: 'fromFiscalYear' });
  if (span.to - span.from >= FISCAL_YEAR_LIMITS.maxSpan) raise('BAD_USER_INPUT', `A report spans at most ${FISCAL_YEAR_LIMITS.maxSpan} fiscal years`, { field: 'toFiscalYear' });
  const currency = args.currency ?? 'JPY';
  if (!isCurrencyCode(currency)) raise('BAD_USER_INPUT', `currency "${currency.slice(0, 10)}" is not an ISO 4217 code`, { field: 'currency' });
  return { ...span, currency, causeArea: args.causeArea ?? null, contributionType: args.contributionType ?? null, allowPartial: args.allowPartial ?? false };
}

const ANY = '*';

export function formatReportId(params: ReportParams): string {
  return [params.from, params.to, params.currency, params.causeArea ?? ANY, params.contributionType ?? ANY, params.allowPartial ? 'partial' : 'complete'].join('|');
}

export function parseReportId(id: string): ReportParams {
  const [from, to, currency, causeArea, contributionType, mode, ...rest] = id.split('|');
  const cause = CAUSE_AREAS.find((area) => area.code === causeArea)?.code ?? null;
  const type = CONTRIBUTION_TYPES.find((candidate) => candidate.code === contributionType)?.code ?? null;
  const canonicalYear = (text: string | undefined) => text !== undefined && /^\d{4}$/.test(text);
  if (rest.length > 0 || !canonicalYear(from) || !canonicalYear(to) || (causeArea !== ANY && !cause) || (contributionType !== ANY && !type) || (mode !== 'partial' && mode !== 'complete')) {
    raise('BAD_USER_INPUT', `"${id.slice(0, 80)}" is not a group report id`);
  }
  return reportParams({
    fromFiscalYear: Number(from),
    toFiscalYear: Number(to),
    currency: currency ?? '',
    causeArea: cause,
    contributionType: type,
    allowPartial: mode === 'partial',
  });
}
