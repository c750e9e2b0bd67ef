/** Moved to shared/decimal.ts (used by the gateway and the subgraphs alike). */
export * from '../../shared/decimal';
