import { useState } from 'preact/hooks';
import { FieldError, FormAlert, NO_ERRORS, formErrorsOf, type FormErrors } from '../../components/field-errors';
import { useMessages } from '../../i18n';
import { enumLabels } from '../../components/enum-labels';
import { createInitiative, updateInitiative, type InitiativeDetail, type InitiativeInput, type InitiativeSummary, type ReferenceData } from './api';
import { STATUSES } from './initiative-list';
import { messages } from './messages';

const MOTIVATIONS = ['COMMUNITY_INVESTMENT', 'CHARITABLE_GIFT', 'COMMERCIAL_INITIATIVE'] as const;
const FIELDS = ['title', 'description', 'causeArea', 'motivation', 'status', 'startDate', 'endDate'] as const;

interface Props {
  mutationKey: string;
  reference: ReferenceData | null;
  /** The initiative being edited (as read, with its version); none to create one. */
  initiative?: InitiativeDetail;
  onSaved(initiative: InitiativeSummary, created: boolean): void;
  onCancel(): void;
  /** Reads the initiative again (after a version conflict). */
  onReload?(): void;
}

function initialValues(initiative: InitiativeDetail | undefined, reference: ReferenceData | null): InitiativeInput {
  return {
    title: initiative?.title ?? '',
    description: initiative?.description ?? '',
    causeArea: initiative?.causeArea ?? reference?.causeAreas[0]?.code ?? '',
    motivation: initiative?.motivation ?? 'COMMUNITY_INVESTMENT',
    status: initiative?.status ?? 'ACTIVE',
    startDate: initiative?.startDate ?? '',
    endDate: initiative?.endDate ?? null,
  };
}

/** Creates an initiative, or edits one at the version read (VERSION_CONFLICT when someone else saved first). */
export function InitiativeForm({ mutationKey, reference, initiative, onSaved, onCancel, onReload }: Props) {
  const t = useMessages(messages);
  const names = useMessages(enumLabels);
  const [values, setValues] = useState<InitiativeInput>(() => initialValues(initiative, reference));
  const [errors, setErrors] = useState<FormErrors>(NO_ERRORS);
  const [conflict, setConflict] = useState(false);
  const [busy, setBusy] = useState(false);
  const prefix = initiative ? 'edit' : 'new';
  const set = (field: keyof InitiativeInput, value: string) => setValues({ ...values, [field]: field === 'endDate' && value === '' ? null : value });

  const submit = async (event: Event) => {
    event.preventDefault();
    setBusy(true);
    setErrors(NO_ERRORS);
    setConflict(false);
    try {
      if (initiative) {
        const original = initialValues(initiative, reference);
        const changes = Object.fromEntries(FIELDS.filter((field) => values[field] !== original[field]).map((field) => [field, values[field]]));
        onSaved(await updateInitiative(mutationKey, initiative.id, changes, initiative.version), false);
      } else {
        onSaved(await createInitiative(mutationKey, values), true);
      }
    } catch (error) {
      const sorted = formErrorsOf(error, FIELDS);
      setConflict(sorted.general.some((shown) => shown.code === 'VERSION_CONFLICT'));
      setErrors(sorted);
    } finally {
      setBusy(false);
    }
  };

  const input = (field: 'title' | 'startDate' | 'endDate', label: string, date = false) => {
    const common = {
      id: `${prefix}-${field}`,
      required: field !== 'endDate',
      value: values[field] ?? '',
      onInput: (event: Event) => set(field, (event.currentTarget as HTMLInputElement).value),
      'aria-invalid': errors.byField[field] ? ('true' as const) : undefined,
      'aria-describedby': errors.byField[field] ? `${prefix}-${field}-error` : undefined,
    };
    return (
      <div class="field">
        <label for={`${prefix}-${field}`}>{label}</label>
        {date ? <input type="date" {...common} /> : <input type="text" {...common} />}
        <FieldError id={`${prefix}-${field}-error`} errors={errors.byField[field]} />
      </div>
    );
  };
  const select = (field: 'causeArea' | 'motivation' | 'status', label: string, options: readonly { value: string; label: string }[]) => (
    <div class="field">
      <label for={`${prefix}-${field}`}>{label}</label>
      <select id={`${prefix}-${field}`} value={values[field]} onChange={(event) => set(field, event.currentTarget.value)} aria-describedby={errors.byField[field] ? `${prefix}-${field}-error` : undefined}>
        {options.map((option) => (
          <option key={option.value} value={option.value}>
            {option.label}
          </option>
        ))}
      </select>
      <FieldError id={`${prefix}-${field}-error`} errors={errors.byField[field]} />
    </div>
  );

  return (
    <form class="panel initiative-form" onSubmit={submit} aria-labelledby={`${prefix}-initiative-title`}>
      <h3 id={`${prefix}-initiative-title`}>{initiative ? `${t.editInitiative} ${initiative.id}` : t.newInitiative}</h3>
      {conflict && (
        <div class="banner warn" role="alert" data-testid="version-conflict">
          <p>{t.conflict}</p>
          {onReload && (
            <button type="button" class="secondary" onClick={onReload}>
              {t.reload}
            </button>
          )}
        </div>
      )}
      <FormAlert errors={errors.general.filter((shown) => !conflict || shown.code !== 'VERSION_CONFLICT')} />
      <div class="form-grid">
        {input('title', t.initiativeTitle)}
        {select('causeArea', t.causeArea, reference?.causeAreas.map((area) => ({ value: area.code, label: area.name })) ?? [])}
        {select('motivation', t.motivation, MOTIVATIONS.map((value) => ({ value, label: names.motivation(value) })))}
        {select('status', t.status, STATUSES.map((value) => ({ value, label: names.status(value) })))}
        {input('startDate', t.startDate, true)}
        {input('endDate', t.endDate, true)}
      </div>
      <div class="field">
        <label for={`${prefix}-description`}>{t.description}</label>
        <textarea
          id={`${prefix}-description`}
          rows={3}
          required
          value={values.description}
          onInput={(event) => set('description', event.currentTarget.value)}
          aria-describedby={errors.byField.description ? `${prefix}-description-error` : undefined}
        />
        <FieldError id={`${prefix}-description-error`} errors={errors.byField.description} />
      </div>
      <div class="toolbar">
        <button type="submit" disabled={busy}>
          {initiative ? t.saveInitiative : t.createInitiative}
        </button>
        <button type="button" class="secondary" onClick={onCancel}>
          {t.cancel}
        </button>
      </div>
    </form>
  );
}
