import { RequestFailed, type GraphQLErrorShape } from '../graphql';

/** An API error as a form shows it: its code and message, next to the field it names. */
export interface ShownError {
  code: string;
  message: string;
}

export interface FormErrors {
  /** By input field name (`amount` for the error's `field: "input.amount"`). */
  byField: Record<string, ShownError[]>;
  /** Errors that name no field of the form. */
  general: ShownError[];
}

export const NO_ERRORS: FormErrors = { byField: {}, general: [] };

function shown(error: GraphQLErrorShape): ShownError {
  return { code: error.extensions?.code ?? 'ERROR', message: error.message };
}

/** Sorts a failed request's errors by the field their `extensions.field` names (last path segment). */
export function formErrorsOf(failure: unknown, fields: readonly string[]): FormErrors {
  if (!(failure instanceof RequestFailed)) return { byField: {}, general: [{ code: 'ERROR', message: failure instanceof Error ? failure.message : String(failure) }] };
  if (failure.errors.length === 0) return { byField: {}, general: [{ code: failure.status ? `HTTP_${failure.status}` : 'NETWORK', message: failure.message }] };
  const errors: FormErrors = { byField: {}, general: [] };
  for (const error of failure.errors) {
    const field = typeof error.extensions?.field === 'string' ? error.extensions.field.split('.').at(-1) : undefined;
    if (field && fields.includes(field)) (errors.byField[field] ??= []).push(shown(error));
    else errors.general.push(shown(error));
  }
  return errors;
}

/** The errors of one field, linked to its input by `id` (aria-describedby). */
export function FieldError({ id, errors }: { id: string; errors: readonly ShownError[] | undefined }) {
  if (!errors?.length) return null;
  return (
    <p id={id} class="field-error" role="alert">
      {errors.map((error) => (
        <span key={error.code + error.message}>
          <code>{error.code}</code> {error.message}
        </span>
      ))}
    </p>
  );
}

/** Errors of the whole form. */
export function FormAlert({ errors }: { errors: readonly ShownError[] }) {
  if (errors.length === 0) return null;
  return (
    <div class="banner error" role="alert">
      {errors.map((error) => (
        <p key={error.code + error.message}>
          <code>{error.code}</code> {error.message}
        </p>
      ))}
    </div>
  );
}
