import { AdjustmentsTable } from '../../components/adjustments-table';
import { formatLocale, useMessages } from '../../i18n';
import { formatMoney } from '../../money';
import { messages } from './messages';
import type { Published, Restated } from './query';

function dateTime(iso: string, locale: string): string {
  return new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeStyle: 'short' }).format(new Date(iso));
}

/** A closed year: the report as published (hash, when, by whom, total) and the adjustments booked since, restating it. */
export function PublishedPanel({ published, restated }: { published: Published; restated: Restated | null }) {
  const t = useMessages(messages);
  const locale = formatLocale();
  const adjustments = restated?.adjustments ?? [];
  return (
    <section class="panel published-panel" aria-labelledby="published-title" data-testid="published">
      <h2 id="published-title">{t.published}</h2>
      <p>{t.publishedIntro(published.version, published.closeId)}</p>
      {published.reopened && <p class="banner warn">{t.reopened(dateTime(published.reopened.at, locale), published.reopened.reason)}</p>}
      <dl class="facts">
        <dt>{t.publishedTotal}</dt>
        <dd data-testid="published-total" data-amount={published.total.amount}>{formatMoney(published.total, locale)}</dd>
        <dt>{t.publishedAt}</dt>
        <dd>{dateTime(published.closedAt, locale)}</dd>
        <dt>{t.publishedBy}</dt>
        <dd>{published.closedBy}</dd>
        <dt>{t.hash}</dt>
        <dd>
          <code data-testid="published-hash">{published.hash}</code>
        </dd>
        {restated?.total && (
          <>
            <dt>{t.restatedTotal}</dt>
            <dd data-testid="restated-total" data-amount={restated.total.amount}>{formatMoney(restated.total, locale)}</dd>
          </>
        )}
      </dl>
      <h3>{t.adjustments}</h3>
      {adjustments.length === 0 ? (
        <p>{t.noAdjustments}</p>
      ) : (
        <AdjustmentsTable
          convertedHeading={t.converted}
          rows={adjustments.map((line) => ({ id: line.adjustment.id, subsidiary: line.subsidiary, originalExpenseId: line.adjustment.originalExpenseId, date: line.adjustment.date, reason: line.adjustment.reason, local: line.local, converted: line.converted }))}
        />
      )}
    </section>
  );
}
