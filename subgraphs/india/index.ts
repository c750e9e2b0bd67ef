import type { RegionalDefinition } from '../kit/definition';
import { india as subsidiary } from './config';

export const definition: RegionalDefinition = { subsidiary };
