import { useMessages } from '../../i18n';
import { navigate } from '../../router';
import { messages } from './messages';
import { periodYears, selectionParams, type Selection } from './selection';

interface ToolbarProps {
  selection: Selection;
  fiscalYears: readonly number[];
  currencies: readonly string[];
}

/** Period (one year or a range), reporting currency and "show partial figures": each change is a new route. */
export function Toolbar({ selection, fiscalYears, currencies }: ToolbarProps) {
  const t = useMessages(messages);
  const show = (next: Selection) => navigate('dashboard', selectionParams(next));
  const { from, to } = periodYears(selection.period);
  const years = fiscalYears.includes(to) && fiscalYears.includes(from) ? fiscalYears : [...new Set([...fiscalYears, from, to])].sort((a, b) => b - a);
  const yearOptions = years.map((year) => (
    <option key={year} value={year}>
      {t.fy(year)}
    </option>
  ));
  const setRange = (nextFrom: number, nextTo: number) => show({ ...selection, period: nextFrom === nextTo ? { kind: 'year', fiscalYear: nextFrom } : { kind: 'range', from: Math.min(nextFrom, nextTo), to: Math.max(nextFrom, nextTo) } });

  return (
    <form class="toolbar dashboard-toolbar" onSubmit={(event) => event.preventDefault()}>
      <fieldset class="period">
        <legend>{t.period}</legend>
        <label class="choice">
          <input type="radio" name="period" checked={selection.period.kind === 'year'} onChange={() => show({ ...selection, period: { kind: 'year', fiscalYear: to } })} />
          {t.oneYear}
        </label>
        <label class="choice">
          <input type="radio" name="period" checked={selection.period.kind === 'range'} onChange={() => show({ ...selection, period: { kind: 'range', from: to - 2, to } })} />
          {t.range}
        </label>
      </fieldset>
      {selection.period.kind === 'year' ? (
        <div class="field">
          <label for="dashboard-year">{t.fiscalYear}</label>
          <select id="dashboard-year" value={String(from)} onChange={(event) => show({ ...selection, period: { kind: 'year', fiscalYear: Number(event.currentTarget.value) } })}>
            {yearOptions}
          </select>
        </div>
      ) : (
        <>
          <div class="field">
            <label for="dashboard-from">{t.fromYear}</label>
            <select id="dashboard-from" value={String(from)} onChange={(event) => setRange(Number(event.currentTarget.value), to)}>
              {yearOptions}
            </select>
          </div>
          <div class="field">
            <label for="dashboard-to">{t.toYear}</label>
            <select id="dashboard-to" value={String(to)} onChange={(event) => setRange(from, Number(event.currentTarget.value))}>
              {yearOptions}
            </select>
          </div>
        </>
      )}
      <div class="field">
        <label for="dashboard-currency">{t.currency}</label>
        <select id="dashboard-currency" value={selection.currency} onChange={(event) => show({ ...selection, currency: event.currentTarget.value })}>
          {(currencies.includes(selection.currency) ? currencies : [selection.currency, ...currencies]).map((currency) => (
            <option key={currency} value={currency}>
              {currency}
            </option>
          ))}
        </select>
      </div>
      <label class="choice partial-toggle">
        <input type="checkbox" checked={selection.partial} onChange={(event) => show({ ...selection, partial: event.currentTarget.checked })} />
        {t.showPartial}
      </label>
    </form>
  );
}
