import type { GraphQLResolverMap } from '@apollo/subgraph/dist/schema-helper';
import { raise } from '../common/errors';
import { isCurrencyCode } from '../common/currencies';
import { fromDecimal128 } from '../common/mongo';
import { formatReportKey } from '../common/report-key';
import { scalarResolvers } from '../common/scalars';
import { SUBSIDIARIES, subsidiaryByCode, subsidiaryOwning, type SubsidiaryConfig } from '../common/registry';
import { CAUSE_AREAS } from '../common/catalog';
import { FISCAL_YEAR_LIMITS } from '../common/fiscal-year';
import { regionalTypeNames } from '../kit/schema';
import { Consolidation, type Arrival } from './consolidation';
import { b4siMapping, b4siSummary } from './b4si';
import type { GroupLoaders } from './loaders';
import { arrivalsOf } from './representation';
import { verifiedArrivals, type FigureVerifier } from './figure-signatures';
import type { ExchangeRateDocument, GoalDocument } from './documents';
import { formatReportId, parseReportId, reportParams, type GroupReportArgs, type ReportParams } from './report-params';
import type { GroupStore } from './store';
import { exchangeRateDocument, goalDocument, type ExchangeRateInput, type GoalInput } from './reference-data';
import type { Principal } from '../../platform/auth';
import type { AuditTrail } from '../kit/audit';
import { activityResolvers } from './activities';
import { drillDownResolvers } from './drill-down';
import { fiscalYearResolvers } from './fiscal-year-resolvers';
import type { FiscalYearRegister } from './fiscal-years';
import { requireRatesOpen } from './publishing';
import type { SigningKey } from '../../platform/signing-keys';
import type { RegionalKeys } from '../common/statements';

export interface GroupContext {
  store: GroupStore;
  /** Per-request batching of reference data reads (loaders.ts). */
  loaders: GroupLoaders;
  /** Records every write of this request. */
  audit: AuditTrail;
  /** The caller, from the verified bearer token. */
  principal: Principal;
  /** Checks each subsidiary's signature over the figures that arrived (figure-signatures.ts). */
  figures: FigureVerifier;
  /** Fiscal-year orders and published reports (fiscal-years.ts). */
  fiscalYears: FiscalYearRegister;
  /** Signs fiscal-year orders and published reports (HEADQUARTERS_SIGNING_KEY); null: no close. */
  headquartersKey: SigningKey | null;
  /** The subsidiaries' public keys (REGIONAL_PUBLIC_KEYS): their confirmations of fiscal-year orders are checked with them. */
  regionalKeys: RegionalKeys;
}

const typed = (typeName: string) => ({ __resolveType: (value: { __typename: string }) => value.__typename ?? typeName });

function subsidiaryView(subsidiary: SubsidiaryConfig) {
  return {
    __typename: regionalTypeNames(subsidiary).subsidiary,
    ...subsidiary,
    fiscalYearStartMonth: subsidiary.fiscalCalendar.startMonth,
    fiscalYearNaming: subsidiary.fiscalCalendar.naming,
    subgraph: subsidiary.key,
  };
}

function rateView(rate: ExchangeRateDocument) {
  return { ...rate, jpyPerUnit: fromDecimal128(rate.jpyPerUnit).toString(), source: rate.source };
}

function goalView(goal: GoalDocument) {
  return { ...goal, id: goal._id };
}

function reportView(params: ReportParams) {
  return {
    id: formatReportId(params),
    fromFiscalYear: params.from,
    toFiscalYear: params.to,
    currency: params.currency,
    causeArea: params.causeArea,
    contributionType: params.contributionType,
    subsidiaries: SUBSIDIARIES.map((subsidiary) => ({
      __typename: regionalTypeNames(subsidiary).report,
      id: formatReportKey({ code: subsidiary.code, span: params, causeArea: params.causeArea, contributionType: params.contributionType }),
    })),
  };
}

type ResolvedReport = ReturnType<typeof reportView> & { consolidation: Consolidation; goalDocuments: GoalDocument[]; arrivals: Arrival[] };

export function groupResolvers(): GraphQLResolverMap<GroupContext> {
  const perSubsidiary = Object.fromEntries(
    SUBSIDIARIES.map((subsidiary) => [
      regionalTypeNames(subsidiary).subsidiary,
      { __resolveReference: (reference: { code: string }) => (reference.code === subsidiary.code ? subsidiaryView(subsidiary) : null) },
    ]),
  );
  const report = (field: (consolidation: Consolidation, parent: ResolvedReport) => unknown) => (parent: ResolvedReport) =>
    field(parent.consolidation, parent);

  return {
    ...scalarResolvers,
    Subsidiary: typed('Subsidiary'),
    Initiative: typed('Initiative'),
    SubsidiaryReport: typed('SubsidiaryReport'),
    ...perSubsidiary,
    ActivityPage: activityResolvers().ActivityPage,
    SubsidiaryActivityPage: activityResolvers().SubsidiaryActivityPage,
    ReportLineRecords: drillDownResolvers().ReportLineRecords,
    SubsidiaryFiscalYearLock: fiscalYearResolvers().SubsidiaryFiscalYearLock,
    FiscalYearOrder: fiscalYearResolvers().FiscalYearOrder,

    Mutation: {
      setExchangeRate: async (_root: unknown, { input }: { input: ExchangeRateInput }, context: GroupContext) => {
        const { store, audit } = context;
        const rate = exchangeRateDocument(input);
        await requireRatesOpen(context, rate.fiscalYear);
        const before = await store.rate(rate._id);
        await audit.change('ExchangeRate', rate._id, before, await store.saveRate(rate));
        return rateView(rate);
      },
      setGoal: async (_root: unknown, { input }: { input: GoalInput }, { store, audit }: GroupContext) => {
        const goal = goalDocument(input);
        const before = await store.goal(goal._id);
        await audit.change('Goal', goal._id, before, await store.saveGoal(goal));
        return goalView(goal);
      },
      ...fiscalYearResolvers().Mutation,
    },

    Query: {
      ...activityResolvers().Query,
      ...drillDownResolvers().Query,
      ...fiscalYearResolvers().Query,
      subsidiaries: () => SUBSIDIARIES.map(subsidiaryView),
      subsidiary: (_root: unknown, { code }: { code: string }) => {
        const subsidiary = subsidiaryByCode(code);
        return subsidiary ? subsidiaryView(subsidiary) : null;
      },
      initiative: (_root: unknown, { id }: { id: string }) => {
        if (id.length > 40) raise('BAD_USER_INPUT', 'id must be at most 40 characters', { field: 'id' });
        const owner = subsidiaryOwning(id);
        return owner ? { __typename: regionalTypeNames(owner).initiative, id } : null;
      },
      causeAreas: async (_root: unknown, _args: unknown, { store }: GroupContext) => {
        const stored = new Map((await store.causeAreas()).map((area) => [area._id, area]));
        return CAUSE_AREAS.map((area) => ({ ...area, description: stored.get(area.code)?.description ?? area.name }));
      },
      contributionTypes: () => b4siMapping(),
      exchangeRates: async (_root: unknown, args: { fiscalYear?: number | null; currency?: string | null }, { store }: GroupContext) => {
        const { min, max } = FISCAL_YEAR_LIMITS;
        if (args.fiscalYear != null && (args.fiscalYear < min || args.fiscalYear > max)) raise('BAD_USER_INPUT', `fiscalYear must be from ${min} to ${max}`, { field: 'fiscalYear' });
        if (args.currency != null && !isCurrencyCode(args.currency)) raise('BAD_USER_INPUT', `currency "${args.currency.slice(0, 10)}" is not an ISO 4217 code`, { field: 'currency' });
        return (await store.rates({ fiscalYear: args.fiscalYear ?? null, currency: args.currency ?? null })).map(rateView);
      },
      goals: async (_root: unknown, _args: unknown, { store }: GroupContext) => (await store.goals()).map(goalView),
      groupReport: (_root: unknown, args: GroupReportArgs) => reportView(reportParams(args)),
    },

    GroupReport: {
      /**
       * Called with the subsidiaries' figures that @requires gathered; checks their shape
       * (representation.ts: whoever calls `_entities` wrote them) and builds the consolidation once
       * per report, every figure of it computed once however many aliases ask for it.
       */
      __resolveReference: async (reference: { id?: unknown; subsidiaries?: unknown }, { loaders, figures }: GroupContext): Promise<ResolvedReport> => {
        if (typeof reference.id !== 'string' || reference.id.length > 200) raise('BAD_USER_INPUT', "a representation's id must be a string", { field: 'representations' });
        const params = parseReportId(reference.id);
        const arrivals = verifiedArrivals(figures, SUBSIDIARIES, params, arrivalsOf(reference, SUBSIDIARIES, params));
        const [rates, goalDocuments] = await Promise.all([loaders.ratesForSpan(params.from, params.to), loaders.goals()]);
        const quotes = rates.map((rate) => ({ currency: rate.currency, fiscalYear: rate.fiscalYear, jpyPerUnit: fromDecimal128(rate.jpyPerUnit), source: rate.source }));
        const consolidation = new Consolidation(params, SUBSIDIARIES, arrivals, quotes);
        return { ...reportView(params), consolidation, goalDocuments, arrivals };
      },
      completeness: report((consolidation) => consolidation.completeness()),
      asOf: report((consolidation) => consolidation.asOf()),
      total: report((consolidation) => consolidation.total()),
      bySubsidiary: report((consolidation) => consolidation.bySubsidiaryLines()),
      byCauseArea: report((consolidation) => consolidation.byCauseArea()),
      byContributionType: report((consolidation) => consolidation.byContributionType()),
      byFiscalYear: report((consolidation) => consolidation.byFiscalYear()),
      volunteering: report((consolidation) => consolidation.volunteering()),
      goals: report((consolidation, parent) => consolidation.goals(parent.goalDocuments).map((progress) => ({ ...progress, goal: goalView(progress.goal) }))),
      b4si: report((consolidation) => b4siSummary(consolidation)),
      records: drillDownResolvers().GroupReport.records,
      ...fiscalYearResolvers().report,
    },
  };
}
