import { useEffect, useMemo, useState } from 'preact/hooks';
import type { ChartLine } from '../../components/chart-panel';
import { ChartPanel } from '../../components/chart-panel';
import { DownloadButtons } from '../../components/download-buttons';
import { labelOf, reportLabels } from '../../components/report-labels';
import { locale as currentLocale, formatLocale, useMessages } from '../../i18n';
import { href, route } from '../../router';
import { GoalsPanel } from './goals-panel';
import { GroupTotal } from './group-total';
import { messages } from './messages';
import { MissingBanner } from './missing-banner';
import { PublishedPanel } from './published-panel';
import { loadDashboard, loadReferenceData, yearsWithRecords, type DashboardResult, type ReferenceData, type Report } from './query';
import { RatesPanel } from './rates-panel';
import { TREND_YEARS, defaultFiscalYear, exportQuery, hasPeriod, lastCompletedFiscalYear, parseSelection, recordsParams, selectionParams, type LineKey, type Selection } from './selection';
import { Toolbar } from './toolbar';
import { ProblemsBanner } from '../../components/problems-banner';

/** "NEC India (IN)", from the report's lines or its missing list; the code alone when neither names it. */
function subsidiaryName(report: Report | null, code: string): string {
  const name = report?.bySubsidiary?.find((line) => line.code === code)?.name ?? report?.completeness?.missing.find((line) => line.code === code)?.name;
  return name ? `${name} (${code})` : code;
}

type Load = { state: 'loading' } | { state: 'failed'; message: string } | { state: 'loaded'; result: DashboardResult };

function useDashboard(selection: Selection, key: string, enabled: boolean): Load {
  const [load, setLoad] = useState<Load>({ state: 'loading' });
  useEffect(() => {
    if (!enabled) return;
    let current = true;
    setLoad({ state: 'loading' });
    loadDashboard(selection).then(
      (result) => current && setLoad({ state: 'loaded', result }),
      (error: unknown) => current && setLoad({ state: 'failed', message: error instanceof Error ? error.message : String(error) }),
    );
    return () => {
      current = false;
    };
  }, [key, enabled]);
  return load;
}

/** A route without a period goes to the newest year with records (of the last TREND_YEARS completed ones), in place. */
function useDefaultPeriod(selection: Selection, needed: boolean): void {
  useEffect(() => {
    if (!needed || selection.period.kind !== 'year') return;
    const lastCompleted = selection.period.fiscalYear;
    let current = true;
    // only if the person is still where they landed: no other screen, no year named meanwhile
    const stillLanding = () => {
      const [path = '', query = ''] = location.hash.split('?');
      return current && ['', '#/', '#/dashboard'].includes(path) && !hasPeriod(new URLSearchParams(query));
    };
    const go = (fiscalYear: number) => stillLanding() && location.replace(href('dashboard', selectionParams({ ...selection, period: { kind: 'year', fiscalYear } })));
    yearsWithRecords(lastCompleted - TREND_YEARS + 1, lastCompleted).then(
      (years) => go(defaultFiscalYear(years, lastCompleted)),
      () => go(lastCompleted),
    );
    return () => {
      current = false;
    };
  }, [needed]);
}

export function Dashboard() {
  const t = useMessages(messages);
  const labels = useMessages(reportLabels);
  const locale = formatLocale();
  const [reference, setReference] = useState<ReferenceData>({ currencies: ['JPY'], fiscalYears: [] });
  useEffect(() => {
    loadReferenceData().then(setReference, () => undefined);
  }, []);

  const selection = parseSelection(route.value.params, { fiscalYear: lastCompletedFiscalYear(new Date()), currency: 'JPY' });
  const key = JSON.stringify(selectionParams(selection));
  const explicit = hasPeriod(route.value.params);
  useDefaultPeriod(selection, !explicit);
  const load = useDashboard(selection, key, explicit);
  const periodLabel = selection.period.kind === 'year' ? t.fyDates(selection.period.fiscalYear) : t.fyRange(selection.period.from, selection.period.to);

  const report = load.state === 'loaded' ? load.result.data.report : null;
  const trend = load.state === 'loaded' ? load.result.data.trend : null;
  const missing = report?.completeness?.missing ?? [];
  const complete = report?.completeness?.complete === true;
  const showFigures = report !== null && (complete || selection.partial);
  const partial = !complete;

  const charts = useMemo(() => {
    if (!report) return null;
    const target = (line: LineKey): ChartLine['target'] => ['records', recordsParams(selection, line)];
    return {
      bySubsidiary: (report.bySubsidiary ?? []).map<ChartLine>((line) => ({
        key: line.code,
        label: line.name,
        amount: line.available ? line.converted : null,
        expenseCount: line.expenseCount,
        target: target({ subsidiary: line.code }),
        partial: false,
        ...(line.available || !line.local ? {} : { note: t.notAvailable }),
      })),
      byCauseArea: report.byCauseArea?.map<ChartLine>((line) => ({ key: line.causeArea, label: labelOf(labels, line.causeArea), amount: line.amount, expenseCount: line.expenseCount, target: target({ causeArea: line.causeArea }), partial: line.amount.partial })) ?? null,
      byContributionType:
        report.byContributionType?.map<ChartLine>((line) => ({ key: line.contributionType, label: labelOf(labels, line.contributionType), amount: line.amount, expenseCount: line.expenseCount, target: target({ contributionType: line.contributionType }), partial: line.amount.partial })) ?? null,
      byYear: trend?.byFiscalYear?.map<ChartLine>((line) => ({ key: String(line.fiscalYear), label: t.fy(line.fiscalYear), amount: line.amount, expenseCount: line.expenseCount, target: target({ fiscalYear: line.fiscalYear }), partial: line.amount.partial })) ?? null,
    };
  }, [report, trend, key, currentLocale.value]);

  const chartText = { partial: t.partial, line: t.line, amount: t.amount, records: t.recordsColumn, chartLabel: t.chartLabel, drillHint: t.drillHint, notAvailable: t.notAvailable, empty: t.noRecords };
  const chartProps = { locale, currency: selection.currency, partial, text: chartText };

  return (
    <div class="dashboard">
      <h1>
        {t.title} <span class="subtitle">{periodLabel}</span>
      </h1>
      <Toolbar selection={selection} fiscalYears={reference.fiscalYears} currencies={reference.currencies} />
      {load.state === 'loading' && (
        <p class="hint" aria-live="polite">
          {t.loading}
        </p>
      )}
      {load.state === 'failed' && (
        <p class="banner error" role="alert">
          {t.failed(load.message)}
        </p>
      )}
      {load.state === 'loaded' && (
        <>
          <MissingBanner missing={missing} title={t.missingTitle} line={(name, code, reason, reasonCode) => t.missingLine(name, code, t.missingReason(reasonCode, reason))} consequence={selection.partial ? t.missingShown : t.missingHidden} />
          <ProblemsBanner title={t.problems} problems={load.result.problems} />
          <div class="grid summary">
            <GroupTotal heading={`${t.groupTotal} · ${periodLabel}`} total={showFigures ? (report?.total ?? null) : null} complete={complete} asOf={report?.asOf ?? null} />
            <section class="panel" aria-labelledby="download-title">
              <h2 id="download-title">{t.download}</h2>
              <DownloadButtons
                exportName="report-lines"
                query={exportQuery(selection)}
                text={{
                  title: t.download,
                  csv: t.downloadCsv,
                  xlsx: t.downloadXlsx,
                  busy: t.downloading,
                  done: t.downloaded,
                  failed: t.downloadFailed,
                  incomplete: (codes) => t.downloadIncomplete(codes.map((code) => subsidiaryName(report, code)).join(', ')),
                  note: t.downloadNote,
                }}
              />
            </section>
          </div>
          {report?.published && <PublishedPanel published={report.published} restated={report.restated ?? null} />}
          {showFigures && charts && (
            <>
              <div class="grid charts">
                <ChartPanel testId="chart-by-subsidiary" title={t.bySubsidiary} kind="bar" lines={charts.bySubsidiary} {...chartProps} />
                {charts.byYear && <ChartPanel testId="chart-by-year" title={t.byYear} kind="line" lines={charts.byYear} {...chartProps} />}
                {charts.byCauseArea && <ChartPanel testId="chart-by-cause-area" title={t.byCauseArea} kind="bar" lines={charts.byCauseArea} {...chartProps} />}
                {charts.byContributionType && <ChartPanel testId="chart-by-contribution-type" title={t.byContributionType} kind="bar" lines={charts.byContributionType} {...chartProps} />}
              </div>
              {report.goals && <GoalsPanel goals={report.goals} partial={partial} />}
              {report.bySubsidiary && <RatesPanel lines={report.bySubsidiary} currency={selection.currency} />}
            </>
          )}
        </>
      )}
    </div>
  );
}
