/**
 * URL templates of HTTP tools (pure): `https://shop.example/orders/{order_number}`
 * is filled from the tool's arguments, each value percent-encoded as one path
 * segment or query value (so `A 17/9` becomes `A%2017%2F9`, never a new path).
 * Arguments the template does not use go to the query (GET, DELETE) or the
 * JSON body (POST, PUT, PATCH).
 */
const PLACEHOLDER = /\{([A-Za-z_][A-Za-z0-9_]*)\}/g;

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

export interface HttpToolRequest {
  url: string;
  /** JSON body, for POST/PUT/PATCH. */
  body?: Record<string, unknown>;
}

export class TemplateError extends Error {}

function scalar(v: unknown): string {
  return typeof v === 'string' ? v : typeof v === 'number' || typeof v === 'boolean' ? String(v) : JSON.stringify(v);
}

export function buildRequest(template: string, method: HttpMethod, args: Record<string, unknown>): HttpToolRequest {
  const used = new Set<string>();
  const missing: string[] = [];
  const url = template.replace(PLACEHOLDER, (_m, name: string) => {
    const v = args[name];
    if (v === undefined || v === null || v === '') {
      missing.push(name);
      return '';
    }
    used.add(name);
    return encodeURIComponent(scalar(v));
  });
  if (missing.length) throw new TemplateError(`missing argument${missing.length > 1 ? 's' : ''} ${missing.join(', ')}`);
  const rest = Object.entries(args).filter(([k, v]) => !used.has(k) && v !== undefined);
  if (method === 'POST' || method === 'PUT' || method === 'PATCH') return { url, body: Object.fromEntries(rest) };
  if (!rest.length) return { url };
  const u = new URL(url);
  for (const [k, v] of rest) if (v !== null) u.searchParams.append(k, scalar(v));
  return { url: u.toString() };
}
