/** How large one import may be; IMPORT_MAX_ROWS, IMPORT_MAX_BYTES and IMPORT_MAX_PROBLEMS in the subgraph's environment. */
export interface ImportLimits {
  /** Data rows (the header and blank rows not counted). */
  maxRows: number;
  /** Bytes of the file's content as sent: CSV text, or the XLSX workbook's base64. */
  maxBytes: number;
  /** Problems listed in an answer; the rest are counted (problemCount). */
  maxProblems: number;
}

export const DEFAULT_IMPORT_LIMITS: ImportLimits = { maxRows: 20_000, maxBytes: 16 * 1024 * 1024, maxProblems: 1_000 };

function integer(value: string | undefined, name: string, fallback: number, min: number, max: number): number {
  if (value === undefined || value.trim() === '') return fallback;
  const parsed = Number(value);
  if (!Number.isInteger(parsed) || parsed < min || parsed > max) throw new Error(`${name} must be a whole number from ${min} to ${max} (got "${value}")`);
  return parsed;
}

export function loadImportLimits(env: NodeJS.ProcessEnv): ImportLimits {
  return {
    maxRows: integer(env.IMPORT_MAX_ROWS, 'IMPORT_MAX_ROWS', DEFAULT_IMPORT_LIMITS.maxRows, 1, 1_000_000),
    maxBytes: integer(env.IMPORT_MAX_BYTES, 'IMPORT_MAX_BYTES', DEFAULT_IMPORT_LIMITS.maxBytes, 1_024, 256 * 1024 * 1024),
    maxProblems: integer(env.IMPORT_MAX_PROBLEMS, 'IMPORT_MAX_PROBLEMS', DEFAULT_IMPORT_LIMITS.maxProblems, 1, 100_000),
  };
}
