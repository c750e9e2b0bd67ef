/**
 * The group subgraph's check of each subsidiary's signature over its figures
 * (subgraphs/group/figure-signatures.ts), and the keys' configuration (subgraphs/reporting-config.ts):
 * the end-to-end paths are in test/e2e/figure-signatures.e2e.test.ts.
 */
import { GraphQLError } from 'graphql';
import { describe, expect, it } from 'vitest';
import { generateSigningKey, privateJwkText, publicKeySet, verificationKeysOf } from '../../platform/signing-keys';
import { SUBSIDIARIES } from '../../subgraphs/common/registry';
import { PURPOSES, RegionalKeys, signStatement } from '../../subgraphs/common/statements';
import { FigureVerifier, figuresOf, type ArrivedSignedReport } from '../../subgraphs/group/figure-signatures';
import { reportParams } from '../../subgraphs/group/report-params';
import { SubgraphConfigError } from '../../subgraphs/config';
import { loadGroupReporting, loadRegionalReporting } from '../../subgraphs/reporting-config';

const india = SUBSIDIARIES.find((subsidiary) => subsidiary.code === 'IN')!;
const keys = new Map(SUBSIDIARIES.map((subsidiary) => [subsidiary.code, generateSigningKey(subsidiary.code)]));
const params = reportParams({ fiscalYear: 2024 });
const NOW = Date.parse('2026-12-01T10:00:00.000Z');
const verifier = new FigureVerifier(new RegionalKeys(verificationKeysOf([...keys.values()])), 300, () => NOW);

function report(asOf = '2026-12-01T09:59:00.000Z'): ArrivedSignedReport {
  const arrived: ArrivedSignedReport = {
    currency: 'INR',
    cells: [{ groupFiscalYear: 2024, causeArea: 'EDUCATION_RESEARCH', contributionType: 'CASH', motivation: 'COMMUNITY_INVESTMENT', amount: '1000.30', expenseCount: 2 }],
    volunteering: [{ groupFiscalYear: 2024, newRegistrations: 3, participants: 10, hours: '25.5' }],
    asOf,
    dataset: 'ds-1',
    adjustments: [],
    signature: null,
  };
  return { ...arrived, signature: signStatement(keys.get('IN')!, PURPOSES.figures, figuresOf(india, params, arrived)) };
}

function refusal(action: () => unknown): GraphQLError {
  try {
    action();
  } catch (error) {
    if (error instanceof GraphQLError) return error;
    throw error;
  }
  throw new Error('not refused');
}

describe('FigureVerifier', () => {
  it('returns what the subsidiary signed, with the report key of the report asked for', () => {
    const { figures, signature } = verifier.verify(india, params, report());
    expect(figures).toMatchObject({ subsidiary: 'IN', reportKey: 'IN|2024|2024|*|*', currency: 'INR', dataset: 'ds-1' });
    expect(signature.keyId).toBe('IN');
  });

  it.each([
    ['an amount changed', (r: ArrivedSignedReport) => (r.cells[0]!.amount = '1000.31'), 'FIGURES_SIGNATURE_INVALID', 'bad_signature'],
    ['a motivation changed', (r: ArrivedSignedReport) => (r.cells[0]!.motivation = 'CHARITABLE_GIFT'), 'FIGURES_SIGNATURE_INVALID', 'bad_signature'],
    ['hours changed', (r: ArrivedSignedReport) => (r.volunteering[0]!.hours = '26'), 'FIGURES_SIGNATURE_INVALID', 'bad_signature'],
    ['no signature', (r: ArrivedSignedReport) => (r.signature = null), 'FIGURES_NOT_SIGNED', 'not_signed'],
    ['a malformed signature', (r: ArrivedSignedReport) => (r.signature = { keyId: 'IN', algorithm: 'Ed25519', value: 'abc' }), 'FIGURES_SIGNATURE_INVALID', 'bad_signature'],
    ['another algorithm', (r: ArrivedSignedReport) => (r.signature = { ...(r.signature as object), algorithm: 'none' }), 'FIGURES_SIGNATURE_INVALID', 'bad_signature'],
  ])('refuses %s, naming India', (_label, change, code, reason) => {
    const arrived = report();
    change(arrived);
    const error = refusal(() => verifier.verify(india, params, arrived));
    expect(error.extensions).toMatchObject({ code, subsidiary: 'IN', reason });
    expect(error.message).toContain('NEC India');
  });

  it("refuses India's figures signed with Japan's key", () => {
    const arrived = report();
    arrived.signature = signStatement(keys.get('JP')!, PURPOSES.figures, figuresOf(india, params, arrived));
    expect(refusal(() => verifier.verify(india, params, arrived)).message).toContain('key "JP", which is not one of "IN"');
  });

  it('refuses a signature of another report (another span) and of another purpose', () => {
    const arrived = report();
    expect(refusal(() => verifier.verify(india, reportParams({ fromFiscalYear: 2023, toFiscalYear: 2024 }), arrived)).extensions?.code).toBe('FIGURES_SIGNATURE_INVALID');
    arrived.signature = signStatement(keys.get('IN')!, PURPOSES.order, figuresOf(india, params, arrived));
    expect(refusal(() => verifier.verify(india, params, arrived)).extensions?.code).toBe('FIGURES_SIGNATURE_INVALID');
  });

  it('refuses figures read more than FIGURES_MAX_AGE_S ago, or in the future beyond the clock skew', () => {
    expect(refusal(() => verifier.verify(india, params, report('2026-12-01T09:54:59.000Z'))).extensions).toMatchObject({ reason: 'stale', subsidiary: 'IN' });
    expect(refusal(() => verifier.verify(india, params, report('2026-12-01T10:01:00.000Z'))).extensions).toMatchObject({ reason: 'future' });
    expect(verifier.verify(india, params, report('2026-12-01T10:00:20.000Z')).figures.asOf).toBe('2026-12-01T10:00:20.000Z');
  });

  it("takes India's next key during a rotation (kid \"IN.2026-04\" beside \"IN\"), and no one else's under an India-looking kid", () => {
    const next = generateSigningKey('IN.2026-04');
    const rotating = new FigureVerifier(new RegionalKeys(verificationKeysOf([...keys.values(), next])), 300, () => NOW);
    const arrived = report();
    arrived.signature = signStatement(next, PURPOSES.figures, figuresOf(india, params, arrived));
    expect(rotating.verify(india, params, arrived).signature.keyId).toBe('IN.2026-04');
    expect(refusal(() => verifier.verify(india, params, arrived)).message).toContain('key "IN.2026-04", which is not one of "IN"');
    arrived.signature = signStatement(generateSigningKey('INX'), PURPOSES.figures, figuresOf(india, params, arrived));
    expect(refusal(() => rotating.verify(india, params, arrived)).extensions?.code).toBe('FIGURES_SIGNATURE_INVALID');
  });

  it('refuses every figure when headquarters holds no key of the subsidiary', () => {
    const keyless = new FigureVerifier(new RegionalKeys(verificationKeysOf([keys.get('JP')!])), 300, () => NOW);
    expect(refusal(() => keyless.verify(india, params, report())).message).toContain('REGIONAL_PUBLIC_KEYS holds no key of NEC India');
  });
});

describe('the reporting keys’ configuration', () => {
  const all = publicKeySet([...keys.values()]);

  it('gives a region its own key, and refuses one whose kid is another subsidiary’s', () => {
    expect(loadRegionalReporting({ REGIONAL_SIGNING_KEY: privateJwkText(keys.get('IN')!) }, true, india).signingKey?.keyId).toBe('IN');
    expect(loadRegionalReporting({ REGIONAL_SIGNING_KEY_IN: privateJwkText(keys.get('IN')!), REGIONAL_SIGNING_KEY: privateJwkText(keys.get('JP')!) }, true, india).signingKey?.keyId).toBe('IN');
    expect(() => loadRegionalReporting({ REGIONAL_SIGNING_KEY: privateJwkText(keys.get('JP')!) }, false, india)).toThrow(/key "JP" is not NEC India's/);
    expect(() => loadRegionalReporting({}, true, india)).toThrow(SubgraphConfigError);
    expect(loadRegionalReporting({}, false, india).signingKey).toBeNull();
    expect(() => loadRegionalReporting({ REGIONAL_SIGNING_KEY: privateJwkText(keys.get('IN')!), REGIONAL_SIGNING_KEY_JP: privateJwkText(keys.get('JP')!) }, true, india)).toThrow(/must not hold another subsidiary's signing key/);
  });

  it('gives the group subgraph every subsidiary’s public key, and refuses gaps, strangers and private keys in production', () => {
    expect(loadGroupReporting({ REGIONAL_PUBLIC_KEYS: all }, true, SUBSIDIARIES).regionalKeys.size).toBe(4);
    expect(() => loadGroupReporting({ REGIONAL_PUBLIC_KEYS: publicKeySet([keys.get('JP')!]) }, true, SUBSIDIARIES)).toThrow(/none for NEC India \(IN\)/);
    expect(() => loadGroupReporting({ REGIONAL_PUBLIC_KEYS: publicKeySet([generateSigningKey('XX')]) }, false, SUBSIDIARIES)).toThrow(/"XX" names no subsidiary/);
    expect(() => loadGroupReporting({ REGIONAL_PUBLIC_KEYS: all, REGIONAL_SIGNING_KEY_IN: privateJwkText(keys.get('IN')!) }, true, SUBSIDIARIES)).toThrow(/must not hold a key that signs as a subsidiary/);
    expect(() => loadGroupReporting({ REGIONAL_PUBLIC_KEYS: privateJwkText(keys.get('IN')!) }, false, SUBSIDIARIES)).toThrow(/holds a private part/);
    expect(loadGroupReporting({ FIGURES_MAX_AGE_S: '60' }, false, SUBSIDIARIES).figuresMaxAgeSeconds).toBe(60);
    expect(loadGroupReporting({ HEADQUARTERS_SIGNING_KEY: privateJwkText(generateSigningKey('HQ.2027')) }, false, SUBSIDIARIES).signingKey?.keyId).toBe('HQ.2027');
    expect(() => loadGroupReporting({ HEADQUARTERS_SIGNING_KEY: privateJwkText(generateSigningKey('IN')) }, false, SUBSIDIARIES)).toThrow(/must have kid "HQ"/);
  });
});
