/**
 * What the gateway tells the app about signing in (GET /app/config.json, gateway/src/web-app.ts):
 * the token issuer and audience, and whether a development sign-in link exists. The seam for an
 * OIDC sign-in: `oidc` is null until an identity provider's authorization endpoint is configured.
 */
export interface AppConfig {
  issuer: string;
  audience: string;
  devSignIn: boolean;
  oidc: { authorizationEndpoint: string; clientId: string } | null;
}

export async function loadAppConfig(): Promise<AppConfig> {
  const response = await fetch('config.json', { headers: { accept: 'application/json' } });
  if (!response.ok) throw new Error(`config.json: HTTP ${response.status}`);
  return (await response.json()) as AppConfig;
}
