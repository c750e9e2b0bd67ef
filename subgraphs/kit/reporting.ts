import type { SigningKey, VerificationKey } from '../../platform/signing-keys';

/**
 * How this subsidiary takes part in headquarters' reporting (docs/reporting.md):
 *
 *   - it signs the figures it hands to consolidation with its own key (REGIONAL_SIGNING_KEY,
 *     Ed25519, key id = its code), so that nobody on the way (the gateway included) can change them;
 *   - it applies headquarters' signed fiscal-year orders (HEADQUARTERS_PUBLIC_KEYS verify them),
 *     brought by the close through the gateway (the `<Prefix>FiscalYearLock` entity) and fetched by itself
 *     from headquarters' `/fiscal-year-orders` (HEADQUARTERS_URL; fiscal-year-sync.ts), at start-up and periodically,
 *     so that a subsidiary that was down during a close, or lost its orders with a restore, locks
 *     the year as soon as it is back.
 */
export interface RegionalReporting {
  signingKey: SigningKey | null;
  headquartersKeys: readonly VerificationKey[];
  /** The group subgraph's base URL (its /fiscal-year-orders), or null: no pull. */
  headquartersUrl: () => string | null;
  /** How often headquarters' orders are fetched. */
  syncIntervalMs: number;
}

export const DEFAULT_SYNC_INTERVAL_MS = 5_000;

export const NO_REPORTING: RegionalReporting = { signingKey: null, headquartersKeys: [], headquartersUrl: () => null, syncIntervalMs: DEFAULT_SYNC_INTERVAL_MS };
