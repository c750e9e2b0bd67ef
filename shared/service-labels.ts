/**
 * How a supergraph tells the gateway whom each subgraph's failures concern, without the gateway
 * knowing this project's code: each subgraph declares, on its schema, a directive that composition
 * keeps (`@composeDirective`) — a regional subgraph the subsidiary it serves, the group subgraph that
 * it holds headquarters' figures and the group's fiscal calendar. Composition does not say which
 * subgraph a schema directive came from, so each names its subgraph. The gateway reads them from
 * the supergraph (gateway/src/service-labels.ts); a supergraph without them names subgraphs only.
 */
export const SERVICE_LABELS_SPEC = { url: 'https://specs.csr-federation.example/labels/v1.0', name: 'labels' } as const;

export type FiscalYearNaming = 'END_YEAR' | 'START_YEAR';

export type ServiceLabelDeclaration =
  | { kind: 'subsidiary'; subgraph: string; code: string; name: string }
  | { kind: 'headquarters'; subgraph: string; fiscalYearStartMonth: number; fiscalYearNaming: FiscalYearNaming };

const DIRECTIVES = `directive @subsidiary(subgraph: String!, code: String!, name: String!) repeatable on SCHEMA
directive @headquarters(subgraph: String!, fiscalYearStartMonth: Int!, fiscalYearNaming: String!) on SCHEMA`;

function application(label: ServiceLabelDeclaration): string {
  const text = (value: string) => JSON.stringify(value);
  return label.kind === 'subsidiary'
    ? `@subsidiary(subgraph: ${text(label.subgraph)}, code: ${text(label.code)}, name: ${text(label.name)})`
    : `@headquarters(subgraph: ${text(label.subgraph)}, fiscalYearStartMonth: ${label.fiscalYearStartMonth}, fiscalYearNaming: ${text(label.fiscalYearNaming)})`;
}

/** The SDL a subgraph adds to declare its label (its federation link must import `@composeDirective`). */
export function serviceLabelSdl(label: ServiceLabelDeclaration): string {
  return `
extend schema
  @link(url: "${SERVICE_LABELS_SPEC.url}", import: ["@subsidiary", "@headquarters"])
  @composeDirective(name: "@subsidiary")
  @composeDirective(name: "@headquarters")
  ${application(label)}

${DIRECTIVES}
`;
}
