/**
 * Hash routing (works from http://, file:// and custom protocols alike):
 * #/<page>/<id>?<query>. Pure parsing plus a tiny subscription hook.
 */
import { useSyncExternalStore } from 'react';

const PAGES = ['calls', 'latency', 'contexts', 'history', 'recordings', 'softphone', 'settings', 'doctor'] as const;
export type PageId = (typeof PAGES)[number];

export interface Route {
  page: PageId;
  id?: string;
  query: URLSearchParams;
}

export function parseHash(hash: string): Route {
  const raw = hash.replace(/^#\/?/, '');
  const [pathPart = '', queryPart = ''] = raw.split('?', 2);
  const [first = '', ...rest] = pathPart.split('/');
  const page = (PAGES as readonly string[]).includes(first) ? (first as PageId) : 'calls';
  const id = rest.length ? decodeURIComponent(rest.join('/')) : undefined;
  return { page, ...(id ? { id } : {}), query: new URLSearchParams(queryPart) };
}

export function hrefFor(page: PageId, id?: string, query?: Record<string, string | undefined>): string {
  let h = `#/${page}`;
  if (id) h += `/${encodeURIComponent(id)}`;
  if (query) {
    const q = new URLSearchParams();
    for (const [k, v] of Object.entries(query)) if (v !== undefined && v !== '') q.set(k, v);
    const s = q.toString();
    if (s) h += `?${s}`;
  }
  return h;
}

export function navigate(page: PageId, id?: string, query?: Record<string, string | undefined>): void {
  window.location.hash = hrefFor(page, id, query);
}

function subscribe(cb: () => void): () => void {
  window.addEventListener('hashchange', cb);
  return () => window.removeEventListener('hashchange', cb);
}

export function useHash(): string {
  return useSyncExternalStore(subscribe, () => window.location.hash);
}

/** What "Test this context" hands the softphone page: `#/softphone?destination=<d>&context=<c>`. */
export function readSoftphoneTarget(hash: string = window.location.hash): { destination?: string; context?: string } {
  const q = parseHash(hash).query;
  const out: { destination?: string; context?: string } = {};
  const d = q.get('destination');
  const c = q.get('context');
  if (d) out.destination = d;
  if (c) out.context = c;
  return out;
}
