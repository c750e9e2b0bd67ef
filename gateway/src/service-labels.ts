import { Kind, parse, type ConstDirectiveNode, type ConstValueNode, type DocumentNode } from 'graphql';
import type { FiscalCalendar } from '../../shared/fiscal-year';
import { SERVICE_LABELS_SPEC } from '../../shared/service-labels';

/** A subsidiary as an error names it. */
export interface SubsidiaryLabel {
  code: string;
  name: string;
}

/** Who a subgraph's failure concerns: a subsidiary, or headquarters (the group subgraph). */
export type ServiceLabel = ({ kind: 'subsidiary' } & SubsidiaryLabel) | { kind: 'headquarters' };

function valueOf(node: ConstValueNode | undefined): unknown {
  if (!node) return undefined;
  if (node.kind === Kind.STRING || node.kind === Kind.ENUM) return node.value;
  if (node.kind === Kind.INT) return Number(node.value);
  if (node.kind === Kind.LIST) return node.values.map(valueOf);
  if (node.kind === Kind.OBJECT) return Object.fromEntries(node.fields.map((field) => [field.name.value, valueOf(field.value)]));
  return undefined;
}

function argumentsOf(directive: ConstDirectiveNode): Record<string, unknown> {
  return Object.fromEntries((directive.arguments ?? []).map((argument) => [argument.name.value, valueOf(argument.value)]));
}

/** The names the supergraph gives the spec's directives: as imported (possibly renamed), or namespaced (`labels__subsidiary`). */
function directiveNames(links: readonly Record<string, unknown>[]): { subsidiary: string; headquarters: string } | undefined {
  const link = links.find((candidate) => typeof candidate.url === 'string' && candidate.url.startsWith(SERVICE_LABELS_SPEC.url.replace(/v[\d.]+$/, 'v1.')));
  if (!link) return undefined;
  const namespace = typeof link.as === 'string' ? link.as : SERVICE_LABELS_SPEC.name;
  const imports = Array.isArray(link.import) ? link.import : [];
  const nameOf = (directive: string): string => {
    for (const entry of imports) {
      if (entry === `@${directive}`) return directive;
      const renamed = entry as { name?: unknown; as?: unknown } | null;
      if (renamed?.name === `@${directive}` && typeof renamed.as === 'string') return renamed.as.replace(/^@/, '');
    }
    return `${namespace}__${directive}`;
  };
  return { subsidiary: nameOf('subsidiary'), headquarters: nameOf('headquarters') };
}

/** The subgraph names of the supergraph (`@join__graph(name:)`). */
function subgraphNames(document: DocumentNode): Set<string> {
  const names = new Set<string>();
  for (const definition of document.definitions) {
    if (definition.kind !== Kind.ENUM_TYPE_DEFINITION || definition.name.value !== 'join__Graph') continue;
    for (const value of definition.values ?? []) {
      const graph = value.directives?.find((directive) => directive.name.value === 'join__graph');
      const name = graph ? argumentsOf(graph).name : undefined;
      if (typeof name === 'string') names.add(name);
    }
  }
  return names;
}

/**
 * Which subgraph serves which subsidiary, which one holds headquarters' figures, and the group's
 * fiscal calendar, as the loaded supergraph declares them (shared/service-labels.ts): the gateway
 * serves any supergraph, and one without these declarations keeps naming the subgraph only.
 */
export class ServiceLabels {
  private labels = new Map<string, ServiceLabel>();
  private calendar: FiscalCalendar | undefined;

  update(supergraphSdl: string): void {
    const document = parse(supergraphSdl, { noLocation: true });
    const schema = document.definitions.flatMap((definition) => (definition.kind === Kind.SCHEMA_DEFINITION || definition.kind === Kind.SCHEMA_EXTENSION ? (definition.directives ?? []) : []));
    const names = directiveNames(schema.filter((directive) => directive.name.value === 'link').map(argumentsOf));
    const subgraphs = subgraphNames(document);
    const next = new Map<string, ServiceLabel>();
    let calendar: FiscalCalendar | undefined;
    for (const directive of names ? schema : []) {
      const args = argumentsOf(directive);
      if (typeof args.subgraph !== 'string' || !subgraphs.has(args.subgraph)) continue;
      if (directive.name.value === names!.subsidiary && typeof args.code === 'string' && typeof args.name === 'string') {
        next.set(args.subgraph, { kind: 'subsidiary', code: args.code, name: args.name });
      } else if (directive.name.value === names!.headquarters) {
        next.set(args.subgraph, { kind: 'headquarters' });
        const { fiscalYearStartMonth: startMonth, fiscalYearNaming: naming } = args;
        if (typeof startMonth === 'number' && startMonth >= 1 && startMonth <= 12 && (naming === 'END_YEAR' || naming === 'START_YEAR')) calendar = { startMonth, naming };
      }
    }
    this.labels = next;
    this.calendar = calendar;
  }

  labelOf(service: string): ServiceLabel | undefined {
    return this.labels.get(service);
  }

  subsidiaryOf(service: string): SubsidiaryLabel | undefined {
    const label = this.labels.get(service);
    return label?.kind === 'subsidiary' ? { code: label.code, name: label.name } : undefined;
  }

  /** The group's fiscal calendar, as headquarters' subgraph declares it; undefined when the supergraph does not. */
  groupFiscalCalendar(): FiscalCalendar | undefined {
    return this.calendar;
  }
}
