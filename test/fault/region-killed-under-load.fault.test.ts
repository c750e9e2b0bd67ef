/**
 * Fault: India's subgraph process is SIGKILLed in the middle of a read/write load through the
 * gateway (20 writers, 70 % with idempotency keys and retries; 4 readers of the group total) and
 * restarted half a second later. No answer may carry a total other than the independent sum
 * unless it is null or marked partial; once the load stops, the total is the independent sum,
 * every acknowledged write is stored once, and no keyed write is lost or doubled.
 */
import { describe, expect, it } from 'vitest';
import { ROLES } from '../../subgraphs/common/scopes';
import { useCrashRig } from '../harness/crash-points';
import { within } from '../harness/faults';
import { fraction, jpyExact, jpyTotal, roundHalfUp } from '../harness/independent-sums';

const rig = useCrashRig('fault_load_kill');
const WRITERS = 20;
const READERS = 4;
const KILL_AT_MS = 3_000;
const RESTART_AFTER_MS = 500;
const LOAD_MS = 7_000;

const RECORD = `mutation($input: ExpenseInput!, $key: String) { indiaRecordExpense(input: $input, idempotencyKey: $key) { id } }`;
const TOTAL = `{ groupReport(fiscalYear: 2025) { total { amount partial } } }`;

interface Write {
  description: string;
  keyed: boolean;
  /** Exact JPY, in ten-thousandths of a yen (INR with 2 decimals × a rate with 2 decimals). */
  jpy: bigint;
  firstSentAt: number;
  acknowledgedAt: number | null;
}

interface Read {
  sentAt: number;
  receivedAt: number;
  total: { amount: string; partial: boolean } | null;
  codes: string[];
}


describe('a region killed under a read/write load', () => {
  it('never answers a wrong total, and loses or doubles no write', { timeout: 120_000 }, async () => {
    const token = await rig.stack.token(ROLES.regional('IN'), { subject: 'in-load' });
    const client = rig.stack.as(token);
    const rate = (await rig.stack.db('group').collection('exchange_rates').findOne({ currency: 'INR', fiscalYear: 2025 }))!.jpyPerUnit.toString();
    const [rateNumerator, rateDenominator] = fraction(rate);
    if (rateDenominator !== 100n) throw new Error(`the load test expects a rate with two decimals, got ${rate}`);
    // the independent sum before the load, exact; a total between two instants is this plus the writes applied by then
    const [baseNumerator, baseDenominator] = await jpyExact((name) => rig.stack.db(name), ['JP', 'IN', 'US', 'TH'], 2025);
    const yenWith = (writesJpy: bigint) => roundHalfUp([baseNumerator * 10_000n + writesJpy * baseDenominator, baseDenominator * 10_000n]);
    const started = Date.now();
    const writes: Write[] = [];
    const reads: Read[] = [];
    const stopAt = started + LOAD_MS;

    const writer = async (w: number) => {
      for (let seq = 0; Date.now() < stopAt; seq += 1) {
        const keyed = (w * 7 + seq) % 10 < 7;
        const cents = 10_000 + w * 1_000 + seq * 7;
        const amount = `${Math.floor(cents / 100)}.${String(cents % 100).padStart(2, '0')}`;
        const write: Write = { description: `load ${w}-${seq}`, keyed, jpy: BigInt(cents) * rateNumerator, firstSentAt: Date.now(), acknowledgedAt: null };
        writes.push(write);
        const variables = { input: { initiativeId: 'IN-I0002', date: '2024-07-01', contributionType: 'CASH', amount, description: write.description }, key: keyed ? `load-${w}-${seq}` : null };
        for (let attempt = 0; ; attempt += 1) {
          const answer = await client.query(RECORD, variables).catch(() => ({ errors: [{ message: 'connection', extensions: { code: 'CONNECTION' } }] }) as never);
          if (!answer.errors) {
            write.acknowledgedAt = Date.now();
            break;
          }
          // without a key a lost answer cannot be retried safely; with one, retry until it is answered
          if (!keyed || Date.now() > stopAt + 20_000) break;
          await new Promise((resolve) => setTimeout(resolve, 50 + 25 * attempt));
        }
      }
    };
    const reader = async () => {
      while (Date.now() < stopAt) {
        const sentAt = Date.now();
        const answer = await client.query(TOTAL).catch(() => ({ data: null, errors: [{ message: 'connection', extensions: { code: 'CONNECTION' } }] }) as never);
        reads.push({ sentAt, receivedAt: Date.now(), total: answer.data?.groupReport?.total ?? null, codes: (answer.errors ?? []).map((error: { extensions?: { code?: string } }) => String(error.extensions?.code)) });
      }
    };
    const crash = (async () => {
      await new Promise((resolve) => setTimeout(resolve, KILL_AT_MS));
      await rig.india().kill();
      await new Promise((resolve) => setTimeout(resolve, RESTART_AFTER_MS));
      await rig.india().restart();
    })();
    await Promise.all([...Array.from({ length: WRITERS }, (_, w) => writer(w)), ...Array.from({ length: READERS }, () => reader()), crash]);
    await rig.quiescent();

    // every answer with a complete total lies between what was acknowledged before it was asked and what was sent before it arrived
    const wrong: string[] = [];
    let complete = 0;
    for (const read of reads) {
      if (!read.total || read.total.partial) continue;
      complete += 1;
      const lower = yenWith(writes.filter((write) => write.acknowledgedAt !== null && write.acknowledgedAt < read.sentAt).reduce((sum, write) => sum + write.jpy, 0n));
      const upper = yenWith(writes.filter((write) => write.firstSentAt < read.receivedAt).reduce((sum, write) => sum + write.jpy, 0n));
      const total = BigInt(read.total.amount);
      if (total < lower || total > upper) wrong.push(`at +${read.sentAt - started} ms: ${total}, expected ${lower}…${upper}`);
    }
    const incomplete = reads.length - complete;
    const stored = await rig.db().collection('expenses').find({ description: { $regex: '^load ' } }, { projection: { description: 1 } }).toArray();
    const copies = new Map<string, number>();
    for (const record of stored) copies.set(String(record.description), (copies.get(String(record.description)) ?? 0) + 1);
    const lost = writes.filter((write) => write.acknowledgedAt !== null && !copies.has(write.description)).map((write) => write.description);
    const doubled = [...copies].filter(([, count]) => count > 1).map(([description]) => description);
    const keyedUnanswered = writes.filter((write) => write.keyed && write.acknowledgedAt === null).map((write) => write.description);
    console.info(
      `[load] ${writes.length} writes (${writes.filter((write) => write.acknowledgedAt !== null).length} acknowledged), ${reads.length} reports: ` +
        `${complete} complete, ${incomplete} null or partial during the outage, ${wrong.length} wrong; ${lost.length} lost, ${doubled.length} doubled`,
    );
    expect(wrong).toEqual([]);
    expect(lost).toEqual([]);
    expect(doubled).toEqual([]);
    expect(keyedUnanswered).toEqual([]);
    expect(incomplete).toBeGreaterThan(0); // the outage was seen, and said so
    expect(complete).toBeGreaterThan(0);

    // the gateway's circuit to India closes within its cooldown once India answers again
    await within(10_000, async () => (await client.query(TOTAL)).data?.groupReport?.total?.partial === false);
    const final = await rig.stack.data(TOTAL);
    expect(final.groupReport.total).toEqual({ amount: await jpyTotal((name) => rig.stack.db(name), ['JP', 'IN', 'US', 'TH'], 2025), partial: false });
    // the acknowledged writes, and those unkeyed writes whose answer was lost but which were applied, are all there is
    const applied = writes.filter((write) => copies.has(write.description)).reduce((sum, write) => sum + write.jpy, 0n);
    expect(final.groupReport.total.amount).toBe(String(yenWith(applied)));
  });
});
