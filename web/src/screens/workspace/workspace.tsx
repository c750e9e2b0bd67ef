import './workspace.css';
import { useEffect, useState } from 'preact/hooks';
import { loadSubsidiaries, type SubsidiaryEntry } from '../../components/subsidiary-registry';
import { useMessages } from '../../i18n';
import { navigate, route } from '../../router';
import { session, writableSubsidiaries } from '../../session';
import { loadReferenceData, type ReferenceData } from './api';
import { InitiativeForm } from './initiative-form';
import { InitiativeList } from './initiative-list';
import { InitiativePanel } from './initiative-panel';
import { messages } from './messages';

/**
 * The regional workspace (#/workspace?sub=IN&initiative=IN-I0001): a subsidiary's initiatives and
 * expenses. Write controls exist only for a subsidiary the token may write; any other is shown
 * read only, without them (the gateway refuses such writes anyway).
 */
export function Workspace() {
  const t = useMessages(messages);
  const [subsidiaries, setSubsidiaries] = useState<SubsidiaryEntry[] | null>(null);
  const [reference, setReference] = useState<ReferenceData | null>(null);
  const [problem, setProblem] = useState<string | null>(null);
  const [creating, setCreating] = useState(false);
  const [notice, setNotice] = useState<string | null>(null);
  const [revision, setRevision] = useState(0);

  useEffect(() => {
    loadSubsidiaries().then(setSubsidiaries, (error: unknown) => setProblem(error instanceof Error ? error.message : String(error)));
    loadReferenceData().then(setReference, (error: unknown) => setProblem(error instanceof Error ? error.message : String(error)));
  }, []);

  const writable = writableSubsidiaries(session.value);
  const params = route.value.params;
  const code = params.get('sub') ?? writable[0] ?? subsidiaries?.[0]?.code ?? null;
  const subsidiary = subsidiaries?.find((entry) => entry.code === code) ?? null;
  const initiativeId = params.get('initiative');
  const mayWrite = subsidiary !== null && writable.includes(subsidiary.code);
  // headquarters (group:audit) reads every trail, a regional team its own subsidiary's
  const canReadAudit = mayWrite || session.value?.scopes.includes('group:audit') === true;

  return (
    <section aria-labelledby="workspace-title" class="workspace">
      <h1 id="workspace-title">{t.title}</h1>
      {problem && (
        <p class="banner error" role="alert">
          {problem}
        </p>
      )}
      {subsidiaries && (
        <div class="toolbar">
          <div class="field">
            <label for="workspace-subsidiary">{t.subsidiary}</label>
            <select
              id="workspace-subsidiary"
              value={code ?? ''}
              onChange={(event) => {
                setCreating(false);
                setNotice(null);
                navigate('workspace', { sub: event.currentTarget.value });
              }}
            >
              {subsidiaries.map((entry) => (
                <option key={entry.code} value={entry.code}>
                  {entry.name} ({entry.code}){writable.includes(entry.code) ? ` — ${t.own}` : ''}
                </option>
              ))}
            </select>
          </div>
          {mayWrite && !creating && (
            <button type="button" onClick={() => setCreating(true)}>
              {t.newInitiative}
            </button>
          )}
        </div>
      )}
      {subsidiary && !mayWrite && (
        <p class="banner warn" data-testid="read-only-banner">
          {t.readOnly(subsidiary.name)} {writable.length === 0 ? t.hqReadOnly : ''}
        </p>
      )}
      {notice && (
        <p class="banner ok" role="status">
          {notice}
        </p>
      )}
      {subsidiary && mayWrite && creating && (
        <InitiativeForm
          mutationKey={subsidiary.mutationKey}
          reference={reference}
          onSaved={(created) => {
            setCreating(false);
            setNotice(t.created(created.id));
            setRevision(revision + 1);
            navigate('workspace', { sub: subsidiary.code, initiative: created.id });
          }}
          onCancel={() => setCreating(false)}
        />
      )}
      {subsidiary && (
        <div class="workspace-columns">
          <InitiativeList key={subsidiary.code} code={subsidiary.code} reference={reference} selected={initiativeId} revision={revision} />
          {initiativeId ? (
            <InitiativePanel
              key={initiativeId}
              subsidiary={subsidiary}
              initiativeId={initiativeId}
              reference={reference}
              writable={mayWrite && initiativeId.startsWith(`${subsidiary.code}-`)}
              canReadAudit={canReadAudit}
              onChanged={() => setRevision(revision + 1)}
            />
          ) : (
            <p class="hint">{t.selectInitiative}</p>
          )}
        </div>
      )}
    </section>
  );
}
