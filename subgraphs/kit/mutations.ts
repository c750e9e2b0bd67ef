import type { GraphQLFieldResolver } from 'graphql';
import { raise } from '../common/errors';
import { fiscalYearOf } from '../common/fiscal-year';
import { toDecimal128 } from '../common/mongo';
import { GROUP_FISCAL_CALENDAR, type SubsidiaryConfig } from '../common/registry';
import type { CauseArea, ContributionType, InitiativeStatus, Motivation, PartnerKind } from '../common/catalog';
import type { RegionalContext } from './context';
import type { ExpenseDocument, InitiativeDocument, Outcome, Partner } from './documents';
import { REGIONAL_MUTATIONS, regionalMutationName } from './names';
import type { ExpenseFields } from './store/expenses';
import type { InitiativeFields } from './store/initiatives';
import type { ParticipationFields, RegistrationFields, WriteRequest } from './store/writes';
import { adjustmentView } from './closes';
import {
  LIMITS, countOf, dateInRange, listOf, nonNegativeDecimal, optionalText, ownCurrency, ownId, requiredText, valuation,
} from './validation';
import { minorDigits } from '../common/currencies';
import { Decimal } from '../common/decimal';

interface PartnerInput { name: string; kind: PartnerKind }
interface OutcomeInput { description: string; value?: number | null; unit?: string | null }

export interface InitiativeInput {
  title: string;
  description: string;
  causeArea: CauseArea;
  motivation: Motivation;
  status: InitiativeStatus;
  startDate: string;
  endDate?: string | null;
  partners?: PartnerInput[] | null;
  beneficiaries?: number | null;
  participants?: number | null;
  outcomes?: OutcomeInput[] | null;
  tags?: string[] | null;
}

type InitiativeChanges = Partial<InitiativeInput>;

export interface ExpenseInput {
  initiativeId: string;
  date: string;
  contributionType: ContributionType;
  amount?: string | null;
  quantity?: string | null;
  unit?: string | null;
  unitPrice?: string | null;
  currency?: string | null;
  valuationBasis?: string | null;
  description: string;
}

type ExpenseCorrection = Partial<Omit<ExpenseInput, 'initiativeId' | 'currency'>>;

function partners(list: PartnerInput[] | null | undefined, field: string): Partner[] {
  return listOf(list, field, LIMITS.partners).map((partner, index) => ({
    name: requiredText(partner.name, `${field}[${index}].name`, LIMITS.shortTextLength),
    kind: partner.kind,
  }));
}

function outcomes(list: OutcomeInput[] | null | undefined, field: string): Outcome[] {
  return listOf(list, field, LIMITS.outcomes).map((outcome, index) => {
    if (outcome.value != null && !Number.isFinite(outcome.value)) raise('BAD_USER_INPUT', `${field}[${index}].value must be a finite number`);
    return {
      description: requiredText(outcome.description, `${field}[${index}].description`, LIMITS.shortTextLength),
      value: outcome.value ?? null,
      unit: optionalText(outcome.unit, `${field}[${index}].unit`, LIMITS.tagLength),
    };
  });
}

function tags(list: string[] | null | undefined, field: string): string[] {
  return [...new Set(listOf(list, field, LIMITS.tags).map((tag, index) => requiredText(tag, `${field}[${index}]`, LIMITS.tagLength)))];
}

/** What checking a write's fields needs of the request: the subsidiary, its today, the actor. */
export type FieldsContext = Pick<RegionalContext, 'subsidiary' | 'today' | 'actor'>;

/** Validated fields of an initiative from a full input. */
export function initiativeFields(input: InitiativeInput, context: Pick<FieldsContext, 'actor'>): InitiativeFields {
  const startDate = dateInRange(input.startDate, 'input.startDate', '2100-12-31');
  const endDate = input.endDate ? dateInRange(input.endDate, 'input.endDate', '2100-12-31') : null;
  if (endDate && endDate < startDate) raise('BAD_USER_INPUT', `input.endDate ${endDate} is before input.startDate ${startDate}`, { field: 'input.endDate' });
  return {
    title: requiredText(input.title, 'input.title', LIMITS.titleLength),
    description: requiredText(input.description, 'input.description', LIMITS.descriptionLength),
    causeArea: input.causeArea,
    motivation: input.motivation,
    status: input.status,
    startDate,
    endDate,
    partners: partners(input.partners, 'input.partners'),
    beneficiaries: countOf(input.beneficiaries, 'input.beneficiaries'),
    participants: countOf(input.participants, 'input.participants'),
    outcomes: outcomes(input.outcomes, 'input.outcomes'),
    tags: tags(input.tags, 'input.tags'),
    illustrative: false,
    source: `Recorded by ${context.actor}`,
  };
}

function definedOnly<T extends object>(changes: T): Partial<T> {
  return Object.fromEntries(Object.entries(changes).filter(([, value]) => value !== undefined && value !== null)) as Partial<T>;
}

export async function openInitiative(id: string, field: string, { subsidiary, store }: RegionalContext): Promise<InitiativeDocument> {
  return requireOpen(await store.initiatives.get(ownId(id, subsidiary, field)));
}

/** The initiative, if records may be booked against it (not archived). */
export function requireOpen(initiative: InitiativeDocument): InitiativeDocument {
  const id = initiative._id;
  if (initiative.status === 'ARCHIVED') raise('INVALID_STATE', `Initiative ${id} is archived; restore its status before recording against it`, { id });
  return initiative;
}

/**
 * How the checks of a write's input run: a single write stops at the first problem (the check
 * throws); an import's row (kit/import) notes each problem and goes on with the fallback, so that
 * it lists every problem of the row at once.
 */
export interface InputChecks {
  run<T>(check: () => T, fallback: T): T;
}

const FIRST_PROBLEM: InputChecks = { run: (check) => check() };

export function expenseFields(input: ExpenseInput, initiative: InitiativeDocument, context: FieldsContext, prefix: string, checks: InputChecks = FIRST_PROBLEM): ExpenseFields {
  const { subsidiary, today } = context;
  const currency = checks.run(() => ownCurrency(input.currency, subsidiary), subsidiary.currency);
  const date = checks.run(() => dateInRange(input.date, `${prefix}.date`, today), today);
  const value = checks.run(() => valuation(input, currency, prefix), { amount: Decimal.ZERO, quantity: null, unit: null, unitPrice: null });
  const valuationBasis = checks.run(() => optionalText(input.valuationBasis, `${prefix}.valuationBasis`, LIMITS.shortTextLength), null);
  const description = checks.run(() => requiredText(input.description, `${prefix}.description`, LIMITS.descriptionLength), '');
  return {
    initiativeId: initiative._id,
    date,
    fiscalYear: fiscalYearOf(date, subsidiary.fiscalCalendar),
    groupFiscalYear: fiscalYearOf(date, GROUP_FISCAL_CALENDAR),
    contributionType: input.contributionType,
    quantity: value.quantity ? toDecimal128(value.quantity) : null,
    unit: value.unit,
    unitPrice: value.unitPrice ? toDecimal128(value.unitPrice) : null,
    amount: toDecimal128(value.amount),
    currency,
    valuationBasis: valuationBasis ?? (value.quantity ? `${value.quantity.toString()} ${value.unit} × ${value.unitPrice?.toString()} ${currency}` : 'Amount paid'),
    description,
    illustrative: false,
    source: `Recorded by ${context.actor}`,
  };
}

/** The input an existing expense would have been recorded with, so a correction can override parts of it. */
function expenseAsInput(expense: ExpenseDocument): ExpenseInput {
  const valued = expense.quantity !== null;
  return {
    initiativeId: expense.initiativeId,
    date: expense.date,
    contributionType: expense.contributionType,
    amount: valued ? null : expense.amount.toString(),
    quantity: expense.quantity?.toString() ?? null,
    unit: expense.unit,
    unitPrice: expense.unitPrice?.toString() ?? null,
    valuationBasis: expense.valuationBasis,
    description: expense.description,
  };
}

function volunteerDates(date: string, context: FieldsContext) {
  const checked = dateInRange(date, 'input.date', context.today);
  return {
    date: checked,
    fiscalYear: fiscalYearOf(checked, context.subsidiary.fiscalCalendar),
    groupFiscalYear: fiscalYearOf(checked, GROUP_FISCAL_CALENDAR),
  };
}

export interface RegistrationsInput {
  date: string;
  count: number;
  note?: string | null;
}

export interface ParticipationInput {
  initiativeId: string;
  date: string;
  people: number;
  hours: string;
  note?: string | null;
}

/** Validated fields of volunteer registrations (checks as for expenseFields). */
export function registrationFields(input: RegistrationsInput, context: FieldsContext, checks: InputChecks = FIRST_PROBLEM): RegistrationFields {
  return {
    ...checks.run(() => volunteerDates(input.date, context), volunteerDates(context.today, context)),
    count: checks.run(() => countOf(input.count, 'input.count')!, 0),
    note: checks.run(() => optionalText(input.note, 'input.note', LIMITS.shortTextLength), null) ?? '',
    illustrative: false,
    source: `Recorded by ${context.actor}`,
    updatedBy: context.actor,
  };
}

/** Validated fields of volunteer participation in an open initiative (checks as for expenseFields). */
export function participationFields(input: ParticipationInput, initiative: InitiativeDocument, context: FieldsContext, checks: InputChecks = FIRST_PROBLEM): ParticipationFields {
  return {
    ...checks.run(() => volunteerDates(input.date, context), volunteerDates(context.today, context)),
    initiativeId: initiative._id,
    people: checks.run(() => countOf(input.people, 'input.people')!, 0),
    hours: toDecimal128(checks.run(() => nonNegativeDecimal(input.hours, 'input.hours', LIMITS.maxHours, 2), Decimal.ZERO)),
    note: checks.run(() => optionalText(input.note, 'input.note', LIMITS.shortTextLength), null) ?? '',
    illustrative: false,
    source: `Recorded by ${context.actor}`,
    updatedBy: context.actor,
  };
}

/** The client's idempotency key, checked; null when none was sent. */
function idempotencyKeyOf(value: string | null | undefined): string | null {
  return value == null ? null : requiredText(value, 'idempotencyKey', LIMITS.idempotencyKeyLength);
}

/**
 * An earlier answer for this key, if any; otherwise the write. Replays are answered before validation, which may no longer pass.
 * A write first waits for the first fetch of headquarters' fiscal-year orders after start-up (kit/closes.ts).
 */
async function once<T>(action: string, asked: WriteRequest, context: RegionalContext, write: () => Promise<T>): Promise<T> {
  await context.fiscalYearSync.ready();
  const replayed = await context.store.writes.replayed(action, asked);
  if (replayed) {
    context.audit.unchanged();
    return replayed as T;
  }
  return write();
}

interface AdjustmentInput {
  originalExpenseId: string;
  amountChange: string;
  reason: string;
  date?: string | null;
}

/** A signed decimal that is not zero, within the amounts an expense may have, in the currency's minor unit. */
function amountChangeOf(text: string, currency: string): ReturnType<typeof nonNegativeDecimal> {
  const negative = text.trim().startsWith('-');
  const magnitude = nonNegativeDecimal(negative ? text.trim().slice(1) : text, 'input.amountChange', LIMITS.maxAmount, minorDigits(currency));
  if (magnitude.isZero()) raise('BAD_USER_INPUT', 'input.amountChange must not be zero: an adjustment changes an amount', { field: 'input.amountChange' });
  return negative ? magnitude.negate() : magnitude;
}

type Resolver = GraphQLFieldResolver<unknown, RegionalContext>;
type Keyed<T> = T & { idempotencyKey?: string | null };

const ACTIONS: Record<(typeof REGIONAL_MUTATIONS)[number], (args: never, context: RegionalContext) => Promise<unknown>> = {
  CreateInitiative: ({ input, idempotencyKey }: Keyed<{ input: InitiativeInput }>, context) => {
    const asked = { idempotencyKey: idempotencyKeyOf(idempotencyKey), request: { input } };
    return once('CreateInitiative', asked, context, () => context.store.writes.createInitiative(initiativeFields(input, context), asked, context));
  },

  UpdateInitiative: ({ id, changes, expectedVersion, idempotencyKey }: Keyed<{ id: string; changes: InitiativeChanges; expectedVersion?: number | null }>, context) => {
    const asked = { idempotencyKey: idempotencyKeyOf(idempotencyKey), request: { id, changes, expectedVersion: expectedVersion ?? null } };
    return once('UpdateInitiative', asked, context, () => {
      const given = definedOnly(changes);
      if (Object.keys(given).length === 0) raise('BAD_USER_INPUT', 'changes must set at least one field', { field: 'changes' });
      // a new cause area is this one write: every figure reads an expense's cause area from its initiative
      return context.store.writes.updateInitiative('UpdateInitiative', ownId(id, context.subsidiary, 'id'), (current) => {
        const fields = initiativeFields({ ...current, ...given } as InitiativeInput, context);
        const changed = Object.fromEntries(Object.keys(given).map((key) => [key, fields[key as keyof InitiativeFields]])) as Partial<InitiativeFields>;
        return { changes: changed, expectedVersion: expectedVersion ?? current.version };
      }, asked, context);
    });
  },

  ArchiveInitiative: ({ id, idempotencyKey }: Keyed<{ id: string }>, context) => {
    const asked = { idempotencyKey: idempotencyKeyOf(idempotencyKey), request: { id } };
    return once('ArchiveInitiative', asked, context, () =>
      context.store.writes.updateInitiative('ArchiveInitiative', ownId(id, context.subsidiary, 'id'), (current) =>
        current.status === 'ARCHIVED' ? null : { changes: { status: 'ARCHIVED' }, expectedVersion: current.version }, asked, context),
    );
  },

  RecordExpense: ({ input, idempotencyKey }: Keyed<{ input: ExpenseInput }>, context) => {
    // the request fingerprint is the input alone, as keys kept before every write took one were made
    const asked = { idempotencyKey: idempotencyKeyOf(idempotencyKey), request: input };
    return once('RecordExpense', asked, context, async () => {
      const initiative = await openInitiative(input.initiativeId, 'input.initiativeId', context);
      return context.store.writes.recordExpense(expenseFields(input, initiative, context, 'input'), asked, context);
    });
  },

  CorrectExpense: ({ id, correction, idempotencyKey }: Keyed<{ id: string; correction: ExpenseCorrection }>, context) => {
    const asked = { idempotencyKey: idempotencyKeyOf(idempotencyKey), request: { id, correction } };
    return once('CorrectExpense', asked, context, () => {
      const given = definedOnly(correction);
      if (Object.keys(given).length === 0) raise('BAD_USER_INPUT', 'correction must set at least one field', { field: 'correction' });
      return context.store.writes.correctExpense(ownId(id, context.subsidiary, 'id'), async (current) => {
        // a correction that states the value one way drops the other way's stored parts
        const toAmount = given.amount !== undefined && given.quantity === undefined && given.unitPrice === undefined;
        const toQuantity = given.amount === undefined && (given.quantity !== undefined || given.unitPrice !== undefined);
        const dropped = toAmount ? { quantity: null, unitPrice: null, unit: null } : toQuantity ? { amount: null } : {};
        const merged: ExpenseInput = { ...expenseAsInput(current), ...dropped, ...given };
        const initiative = await context.store.initiatives.get(current.initiativeId);
        return expenseFields(merged, initiative, context, 'correction');
      }, asked, context);
    });
  },

  DeleteExpense: ({ id, idempotencyKey }: Keyed<{ id: string }>, context) => {
    const asked = { idempotencyKey: idempotencyKeyOf(idempotencyKey), request: { id } };
    return once('DeleteExpense', asked, context, () => context.store.writes.deleteExpense(ownId(id, context.subsidiary, 'id'), asked, context));
  },

  RecordVolunteerRegistrations: ({ input, idempotencyKey }: Keyed<{ input: RegistrationsInput }>, context) => {
    const asked = { idempotencyKey: idempotencyKeyOf(idempotencyKey), request: { input } };
    return once('RecordVolunteerRegistrations', asked, context, () =>
      context.store.writes.recordRegistrations(registrationFields(input, context), asked, context),
    );
  },

  RecordVolunteerParticipation: (
    { input, idempotencyKey }: Keyed<{ input: ParticipationInput }>,
    context,
  ) => {
    const asked = { idempotencyKey: idempotencyKeyOf(idempotencyKey), request: { input } };
    return once('RecordVolunteerParticipation', asked, context, async () => {
      const initiative = await openInitiative(input.initiativeId, 'input.initiativeId', context);
      return context.store.writes.recordParticipation(participationFields(input, initiative, context), asked, context);
    });
  },

  /** A correction of a closed year's expense, booked in an open year (kit/store/writes.ts recordAdjustment). */
  RecordAdjustment: async ({ input, idempotencyKey }: Keyed<{ input: AdjustmentInput }>, context) => {
    const asked = { idempotencyKey: idempotencyKeyOf(idempotencyKey), request: { input } };
    // a replay answers the stored record too: the view is made of either
    const recorded = await once('RecordAdjustment', asked, context, () => {
      const booked = volunteerDates(input.date ?? context.today, context);
      const amountChange = amountChangeOf(input.amountChange, context.subsidiary.currency);
      const reason = requiredText(input.reason, 'input.reason', LIMITS.shortTextLength);
      return context.store.writes.recordAdjustment(ownId(input.originalExpenseId, context.subsidiary, 'input.originalExpenseId'), { ...booked, amountChange, reason }, asked, context);
    });
    const causeArea = (await context.store.initiatives.get(recorded.initiativeId)).causeArea;
    return adjustmentView({ ...recorded, causeArea });
  },
};

/** The regional mutations under their subsidiary-specific names (`indiaRecordExpense`). */
export function mutationResolvers(subsidiary: SubsidiaryConfig): Record<string, Resolver> {
  return Object.fromEntries(
    REGIONAL_MUTATIONS.map((action) => [
      regionalMutationName(subsidiary, action),
      ((_root, args, context) => ACTIONS[action](args as never, context)) satisfies Resolver,
    ]),
  );
}
