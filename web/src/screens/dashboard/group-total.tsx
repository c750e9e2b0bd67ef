import { formatLocale, useMessages } from '../../i18n';
import { formatMoney } from '../../money';
import { messages } from './messages';
import type { Amount } from './query';

interface GroupTotalProps {
  heading: string;
  total: Amount | null;
  complete: boolean;
  asOf: string | null;
}

/** The group total as the API gives it; complete only when every subsidiary's figures arrived. */
export function GroupTotal({ heading, total, complete, asOf }: GroupTotalProps) {
  const t = useMessages(messages);
  const locale = formatLocale();
  const whole = total !== null && complete && !total.partial;
  return (
    <section class="panel total-panel" aria-labelledby="group-total-title">
      <h2 id="group-total-title">{heading}</h2>
      <p
        class={`group-total${whole ? '' : ' incomplete'}`}
        data-testid="group-total"
        data-complete={whole ? 'true' : 'false'}
        data-amount={total?.amount}
        data-currency={total?.currency}
      >
        {total ? formatMoney(total, locale) : t.totalNotShown}
        {total && !whole && <span class="badge partial">{t.partial}</span>}
      </p>
      {total && !whole && <p class="hint">{t.partialTotalNote}</p>}
      {asOf && <p class="hint">{t.asOf(new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeStyle: 'medium' }).format(new Date(asOf)))}</p>}
    </section>
  );
}
