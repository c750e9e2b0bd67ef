import DataLoader from 'dataloader';
import type { ExchangeRateDocument, GoalDocument } from './documents';
import type { GroupStore } from './store';

/**
 * Per-request batching of headquarters' reference data: however many GroupReport
 * representations a request resolves, their exchange rates are one read (the span covering all
 * of them) and the goals another.
 */
export function createGroupLoaders(store: GroupStore) {
  let goals: Promise<GoalDocument[]> | undefined;
  const rates = new DataLoader<string, ExchangeRateDocument[]>(async (spans) => {
    const asked = spans.map((span) => span.split(':').map(Number) as [number, number]);
    const all = await store.ratesForSpan(Math.min(...asked.map(([from]) => from)), Math.max(...asked.map(([, to]) => to)));
    return asked.map(([from, to]) => all.filter((rate) => rate.fiscalYear >= from && rate.fiscalYear <= to));
  });
  return {
    goals: () => (goals ??= store.goals()),
    ratesForSpan: (from: number, to: number) => rates.load(`${from}:${to}`),
  };
}

export type GroupLoaders = ReturnType<typeof createGroupLoaders>;
