/** Downloading exports in tests: the whole response with its trailers, and reading CSV back. */
import { request } from 'node:http';
import { fraction } from './independent-sums';

export interface Downloaded {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
  trailers: Record<string, string | undefined>;
  /** False when the connection was cut before the response's end (a chunked body without its last chunk). */
  complete: boolean;
}

/** GETs a URL with node:http (fetch does not expose trailers), sending `token` as a bearer token when given. */
export function download(url: string, token: string | null, headers: Record<string, string> = {}): Promise<Downloaded> {
  return new Promise((resolve, reject) => {
    const outgoing = request(url, { method: 'GET', headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...headers } }, (response) => {
      const chunks: Buffer[] = [];
      let ended = false;
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () => {
        ended = true;
      });
      const done = () =>
        resolve({
          status: response.statusCode ?? 0,
          headers: response.headers,
          body: Buffer.concat(chunks),
          trailers: response.trailers as Record<string, string | undefined>,
          complete: ended && response.complete,
        });
      response.on('close', done);
      response.on('error', () => undefined); // an aborted response: `complete` says so
    });
    outgoing.on('error', reject);
    outgoing.end();
  });
}

/** The JSON body of a refused export. */
export function errorOf(downloaded: Downloaded): { message: string; extensions: Record<string, any> } {
  return (JSON.parse(downloaded.body.toString('utf8')) as { errors: { message: string; extensions: Record<string, any> }[] }).errors[0]!;
}

/** Parses RFC 4180 CSV (quoted fields, doubled quotes, CRLF) into records; strips a UTF-8 byte order mark. */
export function parseCsv(text: string): string[][] {
  const source = text.startsWith('\uFEFF') ? text.slice(1) : text;
  const records: string[][] = [];
  let record: string[] = [];
  let field = '';
  let quoted = false;
  for (let index = 0; index < source.length; index += 1) {
    const char = source[index]!;
    if (quoted) {
      if (char === '"' && source[index + 1] === '"') {
        field += '"';
        index += 1;
      } else if (char === '"') {
        quoted = false;
      } else {
        field += char;
      }
    } else if (char === '"') {
      quoted = true;
    } else if (char === ',') {
      record.push(field);
      field = '';
    } else if (char === '\r' && source[index + 1] === '\n') {
      record.push(field);
      records.push(record);
      record = [];
      field = '';
      index += 1;
    } else {
      field += char;
    }
  }
  if (field !== '' || record.length > 0) records.push([...record, field]);
  return records;
}

/** CSV records as objects keyed by the header record. */
export function csvObjects(text: string): Record<string, string>[] {
  const [header, ...records] = parseCsv(text);
  return records.map((record) => Object.fromEntries(header!.map((name, index) => [name, record[index] ?? ''])));
}

/** The exact sum of decimal strings, as a fraction. */
export function exactSum(values: Iterable<string>): [bigint, bigint] {
  let [numerator, denominator] = [0n, 1n];
  for (const value of values) {
    const [n, d] = fraction(value);
    [numerator, denominator] = [numerator * d + n * denominator, denominator * d];
  }
  return [numerator, denominator];
}

/** A fraction as a canonical decimal string when it has a finite one ("1234.5", "-3"). */
export function fractionText([numerator, denominator]: [bigint, bigint]): string {
  let scale = 0;
  let d = denominator;
  while (d % 10n === 0n) {
    d /= 10n;
    scale += 1;
  }
  if (d !== 1n) throw new Error(`${numerator}/${denominator} has no finite decimal form`);
  const negative = numerator < 0n;
  const digits = (negative ? -numerator : numerator).toString().padStart(scale + 1, '0');
  let whole = digits.slice(0, digits.length - scale);
  let fractionDigits = digits.slice(digits.length - scale).replace(/0+$/, '');
  whole = whole.replace(/^0+(?=\d)/, '');
  fractionDigits = fractionDigits ? `.${fractionDigits}` : '';
  return `${negative ? '-' : ''}${whole}${fractionDigits}`;
}
