import { AuditTrail } from '../../subgraphs/kit/audit';
import type { RegionalStore } from '../../subgraphs/kit/store';
import type { Writer } from '../../subgraphs/kit/store/writes';

/** Runs a store-level write as the named mutation would, with an audit trail of a test actor. */
export function regionalWriter<T>(store: RegionalStore, mutation: string, write: (writer: Writer) => Promise<T>, actor = 'tester'): Promise<T> {
  const audit = new AuditTrail(store.audit, actor, null);
  return audit.around(mutation, 'Record', {}, () => write({ actor, audit }));
}
