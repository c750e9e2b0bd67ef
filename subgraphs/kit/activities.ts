import { parseActivityPageKey, type ActivityQuery } from '../common/activity-query';
import type { SubsidiaryConfig } from '../common/registry';
import type { RegionalContext } from './context';
import { adjustmentView } from './closes';
import { ActivityReader, type ActivitySlice } from './store/activities';
import { referenceId } from './validation';
import { activityPageTypeName } from './activity-schema';

interface RegionalActivityPage {
  id: string;
  query: ActivityQuery;
  asOf: string;
  slice: () => Promise<ActivitySlice>;
}

/** Resolvers of the page entity, for one subsidiary. */
export function regionalActivityResolvers(subsidiary: SubsidiaryConfig) {
  const figuresOf = (page: RegionalActivityPage, { loaders }: RegionalContext) => {
    const { span, causeArea, contributionType } = page.query;
    return span ? loaders.report.load({ span, causeArea, contributionType }) : null;
  };
  return {
    [activityPageTypeName(subsidiary)]: {
      __resolveReference: (reference: { id?: unknown }, { store }: RegionalContext): RegionalActivityPage | null => {
        const id = referenceId(reference, 400);
        const { code, query } = parseActivityPageKey(id);
        if (code !== subsidiary.code) return null;
        let read: Promise<ActivitySlice> | undefined;
        const reader = new ActivityReader(store.db, subsidiary, store.dataset, store.journal);
        return { id, query, asOf: new Date().toISOString(), slice: () => (read ??= reader.page(query)) };
      },
      currency: () => subsidiary.currency,
      items: async (page: RegionalActivityPage) => {
        const slice = await page.slice();
        return slice.dataset ? slice.items : null;
      },
      hasMore: async (page: RegionalActivityPage) => {
        const slice = await page.slice();
        // false without a dataset: with items null, that tells "no dataset" from a failed read (both null)
        return slice.dataset ? slice.hasMore : false;
      },
      asOf: (page: RegionalActivityPage) => page.asOf,
      cells: async (page: RegionalActivityPage, _args: unknown, context: RegionalContext) => {
        const figures = await figuresOf(page, context);
        return figures?.dataset ? figures.cells.map((cell) => ({ ...cell, amount: cell.amount.toString() })) : null;
      },
      adjustments: async (page: RegionalActivityPage, _args: unknown, context: RegionalContext) => {
        const figures = await figuresOf(page, context);
        return figures?.dataset ? figures.adjustments.map(adjustmentView) : null;
      },
    },
  };
}
