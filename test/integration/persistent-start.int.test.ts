/**
 * `npm start` without MONGODB_URI keeps its embedded MongoDB's data on disk: what a person writes
 * through the gateway is there after a restart (SIGTERM, and SIGKILL of every process), the seed is
 * not loaded again over it, and `--ephemeral` leaves no data behind. Runs the real `npm start` on
 * its default ports (4000–4005) with a temporary data directory.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../../platform/mongo-server';
import { es256Issuer } from '../../platform/token-issuer';
import { ROLES } from '../../subgraphs/common/scopes';
import { within } from '../harness/faults';
import { alive, descendants } from '../harness/process-tree';

const SEED_TOTAL_FY2024 = 828_006_924n;
const GATEWAY = 'http://127.0.0.1:4000/graphql';
// the stack verifies this key's tokens, so the test mints its own (a regional writer's among them)
const issuer = es256Issuer();
const dataDir = mkdtempSync(path.join(tmpdir(), 'csr-persistent-start-'));
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

interface Started {
  npm: ChildProcess;
  output: () => string;
}

async function start(env: NodeJS.ProcessEnv, args: string[] = []): Promise<Started> {
  const { MONGODB_URI: _external, ...inherited } = process.env;
  const npm = spawn('npm', ['start', '--silent', ...(args.length ? ['--', ...args] : [])], {
    cwd: REPO_ROOT,
    env: { ...inherited, ...issuer.privateEnv, NODE_ENV: 'development', LOG_LEVEL: 'warn', MONGO_TEST_SERVER: process.env.MONGO_TEST_SERVER ?? 'java', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  npm.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  npm.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  await within(45_000, async () => output.includes('Gateway ready') || npm.exitCode !== null, 100);
  if (!output.includes('Gateway ready')) {
    await stop({ npm, output: () => output }, 'SIGKILL');
    throw new Error(`npm start did not get ready:\n${output}`);
  }
  return { npm, output: () => output };
}

/** SIGTERM to npm (as a terminal's Ctrl-C or an operator would), or SIGKILL to every process of the run. */
async function stop(run: Started, signal: 'SIGTERM' | 'SIGKILL'): Promise<void> {
  const tree = descendants(run.npm.pid!);
  const exited = run.npm.exitCode === null && run.npm.signalCode === null ? once(run.npm, 'exit') : Promise.resolve();
  if (signal === 'SIGTERM') run.npm.kill('SIGTERM');
  else for (const pid of [run.npm.pid!, ...tree]) if (alive(pid)) process.kill(pid, 'SIGKILL');
  await exited;
  await within(10_000, async () => !tree.some(alive), 50);
  for (const pid of tree) if (alive(pid)) process.kill(pid, 'SIGKILL');
}

const tokens = {
  hq: await issuer.mint({ subject: 'hq-test', scopes: ROLES.hq }),
  india: await issuer.mint({ subject: 'priya', scopes: [...ROLES.regional('IN')] }),
};

async function graphql(query: string, variables: Record<string, unknown> = {}, token = tokens.hq): Promise<any> {
  const response = await fetch(GATEWAY, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify({ query, variables }),
  });
  const body = (await response.json()) as { data?: unknown; errors?: unknown };
  expect(body.errors, JSON.stringify(body.errors)).toBeUndefined();
  return body.data;
}

const TOTAL = `{ groupReport(fiscalYear: 2024) { total { amount currency } } }`;
const RATE = `{ exchangeRates(fiscalYear: 2024, currency: "INR") { jpyPerUnit } }`;
const RECORD = `mutation($input: ExpenseInput!) { indiaRecordExpense(input: $input) { id groupFiscalYear amount { amount currency } } }`;
const EXPENSE = `query($id: ID!) { indiaExpense(id: $id) { id amount { amount } description } }`;
const CORRECT = `mutation($id: ID!, $description: String!) { indiaCorrectExpense(id: $id, correction: { description: $description }) { id description } }`;
/** A seeded record: the seed's upsert would put its description back. */
const SEEDED_EXPENSE = 'IN-X000001';

async function groupTotal(): Promise<bigint> {
  const { groupReport } = await graphql(TOTAL);
  expect(groupReport.total.currency).toBe('JPY');
  return BigInt(groupReport.total.amount);
}

/** An INR amount whose conversion is whole yen (10^decimals of the rate), and that conversion. */
async function wholeYenAmount(): Promise<{ inr: string; jpy: bigint }> {
  const { exchangeRates } = await graphql(RATE);
  const [units, decimals = ''] = String(exchangeRates[0].jpyPerUnit).split('.');
  return { inr: `1${'0'.repeat(decimals.length)}.00`, jpy: BigInt(`${units}${decimals}`) };
}

async function record(inr: string, description: string): Promise<string> {
  const { indiaRecordExpense } = await graphql(
    RECORD,
    { input: { initiativeId: 'IN-I0001', date: '2023-10-02', contributionType: 'CASH', amount: inr, currency: 'INR', description } },
    tokens.india,
  );
  expect(indiaRecordExpense).toMatchObject({ groupFiscalYear: 2024, amount: { amount: inr, currency: 'INR' } });
  return indiaRecordExpense.id as string;
}

describe('npm start keeps what a person enters', () => {
  it('survives SIGTERM and SIGKILL restarts without reseeding', { timeout: 120_000 }, async () => {
    const env = { EMBEDDED_MONGO_DATA_DIR: dataDir };
    const first = await start(env);
    let second: Started | undefined;
    let third: Started | undefined;
    try {
      expect(first.output()).toMatch(/Seeded the empty store/);
      expect(await groupTotal()).toBe(SEED_TOTAL_FY2024);
      const { inr, jpy } = await wholeYenAmount();
      const kept = await record(inr, 'Survives a SIGTERM restart');
      await graphql(CORRECT, { id: SEEDED_EXPENSE, description: 'Corrected by the regional team' }, tokens.india);
      await stop(first, 'SIGTERM');

      second = await start(env);
      expect(second.output()).toMatch(/Kept the data already there/);
      expect(second.output()).not.toMatch(/Seeded/);
      expect(await graphql(EXPENSE, { id: kept })).toMatchObject({ indiaExpense: { id: kept, amount: { amount: inr } } });
      expect(await groupTotal()).toBe(SEED_TOTAL_FY2024 + jpy);
      expect(await graphql(EXPENSE, { id: SEEDED_EXPENSE })).toMatchObject({ indiaExpense: { description: 'Corrected by the regional team' } });
      const killed = await record(inr, 'Survives a SIGKILL of every process');
      await stop(second, 'SIGKILL');

      third = await start(env);
      expect(third.output()).toMatch(/Kept the data already there/);
      expect(await graphql(EXPENSE, { id: killed })).toMatchObject({ indiaExpense: { id: killed } });
      expect(await groupTotal()).toBe(SEED_TOTAL_FY2024 + 2n * jpy);
    } finally {
      for (const run of [first, second, third]) if (run) await stop(run, 'SIGKILL');
    }
  });

  it('--ephemeral keeps nothing on disk and seeds every time', { timeout: 60_000 }, async () => {
    const fresh = path.join(dataDir, 'unused');
    const run = await start({ EMBEDDED_MONGO_DATA_DIR: fresh }, ['--ephemeral']);
    try {
      expect(run.output()).toMatch(/in memory \(data lives only as long as this process\)/);
      expect(run.output()).toMatch(/Seeded the empty store/);
      expect(await groupTotal()).toBe(SEED_TOTAL_FY2024);
    } finally {
      await stop(run, 'SIGTERM');
    }
    expect(existsSync(fresh) ? readdirSync(fresh) : []).toEqual([]);
  });
});
