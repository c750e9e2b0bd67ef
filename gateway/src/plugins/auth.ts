import type { IncomingMessage } from 'node:http';
import type { SupergraphSdlHook } from '@apollo/gateway';
import type { ApolloServerPlugin, BaseContext } from '@apollo/server';
import { GraphQLError, Kind, parse } from 'graphql';
import { AuthenticationError, authEnabled, createAuthenticator, type AuthConfig, type Principal } from '../../../platform/auth';
import { ScopePolicy, refusalMessage } from '../../../platform/authorization';
import { ScopeDecisions } from '../../../platform/scope-decisions';

/** What authentication adds to the gateway's request context. */
export interface AuthContext extends BaseContext {
  /** The verified caller; absent when authentication is not configured. */
  principal?: Principal;
}

export interface GatewayAuth {
  enabled: boolean;
  /** Verifies the request's bearer token; throws UNAUTHENTICATED (HTTP 401) before anything is parsed or planned. */
  context(request: IncomingMessage): Promise<AuthContext>;
  /** Refuses, before planning, an operation reaching a field whose @requiresScopes the caller's scopes do not meet (FORBIDDEN, HTTP 403). */
  plugin: ApolloServerPlugin<AuthContext>;
  /** The supergraph as this gateway may serve it (see enforcedSupergraph). */
  supergraph(hook: SupergraphSdlHook): SupergraphSdlHook;
}

const SCOPES_SPEC = 'https://specs.apollo.dev/requiresScopes/';

/**
 * Composition links @requiresScopes `for: SECURITY`: a gateway that cannot enforce it must refuse
 * the supergraph, and Apollo Gateway, which cannot, does. This gateway enforces it (the plugin
 * below, and every subgraph again) when authentication is configured: the purpose is then
 * dropped from the link so that Apollo Gateway loads the supergraph, directives intact. Without
 * authentication the supergraph is refused, with a message saying what to configure.
 */
export function enforcedSupergraph(sdl: string, enforced: boolean): string {
  const schema = parse(sdl, { noLocation: false }).definitions.find((definition) => definition.kind === Kind.SCHEMA_DEFINITION);
  const links = (schema?.directives ?? []).filter((directive) => {
    const url = directive.arguments?.find((arg) => arg.name.value === 'url')?.value;
    return directive.name.value === 'link' && url?.kind === Kind.STRING && url.value.startsWith(SCOPES_SPEC);
  });
  let result = sdl;
  for (const link of [...links].reverse()) {
    const purpose = link.arguments?.find((arg) => arg.name.value === 'for');
    if (!purpose || !link.loc) continue;
    if (!enforced) {
      throw new Error('The supergraph uses @requiresScopes (for: SECURITY): set AUTH_JWKS_URL, AUTH_JWT_PUBLIC_KEY or AUTH_JWT_SECRET so that the gateway checks tokens and scopes');
    }
    const kept = (link.arguments ?? []).filter((arg) => arg !== purpose).map((arg) => sdl.slice(arg.loc!.start, arg.loc!.end));
    result = `${result.slice(0, link.loc.start)}@link(${kept.join(', ')})${result.slice(link.loc.end)}`;
  }
  return result;
}

const CHALLENGE = new Map([['www-authenticate', 'Bearer realm="csr", error="invalid_token"']]);

/**
 * Authentication and authorization at the gateway, for any supergraph. Enabled when a secret or a
 * JWKS URL is configured (or anonymous demo access); otherwise the gateway passes requests on as
 * they come and leaves the checks to the subgraphs. The scope requirements are read from the
 * supergraph (`@requiresScopes`, kept by composition), again whenever it is reloaded. The caller's
 * token is forwarded to every subgraph (datasource.ts), and every subgraph checks it again.
 */
export function gatewayAuth(config: AuthConfig): GatewayAuth {
  const enabled = authEnabled(config) || config.allowAnonymous;
  const authenticate = enabled ? createAuthenticator(config) : null;
  let policy: ScopeDecisions | null = null;

  return {
    enabled,
    supergraph: (hook) => async (options) => {
      const enforce = (sdl: string) => enforcedSupergraph(sdl, enabled);
      const loaded = await hook({ ...options, update: (sdl) => options.update(enforce(sdl)), healthCheck: (sdl) => options.healthCheck(enforce(sdl)) });
      return { ...loaded, supergraphSdl: enforce(loaded.supergraphSdl) };
    },
    async context(request) {
      if (!authenticate) return {};
      try {
        return { principal: await authenticate(request.headers.authorization) };
      } catch (error) {
        if (!(error instanceof AuthenticationError)) throw error;
        throw new GraphQLError(error.message, { extensions: { code: 'UNAUTHENTICATED', http: { status: 401, headers: CHALLENGE } } });
      }
    },
    plugin: {
      async serverWillStart() {
        return {
          schemaDidLoadOrUpdate({ apiSchema, coreSupergraphSdl }) {
            policy = coreSupergraphSdl ? new ScopeDecisions(ScopePolicy.fromSdl(apiSchema, parse(coreSupergraphSdl))) : null;
          },
        };
      },
      async requestDidStart({ contextValue }) {
        const principal = contextValue.principal;
        if (!principal) return undefined;
        return {
          async didResolveOperation({ document, operation, request }) {
            if (!operation) return;
            const refused = policy?.check(principal.scopes, document, operation, request.variables ?? {});
            if (refused) throw new GraphQLError(refusalMessage(refused), { extensions: { code: 'FORBIDDEN', http: { status: 403 } } });
          },
        };
      },
    },
  };
}
