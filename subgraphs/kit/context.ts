import type { SubsidiaryConfig } from '../common/registry';
import type { RegionalLoaders } from './loaders';
import type { RegionalStore } from './store';

export interface RegionalContext {
  subsidiary: SubsidiaryConfig;
  store: RegionalStore;
  loaders: RegionalLoaders;
  /** Who is acting, recorded on every write. */
  actor: string;
  /** Today's date in the subsidiary's time zone. */
  today: string;
}
