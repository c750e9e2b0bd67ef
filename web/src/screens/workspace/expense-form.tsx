import { useMemo, useState } from 'preact/hooks';
import { FieldError, FormAlert, NO_ERRORS, formErrorsOf, type FormErrors } from '../../components/field-errors';
import { formatLocale, useMessages } from '../../i18n';
import { enumLabels } from '../../components/enum-labels';
import { formatMoney } from '../../money';
import { recordExpense, valuedByQuantity, type ContributionTypeInfo, type ExpenseInput, type ExpenseRow } from './api';
import { exactNumber, exactPrice } from './exact-number';
import { decimalText, minorDigits, multiply, parseDecimal, roundTo } from './decimal';
import { messages } from './messages';

const FIELDS = ['date', 'contributionType', 'amount', 'quantity', 'unit', 'unitPrice', 'valuationBasis', 'description'] as const;
type Field = (typeof FIELDS)[number];

interface Props {
  mutationKey: string;
  initiativeId: string;
  currency: string;
  contributionTypes: readonly ContributionTypeInfo[];
  onRecorded(expense: ExpenseRow): void;
}

/** A fresh idempotency key (getRandomValues also works over plain HTTP, where randomUUID does not exist). */
function newIdempotencyKey(): string {
  return `expense:${Array.from(crypto.getRandomValues(new Uint8Array(16)), (byte) => byte.toString(16).padStart(2, '0')).join('')}`;
}

const empty = (): Record<Field, string> => ({ date: '', contributionType: '', amount: '', quantity: '', unit: '', unitPrice: '', valuationBasis: '', description: '' });

/** quantity × unit price as the person types: exact (bigint) product, and the amount rounded once to the currency. */
function useProduct(quantity: string, unitPrice: string, currency: string) {
  return useMemo(() => {
    const q = parseDecimal(quantity);
    const p = parseDecimal(unitPrice);
    if (!q || !p) return null;
    const exact = multiply(q, p);
    return { exact: decimalText(exact), amount: decimalText(roundTo(exact, minorDigits(currency))) };
  }, [quantity, unitPrice, currency]);
}

/** Records one expense; the contribution type decides whether it asks an amount or quantity × unit price. */
export function ExpenseForm({ mutationKey, initiativeId, currency, contributionTypes, onRecorded }: Props) {
  const t = useMessages(messages);
  const names = useMessages(enumLabels);
  const locale = formatLocale();
  const [values, setValues] = useState(empty);
  const [errors, setErrors] = useState<FormErrors>(NO_ERRORS);
  const [busy, setBusy] = useState(false);
  // one key per expense the person means: a retried submit (lost answer, double click) records it once
  const [idempotencyKey, setIdempotencyKey] = useState(newIdempotencyKey);
  const type = contributionTypes.find((candidate) => candidate.contributionType === values.contributionType);
  const byQuantity = valuedByQuantity(type);
  const product = useProduct(values.quantity, values.unitPrice, currency);
  const set = (field: Field, value: string) => setValues({ ...values, [field]: value });

  const submit = async (event: Event) => {
    event.preventDefault();
    setBusy(true);
    setErrors(NO_ERRORS);
    const given = (field: Field) => (values[field].trim() === '' ? undefined : values[field].trim());
    const input: ExpenseInput = {
      initiativeId,
      date: values.date,
      contributionType: values.contributionType,
      description: values.description,
      valuationBasis: given('valuationBasis'),
      ...(byQuantity ? { quantity: given('quantity'), unit: given('unit'), unitPrice: given('unitPrice') } : { amount: given('amount') }),
    };
    try {
      const recorded = await recordExpense(mutationKey, input, idempotencyKey);
      setValues(empty());
      setIdempotencyKey(newIdempotencyKey());
      onRecorded(recorded);
    } catch (error) {
      setErrors(formErrorsOf(error, FIELDS));
    } finally {
      setBusy(false);
    }
  };

  const field = (name: Field, label: string, options: { inputMode?: 'decimal'; date?: boolean; required?: boolean } = {}) => {
    const common = {
      id: `expense-${name}`,
      name,
      required: options.required,
      autocomplete: 'off',
      value: values[name],
      onInput: (event: Event) => set(name, (event.currentTarget as HTMLInputElement).value),
      'aria-invalid': errors.byField[name] ? ('true' as const) : undefined,
      'aria-describedby': errors.byField[name] ? `expense-${name}-error` : undefined,
    };
    return (
      <div class="field">
        <label for={`expense-${name}`}>{label}</label>
        {options.date ? <input type="date" {...common} /> : <input type="text" inputMode={options.inputMode} {...common} />}
        <FieldError id={`expense-${name}-error`} errors={errors.byField[name]} />
      </div>
    );
  };

  return (
    <form class="panel expense-form" onSubmit={submit} aria-labelledby="expense-form-title">
      <h3 id="expense-form-title">{t.recordExpense}</h3>
      <FormAlert errors={errors.general} />
      <div class="form-grid">
        {field('date', t.date, { date: true, required: true })}
        <div class="field">
          <label for="expense-contributionType">{t.contributionType}</label>
          <select id="expense-contributionType" required value={values.contributionType} onChange={(event) => set('contributionType', event.currentTarget.value)} aria-describedby="expense-type-hint">
            <option value="" disabled>
              —
            </option>
            {contributionTypes.map((candidate) => (
              <option key={candidate.contributionType} value={candidate.contributionType}>
                {names.contributionType(candidate.contributionType)}
              </option>
            ))}
          </select>
          <span id="expense-type-hint" class="hint">
            {type?.description}
          </span>
          <FieldError id="expense-contributionType-error" errors={errors.byField.contributionType} />
        </div>
        {byQuantity ? (
          <>
            {field('quantity', t.quantity, { inputMode: 'decimal' })}
            {field('unit', t.unit)}
            {field('unitPrice', t.unitPrice(currency), { inputMode: 'decimal' })}
          </>
        ) : (
          field('amount', t.amount(currency), { inputMode: 'decimal' })
        )}
      </div>
      {byQuantity && (
        <p class="product" data-testid="expense-product" data-amount={product?.amount ?? ''} aria-live="polite">
          {product ? (
            <>
              <output for="expense-quantity expense-unitPrice">
                {t.product(exactNumber(values.quantity.trim(), locale), exactPrice(values.unitPrice.trim(), currency, locale), formatMoney({ amount: product.amount, currency }, locale))}
              </output>{' '}
              {product.exact !== product.amount && <span class="hint">({t.productExact(product.exact)})</span>}
            </>
          ) : (
            <span class="hint">{t.productHint}</span>
          )}
        </p>
      )}
      {field('valuationBasis', t.valuation)}
      <div class="field">
        <label for="expense-description">{t.description}</label>
        <textarea
          id="expense-description"
          rows={2}
          value={values.description}
          onInput={(event) => set('description', event.currentTarget.value)}
          aria-describedby={errors.byField.description ? 'expense-description-error' : undefined}
        />
        <FieldError id="expense-description-error" errors={errors.byField.description} />
      </div>
      <button type="submit" disabled={busy}>
        {t.recordExpense}
      </button>
    </form>
  );
}
