import { badInput } from '../../common/errors';

/** Opaque page cursor: the sort key of the last item shown. */
export function encodeCursor(key: readonly string[]): string {
  return Buffer.from(JSON.stringify(key), 'utf8').toString('base64url');
}

export function decodeCursor(cursor: string, length: number, field: string): string[] {
  try {
    if (cursor.length > 200) throw new Error('too long');
    const key: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (Array.isArray(key) && key.length === length && key.every((part) => typeof part === 'string')) return key as string[];
  } catch {
    // reported below
  }
  return badInput(`${field} is not a cursor returned by this API`, field);
}
