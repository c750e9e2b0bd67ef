/**
 * Fault: the India subgraph stops (its port refuses connections) and starts again on the same port.
 * Real servers on 127.0.0.1; the gateway keeps India's URL throughout.
 */
import { describe, expect, it } from 'vitest';
import { SUBSIDIARIES } from '../../subgraphs/common/registry';
import { within } from '../harness/faults';
import { useSeededStack } from '../harness/stack';

// every answer below must come from the subgraphs: with its response cache on, the gateway would
// answer the report asked before the outage from the cache (the same figures) for up to its max-age
const stack = useSeededStack('fault_down', { gatewayEnv: { RESPONSE_CACHE: 'false' } });

const LIST = `{ subsidiaries { code initiatives { totalCount } } }`;
const REPORT = `query Report($partial: Boolean) { groupReport(fiscalYear: 2024, allowPartial: $partial) {
  total { amount currency partial } completeness { complete included missing { code name reason } }
  bySubsidiary { code available converted { amount } } } }`;

/** Exact JPY total of some subsidiaries for one fiscal year, from the databases, rounded once (half up). */
async function jpyTotal(codes: string[], fiscalYear: number): Promise<string> {
  const rates = await stack.db('group').collection('exchange_rates').find({ fiscalYear }).toArray();
  const fraction = (text: string): [bigint, bigint] => {
    const [whole, decimals = ''] = text.split('.');
    return [BigInt(`${whole}${decimals}`), 10n ** BigInt(decimals.length)];
  };
  let [numerator, denominator] = [0n, 1n];
  for (const subsidiary of SUBSIDIARIES.filter((candidate) => codes.includes(candidate.code))) {
    const [rn, rd] = subsidiary.currency === 'JPY' ? [1n, 1n] : fraction(rates.find((rate) => rate.currency === subsidiary.currency)!.jpyPerUnit.toString());
    for (const expense of await stack.db(subsidiary.key).collection('expenses').find({ groupFiscalYear: fiscalYear }).toArray()) {
      const [an, ad] = fraction(expense.amount.toString());
      [numerator, denominator] = [numerator * ad * rd + an * rn * denominator, denominator * ad * rd];
    }
  }
  const quotient = numerator / denominator;
  return ((numerator % denominator) * 2n >= denominator ? quotient + 1n : quotient).toString();
}

function readyUrl(): string {
  return stack.gatewayUrl.replace(/\/graphql$/, '/ready');
}

function subgraphsUrl(): string {
  return stack.gatewayUrl.replace(/\/graphql$/, '/subgraphs');
}

interface SubgraphsBody {
  subgraphs: Record<string, { status: string; via?: string; ms: number; detail?: string; circuit?: { state: string; since?: string } }>;
}

/** Restarted: full answers again once the gateway's circuit for India has closed (within its cooldown, 2 s). */
async function recovered(before: unknown): Promise<number> {
  const ms = await within(5_000, async () => JSON.stringify((await stack.query(LIST)).data) === JSON.stringify(before));
  expect(ms, 'India did not answer through the gateway within 5 s of its restart').not.toBeNull();
  return ms!;
}

describe('a regional subgraph that is down', () => {
  it('leaves every other region in the answer, names India in the error, and recovers after a restart', { timeout: 60_000 }, async () => {
    const before = await stack.data(LIST);
    const counts = Object.fromEntries(before.subsidiaries.map((s: { code: string; initiatives: { totalCount: number } }) => [s.code, s.initiatives.totalCount]));
    const fullTotal = (await stack.data(REPORT)).groupReport.total;

    await stack.stack.stop('india');
    try {
      // 1. lists: JP, US and TH intact; India's branch null with an error on its path naming IN
      const started = Date.now();
      const list = await stack.query(LIST);
      const listMs = Date.now() - started;
      console.info(`[fault] answer with India stopped (connection refused, 2 retries): ${listMs} ms`);
      expect(list.data?.subsidiaries).toEqual([
        { code: 'JP', initiatives: { totalCount: counts.JP } },
        { code: 'IN', initiatives: null },
        { code: 'US', initiatives: { totalCount: counts.US } },
        { code: 'TH', initiatives: { totalCount: counts.TH } },
      ]);
      expect(list.errors).toHaveLength(1);
      expect(list.errors![0]!.path).toEqual(['subsidiaries', 1, 'initiatives']);
      expect(list.errors![0]!.extensions).toMatchObject({ code: 'SUBSIDIARY_UNAVAILABLE', subsidiary: 'IN', serviceName: 'india', reason: 'connection' });
      expect(list.errors![0]!.message).toContain('NEC India');
      // refused connections are retried (twice, with backoff) and still answer fast
      expect(listMs).toBeLessThan(3_000);

      // 2. the consolidated total: null with CONSOLIDATION_INCOMPLETE naming IN, never a wrong figure
      const report = await stack.query(REPORT);
      expect(report.data?.groupReport.total).toBeNull();
      expect(report.data?.groupReport.completeness).toMatchObject({ complete: false, included: ['JP', 'US', 'TH'], missing: [{ code: 'IN' }] });
      const incomplete = report.errors?.find((error) => error.extensions?.code === 'CONSOLIDATION_INCOMPLETE');
      expect(incomplete?.path).toEqual(['groupReport', 'total']);
      expect(incomplete?.extensions?.missingSubsidiaries).toEqual(['IN']);
      expect(report.errors?.some((error) => error.extensions?.code === 'SUBSIDIARY_UNAVAILABLE' && error.extensions.subsidiary === 'IN')).toBe(true);
      const india = report.data?.groupReport.bySubsidiary.find((line: { code: string }) => line.code === 'IN');
      expect(india).toEqual({ code: 'IN', available: false, converted: null });

      // 3. asked for explicitly, a partial total: labelled partial, equal to JP + US + TH exactly
      const partial = await stack.query(REPORT, { partial: true });
      expect(partial.data?.groupReport.total).toEqual({ amount: await jpyTotal(['JP', 'US', 'TH'], 2024), currency: 'JPY', partial: true });
      expect(partial.data?.groupReport.total.amount).not.toBe(fullTotal.amount);

      // 4. the gateway stays ready (it serves partial answers); /subgraphs says India is down
      const ready = await fetch(readyUrl());
      expect(ready.status).toBe(200);
      expect(await ready.json()).toEqual({ status: 'ok', details: { supergraph: 'loaded' } });
      const state = await fetch(subgraphsUrl());
      expect(state.status).toBe(200);
      const { subgraphs } = (await state.json()) as SubgraphsBody;
      expect(subgraphs.india).toMatchObject({ status: 'down', detail: 'ECONNREFUSED' });
      expect(subgraphs.india?.circuit?.state).toMatch(/^(open|half_open)$/);
      expect(subgraphs.japan).toMatchObject({ status: 'up', via: 'ready', circuit: { state: 'closed' } });
      expect(Object.keys(subgraphs).sort()).toEqual(['america', 'group', 'india', 'japan', 'thailand']);
      const metrics = await (await fetch(stack.gatewayUrl.replace(/\/graphql$/, '/metrics'))).text();
      expect(metrics).toMatch(/gateway_subgraph_up\{subgraph="india",service="gateway"\} 0/);
      expect(metrics).toMatch(/gateway_subgraph_up\{subgraph="japan",service="gateway"\} 1/);
    } finally {
      await stack.stack.start('india');
    }

    // 5. restarted on the same port: full answers again, the same total, India up
    console.info(`[fault] India answering through the gateway ${await recovered(before)} ms after its restart`);
    expect(await stack.data(LIST)).toEqual(before);
    const after = await stack.query(REPORT);
    expect(after.errors).toBeUndefined();
    expect(after.data?.groupReport.total).toEqual(fullTotal);
    expect(after.data?.groupReport.completeness).toEqual({ complete: true, included: ['JP', 'IN', 'US', 'TH'], missing: [] });
    expect((await fetch(readyUrl())).status).toBe(200);
    expect(((await (await fetch(subgraphsUrl())).json()) as SubgraphsBody).subgraphs.india).toMatchObject({ status: 'up', circuit: { state: 'closed' } });
  });

  it('counts the retries and the unavailable calls on /metrics', async () => {
    const text = await (await fetch(stack.gatewayUrl.replace(/\/graphql$/, '/metrics'))).text();
    expect(text).toMatch(/gateway_subgraph_fetch_retries_total\{subgraph="india",service="gateway"\} [1-9]/);
    expect(text).toMatch(/gateway_subgraph_unavailable_total\{subgraph="india",reason="connection",service="gateway"\} [1-9]/);
    expect(text).toMatch(/graphql_requests_total\{operation_type="query",outcome="partial",service="gateway"\} [1-9]/);
    expect(text).toMatch(/gateway_subgraph_fetch_duration_seconds_count\{[^}]*subgraph="japan",outcome="ok"[^}]*\} [1-9]/);
  });

  it('keeps a mutation to a stopped subgraph at one attempt, names the subsidiary and says nothing was applied', async () => {
    const before = await stack.data(LIST);
    await stack.stack.stop('india');
    try {
      const result = await stack.query(`mutation { indiaRecordVolunteerRegistrations(input: { date: "2024-05-01", count: 1 }) { id } }`);
      expect(result.data).toBeNull();
      // refused connection: the request never left the gateway, so this is known not to be applied
      expect(result.errors?.[0]).toMatchObject({ path: ['indiaRecordVolunteerRegistrations'], extensions: { code: 'SUBSIDIARY_UNAVAILABLE', subsidiary: 'IN', reason: 'connection' } });
      expect(result.errors?.[0]?.message).toContain('indiaRecordVolunteerRegistrations was not sent, so nothing was applied');
    } finally {
      await stack.stack.start('india');
    }
    await recovered(before);
  });
});

describe('a missing exchange rate', () => {
  it('is an error naming the currency and year on the figures that need it, and blanks nothing else', async () => {
    const rates = stack.db('group').collection('exchange_rates');
    const removed = await rates.find({ fiscalYear: 2025, currency: 'THB' }).toArray();
    await rates.deleteMany({ fiscalYear: 2025, currency: 'THB' });
    try {
      const result = await stack.query(`{ groupReport(fiscalYear: 2025) { total { amount } completeness { complete }
        bySubsidiary { code local { amount } converted { amount } ratesUsed { currency } } } }`);
      const report = result.data?.groupReport;
      expect(report.total).toBeNull();
      expect(report.completeness).toEqual({ complete: true });
      const thailand = report.bySubsidiary.find((line: { code: string }) => line.code === 'TH');
      expect(thailand.local.amount).toMatch(/^\d/);
      expect(thailand.converted).toBeNull();
      expect(thailand.ratesUsed).toEqual([]);
      for (const line of report.bySubsidiary.filter((candidate: { code: string }) => candidate.code !== 'TH')) expect(line.converted.amount).toMatch(/^\d+$/);
      const paths = result.errors?.map((error) => [error.path, error.extensions?.code, error.extensions?.currency, error.extensions?.fiscalYear]);
      expect(paths).toEqual(expect.arrayContaining([
        [['groupReport', 'total'], 'EXCHANGE_RATE_MISSING', 'THB', 2025],
        [['groupReport', 'bySubsidiary', 3, 'converted'], 'EXCHANGE_RATE_MISSING', 'THB', 2025],
      ]));
    } finally {
      await rates.insertMany(removed);
    }
  });
});
