import type { CommandStartedEvent } from 'mongodb';

/**
 * Commands of a regional subgraph's background upkeep (kit/subgraph.ts: the write journal's sweep
 * every second, the index check every minute): leases run out, operations still named in cells,
 * entries still alive, indexes; and the pull of headquarters' fiscal-year orders (kit/closes.ts,
 * every FISCAL_YEAR_SYNC_INTERVAL_MS): every order, read by the region and served by the group
 * subgraph's /fiscal-year-orders (requests read the orders of their years only); the sweep of
 * abandoned import stages (by age, and the entries still naming them). They run whatever requests do, so a test counting what a request
 * cost (stack.countCommands) leaves them out; a request's own reads of the journal (committed
 * entries, by state) still count.
 */
export function isBackgroundUpkeep(event: CommandStartedEvent): boolean {
  if (['listIndexes', 'createIndexes'].includes(event.commandName)) return true;
  if (event.commandName !== 'find') return false;
  const filter = (event.command.filter ?? {}) as Record<string, unknown>;
  if (event.command.find === 'write_journal') return 'leaseUntil' in filter || '_id' in filter || 'changes.stageId' in filter;
  if (event.command.find === 'fiscal_year_orders') return Object.keys(filter).length === 0;
  if (event.command.find === 'import_staging') return 'createdAt' in filter;
  return event.command.find === 'report_cells' && 'ops.0' in filter;
}

/** The commands a request caused, in all subgraphs, background upkeep left out. */
export function requestCommands(commands: Map<string, CommandStartedEvent[]>): number {
  return [...commands.values()].reduce((sum, events) => sum + events.filter((event) => !isBackgroundUpkeep(event)).length, 0);
}
