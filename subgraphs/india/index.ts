import type { RegionalDefinition } from '../kit/definition';
import { india as subsidiary } from './config';
import { csrResolvers } from './csr/resolvers';
import { CSR_SDL } from './csr/schema';

/** NEC India: the regional template plus the statutory CSR obligation of the Companies Act 2013. */
export const definition: RegionalDefinition = {
  subsidiary,
  extension: { typeDefs: CSR_SDL, resolvers: csrResolvers },
};
