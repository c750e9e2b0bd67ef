import { formatLocale, useMessages } from '../../i18n';
import { formatRate } from '../../components/format-rate';
import { messages } from './messages';
import type { SubsidiaryLine } from './query';

/** The rates each subsidiary's figures were converted with, and where each rate comes from. */
export function RatesPanel({ lines, currency }: { lines: readonly SubsidiaryLine[]; currency: string }) {
  const t = useMessages(messages);
  const locale = formatLocale();
  const rows = lines.flatMap((line) => line.ratesUsed.map((rate) => ({ ...rate, subsidiary: line.name, key: `${line.code}|${rate.currency}|${rate.fiscalYear}` })));
  return (
    <section class="panel" aria-labelledby="rates-title" data-testid="rates-used">
      <h2 id="rates-title">{t.rates}</h2>
      {rows.length === 0 ? (
        <p>{t.noRates}</p>
      ) : (
        <table>
          <thead>
            <tr>
              <th scope="col">{t.subsidiary}</th>
              <th scope="col">{t.rateCurrency}</th>
              <th scope="col">{t.fiscalYear}</th>
              <th scope="col" class="amount">
                {t.rate(currency)}
              </th>
              <th scope="col">{t.rateSource}</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((row) => (
              <tr key={row.key}>
                <th scope="row">{row.subsidiary}</th>
                <td>{row.currency}</td>
                <td>{t.fy(row.fiscalYear)}</td>
                <td class="amount">{formatRate(row.rate, locale)}</td>
                <td>{row.source ?? '—'}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
