import { useEffect, useState } from 'preact/hooks';
import { DownloadButtons } from '../../components/download-buttons';
import { formatRate } from '../../components/format-rate';
import { labelOf, reportLabels } from '../../components/report-labels';
import { formatLocale, useMessages } from '../../i18n';
import { formatMoney, formatNumber } from '../../money';
import { href, route } from '../../router';
import { MissingBanner } from '../dashboard/missing-banner';
import { exportQuery, lastCompletedFiscalYear, lineInput, parseLine, parseSelection, selectionParams, type LineKey, type Selection } from '../dashboard/selection';
import { messages } from './messages';
import { loadInitiativeTitles, loadRecords, type RecordsPage } from './query';
import { ProblemsBanner } from '../../components/problems-banner';
import { AdjustmentsTable } from '../../components/adjustments-table';
import { PagerButtons } from '../../components/pager-buttons';

type Load = { state: 'loading' } | { state: 'failed'; message: string } | { state: 'loaded'; result: RecordsPage; titles: Map<string, string> };

/** The records behind one line of the dashboard, a keyset page at a time (the cursors of earlier pages kept for "previous"). */
export function Records() {
  const t = useMessages(messages);
  const labels = useMessages(reportLabels);
  const locale = formatLocale();
  const selection = parseSelection(route.value.params, { fiscalYear: lastCompletedFiscalYear(new Date()), currency: 'JPY' });
  const line = parseLine(route.value.params);
  const input = lineInput(selection, line);
  const key = JSON.stringify(input);
  const [paging, setPaging] = useState<{ key: string; cursors: (string | null)[] }>({ key, cursors: [null] });
  const cursors = paging.key === key ? paging.cursors : [null];
  const setCursors = (next: (string | null)[]) => setPaging({ key, cursors: next });
  const [load, setLoad] = useState<Load>({ state: 'loading' });
  const after = cursors[cursors.length - 1] ?? null;

  useEffect(() => {
    let current = true;
    setLoad({ state: 'loading' });
    loadRecords(input, after)
      .then(async (result) => {
        const ids = [...new Set((result.page?.records ?? []).flatMap((record) => (record.initiativeId ? [record.initiativeId] : [])))];
        const titles = await loadInitiativeTitles(ids);
        if (current) setLoad({ state: 'loaded', result, titles });
      })
      .catch((error: unknown) => current && setLoad({ state: 'failed', message: error instanceof Error ? error.message : String(error) }));
    return () => {
      current = false;
    };
  }, [key, after]);

  const names = load.state === 'loaded' ? load.result.names : new Map<string, string>();
  const describe = describeLine(selection, line, names, (value) => labelOf(labels, value), t);
  const page = load.state === 'loaded' ? load.result.page : null;
  const pageNumber = cursors.length;

  return (
    <div class="records">
      <p>
        <a href={href('dashboard', selectionParams(selection))}>← {t.back}</a>
      </p>
      <h1>{t.title}</h1>
      <p class="line-description" data-testid="records-line">
        {t.lineOf(describe)}
      </p>
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
      {load.state === 'loaded' && page && (
        <>
          <MissingBanner missing={page.missingSubsidiaries} title={t.missingTitle} line={(name, code, reason, reasonCode) => t.missingLine(name, code, t.missingReason(reasonCode, reason))} consequence={t.missingConsequence} />
          <ProblemsBanner title={t.problems} problems={load.result.problems} />
          <div class="grid summary">
            <section class="panel">
              <h2>{t.lineAmount}</h2>
              <p class="group-total" data-testid="records-amount" data-amount={page.amount?.amount} data-currency={page.amount?.currency}>
                {page.amount ? formatMoney(page.amount, locale) : '—'} {page.amount?.partial && <span class="badge partial">{t.partial}</span>}
              </p>
              {page.expenseCount !== null && (
                <p data-testid="records-count" data-count={page.expenseCount}>
                  {t.count(formatNumber(page.expenseCount, locale))}
                </p>
              )}
              {page.adjustments.length > 0 && page.restatedAmount && (
                <p>
                  {t.restated}: {formatMoney(page.restatedAmount, locale)}
                </p>
              )}
            </section>
            <section class="panel" aria-labelledby="records-download-title">
              <h2 id="records-download-title">{t.download}</h2>
              <DownloadButtons
                exportName="expenses"
                query={exportQuery(selection, { ...(line.subsidiary ? { subsidiary: line.subsidiary } : {}), ...(line.fiscalYear !== undefined ? { fiscalYear: line.fiscalYear } : {}) })}
                text={{
                  title: t.download,
                  csv: t.downloadCsv,
                  xlsx: t.downloadXlsx,
                  busy: t.downloading,
                  done: t.downloaded,
                  failed: t.downloadFailed,
                  incomplete: (codes) => t.downloadIncomplete(codes.map((code) => (names.has(code) ? `${names.get(code)} (${code})` : code)).join(', ')),
                  note: `${t.downloadNote(describeScope(selection, line, names, t))}${line.causeArea || line.contributionType ? ` ${t.downloadNarrower}` : ''}`,
                }}
              />
            </section>
          </div>
          {page.records.length === 0 ? (
            <p>{t.none}</p>
          ) : (
            <>
              <table class="records-table" data-testid="records-table">
                <caption>{t.tableCaption(pageNumber)}</caption>
                <thead>
                  <tr>
                    <th scope="col">{t.subsidiary}</th>
                    <th scope="col">{t.record}</th>
                    <th scope="col">{t.initiative}</th>
                    <th scope="col">{t.date}</th>
                    <th scope="col">{t.contributionType}</th>
                    <th scope="col">{t.causeArea}</th>
                    <th scope="col" class="amount">
                      {t.localAmount}
                    </th>
                    <th scope="col" class="amount">
                      {t.rate}
                    </th>
                    <th scope="col" class="amount">
                      {t.convertedAmount(selection.currency)}
                    </th>
                  </tr>
                </thead>
                <tbody>
                  {page.records.map((record) => (
                    <tr key={record.id} data-subsidiary={record.subsidiary} data-converted={record.convertedAmount?.amount}>
                      <td>{names.get(record.subsidiary) ?? record.subsidiary}</td>
                      <th scope="row">{record.id}</th>
                      <td>{record.initiativeId ? (load.titles.get(record.initiativeId) ?? record.initiativeId) : '—'}</td>
                      <td>{record.date}</td>
                      <td>{record.contributionType ? labelOf(labels, record.contributionType) : '—'}</td>
                      <td>{record.causeArea ? labelOf(labels, record.causeArea) : '—'}</td>
                      <td class="amount">{record.amount ? formatMoney(record.amount, locale) : '—'}</td>
                      <td class="amount">{record.rate ? formatRate(record.rate, locale) : '—'}</td>
                      <td class="amount">{record.convertedAmount ? formatMoney(record.convertedAmount, locale) : '—'}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
              <p class="hint">{t.roundingNote}</p>
            </>
          )}
          <nav class="pager" aria-label={t.page(pageNumber)}>
            <PagerButtons cursors={cursors} pageInfo={page.pageInfo} onCursors={setCursors} text={t}>
              <span>{t.page(pageNumber)}</span>
            </PagerButtons>
          </nav>
          {page.adjustments.length > 0 && (
            <section class="panel">
              <h2>{t.adjustments}</h2>
              <AdjustmentsTable
                convertedHeading={t.convertedAmount(selection.currency)}
                rows={page.adjustments.map((line) => ({
                  id: line.adjustment.id,
                  subsidiary: names.get(line.subsidiary) ?? line.subsidiary,
                  originalExpenseId: line.adjustment.originalExpenseId,
                  date: line.adjustment.date,
                  reason: line.adjustment.reason,
                  local: line.amountChange,
                  converted: line.convertedAmountChange,
                }))}
              />
            </section>
          )}
        </>
      )}
    </div>
  );
}

type Text = (typeof messages)['en'];

function periodOf(selection: Selection, line: LineKey, t: Text): string {
  if (line.fiscalYear !== undefined) return t.fy(line.fiscalYear);
  return selection.period.kind === 'year' ? t.fy(selection.period.fiscalYear) : t.fyRange(selection.period.from, selection.period.to);
}

function describeLine(selection: Selection, line: LineKey, names: Map<string, string>, label: (value: string) => string, t: Text): string {
  const parts = [periodOf(selection, line, t), selection.currency];
  if (line.subsidiary) parts.push(names.get(line.subsidiary) ?? line.subsidiary);
  if (line.causeArea) parts.push(label(line.causeArea));
  if (line.contributionType) parts.push(label(line.contributionType));
  if (!line.subsidiary && !line.causeArea && !line.contributionType && line.fiscalYear === undefined) parts.push(t.wholeReport);
  return parts.join(' · ');
}

function describeScope(selection: Selection, line: LineKey, names: Map<string, string>, t: Text): string {
  const period = periodOf(selection, line, t);
  return line.subsidiary ? `${names.get(line.subsidiary) ?? line.subsidiary}, ${period}` : period;
}
