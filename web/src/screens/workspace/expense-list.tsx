import { useEffect, useState } from 'preact/hooks';
import { formatLocale, useMessages } from '../../i18n';
import { enumLabels } from '../../components/enum-labels';
import { PagerButtons } from '../../components/pager-buttons';
import { formatMoney } from '../../money';
import { loadExpenses, type ExpenseRow, type PageInfo } from './api';
import { exactNumber, exactPrice } from './exact-number';
import { messages } from './messages';

interface Props {
  code: string;
  initiativeId: string;
  revision: number;
  /** Shows an expense's audit trail; absent when the session may not read it. */
  onHistory?(expenseId: string): void;
}

/** The initiative's expenses, oldest first, in keyset pages. */
export function ExpenseList({ code, initiativeId, revision, onHistory }: Props) {
  const t = useMessages(messages);
  const names = useMessages(enumLabels);
  const locale = formatLocale();
  const [cursors, setCursors] = useState<(string | null)[]>([null]);
  const [page, setPage] = useState<{ nodes: ExpenseRow[]; pageInfo: PageInfo } | null>(null);
  const [problem, setProblem] = useState<string | null>(null);
  const after = cursors.at(-1) ?? null;

  useEffect(() => {
    let current = true;
    loadExpenses(code, initiativeId, after).then(
      (result) => {
        if (!current) return;
        setPage(result);
        setProblem(result ? null : t.unavailable('—'));
      },
      (error: unknown) => {
        if (current) setProblem(t.unavailable(error instanceof Error ? error.message : String(error)));
      },
    );
    return () => {
      current = false;
    };
  }, [code, initiativeId, after, revision]);

  return (
    <section aria-labelledby="expenses-title">
      <h3 id="expenses-title">{t.expenses}</h3>
      {problem && (
        <p class="banner error" role="alert">
          {problem}
        </p>
      )}
      {page && page.nodes.length === 0 && <p>{t.noExpenses}</p>}
      {page && page.nodes.length > 0 && (
        <div class="table-scroll">
          <table data-testid="expense-list">
            <thead>
              <tr>
                <th scope="col">{t.id}</th>
                <th scope="col">{t.date}</th>
                <th scope="col">{t.contributionType}</th>
                <th scope="col">{t.quantity}</th>
                <th scope="col" class="amount">
                  {t.amountColumn}
                </th>
                <th scope="col">{t.description}</th>
                {onHistory && (
                  <th scope="col">
                    <span class="sr-only">{t.audit}</span>
                  </th>
                )}
              </tr>
            </thead>
            <tbody>
              {page.nodes.map((expense) => (
                <tr key={expense.id}>
                  <td class="nowrap">{expense.id}</td>
                  <td class="nowrap">{expense.date}</td>
                  <td>{names.contributionType(expense.contributionType)}</td>
                  <td>{expense.quantity !== null && expense.unitPrice ? `${exactNumber(expense.quantity, locale)} ${expense.unit ?? ''} × ${exactPrice(expense.unitPrice.amount, expense.unitPrice.currency, locale)}` : ''}</td>
                  <td class="amount" data-amount={expense.amount.amount}>
                    {formatMoney(expense.amount, locale)}
                  </td>
                  <td>{expense.description}</td>
                  {onHistory && (
                    <td>
                      <button type="button" class="secondary small" onClick={() => onHistory(expense.id)} aria-label={t.historyOf(expense.id)}>
                        {t.history}
                      </button>
                    </td>
                  )}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {page && (cursors.length > 1 || page.pageInfo.hasNextPage) && (
        <div class="toolbar pager">
          <PagerButtons cursors={cursors} pageInfo={page.pageInfo} onCursors={setCursors} text={t} />
        </div>
      )}
    </section>
  );
}
