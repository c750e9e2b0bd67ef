/**
 * Figures that cannot be forged on the way (docs/reporting.md): each regional subgraph signs the
 * figures its report entity serves with its own key; the group subgraph verifies every
 * subsidiary's signature against REGIONAL_PUBLIC_KEYS before it consolidates anything. Straight at
 * the group subgraph's `_entities` (signed as the gateway signs, so that what is tested is the
 * figures' signatures behind the call's), the subsidiaries' real signed figures consolidate to the
 * seed's 828,006,924 JPY; one changed amount, count or hour, a removed signature, a signature of
 * another subsidiary's key, of another report, or of a read long ago, is refused with an error
 * naming the subsidiary, and never totalled.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { generateSigningKey, publicKeySet } from '../../platform/signing-keys';
import { PURPOSES, signStatement } from '../../subgraphs/common/statements';
import { ROLES } from '../../subgraphs/common/scopes';
import { SUBSIDIARIES } from '../../subgraphs/common/registry';
import { figuresOf, type ArrivedSignedReport } from '../../subgraphs/group/figure-signatures';
import { parseReportId } from '../../subgraphs/group/report-params';
import { regionalTypeNames } from '../../subgraphs/kit/schema';
import { useSeededStack } from '../harness/stack';
import { signRepresentation } from '../harness/signed-figures';
import { getMongoUri } from '../harness/mongo';
import { startSubgraphProcess } from '../harness/subgraph-process';

const stack = useSeededStack('e2e_figure_signatures', { gatewayEnv: { RESPONSE_CACHE: 'false' } });
let bi: string;

type Json = Record<string, any>;

const REPORT_FIELDS = `currency cells { groupFiscalYear causeArea contributionType motivation amount expenseCount }
  volunteering { groupFiscalYear newRegistrations participants hours } asOf dataset { id }
  adjustments { id originalExpenseId initiativeId date groupFiscalYear restatedFiscalYear causeArea contributionType amountChange closeId reason recordedBy recordedAt }
  signature { keyId algorithm value }`;

const TOTAL = `query R($representations: [_Any!]!) { _entities(representations: $representations) {
  ... on GroupReport { total { amount currency partial } completeness { complete } volunteering { newRegistrations hours } } } }`;

/** What a subsidiary's subgraph serves for one report key, as the gateway fetches it for @requires. */
async function served(code: string, reportKey: string): Promise<Json> {
  const subsidiary = SUBSIDIARIES.find((candidate) => candidate.code === code)!;
  const type = regionalTypeNames(subsidiary).report;
  const answer = await stack.asGateway(bi, subsidiary.key).query(`query($r: [_Any!]!) { _entities(representations: $r) { ... on ${type} { ${REPORT_FIELDS} } } }`, {
    r: [{ __typename: type, id: reportKey }],
  });
  expect(answer.errors).toBeUndefined();
  return answer.data!._entities[0] as Json;
}

const GROUP_ID = '2024|2024|JPY|*|*|complete';

/** FY2024's GroupReport representation, built from what each subsidiary serves and signed itself. */
async function realRepresentation(): Promise<Json> {
  const subsidiaries = await Promise.all(SUBSIDIARIES.map((subsidiary) => served(subsidiary.code, `${subsidiary.code}|2024|2024|*|*`)));
  return { __typename: 'GroupReport', id: GROUP_ID, subsidiaries };
}

async function atGroup(representations: unknown[]) {
  return stack.asGateway(bi, 'group').query(TOTAL, { representations });
}

const INDIA = 1;

async function expectRefused(representation: Json, code: string, reason: string) {
  const answer = await atGroup([representation]);
  expect(answer.data?._entities?.[0] ?? null).toBeNull();
  const error = answer.errors?.[0];
  expect(error?.extensions).toMatchObject({ code, subsidiary: 'IN', reason });
  expect(error?.message).toContain('NEC India');
  return error!;
}

beforeAll(async () => {
  bi = await stack.token(ROLES.bi, { subject: 'powerbi-service' });
});

describe('signed regional figures', () => {
  it('consolidate through the gateway as before: FY2024 is 828,006,924 JPY', async () => {
    const { groupReport } = await stack.data(`{ groupReport(fiscalYear: 2024) { total { amount currency partial } completeness { complete } } }`);
    expect(groupReport).toEqual({ total: { amount: '828006924', currency: 'JPY', partial: false }, completeness: { complete: true } });
  });

  it('are what each subsidiary serves, signed with its own key (key id = its code)', async () => {
    const representation = await realRepresentation();
    expect(representation.subsidiaries.map((report: Json) => report.signature.keyId)).toEqual(SUBSIDIARIES.map((subsidiary) => subsidiary.code));
    expect(representation.subsidiaries.every((report: Json) => report.signature.algorithm === 'Ed25519')).toBe(true);
  });

  it('consolidate straight at the group subgraph to the same total', async () => {
    const answer = await atGroup([await realRepresentation()]);
    expect(answer.errors).toBeUndefined();
    expect(answer.data?._entities[0].total).toEqual({ amount: '828006924', currency: 'JPY', partial: false });
  });
});

describe('figures changed on the way are refused, naming the subsidiary', () => {
  it('a cell amount one digit larger', async () => {
    const representation = await realRepresentation();
    const cell = representation.subsidiaries[INDIA].cells[0];
    cell.amount = `1${cell.amount}`;
    const error = await expectRefused(representation, 'FIGURES_SIGNATURE_INVALID', 'bad_signature');
    expect(error.message).toMatch(/changed after they were signed/);
  });

  it('an expense count, volunteering hours, the dataset, or the read time', async () => {
    const changes: ((report: Json) => void)[] = [
      (report) => (report.cells[0].expenseCount += 1),
      (report) => (report.volunteering[0].hours = `${report.volunteering[0].hours}1`),
      (report) => (report.dataset.id = 'another-dataset'),
      (report) => (report.asOf = new Date(Date.parse(report.asOf) + 1).toISOString()),
      (report) => report.cells.pop(),
    ];
    for (const change of changes) {
      const representation = await realRepresentation();
      change(representation.subsidiaries[INDIA]);
      await expectRefused(representation, 'FIGURES_SIGNATURE_INVALID', 'bad_signature');
    }
  });

  it('figures without a signature', async () => {
    const representation = await realRepresentation();
    representation.subsidiaries[INDIA].signature = null;
    const error = await expectRefused(representation, 'FIGURES_NOT_SIGNED', 'not_signed');
    expect(error.message).toContain('REGIONAL_SIGNING_KEY');
  });

  it("figures signed with another subsidiary's key (Japan's key over India's figures)", async () => {
    const representation = await realRepresentation();
    const india = representation.subsidiaries[INDIA];
    const arrived: ArrivedSignedReport = { ...india, dataset: india.dataset.id, signature: null };
    india.signature = signStatement(stack.stack.regionalKeys.get('JP')!, PURPOSES.figures, figuresOf(SUBSIDIARIES[INDIA]!, parseReportId(GROUP_ID), arrived));
    const error = await expectRefused(representation, 'FIGURES_SIGNATURE_INVALID', 'bad_signature');
    expect(error.message).toMatch(/key "JP", which is not one of "IN"/);
  });

  it("forged figures signed with a key of the forger's own under India's key id", async () => {
    const representation = await realRepresentation();
    signRepresentation(representation, stack.stack.regionalKeys, { keyOf: (code) => (code === 'IN' ? generateSigningKey('IN') : undefined) });
    await expectRefused(representation, 'FIGURES_SIGNATURE_INVALID', 'bad_signature');
  });

  it("India's signed figures of another report (its Education & research figures) in the whole report's place", async () => {
    const representation = await realRepresentation();
    representation.subsidiaries[INDIA] = await served('IN', 'IN|2024|2024|EDUCATION_RESEARCH|*');
    await expectRefused(representation, 'FIGURES_SIGNATURE_INVALID', 'bad_signature');
  });

  it('signed figures read longer ago than FIGURES_MAX_AGE_S (a replay of an old read)', async () => {
    const representation = signRepresentation(await realRepresentation(), stack.stack.regionalKeys, { asOf: new Date(Date.now() - 10 * 60_000).toISOString() });
    const answer = await atGroup([representation]);
    // every subsidiary's figures are too old; the first, Japan's, is named
    expect(answer.errors?.[0]?.extensions).toMatchObject({ code: 'FIGURES_SIGNATURE_INVALID', subsidiary: 'JP', reason: 'stale' });
  });

  it('refuses only the forged report of a batch', async () => {
    const forged = await realRepresentation();
    forged.subsidiaries[INDIA].cells[0].amount = '1';
    const answer = await atGroup([await realRepresentation(), forged]);
    expect(answer.data?._entities.map((entity: Json | null) => entity?.total.amount ?? null)).toEqual(['828006924', null]);
    expect(answer.errors?.map((error) => [error.path, error.extensions?.code, error.extensions?.subsidiary])).toEqual([[['_entities', 1], 'FIGURES_SIGNATURE_INVALID', 'IN']]);
  });
});

describe('a regional subgraph that holds no signing key', () => {
  it("has its figures refused through the gateway, naming it, never a total without them; signed again once it has its key", { timeout: 90_000 }, async () => {
    const port = stack.stack.subgraphs.get('india')!.server.port;
    await stack.stack.stop('india');
    // India as its own process, in development, without REGIONAL_SIGNING_KEY: it serves its figures unsigned
    const india = await startSubgraphProcess({
      name: 'india',
      port,
      env: { ...stack.issuer.verifierEnv, GATEWAY_PUBLIC_KEYS: publicKeySet([stack.stack.signingKey]), MONGODB_URI: await getMongoUri(), DATABASE_PREFIX: stack.db('india').databaseName.slice(0, -'india'.length) },
    });
    try {
      const answer = await stack.query(`{ groupReport(fiscalYear: 2024, allowPartial: true) { total { amount currency partial } } }`);
      expect(answer.data?.groupReport?.total ?? null).toBeNull();
      const error = answer.errors?.find((candidate) => candidate.extensions?.code === 'FIGURES_NOT_SIGNED');
      expect(error?.extensions).toMatchObject({ subsidiary: 'IN', reason: 'not_signed' });
      expect(error?.message).toContain("NEC India's (IN) figures arrived without NEC India's signature");
    } finally {
      await india.stop();
      await stack.stack.start('india');
    }
    const { groupReport } = await stack.data(`{ groupReport(fiscalYear: 2024) { total { amount currency } } }`);
    expect(groupReport.total).toEqual({ amount: '828006924', currency: 'JPY' });
  });
});
