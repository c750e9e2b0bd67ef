import DataLoader from 'dataloader';
import type { ExpenseDocument, InitiativeDocument } from './documents';
import type { InitiativeExpenseTotals } from './store/expenses';
import type { ReportFigures, ReportScope } from './store/figures';
import type { RegionalStore } from './store';

/** Report reads batched together at most (a request's report entities beyond it take more batches). */
const REPORTS_PER_BATCH = 1_000;

function scopeKey(scope: ReportScope): string {
  return `${scope.span.from}|${scope.span.to}|${scope.causeArea ?? '*'}|${scope.contributionType ?? '*'}`;
}

function perFiscalYear<V>(build: (fiscalYear: number | null) => DataLoader<string, V>) {
  const loaders = new Map<number | null, DataLoader<string, V>>();
  return (fiscalYear: number | null): DataLoader<string, V> => {
    let loader = loaders.get(fiscalYear);
    if (!loader) loaders.set(fiscalYear, (loader = build(fiscalYear)));
    return loader;
  };
}

/** Per-request batching: one database round trip per list level, whatever the number of parents. */
export function createRegionalLoaders(store: RegionalStore) {
  return {
    initiative: new DataLoader<string, InitiativeDocument | null>((ids) => store.initiatives.findByIds(ids)),
    expense: new DataLoader<string, ExpenseDocument | null>((ids) => store.expenses.findByIds(ids)),
    expensesOf: perFiscalYear((fiscalYear) => new DataLoader<string, ExpenseDocument[]>((ids) => store.expenses.listByInitiatives(ids, fiscalYear))),
    totalsOf: perFiscalYear((fiscalYear) => new DataLoader<string, InitiativeExpenseTotals>((ids) => store.figures.totalsOf(ids, fiscalYear))),
    /** The figures of every report entity of the request, in the round trips of one (store/figures.ts `reports`). */
    report: new DataLoader<ReportScope, ReportFigures, string>((scopes) => store.figures.reports(scopes), { cacheKeyFn: scopeKey, maxBatchSize: REPORTS_PER_BATCH }),
  };
}

export type RegionalLoaders = ReturnType<typeof createRegionalLoaders>;
