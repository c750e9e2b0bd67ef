import type { Arrival, Consolidation } from './consolidation';
import {
  closeFiscalYear, fiscalYearStatus, publishedReport, publishedReports, reopenFiscalYear, resolveOrder, type FiscalYearContext,
} from './publishing';
import { publishedOf, restatement } from './restatement';

type Resolved = Awaited<ReturnType<typeof resolveOrder>>;

/** What a GroupReport parent holds for the fields below (group/resolvers.ts). */
interface ReportParent {
  consolidation: Consolidation;
  arrivals: readonly Arrival[];
}

/** The group subgraph's resolvers of closing fiscal years (publishing.ts), merged into group/resolvers.ts. */
export function fiscalYearResolvers() {
  return {
    Mutation: {
      closeFiscalYear: (_root: unknown, { fiscalYear }: { fiscalYear: number }, context: FiscalYearContext) => closeFiscalYear(context, fiscalYear),
      reopenFiscalYear: (_root: unknown, { fiscalYear, reason }: { fiscalYear: number; reason: string }, context: FiscalYearContext) => reopenFiscalYear(context, fiscalYear, reason),
    },
    Query: {
      publishedReport: (_root: unknown, { fiscalYear, version }: { fiscalYear: number; version?: number | null }, context: FiscalYearContext) => publishedReport(context, fiscalYear, version ?? null),
      publishedReports: (_root: unknown, { fiscalYear }: { fiscalYear: number }, context: FiscalYearContext) => publishedReports(context, fiscalYear),
      fiscalYearStatus: (_root: unknown, { fiscalYear }: { fiscalYear: number }, context: FiscalYearContext) => fiscalYearStatus(context, fiscalYear),
    },
    SubsidiaryFiscalYearLock: { __resolveType: (value: { __typename: string }) => value.__typename },
    FiscalYearOrder: {
      __resolveReference: (reference: { id?: unknown; subsidiaries?: unknown }, context: FiscalYearContext) => resolveOrder(reference, context),
      outcome: (parent: Resolved) => parent.outcome(),
    },
    /** Fields of GroupReport. */
    report: {
      published: (parent: { fromFiscalYear: number; toFiscalYear: number }, _args: unknown, context: FiscalYearContext) => publishedOf(parent.fromFiscalYear, parent.toFiscalYear, context.fiscalYears),
      restated: (parent: ReportParent, _args: unknown, context: FiscalYearContext) =>
        restatement(parent.consolidation.params, parent.arrivals, parent.consolidation, context.loaders, context.fiscalYears),
    },
  };
}
