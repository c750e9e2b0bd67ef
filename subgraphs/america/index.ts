import type { RegionalDefinition } from '../kit/definition';
import { america as subsidiary } from './config';

export const definition: RegionalDefinition = { subsidiary };
