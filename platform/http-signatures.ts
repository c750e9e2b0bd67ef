/**
 * The wire format of HTTP Message Signatures (RFC 9421) and Content-Digest (RFC 9530), as far as
 * the gateway's signed subgraph calls use them: no keys, no policy (platform/request-signing.ts).
 *
 *   Content-Digest:  sha-256=:<base64 of SHA-256 of the body>:
 *   Signature-Input: gateway=("@method" "@path" …);created=…;expires=…;keyid="…";alg="ed25519";nonce="…";tag="…"
 *   Signature:       gateway=:<base64 signature>:
 *
 * The signature base (RFC 9421 §2.5) is one line `"<component>": <value>` per covered component,
 * in the order of the Signature-Input list, then `"@signature-params": <the list and parameters>`,
 * joined by "\n" with no trailing newline. The parsers accept the subset of RFC 8941 structured
 * fields these headers use (dictionaries of inner lists of strings with parameters, and of byte
 * sequences) and refuse anything else: a malformed header is a refused request, never a guess.
 */
import { createHash } from 'node:crypto';

/** Signature parameters (RFC 9421 §2.3). */
export interface SignatureParams {
  created?: number;
  expires?: number;
  keyid?: string;
  alg?: string;
  nonce?: string;
  tag?: string;
}

/** One signature of a Signature-Input header: its label, covered components and parameters. */
export interface SignatureInput {
  label: string;
  components: string[];
  params: SignatureParams;
}

export class SignatureFormatError extends Error {}

const PARAM_ORDER: readonly (keyof SignatureParams)[] = ['created', 'expires', 'keyid', 'alg', 'nonce', 'tag'];
const INTEGER_PARAMS = new Set<keyof SignatureParams>(['created', 'expires']);
/** Header values longer than this are refused before parsing. */
const MAX_FIELD_LENGTH = 4_096;
const MAX_COMPONENTS = 32;

/** The Content-Digest of a body with SHA-256 (RFC 9530). */
export function contentDigest(body: Uint8Array | string): string {
  return `sha-256=:${createHash('sha256').update(body).digest('base64')}:`;
}

/** An sf-string: printable ASCII, with `"` and `\` escaped. */
function serializeString(value: string): string {
  if (!/^[\x20-\x7e]*$/.test(value)) throw new SignatureFormatError(`not a structured-field string: ${JSON.stringify(value.slice(0, 40))}`);
  return `"${value.replace(/[\\"]/g, (character) => `\\${character}`)}"`;
}

/** The inner list and parameters, as Signature-Input carries them and the base's last line repeats them. */
export function serializeSignatureParams(components: readonly string[], params: SignatureParams): string {
  const list = `(${components.map(serializeString).join(' ')})`;
  const parameters = PARAM_ORDER.filter((name) => params[name] !== undefined).map((name) => {
    const value = params[name]!;
    return `;${name}=${typeof value === 'number' ? String(value) : serializeString(value)}`;
  });
  return list + parameters.join('');
}

/**
 * The signature base of RFC 9421 §2.5. `valueOf` gives each covered component's canonical value
 * (derived components such as "@method", and header values trimmed, several joined with ", ");
 * undefined means the message lacks it, which makes the base impossible (the signature fails).
 */
export function signatureBase(components: readonly string[], params: SignatureParams, valueOf: (component: string) => string | undefined): string {
  const lines: string[] = [];
  for (const component of components) {
    const value = valueOf(component);
    if (value === undefined) throw new SignatureFormatError(`the message has no "${component}" to cover`);
    if (/[\r\n]/.test(value)) throw new SignatureFormatError(`"${component}" holds a line break`);
    lines.push(`${serializeString(component)}: ${value}`);
  }
  lines.push(`"@signature-params": ${serializeSignatureParams(components, params)}`);
  return lines.join('\n');
}

/** A small cursor over one header value. */
class Cursor {
  private index = 0;
  constructor(private readonly text: string) {}

  get done(): boolean {
    return this.index >= this.text.length;
  }
  peek(): string {
    return this.text[this.index] ?? '';
  }
  skipSpaces(): void {
    while (this.peek() === ' ' || this.peek() === '\t') this.index += 1;
  }
  expect(character: string): void {
    if (this.peek() !== character) throw new SignatureFormatError(`expected "${character}" at ${this.index}`);
    this.index += 1;
  }
  key(): string {
    const match = /^[a-z*][a-z0-9_.*-]*/.exec(this.text.slice(this.index));
    if (!match) throw new SignatureFormatError(`expected a key at ${this.index}`);
    this.index += match[0].length;
    return match[0];
  }
  string(): string {
    this.expect('"');
    let value = '';
    for (;;) {
      const character = this.text[this.index];
      this.index += 1;
      if (character === undefined) throw new SignatureFormatError('unterminated string');
      if (character === '"') return value;
      if (character === '\\') {
        const escaped = this.text[this.index];
        this.index += 1;
        if (escaped !== '"' && escaped !== '\\') throw new SignatureFormatError('bad escape in a string');
        value += escaped;
      } else if (character < ' ' || character > '~') {
        throw new SignatureFormatError('a string holds a character that is not printable ASCII');
      } else {
        value += character;
      }
    }
  }
  integer(): number {
    const match = /^-?\d{1,15}/.exec(this.text.slice(this.index));
    if (!match) throw new SignatureFormatError(`expected an integer at ${this.index}`);
    this.index += match[0].length;
    return Number(match[0]);
  }
  bytes(): Buffer {
    this.expect(':');
    const end = this.text.indexOf(':', this.index);
    if (end === -1) throw new SignatureFormatError('unterminated byte sequence');
    const base64 = this.text.slice(this.index, end);
    if (!/^[A-Za-z0-9+/]*={0,2}$/.test(base64)) throw new SignatureFormatError('a byte sequence is not base64');
    this.index = end + 1;
    return Buffer.from(base64, 'base64');
  }
  /** `,` between dictionary members, or the end. */
  nextMember(): boolean {
    this.skipSpaces();
    if (this.done) return false;
    this.expect(',');
    this.skipSpaces();
    if (this.done) throw new SignatureFormatError('a dictionary ends with ","');
    return true;
  }
}

function checkedField(value: string): string {
  if (value.length > MAX_FIELD_LENGTH) throw new SignatureFormatError(`a signature header longer than ${MAX_FIELD_LENGTH} characters`);
  return value.trim();
}

/** Parses a Signature-Input header: every labelled signature, its components and parameters. */
export function parseSignatureInput(value: string): SignatureInput[] {
  const cursor = new Cursor(checkedField(value));
  const inputs: SignatureInput[] = [];
  do {
    const label = cursor.key();
    cursor.expect('=');
    cursor.expect('(');
    const components: string[] = [];
    for (;;) {
      cursor.skipSpaces();
      if (cursor.peek() === ')') break;
      components.push(cursor.string());
      if (components.length > MAX_COMPONENTS) throw new SignatureFormatError('too many covered components');
      if (cursor.peek() !== ' ' && cursor.peek() !== ')') throw new SignatureFormatError('components are separated by spaces');
    }
    cursor.expect(')');
    const params: SignatureParams = {};
    while (cursor.peek() === ';') {
      cursor.expect(';');
      const name = cursor.key() as keyof SignatureParams;
      cursor.expect('=');
      if (!PARAM_ORDER.includes(name)) throw new SignatureFormatError(`unknown signature parameter "${name}"`);
      if (params[name] !== undefined) throw new SignatureFormatError(`signature parameter "${name}" given twice`);
      (params as Record<string, string | number>)[name] = INTEGER_PARAMS.has(name) ? cursor.integer() : cursor.string();
    }
    if (new Set(components).size !== components.length) throw new SignatureFormatError('a component is covered twice');
    if (inputs.some((input) => input.label === label)) throw new SignatureFormatError(`label "${label}" given twice`);
    inputs.push({ label, components, params });
  } while (cursor.nextMember());
  return inputs;
}

/** Parses a dictionary of byte sequences: a Signature header, or Content-Digest (labels are algorithms there). */
export function parseByteDictionary(value: string): Map<string, Buffer> {
  const cursor = new Cursor(checkedField(value));
  const members = new Map<string, Buffer>();
  do {
    const key = cursor.key();
    cursor.expect('=');
    const bytes = cursor.bytes();
    if (members.has(key)) throw new SignatureFormatError(`"${key}" given twice`);
    members.set(key, bytes);
  } while (cursor.nextMember());
  return members;
}

/** `Signature: <label>=:<base64>:` */
export function serializeSignature(label: string, signature: Uint8Array): string {
  return `${label}=:${Buffer.from(signature).toString('base64')}:`;
}
