import { fromDecimal128 } from '../common/mongo';
import { SUBSIDIARIES } from '../common/registry';
import type { FigureAdjustment } from '../common/regional-figures';
import { Consolidation, type Arrival, type ArrivedReport } from './consolidation';
import type { FiscalYearRegister, PublishedReportRecord } from './fiscal-years';
import type { GroupLoaders } from './loaders';
import { publishedReportView } from './publishing';
import type { ReportParams } from './report-params';

/**
 * A closed year's figures beside the published ones (docs/reporting.md, "Adjustments and
 * restatement"): the live cells of a closed year are the published ones (no write into the year is
 * taken), and each adjustment booked against the year's current close moves its original's cell
 * by amountChange. The restated total converts cells and adjustments together with the year's
 * rates and rounds once, so it differs from the published total by exactly the adjustments'
 * converted sum whenever that is a whole amount of the reporting currency.
 */

/** Adjustments of a subsidiary's report that restate a current close of their year. */
function current(adjustments: readonly FigureAdjustment[], closes: ReadonlyMap<number, PublishedReportRecord>): FigureAdjustment[] {
  return adjustments.filter((adjustment) => closes.get(adjustment.restatedFiscalYear)?.closeId === adjustment.closeId);
}

function withAdjustments(arrival: ArrivedReport, adjustments: readonly FigureAdjustment[]): ArrivedReport {
  // motivation is not a dimension adjustments restate: the cell's is a placeholder, and no
  // figure by motivation is computed from these cells
  const cells = adjustments.map((adjustment) => ({
    groupFiscalYear: adjustment.restatedFiscalYear,
    causeArea: adjustment.causeArea,
    contributionType: adjustment.contributionType,
    motivation: 'COMMUNITY_INVESTMENT' as const,
    amount: adjustment.amountChange,
    expenseCount: 0,
  }));
  return { ...arrival, cells: [...arrival.cells, ...cells] };
}

function adjustmentsOf(arrival: Arrival): FigureAdjustment[] {
  return arrival && 'cells' in arrival ? (arrival.adjustments ?? []) : [];
}

export async function restatement(params: ReportParams, arrivals: readonly Arrival[], unadjusted: Consolidation, loaders: GroupLoaders, register: FiscalYearRegister) {
  const closes = await register.currentCloses(params.from, params.to);
  const rates = await loaders.ratesForSpan(params.from, params.to);
  const quotes = rates.map((rate) => ({ currency: rate.currency, fiscalYear: rate.fiscalYear, jpyPerUnit: fromDecimal128(rate.jpyPerUnit), source: rate.source }));
  const restating = arrivals.map((arrival) => current(adjustmentsOf(arrival), closes));
  const adjusted = arrivals.map((arrival, index) => (arrival && 'cells' in arrival ? withAdjustments(arrival, restating[index]!) : arrival));
  const restated = new Consolidation(params, SUBSIDIARIES, adjusted, quotes);
  const lines = SUBSIDIARIES.flatMap((subsidiary, index) =>
    restating[index]!.map((adjustment) => {
      // one adjustment alone, converted like a line of the report
      const alone = SUBSIDIARIES.map((_, other) => (other === index ? withAdjustments({ ...(arrivals[index] as ArrivedReport), cells: [] }, [adjustment]) : null));
      const converted = () => new Consolidation({ ...params, allowPartial: true }, SUBSIDIARIES, alone, quotes).bySubsidiary()[index]!.converted;
      return { subsidiary: subsidiary.code, adjustment, local: { amount: adjustment.amountChange, currency: subsidiary.currency }, converted };
    }),
  );
  return { total: () => restated.total(), unadjusted: () => unadjusted.total(), adjustments: lines };
}

/** The published report of a one-year report's year, when it is closed. */
export async function publishedOf(from: number, to: number, register: FiscalYearRegister) {
  if (from !== to) return null;
  const published = (await register.currentCloses(from, to)).get(from);
  return published ? publishedReportView(published) : null;
}
