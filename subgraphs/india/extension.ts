import type { RegionalExtension } from '../kit/definition';
import { csrResolvers } from './csr/resolvers';
import { CSR_SDL } from './csr/schema';

/** NEC India: the regional template plus the statutory CSR obligation of the Companies Act 2013. */
export const extension: RegionalExtension = { typeDefs: CSR_SDL, resolvers: csrResolvers };
