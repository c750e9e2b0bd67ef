import DataLoader from 'dataloader';
import type { GraphQLResolverMap } from '@apollo/subgraph/dist/schema-helper';
import { raise } from '../../common/errors';
import { Decimal } from '../../common/decimal';
import { money } from '../../common/money';
import { fromDecimal128, toDecimal128 } from '../../common/mongo';
import type { RegionalContext } from '../../kit/context';
import type { InitiativeDocument } from '../../kit/documents';
import { LIMITS, fiscalYearArg, ownId } from '../../kit/validation';
import { isCsrEligible, type CsrClassificationDocument, type CsrFinancialsDocument, type ScheduleVIIItem } from './documents';
import { csrObligation, type YearFinancials } from './obligation';
import { CsrStore } from './store';

const INR = 'INR';
const MAX_FIGURE = Decimal.parse('1000000000000000');

const stores = new WeakMap<object, CsrStore>();
function storeOf(context: RegionalContext): CsrStore {
  let store = stores.get(context.store.db);
  if (!store) stores.set(context.store.db, (store = new CsrStore(context.store.db)));
  return store;
}

/** Per-request batching of classifications, keyed on the request's context. */
const classificationLoaders = new WeakMap<RegionalContext, DataLoader<string, CsrClassificationDocument | null>>();
function classificationLoader(context: RegionalContext) {
  let loader = classificationLoaders.get(context);
  if (!loader) classificationLoaders.set(context, (loader = new DataLoader((ids) => storeOf(context).classificationsOf(ids))));
  return loader;
}

function figure(text: string | null | undefined, field: string, allowNegative: boolean): Decimal | null {
  if (text === null || text === undefined) return null;
  const value = Decimal.isValid(text) ? Decimal.parse(text) : raise('BAD_USER_INPUT', `${field} must be a decimal number`, { field });
  if (value.fractionDigits() > 2) raise('BAD_USER_INPUT', `${field} may have at most 2 digits after the decimal point (paise)`, { field });
  if (!allowNegative && value.isNegative()) raise('BAD_USER_INPUT', `${field} must not be negative`, { field });
  const magnitude = value.isNegative() ? value.negate() : value;
  if (magnitude.compare(MAX_FIGURE) > 0) raise('BAD_USER_INPUT', `${field} must be at most ${MAX_FIGURE.toString()} INR in size`, { field });
  return value;
}

function financialsView(doc: CsrFinancialsDocument) {
  const optional = (value: CsrFinancialsDocument['netWorth']) => (value ? money(fromDecimal128(value), INR) : null);
  return {
    fiscalYear: doc.fiscalYear,
    netProfit: money(fromDecimal128(doc.netProfit), INR),
    netWorth: optional(doc.netWorth),
    turnover: optional(doc.turnover),
    provenance: { illustrative: doc.illustrative, source: doc.source },
  };
}

function toYear(doc: CsrFinancialsDocument): YearFinancials {
  return {
    fiscalYear: doc.fiscalYear,
    netProfit: fromDecimal128(doc.netProfit),
    netWorth: doc.netWorth ? fromDecimal128(doc.netWorth) : null,
    turnover: doc.turnover ? fromDecimal128(doc.turnover) : null,
  };
}

interface ClassificationInput {
  scheduleVII: ScheduleVIIItem[];
  ongoingProject: boolean;
  inIndia: boolean;
  employeesOnly: boolean;
  marketing: boolean;
}

export const csrResolvers: GraphQLResolverMap<RegionalContext> = {
  IndiaSubsidiary: {
    csrFinancials: async (_parent: unknown, _args: unknown, context: RegionalContext) => (await storeOf(context).allFinancials()).map(financialsView),
    csrObligation: async (_parent: unknown, args: { fiscalYear: number }, context: RegionalContext) => {
      const fiscalYear = fiscalYearArg(args.fiscalYear, 'fiscalYear')!;
      const store = storeOf(context);
      const wanted = [fiscalYear - 1, fiscalYear - 2, fiscalYear - 3];
      const [stored, { spend, unclassified }] = await Promise.all([store.financialsOf(wanted), store.spend(fiscalYear)]);
      const byYear = new Map(stored.map((doc) => [doc.fiscalYear, doc]));
      const missing = wanted.filter((year) => !byYear.has(year));
      if (missing.length > 0) {
        raise('NOT_FOUND', `The CSR obligation of FY${fiscalYear} needs the net profit of FY${missing.join(', FY')}; record it with indiaRecordCsrFinancials`, {
          missingFiscalYears: missing,
        });
      }
      const preceding = wanted.map((year) => byYear.get(year)!);
      const result = csrObligation(fiscalYear, preceding.map(toYear) as [YearFinancials, YearFinancials, YearFinancials], spend);
      const amounts = Object.fromEntries(
        Object.entries(result).map(([key, value]) => [key, value instanceof Decimal ? money(value, INR) : value]),
      );
      return { ...amounts, precedingYears: preceding.map(financialsView), unclassifiedInitiatives: unclassified };
    },
  },

  IndiaInitiative: {
    csrClassification: async (doc: InitiativeDocument, _args: unknown, context: RegionalContext) => {
      const classification = await classificationLoader(context).load(doc._id);
      return classification ? { ...classification, eligible: isCsrEligible(classification) } : null;
    },
  },

  Mutation: {
    indiaRecordCsrFinancials: async (
      _root: unknown,
      { input }: { input: { fiscalYear: number; netProfit: string; netWorth?: string | null; turnover?: string | null } },
      context: RegionalContext,
    ) => {
      const fiscalYear = fiscalYearArg(input.fiscalYear, 'input.fiscalYear')!;
      const netProfit = figure(input.netProfit, 'input.netProfit', true)!;
      const netWorth = figure(input.netWorth, 'input.netWorth', true);
      const turnover = figure(input.turnover, 'input.turnover', false);
      const saved = await storeOf(context).saveFinancials({
        _id: `FY${fiscalYear}`,
        fiscalYear,
        netProfit: toDecimal128(netProfit),
        netWorth: netWorth ? toDecimal128(netWorth) : null,
        turnover: turnover ? toDecimal128(turnover) : null,
        illustrative: false,
        source: `Recorded by ${context.actor}`,
        updatedAt: new Date(),
        updatedBy: context.actor,
      });
      return financialsView(saved);
    },
    indiaClassifyCsrInitiative: async (_root: unknown, { initiativeId, input }: { initiativeId: string; input: ClassificationInput }, context: RegionalContext) => {
      const initiative = await context.store.initiatives.get(ownId(initiativeId, context.subsidiary, 'initiativeId'));
      if (input.scheduleVII.length > LIMITS.tags) raise('BAD_USER_INPUT', `input.scheduleVII may hold at most ${LIMITS.tags} items`, { field: 'input.scheduleVII' });
      await storeOf(context).saveClassification({
        _id: initiative._id,
        scheduleVII: [...new Set(input.scheduleVII)],
        ongoingProject: input.ongoingProject,
        inIndia: input.inIndia,
        employeesOnly: input.employeesOnly,
        marketing: input.marketing,
        updatedAt: new Date(),
        updatedBy: context.actor,
      });
      return initiative;
    },
  },
};
