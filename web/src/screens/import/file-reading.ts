/** A file as the import mutation takes it (ImportFileInput): CSV text, or an XLSX workbook in base64. */
export interface ImportFile {
  format: 'CSV' | 'XLSX';
  content: string;
  fileName: string;
}

export class UnsupportedFile extends Error {}

function base64Of(bytes: Uint8Array): string {
  let binary = '';
  const chunk = 0x8000;
  for (let start = 0; start < bytes.length; start += chunk) binary += String.fromCharCode(...bytes.subarray(start, start + chunk));
  return btoa(binary);
}

/** Reads a chosen file in the browser: `.xlsx` as base64, `.csv` (or text) as UTF-8 text. */
export async function readImportFile(file: File): Promise<ImportFile> {
  const name = file.name.toLowerCase();
  if (name.endsWith('.xlsx')) return { format: 'XLSX', content: base64Of(new Uint8Array(await file.arrayBuffer())), fileName: file.name };
  if (name.endsWith('.csv') || name.endsWith('.txt') || file.type.startsWith('text/')) return { format: 'CSV', content: await file.text(), fileName: file.name };
  throw new UnsupportedFile(file.name);
}
