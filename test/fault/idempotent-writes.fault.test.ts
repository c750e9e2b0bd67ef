/**
 * Fault: a client replays a write. The same RecordExpense with the same idempotency key arrives
 * five times at once and again later; and a write whose answer was lost (the gateway gave up on a
 * slow India while India went on to commit it) is OUTCOME_UNKNOWN, and retried by the client with its key. Real servers
 * on 127.0.0.1, India behind a TCP proxy that can hold its answers back.
 */
import { describe, expect, it } from 'vitest';
import { useStackWithIndiaBehindProxy, within } from '../harness/faults';

const TIMEOUT_MS = 1_500;
const { stack, proxy } = useStackWithIndiaBehindProxy('fault_replay', TIMEOUT_MS);

const RECORD = `mutation Record($input: ExpenseInput!, $key: String) {
  indiaRecordExpense(input: $input, idempotencyKey: $key) { id amount { amount currency } } }`;

const expenses = () => stack.db('india').collection('expenses');
const mutationsSent = () => (proxy().sent.match(/indiaRecordExpense/g) ?? []).length;

describe('a replayed write', () => {
  it('records one expense for five concurrent and two later copies of one keyed request', { timeout: 30_000 }, async () => {
    const input = { initiativeId: 'IN-I0002', date: '2024-07-11', contributionType: 'CASH', amount: '2500.00', description: 'Replayed donation' };
    const before = await expenses().countDocuments();
    const concurrent = await Promise.all(Array.from({ length: 5 }, () => stack.query(RECORD, { input, key: 'replay-concurrent-1' })));
    for (const result of concurrent) expect(result.errors).toBeUndefined();
    const ids = new Set(concurrent.map((result) => result.data?.indiaRecordExpense.id));
    expect(ids.size).toBe(1);
    const [id] = [...ids];

    const later = [await stack.query(RECORD, { input, key: 'replay-concurrent-1' }), await stack.query(RECORD, { input, key: 'replay-concurrent-1' })];
    for (const result of later) expect(result.data?.indiaRecordExpense).toEqual({ id, amount: { amount: '2500.00', currency: 'INR' } });

    expect(await expenses().countDocuments()).toBe(before + 1);
    expect(await expenses().countDocuments({ description: 'Replayed donation' })).toBe(1);
    expect(await stack.db('india').collection('idempotency_keys').countDocuments({ _id: 'replay-concurrent-1' as never })).toBe(1);
  });

  it('keeps a write whose answer was lost, and the retry with its key neither loses nor doubles it', { timeout: 30_000 }, async () => {
    const input = { initiativeId: 'IN-I0003', date: '2024-08-02', contributionType: 'CASH', amount: '777.00', description: 'Answer lost in transit' };
    const before = await expenses().countDocuments();
    const sentBefore = mutationsSent();

    // India commits, but its answer is held back past the gateway's budget: the client sees a failure
    proxy().delayMs = 3 * TIMEOUT_MS;
    let lost;
    try {
      lost = await stack.query(RECORD, { input, key: 'replay-lost-answer-1' });
    } finally {
      proxy().delayMs = 0;
    }
    expect(lost.data).toBeNull();
    // not "unavailable": the gateway cannot know whether India applied it, and says how to find out safely
    expect(lost.errors).toHaveLength(1);
    expect(lost.errors?.[0]).toMatchObject({
      path: ['indiaRecordExpense'],
      extensions: { code: 'OUTCOME_UNKNOWN', subsidiary: 'IN', serviceName: 'india', reason: 'timeout', idempotencyKey: 'replay-lost-answer-1' },
    });
    expect(lost.errors?.[0]?.message).toContain('NEC India (IN) did not confirm indiaRecordExpense');
    expect(lost.errors?.[0]?.message).toContain('retry with idempotencyKey "replay-lost-answer-1" to get its result without applying it twice');
    // the gateway never retries a mutation by itself
    expect(mutationsSent() - sentBefore).toBe(1);
    // nothing lost: the write is there although the caller was told the call failed
    expect(await within(5_000, async () => (await expenses().countDocuments({ description: 'Answer lost in transit' })) === 1)).not.toBeNull();

    // the client retries with the same key: it gets the expense that was recorded, not a second one
    const retried = await stack.query(RECORD, { input, key: 'replay-lost-answer-1' });
    expect(retried.errors).toBeUndefined();
    const stored = await expenses().findOne({ description: 'Answer lost in transit' });
    expect(retried.data?.indiaRecordExpense.id).toBe(stored?._id);
    expect(await expenses().countDocuments()).toBe(before + 1);

    // and the same key for a different expense is refused, changing nothing
    const misused = await stack.query(RECORD, { input: { ...input, amount: '778.00' }, key: 'replay-lost-answer-1' });
    expect(misused.errors?.[0]?.extensions?.code).toBe('IDEMPOTENCY_KEY_REUSED');
    expect(await expenses().countDocuments()).toBe(before + 1);
  });
});

describe('a write whose answer is lost, without a variable key', () => {
  it('names an inline key, and without any key says the write may have been applied', { timeout: 30_000 }, async () => {
    proxy().delayMs = 3 * TIMEOUT_MS;
    let inline;
    let keyless;
    try {
      [inline, keyless] = await Promise.all([
        stack.query(`mutation { indiaRecordExpense(input: { initiativeId: "IN-I0003", date: "2024-08-03", contributionType: CASH, amount: "5.00", description: "inline key" }, idempotencyKey: "replay-inline-1") { id } }`),
        stack.query(`mutation { indiaRecordVolunteerRegistrations(input: { date: "2024-08-03", count: 2 }) { id } }`),
      ]);
    } finally {
      proxy().delayMs = 0;
    }
    expect(inline.errors?.[0]).toMatchObject({ path: ['indiaRecordExpense'], extensions: { code: 'OUTCOME_UNKNOWN', subsidiary: 'IN', idempotencyKey: 'replay-inline-1' } });
    expect(keyless.errors?.[0]).toMatchObject({ path: ['indiaRecordVolunteerRegistrations'], extensions: { code: 'OUTCOME_UNKNOWN', subsidiary: 'IN', reason: 'timeout' } });
    expect(keyless.errors?.[0]?.extensions?.idempotencyKey).toBeUndefined();
    expect(keyless.errors?.[0]?.message).toContain('The write may have been applied: check whether it was before retrying, and send an idempotencyKey with writes that take one.');
  });
});
