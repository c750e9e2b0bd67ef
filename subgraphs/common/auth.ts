import type { IncomingMessage } from 'node:http';
import type { ApolloServerPlugin, BaseContext } from '@apollo/server';
import { GraphQLError, Kind, type DocumentNode, type OperationDefinitionNode, type SelectionSetNode } from 'graphql';
import { AuthenticationError, authEnabled, createAuthenticator, type AuthConfig, type Principal } from '../../platform/auth';
import { refusalMessage, type ScopePolicy } from '../../platform/authorization';
import type { RequestGate } from '../../platform/http';
import { DEFAULT_SIGNATURE_CLOCK_SKEW_S, DEFAULT_SIGNATURE_MAX_AGE_S, RequestVerifier, SIGNATURE_ALGORITHM, SIGNATURE_LABEL, SIGNATURE_TAG, SignatureRefusal, TARGET_HEADER, type GatewaySignature } from '../../platform/request-signing';
import type { VerificationKey } from '../../platform/signing-keys';
import { ERRORS, refusal } from './errors';

/**
 * What a request that the gateway did not sign may do, with a valid user token:
 *   none  nothing (production's default): the subgraph answers the gateway only
 *   read  queries (production, for the team's own tools: SUBGRAPH_DIRECT_ACCESS=read)
 *   all   queries and mutations (development's default)
 * `_entities` and `_service` always need the gateway's signature.
 */
export type DirectAccess = 'none' | 'read' | 'all';

/** How a subgraph tells the gateway's calls from anyone else's (platform/request-signing.ts). */
export interface GatewayCallPolicy {
  /** The gateway's public keys (GATEWAY_PUBLIC_KEYS); none: nothing verifies, so `_entities` and `_service` are refused. */
  keys: readonly VerificationKey[];
  maxAgeSeconds: number;
  clockSkewSeconds: number;
  directAccess: DirectAccess;
}

/** Without settings: no key, and direct access as the mode's default (fail closed in production). */
export function defaultGatewayCallPolicy(production: boolean): GatewayCallPolicy {
  return { keys: [], maxAgeSeconds: DEFAULT_SIGNATURE_MAX_AGE_S, clockSkewSeconds: DEFAULT_SIGNATURE_CLOCK_SKEW_S, directAccess: production ? 'none' : 'all' };
}

/** Who sent a request: the user (from the forwarded token) and, when it signed the request, the gateway. */
export interface Caller {
  principal: Principal;
  gateway: GatewaySignature | null;
}

/** Every subgraph context carries the caller established from the forwarded token and the gateway's signature. */
export interface AuthenticatedContext extends BaseContext {
  principal: Principal;
  /** The gateway's verified signature of this request; null or absent: not signed by the gateway. */
  gatewayCall?: GatewaySignature | null;
  /** What this subgraph lets unsigned requests do. */
  directAccess?: DirectAccess;
}

const TOKEN_CHALLENGE = { 'www-authenticate': 'Bearer realm="csr", error="invalid_token"' };
/** A challenge for the gateway's credential, and (RFC 9421 §5.1) what a signature for this subgraph must be. */
const SIGNATURE_CHALLENGE = {
  'www-authenticate': 'Signature realm="csr-subgraph", error="gateway_signature"',
  'accept-signature': `${SIGNATURE_LABEL}=("@method" "@path" "@query" "content-digest" "${TARGET_HEADER}");alg="${SIGNATURE_ALGORITHM}";tag="${SIGNATURE_TAG}"`,
};

/** Fields a subgraph answers to the gateway only: entity resolution and its schema. */
export const GATEWAY_ONLY_FIELDS = ['_entities', '_service'] as const;

function unsigned(reason: string, message: string): GraphQLError {
  return new GraphQLError(message, { extensions: { code: 'UNAUTHENTICATED', reason, http: { status: ERRORS.UNAUTHENTICATED.status, headers: new Map(Object.entries(SIGNATURE_CHALLENGE)) } } });
}

function signatureRequired(name: string, what: string): GraphQLError {
  return unsigned(
    'gateway_signature_required',
    `The ${name} subgraph answers ${what} to the gateway only, and this request carries no gateway signature (RFC 9421 Signature-Input and Signature headers): send it through the gateway`,
  );
}

/**
 * The gate of every subgraph request (platform/http.ts): before the body, the user's token (and, in
 * a subgraph that answers the gateway only, that a signature is claimed at all); once the body is
 * in, the gateway's signature over it when the request carries one. A signature that does not
 * hold is refused whatever the mode: UNAUTHENTICATED (401) with `reason` saying why.
 */
export function subgraphGate(name: string, config: AuthConfig, policy: GatewayCallPolicy): RequestGate<Caller> {
  if (!authEnabled(config) && !config.allowAnonymous) {
    throw new Error(`Subgraph ${name} needs AUTH_JWKS_URL, AUTH_JWT_PUBLIC_KEY or AUTH_JWT_SECRET: it refuses every request without a valid token`);
  }
  const authenticate = createAuthenticator(config);
  const verifier = new RequestVerifier({ keys: policy.keys, subgraph: name, maxAgeSeconds: policy.maxAgeSeconds, clockSkewSeconds: policy.clockSkewSeconds });
  return {
    async admit(request: IncomingMessage): Promise<Caller> {
      if (policy.directAccess === 'none' && !RequestVerifier.claimsSignature(request.headers)) throw signatureRequired(name, 'every request');
      try {
        return { principal: await authenticate(request.headers.authorization), gateway: null };
      } catch (error) {
        if (error instanceof AuthenticationError) throw refusal('UNAUTHENTICATED', error.message, TOKEN_CHALLENGE);
        throw error;
      }
    },
    async verifyBody(request, body, caller) {
      try {
        const gateway = verifier.verify({ method: request.method ?? 'GET', url: request.url ?? '/', headers: request.headers }, body);
        if (!gateway && policy.directAccess === 'none') throw signatureRequired(name, 'every request');
        return { ...caller, gateway };
      } catch (error) {
        if (error instanceof SignatureRefusal) throw unsigned(error.reason, `The ${name} subgraph refused the gateway signature: ${error.message}`);
        throw error;
      }
    },
  };
}

/** The root fields an operation selects, through fragments. */
function rootFields(document: DocumentNode, operation: OperationDefinitionNode): Set<string> {
  const fragments = new Map(document.definitions.flatMap((definition) => (definition.kind === Kind.FRAGMENT_DEFINITION ? [[definition.name.value, definition] as const] : [])));
  const names = new Set<string>();
  const seen = new Set<string>();
  const walk = (selectionSet: SelectionSetNode) => {
    for (const selection of selectionSet.selections) {
      if (selection.kind === Kind.FIELD) names.add(selection.name.value);
      else if (selection.kind === Kind.INLINE_FRAGMENT) walk(selection.selectionSet);
      else if (!seen.has(selection.name.value)) {
        seen.add(selection.name.value);
        const fragment = fragments.get(selection.name.value);
        if (fragment) walk(fragment.selectionSet);
      }
    }
  };
  walk(operation.selectionSet);
  return names;
}

/** Why an unsigned request may not run this operation here, or null when it may. */
export function unsignedRefusal(name: string, context: AuthenticatedContext, document: DocumentNode, operation: OperationDefinitionNode): GraphQLError | null {
  if (context.gatewayCall) return null;
  const fields = rootFields(document, operation);
  const gatewayOnly = GATEWAY_ONLY_FIELDS.find((field) => fields.has(field));
  if (gatewayOnly) return signatureRequired(name, gatewayOnly);
  const access = context.directAccess ?? 'none';
  if (operation.operation !== 'query' && access !== 'all') return signatureRequired(name, operation.operation === 'mutation' ? 'mutations' : 'this operation');
  return null;
}

/**
 * Refuses, before execution: an operation the request may not run without the gateway's signature
 * (UNAUTHENTICATED, 401), then one that reaches a field its token's scopes do not allow (FORBIDDEN, 403).
 */
export function accessPlugin<TContext extends AuthenticatedContext>(name: string, policy: ScopePolicy): ApolloServerPlugin<TContext> {
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ contextValue, document, operation, request }) {
          if (!operation) return;
          const notSigned = unsignedRefusal(name, contextValue, document, operation);
          if (notSigned) throw notSigned;
          const refused = policy.check(contextValue.principal.scopes, document, operation, request.variables ?? {});
          if (refused) throw refusal('FORBIDDEN', refusalMessage(refused));
        },
      };
    },
  };
}
