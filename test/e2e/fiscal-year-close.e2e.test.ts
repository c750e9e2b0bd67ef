import { createHash, createPublicKey, verify } from 'node:crypto';
import { canonicalJson } from '../../subgraphs/common/canonical-json';
import { beforeAll, describe, expect, it } from 'vitest';
import { SUBSIDIARIES } from '../../subgraphs/common/registry';
import { ROLES } from '../../subgraphs/common/scopes';
import { errorCodes, type GraphQLResponse } from '../harness/graphql';
import { useSeededStack, type GraphQLClient } from '../harness/stack';

const stack = useSeededStack('e2e_fiscal_year_close');

const CLOSE = `mutation($year: Int!) { closeFiscalYear(fiscalYear: $year) {
  id sequence action closeId orderedBy
  outcome { complete applied state pending { code reason } published { fiscalYear version closeId document hash closedBy total { amount currency } } } } }`;
const REOPEN = `mutation($year: Int!, $reason: String!) { reopenFiscalYear(fiscalYear: $year, reason: $reason) {
  id action closeId reason outcome { complete applied state published { version } } } }`;
const PUBLISHED = `query($year: Int!, $version: Int) { publishedReport(fiscalYear: $year, version: $version) {
  fiscalYear version closeId document hash closedBy closedAt total { amount currency } reopened { by reason orderId } } }`;
const STATUS = `query($year: Int!) { fiscalYearStatus(fiscalYear: $year) { state sequence closeId } }`;
const RESTATED = `query { groupReport(fiscalYear: 2024) {
  total { amount currency }
  published { version hash total { amount } }
  restated { total { amount currency } unadjusted { amount } adjustments { subsidiary local { amount currency } converted { amount currency } adjustment { id originalExpenseId restatedFiscalYear closeId reason } } } } }`;

const sha256 = (text: string) => `sha256:${createHash('sha256').update(text, 'utf8').digest('hex')}`;

let hq: GraphQLClient;
let india: GraphQLClient;
let thailand: GraphQLClient;
/** An India expense of group fiscal year 2024 (seed). */
let original: { _id: string; amount: { toString(): string } };
let published: { document: string; hash: string };

async function indiaState() {
  const db = stack.db('india');
  const [expenses, expense, registrations] = await Promise.all([
    db.collection('expenses').countDocuments(),
    db.collection('expenses').findOne({ _id: original._id as never }),
    db.collection('volunteer_registrations').countDocuments(),
  ]);
  return { expenses, expense, registrations };
}

/** Asks for the close until the gateway reaches every subsidiary again (a restarted one's circuit reopens within CIRCUIT_OPEN_MS). */
async function closeWhenReachable(year: number) {
  const deadline = Date.now() + 20_000;
  for (;;) {
    const result = await hq.query(CLOSE, { year });
    if (!errorCodes(result).includes('CLOSE_INCOMPLETE') || Date.now() > deadline) return result;
    await new Promise((resolve) => setTimeout(resolve, 300));
  }
}

/** Retries while the gateway still holds a restarted subgraph's circuit open. */
async function untilReachable(ask: () => Promise<GraphQLResponse>): Promise<GraphQLResponse> {
  const deadline = Date.now() + 20_000;
  for (;;) {
    const result = await ask();
    if (!errorCodes(result).includes('SUBSIDIARY_UNAVAILABLE') || Date.now() > deadline) return result;
    await new Promise((resolve) => setTimeout(resolve, 300));
  }
}

beforeAll(async () => {
  hq = stack.as(await stack.token(ROLES.hq, { subject: 'hq-closer' }));
  india = stack.as(await stack.token(ROLES.regional('IN'), { subject: 'priya' }));
  thailand = stack.as(await stack.token(ROLES.regional('TH'), { subject: 'somchai' }));
  original = (await stack.db('india').collection('expenses').findOne({ groupFiscalYear: 2024, contributionType: 'CASH' }, { sort: { _id: 1 } })) as never;
  expect(original).toBeTruthy();
});

describe('closing a group fiscal year', () => {
  it('refuses tokens without group:close, and changes nothing', async () => {
    for (const token of [await stack.token(ROLES.regional('IN')), await stack.token(ROLES.bi), await stack.token([...ROLES.hq].filter((scope) => scope !== 'group:close'))]) {
      const result = await stack.as(token).query(CLOSE, { year: 2024 });
      expect(result.data?.closeFiscalYear ?? null).toBeNull();
      expect(errorCodes(result)).toContain('FORBIDDEN');
    }
    expect((await hq.data(STATUS, { year: 2024 })).fiscalYearStatus).toEqual({ state: 'OPEN', sequence: 0, closeId: null });
    expect(await stack.db('group').collection('fiscal_year_orders').countDocuments()).toBe(0);
  });

  it('cannot close a partial report: with India down nothing is published, and asking again once it is back completes the close', { timeout: 60_000 }, async () => {
    await stack.stack.stop('india');
    try {
      const partial = await hq.query(CLOSE, { year: 2024 });
      expect(partial.data?.closeFiscalYear).toMatchObject({ id: '2024#1', action: 'CLOSE', closeId: 'FY2024-C1', outcome: null });
      const refusal = partial.errors!.find((error) => error.extensions?.code === 'CLOSE_INCOMPLETE')!;
      expect(refusal.extensions).toMatchObject({ fiscalYear: 2024, missingSubsidiaries: ['IN'], lockedSubsidiaries: ['JP', 'US', 'TH'] });
      expect(refusal.message).toContain('india');
      expect((await hq.data(PUBLISHED, { year: 2024 })).publishedReport).toBeNull();
      expect((await hq.data(STATUS, { year: 2024 })).fiscalYearStatus).toEqual({ state: 'CLOSING', sequence: 1, closeId: 'FY2024-C1' });
      // the subsidiaries that applied the order already refuse writes into the year being closed
      const japan = await stack.query(`mutation { japanRecordExpense(input: { initiativeId: "JP-I0001", date: "2023-10-01", contributionType: CASH, amount: "1000", description: "late" }) { id } }`);
      expect(errorCodes(japan)).toEqual(['FISCAL_YEAR_CLOSED']);
      // confirmations that their subsidiary did not sign, sent straight to the group subgraph, publish nothing
      const forged = SUBSIDIARIES.map((subsidiary) => ({
        __typename: `${subsidiary.typePrefix}FiscalYearLock`, fiscalYear: 2024, sequence: 1, action: 'CLOSE', closeId: 'FY2024-C1', appliedAt: new Date().toISOString(),
        signature: { keyId: subsidiary.code, algorithm: 'Ed25519', value: 'A'.repeat(86) }, report: null,
      }));
      const direct = await stack.asGateway(await stack.token(ROLES.hq), 'group').query(`query($r: [_Any!]!) { _entities(representations: $r) { ... on FiscalYearOrder { outcome { state } } } }`, {
        r: [{ __typename: 'FiscalYearOrder', id: '2024#1', subsidiaries: forged }],
      });
      expect(errorCodes(direct)).toEqual(['CLOSE_INCOMPLETE']);
      expect(direct.errors![0]!.extensions).toMatchObject({ missingSubsidiaries: ['JP', 'IN', 'US', 'TH'] });
      expect(direct.errors![0]!.message).toContain("NEC India's confirmation of the order is refused");
      expect(await stack.db('group').collection('published_reports').countDocuments()).toBe(0);
    } finally {
      await stack.stack.start('india');
    }
    // India missed the close's order; back, it fetched it from headquarters (/fiscal-year-orders) before taking a write
    const late = await untilReachable(() => india.query(`mutation { indiaRecordExpense(input: { initiativeId: "IN-I0001", date: "2024-02-10", contributionType: CASH, amount: "500.00", description: "late receipt" }) { id } }`));
    expect(errorCodes(late)).toEqual(['FISCAL_YEAR_CLOSED']);
    const resumed = await closeWhenReachable(2024);
    expect(resumed.errors).toBeUndefined();
    const close = resumed.data!.closeFiscalYear;
    // the same order, resumed: no second close
    expect(close).toMatchObject({ id: '2024#1', sequence: 1, closeId: 'FY2024-C1', orderedBy: 'hq-closer' });
    expect(close.outcome).toMatchObject({ complete: true, applied: ['JP', 'IN', 'US', 'TH'], state: 'CLOSED', pending: [] });
    published = close.outcome.published;
    expect(close.outcome.published).toMatchObject({ fiscalYear: 2024, version: 1, closeId: 'FY2024-C1', closedBy: 'hq-closer', total: { amount: '828006924', currency: 'JPY' } });
  });

  it('publishes every figure of the year in JPY with the rates and each subsidiary’s signed local cells, under a hash of the document', async () => {
    expect(published.hash).toBe(sha256(published.document));
    const document = JSON.parse(published.document);
    const live = (await hq.data(`query { groupReport(fiscalYear: 2024) { total { amount } bySubsidiary { code local { amount currency } converted { amount } expenseCount }
      byCauseArea { causeArea amount { amount } } volunteering { newRegistrations participants hours } } }`)).groupReport;
    expect(document).toMatchObject({ format: 'csr-published-report/1', fiscalYear: 2024, version: 1, currency: 'JPY', closedBy: 'hq-closer', completeness: { complete: true, included: ['JP', 'IN', 'US', 'TH'] } });
    expect(document.total).toEqual({ amount: '828006924', currency: 'JPY' });
    expect(document.bySubsidiary.map((line: any) => ({ code: line.code, local: line.local, converted: { amount: line.converted.amount }, expenseCount: line.expenseCount }))).toEqual(live.bySubsidiary);
    expect(document.byCauseArea.map((line: any) => ({ causeArea: line.causeArea, amount: { amount: line.amount.amount } }))).toEqual(live.byCauseArea);
    expect(document.volunteering).toEqual(live.volunteering);
    expect(document.rates.map((rate: any) => [rate.currency, rate.jpyPerUnit])).toEqual([['INR', '1.75'], ['THB', '4.12'], ['USD', '144.60']]);
    for (const subsidiary of document.subsidiaries) {
      expect(subsidiary.signature).toMatchObject({ keyId: subsidiary.code, algorithm: 'Ed25519' });
      expect(subsidiary.figures).toMatchObject({ subsidiary: subsidiary.code, reportKey: `${subsidiary.code}|2024|2024|*|*`, currency: subsidiary.currency });
      // its signed confirmation of the lock, and figures read after it
      const { statement, signature } = subsidiary.lock;
      expect(statement).toMatchObject({ type: 'fiscal-year-lock', subsidiary: subsidiary.code, fiscalYear: 2024, sequence: 1, action: 'CLOSE', closeId: 'FY2024-C1' });
      expect(JSON.parse(statement.order).signature.keyId).toBe('HQ');
      expect(subsidiary.figures.asOf >= statement.appliedAt).toBe(true);
      const publicKey = createPublicKey(stack.stack.regionalKeys.get(subsidiary.code)!.privateKey);
      expect(verify(null, Buffer.from(`csr-fiscal-year-lock/1\n${canonicalJson(statement)}`, 'utf8'), publicKey, Buffer.from(signature.value, 'base64url'))).toBe(true);
    }
    // canonical JSON: what a second serialisation of the parsed document gives is not what is checked; the stored text is
    const stored = await stack.db('group').collection('published_reports').findOne({ _id: 'FY2024-C1' as never });
    expect(stored?.document).toBe(published.document);
  });

  it('refuses to close the year again', async () => {
    const again = await hq.query(CLOSE, { year: 2024 });
    expect(errorCodes(again)).toEqual(['FISCAL_YEAR_ALREADY_CLOSED']);
    expect(await stack.db('group').collection('fiscal_year_orders').countDocuments()).toBe(1);
  });

  it('refuses every India write dated in the closed year, naming it and how to record an adjustment; the database is unchanged', async () => {
    const before = await indiaState();
    const initiative = (await stack.db('india').collection('initiatives').findOne({ _id: (original as unknown as { initiativeId: string }).initiativeId as never }))!;
    const attempts = [
      `mutation { indiaUpdateInitiative(id: "${initiative._id}", changes: { causeArea: ${initiative.causeArea === 'EDUCATION_RESEARCH' ? 'DISASTER_RELIEF' : 'EDUCATION_RESEARCH'} }) { id } }`,
      `mutation { indiaUpdateInitiative(id: "${initiative._id}", changes: { motivation: ${initiative.motivation === 'CHARITABLE_GIFT' ? 'COMMUNITY_INVESTMENT' : 'CHARITABLE_GIFT'} }) { id } }`,
      `mutation { indiaCorrectExpense(id: "${original._id}", correction: { amount: "1.00" }) { id } }`,
      `mutation { indiaDeleteExpense(id: "${original._id}") { id } }`,
      `mutation { indiaRecordExpense(input: { initiativeId: "IN-I0001", date: "2024-02-10", contributionType: CASH, amount: "500.00", description: "late receipt" }) { id } }`,
      `mutation { indiaRecordVolunteerRegistrations(input: { date: "2024-03-31", count: 3 }) { id } }`,
    ];
    for (const attempt of attempts) {
      const result = await india.query(attempt);
      expect(errorCodes(result), attempt).toEqual(['FISCAL_YEAR_CLOSED']);
      expect(result.errors![0]!.extensions).toMatchObject({ fiscalYear: 2024, closeId: 'FY2024-C1', subsidiary: 'IN' });
      expect(result.errors![0]!.message).toMatch(/group fiscal year 2024.*indiaRecordAdjustment/s);
    }
    expect(await indiaState()).toEqual(before);
    expect(await stack.db('india').collection('initiatives').findOne({ _id: initiative._id })).toEqual(initiative);
    // a write into an open year still goes through
    const open = await india.query(`mutation { indiaRecordExpense(input: { initiativeId: "IN-I0001", date: "2024-04-01", contributionType: CASH, amount: "10.00", description: "first day of fiscal 2025" }) { groupFiscalYear } }`);
    expect(open.data?.indiaRecordExpense).toEqual({ groupFiscalYear: 2025 });
  });

  it('books a correction as an adjustment in an open year; the published report stays byte for byte, the restated figure moves by exactly the adjustment', async () => {
    const adjustment = await india.data(`mutation($id: ID!) { indiaRecordAdjustment(input: { originalExpenseId: $id, amountChange: "-1000.00", reason: "Receipt re-issued at a lower amount" }) {
      id originalExpenseId groupFiscalYear restatedFiscalYear amountChange closeId recordedBy } }`, { id: original._id });
    expect(adjustment.indiaRecordAdjustment).toMatchObject({ originalExpenseId: original._id, restatedFiscalYear: 2024, amountChange: '-1000.00', closeId: 'FY2024-C1', recordedBy: 'priya' });
    expect(adjustment.indiaRecordAdjustment.groupFiscalYear).toBeGreaterThan(2024);
    const stillOriginal = await stack.db('india').collection('expenses').findOne({ _id: original._id as never });
    expect(stillOriginal?.amount.toString()).toBe(original.amount.toString());

    const now = (await hq.data(PUBLISHED, { year: 2024 })).publishedReport;
    expect(now.document).toBe(published.document);
    expect(now.hash).toBe(published.hash);

    const report = (await hq.data(RESTATED)).groupReport;
    expect(report.total.amount).toBe('828006924');
    expect(report.published).toEqual({ version: 1, hash: published.hash, total: { amount: '828006924' } });
    // -1,000.00 INR at FY2024's 1.75 JPY/INR: -1,750 JPY
    expect(report.restated.adjustments).toEqual([
      {
        subsidiary: 'IN',
        local: { amount: '-1000.00', currency: 'INR' },
        converted: { amount: '-1750', currency: 'JPY' },
        adjustment: { id: adjustment.indiaRecordAdjustment.id, originalExpenseId: original._id, restatedFiscalYear: 2024, closeId: 'FY2024-C1', reason: 'Receipt re-issued at a lower amount' },
      },
    ]);
    expect(report.restated.unadjusted.amount).toBe('828006924');
    expect(report.restated.total).toEqual({ amount: '828005174', currency: 'JPY' });
    expect(BigInt(report.restated.total.amount) - BigInt(now.total.amount)).toBe(-1750n);
  });

  it('refuses an adjustment of an open year’s expense, which is corrected itself', async () => {
    const open = await stack.db('india').collection('expenses').findOne({ groupFiscalYear: 2025 });
    const result = await india.query(`mutation($id: ID!) { indiaRecordAdjustment(input: { originalExpenseId: $id, amountChange: "5.00", reason: "x" }) { id } }`, { id: open!._id });
    expect(errorCodes(result)).toEqual(['INVALID_STATE']);
    expect(result.errors![0]!.message).toContain('indiaCorrectExpense');
  });

  it('decides a Thai record by its group fiscal year: January–March 2024 (Thai fiscal 2024) is closed, April 2024 (still Thai fiscal 2024) is open', async () => {
    const record = (date: string) =>
      thailand.query(`mutation($date: Date!) { thailandRecordExpense(input: { initiativeId: "TH-I0001", date: $date, contributionType: CASH, amount: "100.00", description: "boundary" }) { fiscalYear groupFiscalYear } }`, { date });
    for (const date of ['2024-01-15', '2024-03-31']) {
      const refused = await record(date);
      expect(errorCodes(refused), date).toEqual(['FISCAL_YEAR_CLOSED']);
      expect(refused.errors![0]!.extensions).toMatchObject({ fiscalYear: 2024, subsidiary: 'TH' });
    }
    expect((await record('2024-04-01')).data?.thailandRecordExpense).toEqual({ fiscalYear: 2024, groupFiscalYear: 2025 });
    expect((await record('2025-01-15')).data?.thailandRecordExpense).toEqual({ fiscalYear: 2025, groupFiscalYear: 2025 });
  });

  it('refuses changing a rate of the closed year', async () => {
    const result = await hq.query(`mutation { setExchangeRate(input: { currency: "INR", fiscalYear: 2024, jpyPerUnit: "1.80", source: "late", asOf: "2024-03-31" }) { jpyPerUnit } }`);
    expect(errorCodes(result)).toEqual(['FISCAL_YEAR_CLOSED']);
  });

  it('reopens the year as an audited headquarters action that keeps the published version, and a new close publishes version 2', { timeout: 30_000 }, async () => {
    const refused = await india.query(REOPEN, { year: 2024, reason: 'not mine to reopen' });
    expect(errorCodes(refused)).toContain('FORBIDDEN');

    const reopened = (await hq.data(REOPEN, { year: 2024, reason: 'Auditor found a misclassified grant' })).reopenFiscalYear;
    expect(reopened).toMatchObject({ id: '2024#2', action: 'REOPEN', closeId: 'FY2024-C1', reason: 'Auditor found a misclassified grant', outcome: { complete: true, applied: ['JP', 'IN', 'US', 'TH'], state: 'OPEN', published: null } });
    const audit = await stack.db('group').collection('audit_log').find({ action: 'reopenFiscalYear' }).toArray();
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({ actor: 'hq-closer', entity: 'FiscalYearOrder', entityId: '2024#2' });

    const first = (await hq.data(PUBLISHED, { year: 2024, version: 1 })).publishedReport;
    expect(first).toMatchObject({ document: published.document, hash: published.hash, reopened: { by: 'hq-closer', reason: 'Auditor found a misclassified grant', orderId: '2024#2' } });

    // open again: the correction goes to the record itself
    const corrected = await india.query(`mutation { indiaCorrectExpense(id: "${original._id}", correction: { amount: "${(Number(original.amount.toString()) - 1000).toFixed(2)}" }) { id } }`);
    expect(corrected.errors).toBeUndefined();

    const second = (await hq.data(CLOSE, { year: 2024 })).closeFiscalYear;
    expect(second).toMatchObject({ id: '2024#3', closeId: 'FY2024-C3', outcome: { state: 'CLOSED', published: { version: 2, closeId: 'FY2024-C3', total: { amount: '828005174', currency: 'JPY' } } } });
    const versions = (await hq.data(`query { publishedReports(fiscalYear: 2024) { version closeId hash reopened { orderId } } }`)).publishedReports;
    expect(versions).toEqual([
      { version: 1, closeId: 'FY2024-C1', hash: published.hash, reopened: { orderId: '2024#2' } },
      { version: 2, closeId: 'FY2024-C3', hash: second.outcome.published.hash, reopened: null },
    ]);
    expect((await hq.data(PUBLISHED, { year: 2024 })).publishedReport.version).toBe(2);
    // adjustments booked against the earlier close no longer restate the year
    expect((await hq.data(RESTATED)).groupReport.restated).toMatchObject({ total: { amount: '828005174' }, adjustments: [] });
  });

  it('publishes once when two closes of a year run at the same time', { timeout: 30_000 }, async () => {
    const answers = await Promise.all([hq.query(CLOSE, { year: 2023 }), hq.query(CLOSE, { year: 2023 })]);
    const published2023 = answers.flatMap((answer) => (answer.data?.closeFiscalYear?.outcome?.published ? [answer.data.closeFiscalYear.outcome.published] : []));
    expect(published2023.length).toBeGreaterThanOrEqual(1);
    for (const answer of answers) if (answer.errors) expect(errorCodes(answer)).toEqual(['RECORD_BUSY']);
    expect(new Set(published2023.map((report) => report.hash)).size).toBe(1);
    expect(await stack.db('group').collection('fiscal_year_orders').countDocuments({ fiscalYear: 2023 })).toBe(1);
    expect(await stack.db('group').collection('published_reports').countDocuments({ fiscalYear: 2023 })).toBe(1);
    expect((await hq.data(STATUS, { year: 2023 })).fiscalYearStatus).toEqual({ state: 'CLOSED', sequence: 1, closeId: 'FY2023-C1' });
  });

  it('refuses to close a year whose rates are not all recorded, locking nothing', async () => {
    const result = await hq.query(CLOSE, { year: 2030 });
    expect(errorCodes(result)).toEqual(['CLOSE_INCOMPLETE']);
    expect(result.errors![0]!.extensions).toMatchObject({ fiscalYear: 2030, missingRates: ['INR', 'USD', 'THB'] });
    expect(await stack.db('group').collection('fiscal_year_orders').countDocuments({ fiscalYear: 2030 })).toBe(0);
    expect((await india.query(`mutation { indiaRecordExpense(input: { initiativeId: "IN-I0001", date: "2029-06-01", contributionType: CASH, amount: "1.00", description: "far ahead" }) { groupFiscalYear } }`)).errors?.map((error) => error.extensions?.code) ?? []).not.toContain('FISCAL_YEAR_CLOSED');
  });

  it('reopens with Thailand down: Thailand opens the year itself once it is back', { timeout: 60_000 }, async () => {
    const thai = () => thailand.query(`mutation { thailandRecordExpense(input: { initiativeId: "TH-I0001", date: "2023-01-10", contributionType: CASH, amount: "100.00", description: "after the reopening" }) { groupFiscalYear } }`);
    expect(errorCodes(await thai())).toEqual(['FISCAL_YEAR_CLOSED']);
    await stack.stack.stop('thailand');
    try {
      const reopened = await hq.query(REOPEN, { year: 2023, reason: 'Reclassification' });
      expect(reopened.data?.reopenFiscalYear.outcome).toMatchObject({ complete: false, applied: ['JP', 'IN', 'US'], state: 'OPEN' });
      expect(new Set(errorCodes(reopened))).toEqual(new Set(['SUBSIDIARY_UNAVAILABLE']));
    } finally {
      await stack.stack.start('thailand');
    }
    expect((await untilReachable(thai)).data?.thailandRecordExpense).toEqual({ groupFiscalYear: 2023 });
  });
});
