/**
 * The link that opens the web app signed in with a token (development only): the token travels in
 * the fragment, which the browser never sends to a server, and the app takes it out of the
 * address at once and keeps it in the tab's sessionStorage (web/src/session.ts).
 */
export function appLink(gatewayUrl: string, token: string): string {
  return `${new URL(gatewayUrl).origin}/app/#token=${token}`;
}
