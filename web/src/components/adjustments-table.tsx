import { defineMessages, formatLocale, useMessages } from '../i18n';
import { formatMoney, type Money } from '../money';

const messages = defineMessages({
  en: { subsidiary: 'Subsidiary', original: 'Corrects record', date: 'Booked on', reason: 'Reason', local: 'Local amount' },
  ja: { subsidiary: '子会社', original: '修正対象の記録', date: '計上日', reason: '理由', local: '現地通貨額' },
});

/** One adjustment booked after a year's close: what it corrects, when, why, and by how much. */
export interface AdjustmentRow {
  id: string;
  subsidiary: string;
  originalExpenseId: string;
  date: string;
  reason: string;
  local: Money;
  converted: Money | null;
}

/** The adjustments restating a closed year (the dashboard's published panel, the drill-down). */
export function AdjustmentsTable({ rows, convertedHeading }: { rows: readonly AdjustmentRow[]; convertedHeading: string }) {
  const t = useMessages(messages);
  const locale = formatLocale();
  return (
    <table>
      <thead>
        <tr>
          <th scope="col">{t.subsidiary}</th>
          <th scope="col">{t.original}</th>
          <th scope="col">{t.date}</th>
          <th scope="col">{t.reason}</th>
          <th scope="col" class="amount">
            {t.local}
          </th>
          <th scope="col" class="amount">
            {convertedHeading}
          </th>
        </tr>
      </thead>
      <tbody>
        {rows.map((row) => (
          <tr key={row.id}>
            <th scope="row">{row.subsidiary}</th>
            <td>{row.originalExpenseId}</td>
            <td>{row.date}</td>
            <td>{row.reason}</td>
            <td class="amount">{formatMoney(row.local, locale)}</td>
            <td class="amount">{row.converted ? formatMoney(row.converted, locale) : '—'}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
