import type { RegionalDefinition } from './kit/definition';
import { definition as japan } from './japan';
import { definition as india } from './india';
import { definition as america } from './america';
import { definition as thailand } from './thailand';

/** Every regional subgraph, in registry order. */
export const REGIONS: readonly RegionalDefinition[] = [japan, india, america, thailand];
