import type { MissingSubsidiary } from './query';

interface MissingBannerProps {
  missing: readonly MissingSubsidiary[];
  title: string;
  line: (name: string, code: string, reason: string, reasonCode: string) => string;
  consequence: string;
}

/** Names every subsidiary whose figures are missing, with the API's reason, and what that means for the figures shown. */
export function MissingBanner({ missing, title, line, consequence }: MissingBannerProps) {
  if (missing.length === 0) return null;
  return (
    <div class="banner warn" role="alert" data-testid="missing-banner">
      <strong>{title}</strong>
      <ul>
        {missing.map((subsidiary) => (
          <li key={subsidiary.code} data-code={subsidiary.code} data-reason-code={subsidiary.reasonCode}>
            {line(subsidiary.name, subsidiary.code, subsidiary.reason, subsidiary.reasonCode)}
          </li>
        ))}
      </ul>
      <p>{consequence}</p>
    </div>
  );
}
