import './import.css';
import { useEffect, useRef, useState } from 'preact/hooks';
import { FormAlert, formErrorsOf, type ShownError } from '../../components/field-errors';
import { loadSubsidiaries, type SubsidiaryEntry } from '../../components/subsidiary-registry';
import { useMessages } from '../../i18n';
import { navigate, route } from '../../router';
import { session, writableSubsidiaries } from '../../session';
import { sendImport, type ImportResult } from './api';
import { UnsupportedFile, readImportFile, type ImportFile } from './file-reading';
import { ImportOutcome } from './result';
import { messages } from './messages';
import { IMPORT_KINDS, isImportKind, templateCsv, templateFileName, type ImportKind } from './templates';

/** What was checked: the commit is offered only for this exact file, subsidiary and kind. */
interface Checked {
  fingerprint: string;
  result: ImportResult;
}

const fingerprintOf = (code: string, kind: ImportKind, file: ImportFile) => `${code}\n${kind}\n${file.format}\n${file.content}`;

function downloadTemplate(kind: ImportKind, code: string): void {
  const url = URL.createObjectURL(new Blob([templateCsv(kind)], { type: 'text/csv;charset=utf-8' }));
  const link = document.createElement('a');
  link.href = url;
  link.download = templateFileName(kind, code);
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}

/**
 * Bulk import (#/import?sub=IN&kind=expenses): choose the kind and the file, a dry run lists its
 * problems and totals, and only a clean dry run of the same file offers the commit.
 */
export function ImportScreen() {
  const t = useMessages(messages);
  const [subsidiaries, setSubsidiaries] = useState<SubsidiaryEntry[] | null>(null);
  const [file, setFile] = useState<ImportFile | null>(null);
  const [checked, setChecked] = useState<Checked | null>(null);
  const [errors, setErrors] = useState<ShownError[]>([]);
  const [busy, setBusy] = useState(false);
  const busyRef = useRef(false);

  useEffect(() => {
    loadSubsidiaries().then(setSubsidiaries, (error: unknown) => setErrors(formErrorsOf(error, []).general));
  }, []);

  const writable = writableSubsidiaries(session.value);
  const params = route.value.params;
  const requested = params.get('sub');
  const code = requested !== null && writable.includes(requested) ? requested : (writable[0] ?? null);
  const kindParam = params.get('kind');
  const kind: ImportKind = isImportKind(kindParam) ? kindParam : 'expenses';
  const subsidiary = subsidiaries?.find((entry) => entry.code === code && writable.includes(entry.code)) ?? null;
  const current = subsidiary && file ? fingerprintOf(subsidiary.code, kind, file) : null;
  const result = checked && checked.fingerprint === current ? checked.result : null;
  // a clean dry run of this very file, or its commit (a second commit answers "already imported")
  const mayCommit = result !== null && (result.status === 'VALID' || result.status === 'COMMITTED');

  if (writable.length === 0) {
    return (
      <section aria-labelledby="import-title">
        <h1 id="import-title">{t.title}</h1>
        <p class="banner warn">{t.noWriter}</p>
      </section>
    );
  }

  const choose = (next: { sub?: string; kind?: ImportKind }) => navigate('import', { sub: next.sub ?? code ?? undefined, kind: next.kind ?? kind });

  const pick = async (input: HTMLInputElement) => {
    setChecked(null);
    setErrors([]);
    setFile(null);
    const chosen = input.files?.[0];
    if (!chosen) return;
    try {
      setFile(await readImportFile(chosen));
    } catch (error) {
      setErrors([{ code: 'UNSUPPORTED_FILE', message: error instanceof UnsupportedFile ? t.unsupported(chosen.name) : String(error) }]);
    }
  };

  const send = async (mode: 'DRY_RUN' | 'COMMIT') => {
    if (!subsidiary || !file || !current || busyRef.current) return;
    busyRef.current = true;
    setBusy(true);
    setErrors([]);
    try {
      const answer = await sendImport(subsidiary.mutationKey, kind, file, mode, mode === 'COMMIT' ? result?.idempotencyKey : undefined);
      setChecked({ fingerprint: current, result: answer });
    } catch (error) {
      setErrors(formErrorsOf(error, []).general);
    } finally {
      busyRef.current = false;
      setBusy(false);
    }
  };

  return (
    <section aria-labelledby="import-title" class="import-screen">
      <h1 id="import-title">{t.title}</h1>
      <p class="hint">{t.intro}</p>
      <form
        class="panel"
        onSubmit={(event) => {
          event.preventDefault();
          void send('DRY_RUN');
        }}
      >
        <div class="toolbar">
          {writable.length > 1 && subsidiaries && (
            <div class="field">
              <label for="import-subsidiary">{t.subsidiary}</label>
              <select id="import-subsidiary" value={code ?? ''} onChange={(event) => choose({ sub: event.currentTarget.value })}>
                {subsidiaries
                  .filter((entry) => writable.includes(entry.code))
                  .map((entry) => (
                    <option key={entry.code} value={entry.code}>
                      {entry.name} ({entry.code})
                    </option>
                  ))}
              </select>
            </div>
          )}
          {writable.length === 1 && subsidiary && <p class="import-subsidiary">{`${t.subsidiary}: ${subsidiary.name} (${subsidiary.code})`}</p>}
          <fieldset class="kinds">
            <legend>{t.kind}</legend>
            {(Object.keys(IMPORT_KINDS) as ImportKind[]).map((candidate) => (
              <label key={candidate} class="choice">
                <input type="radio" name="import-kind" value={candidate} checked={candidate === kind} onChange={() => choose({ kind: candidate })} />
                {t[candidate]}
              </label>
            ))}
          </fieldset>
        </div>
        <div class="field">
          <label for="import-file">{t.file}</label>
          <input id="import-file" type="file" accept=".csv,.xlsx,text/csv,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet" aria-describedby="import-file-hint" onChange={(event) => void pick(event.currentTarget)} />
          <span id="import-file-hint" class="hint">
            {t.fileHint}
          </span>
        </div>
        <div class="toolbar">
          <button type="submit" disabled={!file || !subsidiary || busy}>
            {t.dryRun}
          </button>
          {mayCommit && (
            <button type="button" disabled={busy} onClick={() => void send('COMMIT')}>
              {t.commit}
            </button>
          )}
          {subsidiary && (
            <button type="button" class="secondary" onClick={() => downloadTemplate(kind, subsidiary.code)}>
              {t.template(t[kind])}
            </button>
          )}
          {busy && <span aria-live="polite">{t.working}</span>}
        </div>
      </form>
      <FormAlert errors={errors} />
      {result && <ImportOutcome result={result} />}
    </section>
  );
}
