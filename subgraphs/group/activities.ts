import { raise, badInput } from '../common/errors';
import { Decimal } from '../common/decimal';
import { isCurrencyCode } from '../common/currencies';
import { money } from '../common/money';
import { fromDecimal128 } from '../common/mongo';
import { FISCAL_YEAR_LIMITS } from '../common/fiscal-year';
import { SUBSIDIARIES, subsidiaryByCode, type SubsidiaryConfig } from '../common/registry';
import type { CauseArea, ContributionType } from '../common/catalog';
import { decodeActivityCursor, encodeActivityCursor } from '../common/activity-cursor';
import { activityKinds, activityPageSize, formatActivityPageKey, parseActivityPageKey, type ActivityQuery } from '../common/activity-query';
import { activityPageTypeName } from '../kit/activity-schema';
import type { ActivityRecord } from '../kit/store/activities';
import { mergeActivityPages, pagesOf, type ArrivedPage, type MissingPage } from './activity-merge';
import { RecordConversion, exactText } from './record-conversion';
import type { GroupLoaders } from './loaders';

export interface ActivityFilterArgs {
  fiscalYear?: number | null;
  fromFiscalYear?: number | null;
  toFiscalYear?: number | null;
  subsidiaries?: readonly string[] | null;
  causeArea?: CauseArea | null;
  contributionType?: ContributionType | null;
  kinds?: readonly string[] | null;
}

function checkYear(year: number, field: string): number {
  const { min, max } = FISCAL_YEAR_LIMITS;
  if (!Number.isInteger(year) || year < min || year > max) badInput(`${field} must be a fiscal year from ${min} to ${max}`, field);
  return year;
}

/** The group fiscal years asked: one, a range, or none (every year). */
export function spanArg(args: Pick<ActivityFilterArgs, 'fiscalYear' | 'fromFiscalYear' | 'toFiscalYear'>, prefix: string): { from: number; to: number } | null {
  const single = args.fiscalYear ?? null;
  const from = args.fromFiscalYear ?? null;
  const to = args.toFiscalYear ?? null;
  if (single !== null) {
    if (from !== null || to !== null) badInput(`Give either ${prefix}fiscalYear or ${prefix}fromFiscalYear/toFiscalYear, not both`, `${prefix}fiscalYear`);
    return { from: checkYear(single, `${prefix}fiscalYear`), to: single };
  }
  if (from === null && to === null) return null;
  if (from === null || to === null) badInput(`Give both ${prefix}fromFiscalYear and ${prefix}toFiscalYear`, `${prefix}${from === null ? 'fromFiscalYear' : 'toFiscalYear'}`);
  const span = { from: checkYear(from, `${prefix}fromFiscalYear`), to: checkYear(to, `${prefix}toFiscalYear`) };
  if (span.from > span.to) badInput(`${prefix}fromFiscalYear ${span.from} is after toFiscalYear ${span.to}`, `${prefix}fromFiscalYear`);
  if (span.to - span.from >= FISCAL_YEAR_LIMITS.maxSpan) badInput(`At most ${FISCAL_YEAR_LIMITS.maxSpan} fiscal years`, `${prefix}toFiscalYear`);
  return span;
}

export function subsidiariesArg(codes: readonly string[] | null | undefined, field: string): SubsidiaryConfig[] {
  if (!codes || codes.length === 0) return [...SUBSIDIARIES];
  for (const code of codes) if (!subsidiaryByCode(code)) badInput(`${field}: "${code.slice(0, 10)}" is not a subsidiary code (${SUBSIDIARIES.map((subsidiary) => subsidiary.code).join(', ')})`, field);
  return SUBSIDIARIES.filter((subsidiary) => codes.includes(subsidiary.code));
}

export function currencyArg(currency: string | null | undefined): string {
  const code = currency ?? 'JPY';
  if (!isCurrencyCode(code)) badInput(`currency "${code.slice(0, 10)}" is not an ISO 4217 code`, 'currency');
  return code;
}

/**
 * The id of a group page: "<currency>|<codes>|<kinds>|<from>|<to>|<cause area>|<contribution type>|<first>|<cursor>"
 * (the regional key, common/activity-query.ts, with the subsidiaries asked and the currency).
 */
export function formatGroupPageId(currency: string, subsidiaries: readonly SubsidiaryConfig[], query: ActivityQuery): string {
  return `${currency}|${formatActivityPageKey(subsidiaries.map((subsidiary) => subsidiary.code).join(','), query)}`;
}

export function parseGroupPageId(id: unknown): { currency: string; subsidiaries: SubsidiaryConfig[]; query: ActivityQuery } {
  if (typeof id !== 'string' || id.length > 500) return raise('BAD_USER_INPUT', "a representation's id must be a string", { field: 'representations' });
  const cut = id.indexOf('|');
  const { code, query } = parseActivityPageKey(id.slice(cut + 1));
  return { currency: currencyArg(id.slice(0, cut)), subsidiaries: subsidiariesArg(code.split(','), 'id'), query };
}

/** The references of the regional pages a group page gathers, one per subsidiary asked, in registry order. */
export function regionalPages(subsidiaries: readonly SubsidiaryConfig[], query: ActivityQuery) {
  return subsidiaries.map((subsidiary) => ({ __typename: activityPageTypeName(subsidiary), id: formatActivityPageKey(subsidiary.code, query) }));
}

export function missingView(missing: readonly MissingPage[]) {
  return missing.map(({ subsidiary, reasonCode }) => ({
    code: subsidiary.code,
    name: subsidiary.name,
    reasonCode,
    reason:
      reasonCode === 'NO_DATASET'
        ? `${subsidiary.name}'s database holds no dataset (never seeded, wiped or restored empty): its items are missing, not none`
        : `No page arrived from the ${subsidiary.key} subgraph (unavailable or failed): its items are missing from this page`,
  }));
}

/** The exchange rates a set of fiscal years needs, as the consolidation reads them. */
export async function conversionFor(loaders: GroupLoaders, currency: string, years: readonly number[]): Promise<RecordConversion> {
  if (years.length === 0) return new RecordConversion(currency, []);
  const rates = await loaders.ratesForSpan(Math.min(...years), Math.max(...years));
  return new RecordConversion(currency, rates.map((rate) => ({ currency: rate.currency, fiscalYear: rate.fiscalYear, jpyPerUnit: fromDecimal128(rate.jpyPerUnit), source: rate.source })));
}

/** An item as the API serves it; converted amounts are computed when asked (a missing rate fails those fields only). */
export function activityView(item: ActivityRecord, subsidiary: SubsidiaryConfig, conversion: RecordConversion) {
  const local = item.amount === null ? null : Decimal.parse(item.amount);
  return {
    ...item,
    subsidiary: subsidiary.code,
    amount: local === null ? null : money(local, subsidiary.currency),
    convertedAmount: () => (local === null ? null : conversion.rounded(local, subsidiary.currency, item.groupFiscalYear)),
    exactConvertedAmount: () => (local === null ? null : exactText(conversion.exact(local, subsidiary.currency, item.groupFiscalYear))),
    rate: () => (local === null ? null : conversion.rateText(subsidiary.currency, item.groupFiscalYear)),
    cursor: encodeActivityCursor(item),
  };
}

export interface MergedPage {
  pages: (ArrivedPage | MissingPage)[];
  arrived: ArrivedPage[];
  missing: MissingPage[];
  items: ActivityRecord[];
  pageInfo: { endCursor: string | null; hasNextPage: boolean };
}

/** The subsidiaries' pages of a representation, checked, and their merge. */
export function mergedPage(reference: { subsidiaries?: unknown }, subsidiaries: readonly SubsidiaryConfig[], query: ActivityQuery): MergedPage {
  const pages = pagesOf(reference.subsidiaries, subsidiaries, query);
  const arrived = pages.filter((page): page is ArrivedPage => 'items' in page);
  const missing = pages.filter((page): page is MissingPage => !('items' in page));
  const { items, hasNextPage } = mergeActivityPages(arrived, query.first);
  const last = items.at(-1);
  const endCursor = last ? encodeActivityCursor(last) : query.after ? encodeActivityCursor(query.after) : null;
  return { pages, arrived, missing, items, pageInfo: { endCursor, hasNextPage } };
}

/** Query.activities and the ActivityPage entity. */
export function activityResolvers() {
  return {
    Query: {
      activities: (_root: unknown, args: { filter?: ActivityFilterArgs | null; first?: number | null; after?: string | null; currency?: string | null }) => {
        const filter = args.filter ?? {};
        const causeArea = filter.causeArea ?? null;
        const contributionType = filter.contributionType ?? null;
        const query: ActivityQuery = {
          kinds: activityKinds(filter.kinds, causeArea, contributionType),
          span: spanArg(filter, 'filter.'),
          causeArea,
          contributionType,
          first: activityPageSize(args.first, 20),
          after: args.after == null ? null : decodeActivityCursor(args.after),
        };
        const currency = currencyArg(args.currency);
        const subsidiaries = subsidiariesArg(filter.subsidiaries, 'filter.subsidiaries');
        return { id: formatGroupPageId(currency, subsidiaries, query), currency, subsidiaries: regionalPages(subsidiaries, query) };
      },
    },
    ActivityPage: {
      __resolveReference: async (reference: { id?: unknown; subsidiaries?: unknown }, { loaders }: { loaders: GroupLoaders }) => {
        const { currency, subsidiaries, query } = parseGroupPageId(reference.id);
        const page = mergedPage(reference, subsidiaries, query);
        const conversion = await conversionFor(loaders, currency, [...new Set(page.items.filter((item) => item.amount !== null).map((item) => item.groupFiscalYear))]);
        return {
          id: reference.id,
          currency,
          subsidiaries: regionalPages(subsidiaries, query),
          items: page.items.map((item) => activityView(item, subsidiaryByCode(item.code)!, conversion)),
          pageInfo: page.pageInfo,
          missingSubsidiaries: missingView(page.missing),
        };
      },
    },
    SubsidiaryActivityPage: { __resolveType: (value: { __typename: string }) => value.__typename },
  };
}
