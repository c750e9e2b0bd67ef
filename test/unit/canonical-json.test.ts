import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { CanonicalJsonError, canonicalJson, contentHash } from '../../subgraphs/common/canonical-json';

describe('canonical JSON (RFC 8785 for the values published documents hold)', () => {
  it('sorts members by UTF-16 code units at every depth, without whitespace, arrays in order', () => {
    expect(canonicalJson({ b: 1, a: [3, { d: true, c: null }], A: 'x', é: 'e', '€': 'euro' })).toBe('{"A":"x","a":[3,{"c":null,"d":true}],"b":1,"é":"e","€":"euro"}');
  });

  it('escapes strings as JSON.stringify does and keeps other characters as they are', () => {
    expect(canonicalJson({ text: 'a"b\\c\n\u0001 ¥828' })).toBe('{"text":"a\\"b\\\\c\\n\\u0001 ¥828"}');
  });

  it('refuses what a document must not hold: fractions, unsafe integers, undefined members, class instances', () => {
    expect(() => canonicalJson({ rate: 1.75 })).toThrow(CanonicalJsonError);
    expect(() => canonicalJson({ big: 2 ** 53 })).toThrow(CanonicalJsonError);
    expect(() => canonicalJson({ missing: undefined })).toThrow(CanonicalJsonError);
    expect(() => canonicalJson({ at: new Date(0) })).toThrow(CanonicalJsonError);
    expect(canonicalJson({ zero: -0 })).toBe('{"zero":0}');
  });

  it('hashes the UTF-8 bytes of the canonical text', () => {
    const value = { total: { currency: 'JPY', amount: '828006924' }, fiscalYear: 2024 };
    const text = '{"fiscalYear":2024,"total":{"amount":"828006924","currency":"JPY"}}';
    expect(canonicalJson(value)).toBe(text);
    expect(contentHash(value)).toBe(`sha256:${createHash('sha256').update(Buffer.from(text, 'utf8')).digest('hex')}`);
  });
});
