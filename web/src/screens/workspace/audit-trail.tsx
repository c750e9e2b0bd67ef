import { useEffect, useState } from 'preact/hooks';
import { formatLocale, useMessages } from '../../i18n';
import { loadAuditTrail, type AuditRow } from './api';
import { messages } from './messages';

/** One change as a person reads it: each changed field, before → after. */
function changesOf(entry: AuditRow): string[] {
  if (entry.before === null || entry.after === null) return [];
  const before = JSON.parse(entry.before) as Record<string, unknown>;
  const after = JSON.parse(entry.after) as Record<string, unknown>;
  return entry.changedFields.map((field) => `${field}: ${JSON.stringify(before[field] ?? null)} → ${JSON.stringify(after[field] ?? null)}`);
}

interface Props {
  subsidiary: { code: string; typename: string };
  entityId: string;
  revision: number;
}

/** Who changed the record, when, and what (the subsidiary's audit log: its own team, or headquarters with group:audit). */
export function AuditTrail({ subsidiary, entityId, revision }: Props) {
  const t = useMessages(messages);
  const [entries, setEntries] = useState<AuditRow[] | null>(null);
  const [problem, setProblem] = useState<string | null>(null);

  useEffect(() => {
    let current = true;
    loadAuditTrail(subsidiary, entityId).then(
      (rows) => {
        if (current) setEntries(rows);
      },
      (error: unknown) => {
        if (current) setProblem(error instanceof Error ? error.message : String(error));
      },
    );
    return () => {
      current = false;
    };
  }, [subsidiary.code, entityId, revision]);

  useEffect(() => setEntries(null), [entityId]);

  const time = new Intl.DateTimeFormat(formatLocale(), { dateStyle: 'medium', timeStyle: 'medium' });
  return (
    <section aria-labelledby="audit-title">
      <h3 id="audit-title">{t.auditOf(entityId)}</h3>
      {problem && (
        <p class="banner error" role="alert">
          {problem}
        </p>
      )}
      {entries && entries.length === 0 && <p>{t.noAudit}</p>}
      {entries && entries.length > 0 && (
        <table data-testid="audit-trail">
          <thead>
            <tr>
              <th scope="col">{t.when}</th>
              <th scope="col">{t.who}</th>
              <th scope="col">{t.action}</th>
              <th scope="col">{t.changed}</th>
            </tr>
          </thead>
          <tbody>
            {entries.map((entry) => (
              <tr key={entry.id}>
                <td>
                  <time dateTime={entry.at}>{time.format(new Date(entry.at))}</time>
                </td>
                <td>{entry.actor}</td>
                <td>{entry.action}</td>
                <td>
                  {entry.before === null ? (
                    t.createdEntry
                  ) : (
                    <ul class="changes">
                      {changesOf(entry).map((line) => (
                        <li key={line}>{line}</li>
                      ))}
                    </ul>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
