import { enumLabels } from '../../components/enum-labels';
import { formatLocale, useMessages } from '../../i18n';
import { formatMoney, formatNumber } from '../../money';
import type { ImportResult } from './api';
import { messages } from './messages';

/** Every problem the API listed, by row and column, with its own code and message. */
function Problems({ result }: { result: ImportResult }) {
  const t = useMessages(messages);
  if (result.problems.length === 0) return null;
  return (
    <section aria-labelledby="import-problems-title">
      <h2 id="import-problems-title">{t.problems}</h2>
      {result.problemCount > result.problems.length && <p class="hint">{t.moreProblems(result.problems.length, result.problemCount)}</p>}
      <table data-testid="import-problems">
        <thead>
          <tr>
            <th scope="col">{t.row}</th>
            <th scope="col">{t.column}</th>
            <th scope="col">{t.code}</th>
            <th scope="col">{t.message}</th>
          </tr>
        </thead>
        <tbody>
          {result.problems.map((problem, index) => (
            <tr key={index} data-row={problem.row} data-column={problem.column ?? ''}>
              <td>{problem.row}</td>
              <td>{problem.column ?? t.wholeRow}</td>
              <td>
                <code>{problem.code}</code>
              </td>
              <td>{problem.message}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}

/** What the file adds (or its clean rows would add), per group fiscal year, exactly as the API summed it. */
function Totals({ result }: { result: ImportResult }) {
  const t = useMessages(messages);
  const names = useMessages(enumLabels);
  const locale = formatLocale();
  if (result.totals.length === 0) return null;
  return (
    <section aria-labelledby="import-totals-title">
      <h2 id="import-totals-title">{result.status === 'REJECTED' ? t.totalsOfValid : t.totals}</h2>
      {result.kind === 'expenses' ? (
        <table data-testid="import-totals">
          <thead>
            <tr>
              <th scope="col">{t.fiscalYear}</th>
              <th scope="col">{t.contributionType}</th>
              <th scope="col" class="amount">
                {t.rows}
              </th>
              <th scope="col" class="amount">
                {t.amount}
              </th>
            </tr>
          </thead>
          <tbody>
            {result.totals.map((line) => (
              <tr key={`${line.groupFiscalYear}|${line.contributionType}`}>
                <td>{t.fy(line.groupFiscalYear)}</td>
                <td>{names.contributionType(line.contributionType)}</td>
                <td class="amount">{formatNumber(line.rows, locale)}</td>
                <td class="amount">{formatMoney(line.amount, locale)}</td>
              </tr>
            ))}
          </tbody>
          <tfoot>
            <tr>
              <th scope="row" colSpan={3}>
                {t.total}
              </th>
              <td class="amount" data-testid="import-total" data-amount={result.total.amount} data-currency={result.total.currency}>
                {formatMoney(result.total, locale)}
              </td>
            </tr>
          </tfoot>
        </table>
      ) : (
        <table data-testid="import-totals">
          <thead>
            <tr>
              <th scope="col">{t.fiscalYear}</th>
              <th scope="col" class="amount">
                {t.rows}
              </th>
              <th scope="col" class="amount">
                {t.people}
              </th>
              <th scope="col" class="amount">
                {t.hours}
              </th>
              <th scope="col" class="amount">
                {t.newRegistrations}
              </th>
            </tr>
          </thead>
          <tbody>
            {result.totals.map((line) => (
              <tr key={line.groupFiscalYear}>
                <td>{t.fy(line.groupFiscalYear)}</td>
                <td class="amount">{formatNumber(line.rows, locale)}</td>
                <td class="amount">{formatNumber(line.participants, locale)}</td>
                <td class="amount">{formatNumber(line.hours, locale)}</td>
                <td class="amount">{formatNumber(line.newRegistrations, locale)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}

function recordRange(result: ImportResult): [string, string] | null {
  const [first, last] = result.kind === 'expenses' ? [result.firstExpenseId, result.lastExpenseId] : [result.firstRecordId, result.lastRecordId];
  return first && last ? [first, last] : null;
}

/** The answer of a dry run or a commit: its status in words, the problems and the totals. */
export function ImportOutcome({ result }: { result: ImportResult }) {
  const t = useMessages(messages);
  const at = result.committedAt ? new Intl.DateTimeFormat(formatLocale(), { dateStyle: 'medium', timeStyle: 'medium' }).format(new Date(result.committedAt)) : '';
  const range = recordRange(result);
  return (
    <div class="import-outcome" data-testid="import-outcome" data-status={result.status} data-replayed={String(result.replayed)}>
      {result.status === 'VALID' && (
        <p class="banner ok" role="status">
          {t.valid(result.rows)}
        </p>
      )}
      {result.status === 'REJECTED' && (
        <p class="banner error" role="alert">
          {t.rejected(result.problemCount, result.rows)}
        </p>
      )}
      {result.status === 'COMMITTED' && (
        <p class={result.replayed ? 'banner warn' : 'banner ok'} role="status">
          {result.replayed ? t.alreadyImported(result.importId ?? '', at) : t.committed(result.rows, result.importId ?? '')} {range ? t.records(range[0], range[1]) : ''}
        </p>
      )}
      <Problems result={result} />
      <Totals result={result} />
    </div>
  );
}
