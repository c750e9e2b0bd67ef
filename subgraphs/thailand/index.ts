import type { RegionalDefinition } from '../kit/definition';
import { thailand as subsidiary } from './config';

export const definition: RegionalDefinition = { subsidiary };
