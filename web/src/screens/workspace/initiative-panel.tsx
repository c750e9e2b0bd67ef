import { useEffect, useState } from 'preact/hooks';
import type { SubsidiaryEntry } from '../../components/subsidiary-registry';
import { formatLocale, useMessages } from '../../i18n';
import { enumLabels } from '../../components/enum-labels';
import { formatMoney } from '../../money';
import { loadInitiative, type ExpenseRow, type InitiativeDetail, type ReferenceData } from './api';
import { AuditTrail } from './audit-trail';
import { ExpenseForm } from './expense-form';
import { ExpenseList } from './expense-list';
import { InitiativeForm } from './initiative-form';
import { messages } from './messages';

interface Props {
  subsidiary: SubsidiaryEntry;
  initiativeId: string;
  reference: ReferenceData | null;
  /** Whether this session may write the subsidiary: without it, no write control is rendered at all. */
  writable: boolean;
  canReadAudit: boolean;
  onChanged(): void;
}

/** One initiative: its fields, its expenses and audit trail; for its writer, the edit and expense forms. */
export function InitiativePanel({ subsidiary, initiativeId, reference, writable, canReadAudit, onChanged }: Props) {
  const t = useMessages(messages);
  const names = useMessages(enumLabels);
  const locale = formatLocale();
  const [initiative, setInitiative] = useState<InitiativeDetail | null>(null);
  const [problem, setProblem] = useState<string | null>(null);
  const [editing, setEditing] = useState(false);
  const [notice, setNotice] = useState<string | null>(null);
  const [revision, setRevision] = useState(0);
  const [historyOf, setHistoryOf] = useState(initiativeId);

  useEffect(() => {
    let current = true;
    setProblem(null);
    loadInitiative(initiativeId).then(
      (found) => {
        if (!current) return;
        setInitiative(found);
        if (!found) setProblem(t.unavailable(initiativeId));
      },
      (error: unknown) => {
        if (current) setProblem(t.unavailable(error instanceof Error ? error.message : String(error)));
      },
    );
    return () => {
      current = false;
    };
  }, [initiativeId, revision]);

  const changed = (message: string) => {
    setNotice(message);
    setRevision(revision + 1);
    onChanged();
  };
  const recorded = (expense: ExpenseRow) => changed(t.recorded(expense.id, formatMoney(expense.amount, locale)));

  if (problem) {
    return (
      <p class="banner error" role="alert">
        {problem}
      </p>
    );
  }
  if (!initiative) return <p aria-busy="true">{t.loading}</p>;
  return (
    <article class="panel initiative-panel" aria-labelledby="initiative-heading" data-testid="initiative-panel">
      <h2 id="initiative-heading">
        {initiative.title} <span class="hint">{initiative.id}</span>
      </h2>
      {notice && (
        <p class="banner ok" role="status">
          {notice}
        </p>
      )}
      <dl class="facts">
        <dt>{t.causeArea}</dt>
        <dd>{reference?.causeAreas.find((area) => area.code === initiative.causeArea)?.name ?? initiative.causeArea}</dd>
        <dt>{t.status}</dt>
        <dd>{names.status(initiative.status)}</dd>
        <dt>{t.motivation}</dt>
        <dd>{names.motivation(initiative.motivation)}</dd>
        <dt>{t.start}</dt>
        <dd>
          {initiative.startDate}
          {initiative.endDate ? ` – ${initiative.endDate}` : ''}
        </dd>
        <dt>{t.amountColumn}</dt>
        <dd data-testid="initiative-total">
          {formatMoney(initiative.totals.amount, locale)} ({t.totals(initiative.totals.expenseCount)})
        </dd>
        <dt>{t.description}</dt>
        <dd>{initiative.description}</dd>
      </dl>
      <p class="hint">{t.version(initiative.version)}</p>
      {writable &&
        (editing ? (
          <InitiativeForm
            key={initiative.version}
            mutationKey={subsidiary.mutationKey}
            reference={reference}
            initiative={initiative}
            onSaved={(saved) => {
              setEditing(false);
              changed(t.saved(saved.id, saved.version));
            }}
            onCancel={() => setEditing(false)}
            onReload={() => setRevision(revision + 1)}
          />
        ) : (
          <button type="button" onClick={() => setEditing(true)}>
            {t.editInitiative}
          </button>
        ))}
      <ExpenseList code={subsidiary.code} initiativeId={initiative.id} revision={revision} onHistory={canReadAudit ? setHistoryOf : undefined} />
      {writable && reference && (
        <ExpenseForm mutationKey={subsidiary.mutationKey} initiativeId={initiative.id} currency={subsidiary.currency} contributionTypes={reference.contributionTypes} onRecorded={recorded} />
      )}
      {canReadAudit ? (
        <>
          {historyOf !== initiative.id && (
            <button type="button" class="secondary" onClick={() => setHistoryOf(initiative.id)}>
              {t.historyOf(initiative.id)}
            </button>
          )}
          <AuditTrail subsidiary={subsidiary} entityId={historyOf} revision={revision} />
        </>
      ) : (
        <p class="hint">{t.auditNeedsScope}</p>
      )}
    </article>
  );
}
