import { useState } from 'preact/hooks';
import { DownloadFailed, downloadExport } from './download';

interface DownloadButtonsProps {
  /** The export's name without extension: report-lines, expenses (docs/exports.md). */
  exportName: string;
  query: string;
  text: {
    title: string;
    csv: string;
    xlsx: string;
    busy: string;
    done: (name: string) => string;
    failed: (message: string) => string;
    /** Why an export of an incomplete report was refused, naming the missing subsidiaries by code. */
    incomplete: (codes: readonly string[]) => string;
    note?: string;
  };
}

/** CSV and XLSX buttons for one gateway export; says what arrived or why not. */
export function DownloadButtons({ exportName, query, text }: DownloadButtonsProps) {
  const [status, setStatus] = useState<{ kind: 'busy' | 'done' | 'failed'; text: string } | null>(null);
  const download = async (extension: 'csv' | 'xlsx') => {
    setStatus({ kind: 'busy', text: text.busy });
    try {
      const name = await downloadExport(`${exportName}.${extension}`, query);
      setStatus({ kind: 'done', text: text.done(name) });
    } catch (error) {
      const reason = error instanceof DownloadFailed && error.code === 'EXPORT_INCOMPLETE' ? text.incomplete(error.missingSubsidiaries) : error instanceof Error ? error.message : String(error);
      setStatus({ kind: 'failed', text: text.failed(reason) });
    }
  };
  return (
    <div class="downloads" role="group" aria-label={text.title}>
      <button type="button" class="secondary" onClick={() => download('csv')} disabled={status?.kind === 'busy'}>
        {text.csv}
      </button>
      <button type="button" class="secondary" onClick={() => download('xlsx')} disabled={status?.kind === 'busy'}>
        {text.xlsx}
      </button>
      {status?.kind === 'failed' ? (
        <p role="alert" class="error">
          {status.text}
        </p>
      ) : (
        <p class="hint" aria-live="polite">
          {status?.text ?? text.note ?? ''}
        </p>
      )}
    </div>
  );
}
