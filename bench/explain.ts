/**
 * Do the dashboard's aggregations and the list queries use an index? The product's own store
 * code runs once against the generated data while the driver's command monitoring records the
 * exact commands it sends; each recorded command is then sent again inside `explain`, and the
 * winning plan's stages are read (IXSCAN vs COLLSCAN). Only a real mongod answers `explain`;
 * on mongo-java-server the check says so and stops.
 */
import { MongoClient, type Document } from 'mongodb';
import { subsidiaryByKey } from '../subgraphs/common/registry';
import { createRegionalStore } from '../subgraphs/kit/store';
import type { SubsidiaryKey } from '../seed/load';
import { isRealMongod } from '../platform/mongo-server';


export interface PlanSummary {
  /** Every stage of the winning plan(s), outermost first. */
  stages: string[];
  indexes: string[];
  verdict: 'IXSCAN' | 'COLLSCAN' | 'IXSCAN+COLLSCAN' | 'other';
}

const INDEX_STAGES = new Set(['IXSCAN', 'EXPRESS_IXSCAN', 'DISTINCT_SCAN', 'COUNT_SCAN', 'IDHACK', 'EXPRESS_IDHACK']);

/** Reads the stages of an explain document's winning plans (rejected plans are skipped). */
export function summarizePlan(explain: unknown): PlanSummary {
  const stages: string[] = [];
  const indexes = new Set<string>();
  const walk = (value: unknown): void => {
    if (Array.isArray(value)) return value.forEach(walk);
    if (!value || typeof value !== 'object') return;
    for (const [key, child] of Object.entries(value as Record<string, unknown>)) {
      if (key === 'rejectedPlans' || key === 'allPlansExecution') continue;
      if (key === 'stage' && typeof child === 'string') stages.push(child);
      else if (key === 'indexName' && typeof child === 'string') indexes.add(child);
      else walk(child);
    }
  };
  walk(explain);
  const indexed = stages.some((stage) => INDEX_STAGES.has(stage));
  const scanned = stages.includes('COLLSCAN');
  const verdict = indexed && scanned ? 'IXSCAN+COLLSCAN' : indexed ? 'IXSCAN' : scanned ? 'COLLSCAN' : 'other';
  return { stages, indexes: [...indexes], verdict };
}

export interface ExplainedQuery {
  name: string;
  command: string;
  plan?: PlanSummary;
  error?: string;
}

export interface ExplainReport {
  available: boolean;
  /** Why explain was not run, when it was not. */
  reason?: string;
  queries: ExplainedQuery[];
}

/** Keeps the parts of a recorded command that describe the query (drops $db, lsid, cluster time, …). */
function explainable(command: Document): Document {
  return Object.fromEntries(Object.entries(command).filter(([key]) => !key.startsWith('$') && !['lsid', 'txnNumber', 'apiVersion', 'readConcern'].includes(key)));
}

/** Runs the product's dashboard and list queries for one subsidiary and explains each command they sent. */
export async function explainQueries(uri: string, database: string, key: SubsidiaryKey, fiscalYear: number): Promise<ExplainReport> {
  const client = new MongoClient(uri, { monitorCommands: true, serverSelectionTimeoutMS: 10_000 });
  await client.connect();
  try {
    if (!(await isRealMongod(client))) {
      return { available: false, reason: 'explain is unavailable: the server is mongo-java-server (no explain, and it scans for every query; its secondary indexes are accepted but not used)', queries: [] };
    }
    const subsidiary = subsidiaryByKey(key)!;
    const store = createRegionalStore(client.db(database), subsidiary);
    const recorded: { name: string; command: Document }[] = [];
    let current = '';
    client.on('commandStarted', (event) => {
      if (current && (event.commandName === 'aggregate' || event.commandName === 'find')) recorded.push({ name: current, command: explainable(event.command) });
    });
    const capture = async (name: string, action: () => Promise<unknown>) => {
      current = name;
      await action();
      current = '';
    };
    await capture('dashboard: report cells of a fiscal year', () => store.rollups.read({ from: fiscalYear, to: fiscalYear }));
    await capture('rollup check: report cells grouped from the expenses ($group)', () => store.rollups.aggregateRaw());
    await capture('dashboard: volunteering by year', () => store.volunteering.byYear({ from: fiscalYear, to: fiscalYear }, null));
    const query = { fiscalYear: null, causeArea: null, status: null, words: [] };
    let page = { nodes: [] as { _id: string }[] };
    await capture('initiative page (first 100)', async () => (page = await store.initiatives.page(query, 100, null)));
    await capture('expenses of a page of initiatives', () => store.expenses.listByInitiatives(page.nodes.map((node) => node._id), null));
    const queries: ExplainedQuery[] = [];
    for (const { name, command } of recorded) {
      const shown = JSON.stringify(command).slice(0, 160);
      try {
        const explain = await client.db(database).command({ explain: command, verbosity: 'queryPlanner' });
        queries.push({ name, command: shown, plan: summarizePlan(explain) });
      } catch (error) {
        queries.push({ name, command: shown, error: error instanceof Error ? error.message : String(error) });
      }
    }
    return { available: true, queries };
  } finally {
    await client.close();
  }
}
