import { useEffect, useState } from 'preact/hooks';
import { useMessages } from '../../i18n';
import { enumLabels } from '../../components/enum-labels';
import { PagerButtons } from '../../components/pager-buttons';
import { href } from '../../router';
import { loadInitiatives, type InitiativeFilter, type InitiativeSummary, type PageInfo, type ReferenceData } from './api';
import { messages } from './messages';

export const STATUSES = ['PLANNED', 'ACTIVE', 'COMPLETED', 'ARCHIVED'] as const;

/** Group fiscal years to filter by: this one (April–March, named by the year it ends in) and the nine before. */
const FISCAL_YEARS = (() => {
  const now = new Date();
  const current = now.getUTCMonth() >= 3 ? now.getUTCFullYear() + 1 : now.getUTCFullYear();
  return Array.from({ length: 10 }, (_, index) => current - index);
})();

interface Props {
  code: string;
  reference: ReferenceData | null;
  selected: string | null;
  /** Changes when the list must be read again (after a write). */
  revision: number;
}

interface Page {
  nodes: InitiativeSummary[];
  totalCount: number;
  pageInfo: PageInfo;
}

/** The subsidiary's initiatives: search, cause area and status filters, keyset pages (keyed by subsidiary: a new one starts afresh). */
export function InitiativeList({ code, reference, selected, revision }: Props) {
  const t = useMessages(messages);
  const names = useMessages(enumLabels);
  const [text, setText] = useState('');
  const [filter, setFilter] = useState<InitiativeFilter>({});
  // cursors of the pages before this one: "previous" goes back without an offset
  const [cursors, setCursors] = useState<(string | null)[]>([null]);
  const [page, setPage] = useState<Page | null>(null);
  const [problem, setProblem] = useState<string | null>(null);
  const after = cursors.at(-1) ?? null;

  useEffect(() => {
    let current = true;
    setProblem(null);
    loadInitiatives(code, filter, after).then(
      (result) => {
        if (!current) return;
        if (result) setPage(result);
        else setProblem(t.unavailable('—'));
      },
      (error: unknown) => {
        if (current) setProblem(t.unavailable(error instanceof Error ? error.message : String(error)));
      },
    );
    return () => {
      current = false;
    };
  }, [code, filter, after, revision]);

  const applyFilter = (next: InitiativeFilter) => {
    setFilter(next);
    setCursors([null]);
  };
  const choose = (key: 'causeArea' | 'status', value: string) => applyFilter({ ...filter, [key]: value || undefined });
  const search = (event: Event) => {
    event.preventDefault();
    applyFilter({ ...filter, text: text.trim() || undefined });
  };

  return (
    <section aria-labelledby="initiatives-title">
      <h2 id="initiatives-title">{t.initiatives}</h2>
      <form class="toolbar" role="search" onSubmit={search}>
        <div class="field">
          <label for="initiative-search">{t.search}</label>
          <input id="initiative-search" type="search" value={text} onInput={(event) => setText(event.currentTarget.value)} />
        </div>
        <button type="submit">{t.searchButton}</button>
        <div class="field">
          <label for="initiative-cause">{t.causeArea}</label>
          <select id="initiative-cause" value={filter.causeArea ?? ''} onChange={(event) => choose('causeArea', event.currentTarget.value)}>
            <option value="">{t.any}</option>
            {reference?.causeAreas.map((area) => (
              <option key={area.code} value={area.code}>
                {area.name}
              </option>
            ))}
          </select>
        </div>
        <div class="field">
          <label for="initiative-year">{t.fiscalYear}</label>
          <select id="initiative-year" value={filter.fiscalYear ?? ''} onChange={(event) => applyFilter({ ...filter, fiscalYear: event.currentTarget.value ? Number(event.currentTarget.value) : undefined })}>
            <option value="">{t.any}</option>
            {FISCAL_YEARS.map((year) => (
              <option key={year} value={year}>
                {t.fy(year)}
              </option>
            ))}
          </select>
        </div>
        <div class="field">
          <label for="initiative-status">{t.status}</label>
          <select id="initiative-status" value={filter.status ?? ''} onChange={(event) => choose('status', event.currentTarget.value)}>
            <option value="">{t.any}</option>
            {STATUSES.map((status) => (
              <option key={status} value={status}>
                {names.status(status)}
              </option>
            ))}
          </select>
        </div>
      </form>
      {problem && (
        <p class="banner error" role="alert">
          {problem}
        </p>
      )}
      {page && (
        <>
          <p class="hint" aria-live="polite">
            {t.count(page.nodes.length, page.totalCount)}
          </p>
          {page.nodes.length === 0 ? (
            <p>{t.none}</p>
          ) : (
            <table data-testid="initiative-list">
              <thead>
                <tr>
                  <th scope="col">{t.id}</th>
                  <th scope="col">{t.initiativeTitle}</th>
                  <th scope="col">{t.causeArea}</th>
                  <th scope="col">{t.status}</th>
                  <th scope="col">{t.start}</th>
                </tr>
              </thead>
              <tbody>
                {page.nodes.map((initiative) => (
                  <tr key={initiative.id} aria-current={initiative.id === selected ? 'true' : undefined}>
                    <td class="nowrap">{initiative.id}</td>
                    <td>
                      <a href={href('workspace', { sub: code, initiative: initiative.id })} aria-label={t.open(initiative.title)}>
                        {initiative.title}
                      </a>
                    </td>
                    <td>{reference?.causeAreas.find((area) => area.code === initiative.causeArea)?.name ?? initiative.causeArea}</td>
                    <td>{names.status(initiative.status)}</td>
                    <td class="nowrap">{initiative.startDate}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
          <div class="toolbar pager">
            <PagerButtons cursors={cursors} pageInfo={page.pageInfo} onCursors={setCursors} text={t} />
          </div>
        </>
      )}
    </section>
  );
}
