import { createHash } from 'node:crypto';

/**
 * The canonical serialisation of every signed or hashed document of the product (regional
 * figures, fiscal-year orders and acknowledgements, published reports): JSON as RFC 8785 (JSON
 * Canonicalization Scheme, JCS) writes it, for the values these documents hold.
 *
 *   - objects: members sorted by key, compared as UTF-16 code units (JavaScript's default sort,
 *     as JCS asks); no whitespace anywhere; a member whose value is `undefined` is refused (a
 *     missing member is left out by the writer, never written as undefined);
 *   - strings: as JSON.stringify writes them (JCS's escaping: \" \\ \b \f \n \r \t, other
 *     control characters as \u00XX, everything else as is, in UTF-8);
 *   - numbers: whole numbers within ±(2^53 − 1) only, in plain decimal digits (JCS writes them so);
 *     money, rates and hours are never numbers but exact decimal strings, so no float is ever
 *     serialised and no number formatting question arises;
 *   - true, false, null; arrays in their order.
 *
 * The bytes are the UTF-8 encoding of that text. A document is hashed as SHA-256 over those bytes,
 * written "sha256:" followed by 64 lower-case hex digits.
 */
export class CanonicalJsonError extends Error {}

export type CanonicalValue = null | boolean | number | string | CanonicalValue[] | { [key: string]: CanonicalValue };

function write(value: unknown, path: string, out: string[]): void {
  if (value === null) {
    out.push('null');
    return;
  }
  switch (typeof value) {
    case 'boolean':
      out.push(value ? 'true' : 'false');
      return;
    case 'string':
      out.push(JSON.stringify(value));
      return;
    case 'number':
      if (!Number.isSafeInteger(value)) throw new CanonicalJsonError(`${path}: ${value} is not a whole number within ±(2^53 − 1); decimals travel as strings`);
      out.push(Object.is(value, -0) ? '0' : String(value));
      return;
    case 'object': {
      if (Array.isArray(value)) {
        out.push('[');
        value.forEach((item, index) => {
          if (index > 0) out.push(',');
          write(item, `${path}[${index}]`, out);
        });
        out.push(']');
        return;
      }
      const prototype = Object.getPrototypeOf(value) as unknown;
      if (prototype !== Object.prototype && prototype !== null) throw new CanonicalJsonError(`${path}: only plain objects are serialised, not ${(value as object).constructor?.name ?? 'this object'}`);
      const keys = Object.keys(value).sort();
      out.push('{');
      keys.forEach((key, index) => {
        const member = (value as Record<string, unknown>)[key];
        if (member === undefined) throw new CanonicalJsonError(`${path}.${key} is undefined: leave the member out instead`);
        if (index > 0) out.push(',');
        out.push(JSON.stringify(key), ':');
        write(member, `${path}.${key}`, out);
      });
      out.push('}');
      return;
    }
    default:
      throw new CanonicalJsonError(`${path}: a ${typeof value} cannot be serialised`);
  }
}

/** The canonical JSON text of a value (see above); throws CanonicalJsonError for what it cannot hold. */
export function canonicalJson(value: unknown): string {
  const out: string[] = [];
  write(value, '$', out);
  return out.join('');
}

/** SHA-256 over a text's UTF-8 bytes: "sha256:<64 hex digits>". */
export function textHash(text: string): string {
  return `sha256:${createHash('sha256').update(text, 'utf8').digest('hex')}`;
}

/** The hash of a value's canonical JSON (textHash of it): what a published report states. */
export function contentHash(value: unknown): string {
  return textHash(canonicalJson(value));
}
