import type { RegionalDefinition } from '../kit/definition';
import { japan as subsidiary } from './config';

export const definition: RegionalDefinition = { subsidiary };
