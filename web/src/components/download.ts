import { session } from '../session';

/** The gateway refused or cut a download: its message and code (docs/exports.md), to show as they are. */
export class DownloadFailed extends Error {
  constructor(
    message: string,
    readonly code: string | undefined,
    readonly status: number,
    /** EXPORT_INCOMPLETE: the subsidiaries whose figures are missing. */
    readonly missingSubsidiaries: readonly string[] = [],
  ) {
    super(message);
  }
}

function fileNameOf(response: Response, fallback: string): string {
  const disposition = response.headers.get('content-disposition') ?? '';
  return /filename="([^"]+)"/.exec(disposition)?.[1] ?? fallback;
}

async function refusal(response: Response): Promise<DownloadFailed> {
  try {
    const body = (await response.json()) as { errors?: { message?: string; extensions?: { code?: string; missingSubsidiaries?: string[] } }[] };
    const error = body.errors?.[0];
    return new DownloadFailed(error?.message ?? `HTTP ${response.status}`, error?.extensions?.code, response.status, error?.extensions?.missingSubsidiaries ?? []);
  } catch {
    return new DownloadFailed(`HTTP ${response.status}`, undefined, response.status);
  }
}

/**
 * Downloads one of the gateway's exports (`/exports/<name>?<query>`) with the session's token in
 * the Authorization header — never in a URL — and hands the file to the browser through an object
 * URL. Resolves with the file's name once the whole body arrived (a cut download rejects).
 */
export async function downloadExport(name: string, query: string): Promise<string> {
  const token = session.value?.token;
  const response = await fetch(`/exports/${name}?${query}`, { headers: token ? { authorization: `Bearer ${token}` } : {} });
  if (!response.ok) throw await refusal(response);
  const blob = await response.blob();
  const fileName = fileNameOf(response, name);
  const url = URL.createObjectURL(blob);
  try {
    const link = document.createElement('a');
    link.href = url;
    link.download = fileName;
    link.hidden = true;
    document.body.append(link);
    link.click();
    link.remove();
  } finally {
    setTimeout(() => URL.revokeObjectURL(url), 10_000);
  }
  return fileName;
}
