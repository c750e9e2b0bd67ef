/** Moved to shared/fiscal-year.ts (used by the gateway and the subgraphs alike): add fiscal-calendar arithmetic there. */
export * from '../../shared/fiscal-year';
