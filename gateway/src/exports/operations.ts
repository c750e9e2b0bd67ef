import type { TrustedDocuments } from '../operation-manifest';
import { EXPORT_ERROR_CODES, ExportError } from './runner';

/** The operations the exports run: the manifest's own (operations/*.graphql), so a `bi:read` caller restricted to trusted documents may export. */
export const EXPORT_OPERATIONS = ['ExpensesPage', 'ReportLines', 'ReportCells', 'ReferenceData', 'ActivityFeedPage'] as const;
export type ExportOperationName = (typeof EXPORT_OPERATIONS)[number];

export interface ExportOperations {
  text(name: ExportOperationName): string;
}

/** The texts of the export operations in the manifest in force; EXPORT_UNAVAILABLE (503) when it lacks one. */
export function exportOperations(documents: () => TrustedDocuments): ExportOperations {
  return {
    text(name) {
      const operation = documents().manifest.operations.find((candidate) => candidate.name === name);
      if (!operation) {
        throw new ExportError(503, EXPORT_ERROR_CODES.unavailable, `The trusted documents manifest (${documents().source}) has no operation ${name}, which this export runs: regenerate it with npm run manifest`);
      }
      return operation.body;
    },
  };
}
