import type { Principal } from '../../platform/auth';
import type { SubsidiaryConfig } from '../common/registry';
import type { AuditTrail } from './audit';
import type { RegionalReporting } from './reporting';
import type { FiscalYearSync } from './fiscal-year-sync';
import type { RegionalLoaders } from './loaders';
import type { RegionalStore } from './store';

export interface RegionalContext {
  subsidiary: SubsidiaryConfig;
  store: RegionalStore;
  loaders: RegionalLoaders;
  /** The caller, from the verified bearer token. */
  principal: Principal;
  /** Who is acting, recorded on every write: the token's subject. */
  actor: string;
  /** The request's x-request-id, when it had a well-formed one. */
  requestId: string | null;
  /** Records every write of this request (kit/audit.ts). */
  audit: AuditTrail;
  /** Today's date in the subsidiary's time zone. */
  today: string;
  /** Its reporting keys and headquarters' (kit/closes.ts). */
  reporting: RegionalReporting;
  /** The pull of headquarters' fiscal-year orders; writes wait for its first attempt. */
  fiscalYearSync: Pick<FiscalYearSync, 'ready'>;
}
