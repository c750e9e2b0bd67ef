/**
 * Onboarding a subsidiary is one folder (issue 14): in a copy of the project, a fifth subsidiary —
 * Australia, AUD, a July–June year named by the year it ends in — is added as subgraphs/australia/
 * with a subsidiary.json and its seed data files only (seed/initiatives.json, seed/expenses.csv). The copy's own `npm run compose`, `npm run seed`,
 * `npm run dataset -- init australia` and `npm run token` run, its stack starts as a process of its
 * own, and the gateway lists Australia, routes its ids, takes its writes with its regional token and
 * converts its figures in the group report with the AUD rate headquarters records. Git in the copy
 * shows that nothing but the folder and the generated files changed.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../../platform/mongo-server';
import { es256Issuer, type TokenIssuer } from '../../platform/token-issuer';
import { ROLES } from '../../subgraphs/common/scopes';
import { bearer, graphql, type GraphQLResponse } from '../harness/graphql';
import { createTestDatabases, type TestDatabases } from '../harness/mongo';

const FOLDER = 'subgraphs/australia';
const AUSTRALIA = {
  code: 'AU',
  typePrefix: 'Australia',
  name: 'NEC Australia',
  legalName: 'NEC Australia Pty Ltd',
  country: 'AU',
  currency: 'AUD',
  fiscalCalendar: { startMonth: 7, naming: 'END_YEAR' },
  timeZone: 'Australia/Sydney',
  defaultPort: 4006,
};
const SOURCE = 'Illustrative record (fifth-subsidiary test)';
const INITIATIVES_JSON = [
  {
    id: 'AU-I0001',
    title: 'Sydney food bank',
    description: 'Grants and volunteering for the Sydney food bank',
    causeArea: 'HEALTH_WELFARE',
    motivation: 'CHARITABLE_GIFT',
    status: 'ACTIVE',
    startDate: '2024-06-01',
    endDate: null,
    partners: [],
    beneficiaries: null,
    participants: null,
    outcomes: [],
    tags: ['food'],
    illustrative: true,
    source: SOURCE,
  },
];
/** The seed's expenses, in the bulk import's columns (docs/import.md): both sides of 30 June, and of 31 March. */
const EXPENSES_CSV = `initiativeId,date,contributionType,amount,quantity,unit,unitPrice,currency,description,illustrative,source
AU-I0001,2024-06-30,CASH,1200.40,,,,AUD,Grant to the Sydney food bank,true,${SOURCE}
AU-I0001,2024-07-01,CASH,850.25,,,,AUD,Grant to the Sydney food bank,true,${SOURCE}
AU-I0001,2025-03-31,EMPLOYEE_TIME,,12,hour,45.75,AUD,Volunteers packing hampers,true,${SOURCE}
AU-I0001,2025-04-01,CASH,300.00,,,,AUD,Grant to the Sydney food bank,true,${SOURCE}
`;
/** What group FY2025 (April 2024 – March 2025) holds of the seed: its first three rows, in AUD cents. */
const SEED_FY2025_CENTS = 120040n + 85025n + 12n * 4575n;
/** The regional team's own file, sent to australiaImportExpenses. */
const IMPORTED_CSV = `initiativeId,date,contributionType,amount,description
AU-I0002,2024-11-15,CASH,1000.00,Donation to bushfire relief
`;
const AUD_RATE = '97.35';
/** Files `npm run compose` writes: generated, allowed to change (the group schema gains AustraliaSubsidiary and AustraliaReport). */
const GENERATED = [
  'deploy/kubernetes/gateway.yaml',
  'deploy/kubernetes/kustomization.yaml',
  'deploy/kubernetes/subgraph-australia.yaml',
  'docker-compose.yml',
  'schema/australia.graphql',
  'schema/group.graphql',
  'schema/supergraph.graphql',
];

let copy: string;
let databases: TestDatabases;
let stackProcess: ChildProcess | undefined;
let gatewayUrl: string;
let issuer: TokenIssuer;
let privateJwk: string;
let changedSourceFiles: string[];
/** The group's FY2025 total before Australia recorded anything. */
let totalBefore: string;
let datasetBefore: { status: number | null; stdout: string };

function run(command: string, args: string[], env: NodeJS.ProcessEnv = {}): string {
  const result = spawnSync(command, args, { cwd: copy, encoding: 'utf8', timeout: 60_000, env: { ...process.env, LOG_LEVEL: 'silent', ...env } });
  if (result.status !== 0) throw new Error(`${command} ${args.join(' ')} failed (${result.status}):\n${result.stdout}\n${result.stderr}`);
  return result.stdout;
}

const git = (...args: string[]) => run('git', ['-c', 'user.name=test', '-c', 'user.email=test@example.invalid', '-c', 'commit.gpgsign=false', ...args]);

/** The project's files as git sees them (tracked and new, not ignored), as they are in the working tree. */
function copyProject(to: string): void {
  const listed = spawnSync('git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard'], { cwd: REPO_ROOT, encoding: 'utf8' });
  if (listed.status !== 0) throw new Error(`git ls-files failed: ${listed.stderr}`);
  for (const file of listed.stdout.split('\0').filter(Boolean)) {
    if (!existsSync(join(REPO_ROOT, file))) continue; // deleted in the working tree
    mkdirSync(dirname(join(to, file)), { recursive: true });
    copyFileSync(join(REPO_ROOT, file), join(to, file));
  }
  symlinkSync(join(REPO_ROOT, 'node_modules'), join(to, 'node_modules'), 'dir');
}

function startCopyStack(env: NodeJS.ProcessEnv): Promise<string> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'test/harness/stack-process.ts'], { cwd: copy, env: { ...process.env, LOG_LEVEL: 'silent', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  stackProcess = child;
  const output: string[] = [];
  child.stderr!.on('data', (chunk: Buffer) => output.push(chunk.toString()));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`the copy's stack printed no STACK line within 60 s\n${output.join('')}`)), 60_000);
    child.once('exit', (code) => reject(new Error(`the copy's stack exited (${code}) before it was up\n${output.join('')}`)));
    createInterface({ input: child.stdout! }).on('line', (line) => {
      if (!line.startsWith('STACK ')) return output.push(`${line}\n`);
      clearTimeout(timer);
      resolve((JSON.parse(line.slice('STACK '.length)) as { gateway: string }).gateway);
    });
  });
}

async function as<T = Record<string, any>>(token: string, query: string, variables: Record<string, unknown> = {}): Promise<GraphQLResponse<T>> {
  return graphql<T>(gatewayUrl, query, variables, bearer(token));
}

async function dataAs<T = Record<string, any>>(token: string, query: string, variables: Record<string, unknown> = {}): Promise<T> {
  const result = await as<T>(token, query, variables);
  if (result.errors?.length || !result.data) throw new Error(`GraphQL errors: ${JSON.stringify(result.errors)}`);
  return result.data;
}

/** AUD cents × JPY per AUD, rounded once to the yen (half up; the test's figures never sit on a half). */
function toYen(cents: bigint, rate: string): string {
  const [whole, fraction = ''] = rate.split('.');
  const rateUnits = BigInt(`${whole}${fraction}`);
  const scale = 10n ** BigInt(2 + fraction.length);
  const product = cents * rateUnits;
  return ((product * 2n + scale) / (2n * scale)).toString();
}

beforeAll(async () => {
  copy = mkdtempSync(join(tmpdir(), 'fifth-subsidiary-'));
  copyProject(copy);
  git('init', '-q');
  git('add', '-A');
  git('commit', '-q', '-m', 'the project before Australia');

  mkdirSync(join(copy, FOLDER), { recursive: true });
  writeFileSync(join(copy, FOLDER, 'subsidiary.json'), `${JSON.stringify(AUSTRALIA, null, 2)}\n`);
  mkdirSync(join(copy, FOLDER, 'seed'));
  writeFileSync(join(copy, FOLDER, 'seed', 'initiatives.json'), `${JSON.stringify(INITIATIVES_JSON, null, 2)}\n`);
  writeFileSync(join(copy, FOLDER, 'seed', 'expenses.csv'), EXPENSES_CSV);

  run('npm', ['run', '-s', 'compose']);
  git('add', '-A');
  changedSourceFiles = git('diff', '--cached', '--name-only', 'HEAD').split('\n').filter(Boolean);

  databases = await createTestDatabases('e2e_fifth');
  const mongo = { MONGODB_URI: databases.uri, DATABASE_PREFIX: `${databases.namePrefix}_` };
  datasetBefore = spawnSync('npm', ['run', '-s', 'dataset', '--', 'status', 'australia'], { cwd: copy, encoding: 'utf8', env: { ...process.env, ...mongo } });
  run('npm', ['run', '-s', 'dataset', '--', 'init', 'australia'], mongo);
  run('npm', ['run', '-s', 'seed'], mongo);

  const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  privateJwk = JSON.stringify({ ...privateKey.export({ format: 'jwk' }), kid: 'fifth-subsidiary' });
  issuer = es256Issuer({}, privateJwk);
  gatewayUrl = await startCopyStack({ ...mongo, AUTH_JWT_PRIVATE_KEY: privateJwk });
}, 150_000);

afterAll(async () => {
  if (stackProcess && stackProcess.exitCode === null) {
    const exited = new Promise((resolve) => stackProcess!.once('exit', resolve));
    stackProcess.kill('SIGTERM');
    const force = setTimeout(() => stackProcess!.kill('SIGKILL'), 10_000);
    await exited;
    clearTimeout(force);
  }
  await databases?.dispose();
  if (copy) rmSync(copy, { recursive: true, force: true });
});

describe('a fifth subsidiary from one folder', () => {
  it('touches no file outside its folder but the generated ones', () => {
    expect(changedSourceFiles.filter((file) => !file.startsWith(`${FOLDER}/`)).sort()).toEqual(GENERATED);
    expect(changedSourceFiles.filter((file) => file.startsWith(`${FOLDER}/`)).sort()).toEqual([`${FOLDER}/seed/expenses.csv`, `${FOLDER}/seed/initiatives.json`, `${FOLDER}/subsidiary.json`]);
    const compose = readFileSync(join(copy, 'docker-compose.yml'), 'utf8');
    expect(compose).toContain('command: ["node", "dist/subgraphs/main.js", "australia"]');
    expect(compose).toContain('REGIONAL_SIGNING_KEY: ${REGIONAL_SIGNING_KEY_AU:?');
    expect(compose).toContain('SUBGRAPH_URL_AUSTRALIA: http://australia:4006/graphql');
    expect(readFileSync(join(copy, 'schema', 'supergraph.graphql'), 'utf8')).toMatch(/AUSTRALIA @join__graph\(name: "australia"/);
  });

  it('starts without a dataset: it takes writes once `npm run dataset -- init australia` (or the seed) gives it one', () => {
    expect(datasetBefore.stdout).toContain('australia: no dataset: reported missing, refuses writes');
    expect(datasetBefore.status).toBe(1);
  });

  it('is listed in subsidiaries, with its currency and its July–June year named by its end', async () => {
    const hq = await issuer.mint({ subject: 'hq', scopes: ROLES.hq });
    const { subsidiaries } = await dataAs(hq, '{ subsidiaries { code name currency fiscalYearStartMonth fiscalYearNaming timeZone } }');
    expect(subsidiaries.map((subsidiary: { code: string }) => subsidiary.code)).toEqual(['JP', 'IN', 'US', 'TH', 'AU']);
    expect(subsidiaries.at(-1)).toEqual({ code: 'AU', name: 'NEC Australia', currency: 'AUD', fiscalYearStartMonth: 7, fiscalYearNaming: 'END_YEAR', timeZone: 'Australia/Sydney' });
  });

  it('routes its ids through the gateway, with its own and the group’s fiscal year on every seeded record', async () => {
    const hq = await issuer.mint({ subject: 'hq', scopes: ROLES.hq });
    const { initiative } = await dataAs(hq, `{ initiative(id: "AU-I0001") { id ... on AustraliaInitiative { title provenance { illustrative source } expenses { date fiscalYear groupFiscalYear amount { amount currency } } } } }`);
    expect(initiative).toMatchObject({ id: 'AU-I0001', title: 'Sydney food bank', provenance: { illustrative: true, source: SOURCE } });
    expect(initiative.expenses.map((expense: { date: string; fiscalYear: number; groupFiscalYear: number; amount: { amount: string } }) => [expense.date, expense.fiscalYear, expense.groupFiscalYear, expense.amount.amount])).toEqual([
      ['2024-06-30', 2024, 2025, '1200.40'],
      ['2024-07-01', 2025, 2025, '850.25'],
      ['2025-03-31', 2025, 2025, '549.00'],
      ['2025-04-01', 2025, 2026, '300.00'],
    ]);
  });

  const REPORT = `{ groupReport(fiscalYear: 2025) { total { amount currency partial } bySubsidiary { code available local { amount currency } converted { amount currency } ratesUsed { currency fiscalYear rate } } } }`;

  it('is converted in groupReport with the AUD rate headquarters records', async () => {
    const hq = await issuer.mint({ subject: 'hq', scopes: ROLES.hq });
    const before = await as(hq, REPORT);
    expect(JSON.stringify(before.errors)).toMatch(/No exchange rate is recorded for AUD in fiscal year 2025/);

    await dataAs(hq, `mutation { setExchangeRate(input: { currency: "AUD", fiscalYear: 2025, jpyPerUnit: "${AUD_RATE}", source: "Headquarters' FY2025 average", asOf: "2025-03-31" }) { currency } }`);
    const { groupReport } = await dataAs(hq, REPORT);
    const australia = groupReport.bySubsidiary.find((line: { code: string }) => line.code === 'AU');
    expect(australia).toEqual({
      code: 'AU',
      available: true,
      local: { amount: '2599.65', currency: 'AUD' },
      converted: { amount: toYen(SEED_FY2025_CENTS, AUD_RATE), currency: 'JPY' },
      ratesUsed: [{ currency: 'AUD', fiscalYear: 2025, rate: AUD_RATE }],
    });
    expect(australia.converted.amount).toBe('253076'); // 2,599.65 AUD × 97.35 = 253,075.9275 JPY
    expect(groupReport.total).toMatchObject({ currency: 'JPY', partial: false });
    expect(groupReport.bySubsidiary.map((line: { code: string }) => line.code)).toEqual(['JP', 'IN', 'US', 'TH', 'AU']);
    totalBefore = groupReport.total.amount;
  });

  it('takes its own writes with its regional token (regional:AU), and no other subsidiary’s; the group total grows by exactly their yen', async () => {
    const regional = run('npm', ['run', '-s', 'token', '--', '--role', 'regional:AU', '--sub', 'sydney-team'], { AUTH_JWT_PRIVATE_KEY: privateJwk }).trim().split('\n').at(-1)!;
    const create = `mutation { australiaCreateInitiative(input: { title: "Bushfire recovery", description: "Relief after the bushfires", causeArea: DISASTER_RELIEF, startDate: "2024-11-01" }) { id } }`;
    const india = await issuer.mint({ subject: 'mumbai-team', scopes: ROLES.regional('IN') });
    expect((await as(india, create)).errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    const { australiaCreateInitiative } = await dataAs(regional, create);
    expect(australiaCreateInitiative.id).toBe('AU-I0002');

    const imported = await dataAs(regional, `mutation($input: ImportFileInput!) { australiaImportExpenses(input: $input, mode: COMMIT) { status rows problemCount problems { row column code message } total { amount currency } } }`, {
      input: { content: IMPORTED_CSV, fileName: 'bushfire.csv' },
    });
    expect(imported.australiaImportExpenses).toMatchObject({ status: 'COMMITTED', rows: 1, problemCount: 0, total: { amount: '1000.00', currency: 'AUD' } });

    const hq = await issuer.mint({ subject: 'hq', scopes: ROLES.hq });
    const { groupReport } = await dataAs(hq, REPORT);
    const australia = groupReport.bySubsidiary.find((line: { code: string }) => line.code === 'AU');
    expect(australia.local).toEqual({ amount: '3599.65', currency: 'AUD' });
    expect(australia.converted.amount).toBe(toYen(SEED_FY2025_CENTS + 100000n, AUD_RATE));
    expect(australia.converted.amount).toBe('350426'); // 3,599.65 AUD × 97.35 = 350,425.9275 JPY
    // 1,000.00 AUD × 97.35 = 97,350 JPY exactly: a whole number added to the exact sum leaves its rounding as it was
    expect(BigInt(groupReport.total.amount) - BigInt(totalBefore)).toBe(97_350n);
  });
});
