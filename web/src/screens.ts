import type { ComponentType } from 'preact';
import { writableSubsidiaries, type Session } from './session';
import { Dashboard } from './screens/dashboard/dashboard';
import { Records } from './screens/records/records';
import { Workspace } from './screens/workspace/workspace';
import { ImportScreen } from './screens/import/import';

/** The app's screens: the route name, the component, and whether the navigation lists it for a session. */
export interface Screen {
  name: string;
  component: ComponentType;
  nav: 'dashboard' | 'workspace' | 'import' | null;
  listed(session: Session): boolean;
}

export const SCREENS: readonly Screen[] = [
  { name: 'dashboard', component: Dashboard, nav: 'dashboard', listed: () => true },
  { name: 'records', component: Records, nav: null, listed: () => false },
  { name: 'workspace', component: Workspace, nav: 'workspace', listed: () => true },
  { name: 'import', component: ImportScreen, nav: 'import', listed: (session) => writableSubsidiaries(session).length > 0 },
];

/** Where a session lands: a regional team in its workspace, everyone else on the dashboard. */
export function homeScreen(session: Session): string {
  return writableSubsidiaries(session).length > 0 ? 'workspace' : 'dashboard';
}
