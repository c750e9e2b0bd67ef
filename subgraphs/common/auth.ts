import type { IncomingMessage } from 'node:http';
import type { ApolloServerPlugin, BaseContext } from '@apollo/server';
import { AuthenticationError, authEnabled, createAuthenticator, type AuthConfig, type Principal } from '../../platform/auth';
import { refusalMessage, type ScopePolicy } from '../../platform/authorization';
import { refusal } from './errors';

/** Every subgraph context carries the caller established from the forwarded token. */
export interface AuthenticatedContext extends BaseContext {
  principal: Principal;
}

const CHALLENGE = { 'www-authenticate': 'Bearer realm="csr", error="invalid_token"' };

/**
 * Verifies the bearer token of every request (the gateway forwards the caller's): a subgraph
 * reached directly refuses what the gateway would refuse. UNAUTHENTICATED with HTTP 401 otherwise.
 */
export function requestAuthenticator(name: string, config: AuthConfig): (request: IncomingMessage) => Promise<Principal> {
  if (!authEnabled(config) && !config.allowAnonymous) {
    throw new Error(`Subgraph ${name} needs AUTH_JWT_SECRET or AUTH_JWKS_URL: it refuses every request without a valid token`);
  }
  const authenticate = createAuthenticator(config);
  return async (request) => {
    try {
      return await authenticate(request.headers.authorization);
    } catch (error) {
      if (error instanceof AuthenticationError) throw refusal('UNAUTHENTICATED', error.message, CHALLENGE);
      throw error;
    }
  };
}

/** Refuses, before execution, an operation that reaches a field its token's scopes do not allow (FORBIDDEN, HTTP 403). */
export function scopesPlugin<TContext extends AuthenticatedContext>(policy: ScopePolicy): ApolloServerPlugin<TContext> {
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ contextValue, document, operation, request }) {
          if (!operation) return;
          const refused = policy.check(contextValue.principal.scopes, document, operation, request.variables ?? {});
          if (refused) throw refusal('FORBIDDEN', refusalMessage(refused));
        },
      };
    },
  };
}
