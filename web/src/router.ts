import { signal } from '@preact/signals';

/**
 * Hash routes (`#/dashboard?fy=2024`): the gateway serves one index.html for /app, and a link to a
 * screen survives a reload. The token never travels in a route (session.ts strips `#token=`).
 */
export interface Route {
  screen: string;
  params: URLSearchParams;
}

function parse(hash: string): Route {
  // a hash that is no route (`#token=…`, until session.ts takes it out of the address) opens home
  if (!hash.startsWith('#/')) return { screen: 'home', params: new URLSearchParams() };
  const [path = '', query = ''] = hash.replace(/^#\/?/, '').split('?');
  return { screen: path || 'home', params: new URLSearchParams(query) };
}

export const route = signal<Route>(parse(location.hash));

addEventListener('hashchange', () => {
  route.value = parse(location.hash);
});

export function href(screen: string, params: Record<string, string | number | undefined> = {}): string {
  const query = new URLSearchParams(Object.entries(params).filter((entry): entry is [string, string | number] => entry[1] !== undefined).map(([key, value]) => [key, String(value)]));
  const text = query.toString();
  return `#/${screen}${text ? `?${text}` : ''}`;
}

export function navigate(screen: string, params: Record<string, string | number | undefined> = {}): void {
  location.hash = href(screen, params);
}
