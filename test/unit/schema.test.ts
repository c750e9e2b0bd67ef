import { it } from 'vitest';
import { parse } from 'graphql';
import { Supergraph, operationFromDocument } from '@apollo/federation-internals';
import { QueryPlanner, prettyFormatQueryPlan } from '@apollo/query-planner';
import { composeProductSupergraph } from '../../schema/composition';
it('x', () => {
const { supergraphSdl } = composeProductSupergraph();
const sg = Supergraph.build(supergraphSdl);
const qp = new QueryPlanner(sg);
for (const q of ['{ subsidiaries { initiatives { nodes { title } } } }', '{ groupReport(fiscalYear: 2024) { total { amount } } }']) {
  const op = operationFromDocument(sg.apiSchema(), parse(q));
  console.log(prettyFormatQueryPlan(qp.buildQueryPlan(op)));
}
});
