import type { GraphQLResolverMap } from '@apollo/subgraph/dist/schema-helper';
import { Decimal } from '../common/decimal';
import { money } from '../common/money';
import { fromDecimal128 } from '../common/mongo';
import { parseReportKey, type ReportKey } from '../common/report-key';
import { scalarResolvers } from '../common/scalars';
import type { SubsidiaryConfig } from '../common/registry';
import type { CauseArea, InitiativeStatus } from '../common/catalog';
import type { RegionalContext } from './context';
import type { ExpenseDocument, InitiativeDocument, Provenance } from './documents';
import { regionalTypeNames } from './schema';
import type { InitiativeExpenseTotals } from './store/expenses';
import type { ReportFigures } from './store/figures';
import { LIMITS, fiscalYearArg, optionalText, pageSize, referenceId, requiredText } from './validation';
import { mutationResolvers } from './mutations';
import { auditEntryView } from './audit';
import { expenseB4si } from './b4si';
import { adjustmentView, fiscalYearLockResolvers, regionalFigures, signFigures } from './closes';
import type { StatementSignature } from '../common/statements';
import { regionalActivityResolvers } from './activities';
import { activityPageTypeName } from './activity-schema';
import { subsidiaryExpenses } from './expense-pages';
import { importResolvers } from './import/resolvers';

interface InitiativesArgs {
  filter?: { fiscalYear?: number | null; causeArea?: CauseArea | null; status?: InitiativeStatus | null; text?: string | null } | null;
  first?: number | null;
  after?: string | null;
}

function searchWords(text: string | null | undefined): string[] {
  const words = (optionalText(text, 'filter.text', LIMITS.shortTextLength) ?? '').split(/\s+/).filter(Boolean);
  return words.slice(0, LIMITS.searchWords);
}

const provenance = (doc: Provenance) => ({ illustrative: doc.illustrative, source: doc.source });

function totalsView(totals: InitiativeExpenseTotals, currency: string) {
  return {
    amount: money(totals.amount, currency),
    expenseCount: totals.expenseCount,
    byContributionType: totals.byContributionType.map((entry) => ({ ...entry, amount: money(entry.amount, currency) })),
  };
}

interface RegionalReport {
  id: string;
  key: ReportKey;
  /** Read once per report, whichever of its fields are asked. */
  figures: () => Promise<ReadFigures>;
  /** The subsidiary's signature over the figures as its fields serve them (null without a key or a dataset). */
  signature: () => Promise<StatementSignature | null>;
}

/** A report's figures as read; without a dataset (never seeded, wiped, restored empty) they are missing, not zero. */
type ReadFigures =
  | (Omit<ReportFigures, 'dataset'> & { asOf: string; dataset: { id: string; createdAt: string } })
  | { asOf: string; dataset: null; cells: null; volunteering: null; adjustments: null };

async function reportFigures(loaders: RegionalContext['loaders'], key: ReportKey): Promise<ReadFigures> {
  const asOf = new Date().toISOString();
  const figures = await loaders.report.load(key);
  const { dataset, cells, volunteering } = figures;
  const { adjustments } = figures;
  if (!dataset) return { asOf, dataset: null, cells: null, volunteering: null, adjustments: null };
  return { cells, volunteering, adjustments, asOf, dataset: { id: dataset.datasetId, createdAt: dataset.createdAt.toISOString() } };
}

/** The resolvers of the regional template, for one subsidiary. */
export function regionalResolvers(subsidiary: SubsidiaryConfig): GraphQLResolverMap<RegionalContext> {
  const names = regionalTypeNames(subsidiary);
  const currency = subsidiary.currency;
  const only = (typeName: string) => ({ __resolveType: () => typeName });

  /** A report entity of this subsidiary (null for another's key): its figures read once, when a field first asks. */
  const resolveReport = (id: string, { loaders, reporting }: RegionalContext): RegionalReport | null => {
    const key = parseReportKey(id);
    if (key.code !== subsidiary.code) return null;
    let read: ReturnType<RegionalReport['figures']> | undefined;
    let signed: ReturnType<RegionalReport['signature']> | undefined;
    const figures = () => (read ??= reportFigures(loaders, key));
    const signature = () =>
      (signed ??= figures().then((figures) => (figures.dataset ? signFigures(reporting, regionalFigures(subsidiary, id, figures.asOf, figures.dataset.id, figures)) : null)));
    return { id, key, figures, signature };
  };

  return {
    ...scalarResolvers,
    Subsidiary: only(names.subsidiary),
    Initiative: only(names.initiative),
    Expense: only(names.expense),
    SubsidiaryReport: only(names.report),

    Query: {
      [subsidiary.key]: () => ({ code: subsidiary.code }),
      [`${subsidiary.key}Initiative`]: (_root: unknown, args: { id?: unknown }, { loaders }: RegionalContext) => loaders.initiative.load(referenceId(args)),
      [`${subsidiary.key}Expense`]: (_root: unknown, args: { id?: unknown }, { loaders }: RegionalContext) => loaders.expense.load(referenceId(args)),
    },

    [names.subsidiary]: {
      __resolveReference: (reference: { code: string }) => (reference.code === subsidiary.code ? { code: subsidiary.code } : null),
      initiatives: (_parent: unknown, args: InitiativesArgs, { store }: RegionalContext) => {
        const filter = args.filter ?? {};
        return store.initiatives.page(
          {
            fiscalYear: fiscalYearArg(filter.fiscalYear, 'filter.fiscalYear'),
            causeArea: filter.causeArea ?? null,
            status: filter.status ?? null,
            words: searchWords(filter.text),
          },
          pageSize(args.first, 'first', LIMITS.pageSize, 20),
          args.after ?? null,
        );
      },
      expenses: subsidiaryExpenses(subsidiary),
      volunteering: async (_parent: unknown, args: { fiscalYear: number }, { store }: RegionalContext) => {
        const fiscalYear = fiscalYearArg(args.fiscalYear, 'fiscalYear')!;
        const [row] = await store.volunteering.byYear({ from: fiscalYear, to: fiscalYear }, null, await store.journal.committed());
        return {
          fiscalYear,
          newRegistrations: row?.newRegistrations ?? 0,
          participants: row?.participants ?? 0,
          hours: (row?.hours ?? Decimal.ZERO).toString(),
        };
      },
      auditLog: async (_parent: unknown, args: { first?: number | null; after?: string | null; entityId?: string | null }, { store }: RegionalContext) => {
        const page = await store.audit.page({
          entityId: args.entityId == null ? null : requiredText(args.entityId, 'entityId', LIMITS.idLength),
          first: pageSize(args.first, 'first', LIMITS.pageSize, 50),
          after: args.after ?? null,
        });
        return { nodes: page.nodes.map(auditEntryView), pageInfo: page.pageInfo };
      },
    },

    [names.initiative]: {
      __resolveReference: (reference: { id?: unknown }, { loaders }: RegionalContext) => loaders.initiative.load(referenceId(reference)),
      id: (doc: InitiativeDocument) => doc._id,
      subsidiaryCode: () => subsidiary.code,
      provenance,
      expenses: async (doc: InitiativeDocument, args: { fiscalYear?: number | null; first?: number | null }, { loaders }: RegionalContext) => {
        const first = pageSize(args.first, 'first', LIMITS.expensesPerInitiative, 100);
        const expenses = await loaders.expensesOf(fiscalYearArg(args.fiscalYear, 'fiscalYear')).load(doc._id);
        return expenses.slice(0, first);
      },
      totals: async (doc: InitiativeDocument, args: { fiscalYear?: number | null }, { loaders }: RegionalContext) =>
        totalsView(await loaders.totalsOf(fiscalYearArg(args.fiscalYear, 'fiscalYear')).load(doc._id), currency),
    },

    [names.expense]: {
      __resolveReference: (reference: { id?: unknown }, { loaders }: RegionalContext) => loaders.expense.load(referenceId(reference)),
      id: (doc: ExpenseDocument) => doc._id,
      initiative: (doc: ExpenseDocument, _args: unknown, { loaders }: RegionalContext) => loaders.initiative.load(doc.initiativeId),
      b4si: async (doc: ExpenseDocument, _args: unknown, { loaders }: RegionalContext) => expenseB4si(doc, await loaders.initiative.load(doc.initiativeId)),
      quantity: (doc: ExpenseDocument) => (doc.quantity ? fromDecimal128(doc.quantity).toString() : null),
      unitPrice: (doc: ExpenseDocument) => (doc.unitPrice ? money(fromDecimal128(doc.unitPrice), doc.currency) : null),
      amount: (doc: ExpenseDocument) => money(fromDecimal128(doc.amount), doc.currency),
      provenance,
    },

    [names.report]: {
      /** Read through the request's report loader: any number of report entities cost the round trips of one. */
      __resolveReference: (reference: { id?: unknown }, context: RegionalContext): RegionalReport | null => resolveReport(referenceId(reference, 200), context),
      currency: () => currency,
      cells: async ({ figures }: RegionalReport) => (await figures()).cells?.map((cell) => ({ ...cell, amount: cell.amount.toString() })) ?? null,
      volunteering: async ({ figures }: RegionalReport) => (await figures()).volunteering?.map((row) => ({ ...row, hours: row.hours.toString() })) ?? null,
      asOf: async ({ figures }: RegionalReport) => (await figures()).asOf,
      dataset: async ({ figures }: RegionalReport) => (await figures()).dataset,
      adjustments: async ({ figures }: RegionalReport) => (await figures()).adjustments?.map(adjustmentView) ?? null,
      signature: ({ signature }: RegionalReport) => signature(),
    },

    SubsidiaryFiscalYearLock: only(names.fiscalYearLock),
    [names.fiscalYearLock]: fiscalYearLockResolvers(subsidiary, resolveReport),

    VolunteerRecord: { id: (doc: { _id: string }) => doc._id },
    DeletedExpense: { id: (doc: { _id: string }) => doc._id },
    ...regionalActivityResolvers(subsidiary),
    SubsidiaryActivityPage: { __resolveType: () => activityPageTypeName(subsidiary) },
    Mutation: { ...mutationResolvers(subsidiary), ...importResolvers(subsidiary) },
  };
}
