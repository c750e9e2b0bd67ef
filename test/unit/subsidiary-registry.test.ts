/** The registry is read from the subgraphs/<key>/subsidiary.json folders, checked field by field. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { GROUP_SUBGRAPH, SUBGRAPHS_DIR, SUBSIDIARIES, requireSubsidiary, subsidiaryOwning } from '../../subgraphs/common/registry';
import { SubsidiaryFileError, assignPorts, parseSubsidiaryFile } from '../../subgraphs/common/subsidiary-file';
import { REGIONS } from '../../subgraphs/regions';

const AUSTRALIA = {
  code: 'AU',
  typePrefix: 'Australia',
  name: 'NEC Australia',
  legalName: 'NEC Australia Pty Ltd',
  country: 'AU',
  currency: 'AUD',
  fiscalCalendar: { startMonth: 7, naming: 'END_YEAR' },
  timeZone: 'Australia/Sydney',
};
const parse = (json: unknown, key = 'australia') => parseSubsidiaryFile(key, json, `subgraphs/${key}/subsidiary.json`);

describe('the registry from the folders', () => {
  it('finds the four subsidiaries, in port order, with the values of their subsidiary.json', () => {
    expect(SUBSIDIARIES.map((subsidiary) => [subsidiary.key, subsidiary.code, subsidiary.defaultPort])).toEqual([
      ['japan', 'JP', 4002],
      ['india', 'IN', 4003],
      ['america', 'US', 4004],
      ['thailand', 'TH', 4005],
    ]);
    for (const subsidiary of SUBSIDIARIES) {
      const { key, ...fromFile } = subsidiary;
      expect(JSON.parse(readFileSync(join(SUBGRAPHS_DIR, key, 'subsidiary.json'), 'utf8'))).toEqual(fromFile);
    }
    expect(requireSubsidiary('thailand').fiscalCalendar).toEqual({ startMonth: 1, naming: 'END_YEAR' });
    expect(subsidiaryOwning('IN-I0001')?.key).toBe('india');
    expect(() => requireSubsidiary('atlantis')).toThrow(/No subgraphs\/atlantis\/subsidiary.json/);
  });

  it('gives India its extension (extension.ts) and the others the template alone', () => {
    expect(REGIONS.map((region) => [region.subsidiary.key, region.extension !== undefined])).toEqual([
      ['japan', false],
      ['india', true],
      ['america', false],
      ['thailand', false],
    ]);
    expect(REGIONS.find((region) => region.subsidiary.key === 'india')?.extension?.typeDefs).toContain('IndiaCsrFinancials');
  });
});

describe('subsidiary.json checks', () => {
  it('accepts a July–June subsidiary without a port', () => {
    expect(parse(AUSTRALIA)).toEqual({ ...AUSTRALIA, key: 'australia' });
  });

  it.each([
    [{ ...AUSTRALIA, code: 'au' }, /"code" is missing or malformed/],
    [{ ...AUSTRALIA, currency: 'AUX' }, /AUX is not an ISO 4217 code/],
    [{ ...AUSTRALIA, timeZone: 'Australia/Atlantis' }, /not an IANA time zone/],
    [{ ...AUSTRALIA, fiscalCalendar: { startMonth: 13, naming: 'END_YEAR' } }, /startMonth must be a month number 1–12/],
    [{ ...AUSTRALIA, fiscalCalendar: { startMonth: 7, naming: 'END' } }, /naming must be "END_YEAR"/],
    [{ ...AUSTRALIA, defaultPort: 80 }, /defaultPort/],
    [{ ...AUSTRALIA, colour: 'green' }, /unknown fields: colour/],
    [[AUSTRALIA], /must be a JSON object/],
  ])('refuses %j, naming the file and the field', (json, message) => {
    expect(() => parse(json)).toThrow(SubsidiaryFileError);
    expect(() => parse(json)).toThrow(message);
    expect(() => parse(json)).toThrow(/^subgraphs\/australia\/subsidiary.json: /);
  });

  it('refuses a folder name that cannot be a subgraph name', () => {
    expect(() => parse(AUSTRALIA, 'Australia')).toThrow(/folder name "Australia"/);
    expect(() => parse(AUSTRALIA, 'new-south-wales')).toThrow(/lower-case letters and digits/);
  });
});

describe('ports and order', () => {
  const reserved = [4000, GROUP_SUBGRAPH.defaultPort];
  const japan = { ...parse({ ...AUSTRALIA, code: 'JP', typePrefix: 'Japan', defaultPort: 4002 }, 'japan') };

  it('orders by port then code, and gives a folder without a port the next free one', () => {
    const ordered = assignPorts([{ ...parse(AUSTRALIA), key: 'australia' }, parse({ ...AUSTRALIA, code: 'NZ', typePrefix: 'NewZealand' }, 'newzealand'), japan], reserved);
    expect(ordered.map((config) => [config.key, config.defaultPort])).toEqual([
      ['japan', 4002],
      ['australia', 4003],
      ['newzealand', 4004],
    ]);
  });

  it.each([
    ['code', { ...AUSTRALIA, code: 'JP' }, /code JP is already subgraphs\/japan's/],
    ['type prefix', { ...AUSTRALIA, typePrefix: 'Japan' }, /typePrefix Japan is already subgraphs\/japan's/],
    ['port', { ...AUSTRALIA, defaultPort: 4002 }, /japan\/subsidiary.json: defaultPort 4002 is already subgraphs\/australia's/],
    ['group port', { ...AUSTRALIA, defaultPort: 4001 }, /defaultPort 4001 is already used by the gateway or the group subgraph/],
  ])('refuses a duplicate %s', (_, json, message) => {
    expect(() => assignPorts([japan, parse(json)], reserved)).toThrow(message);
  });
});
