/**
 * The fake's ARI HTTP front: authentication (Basic or `api_key`, read-only
 * users refused writes) and dispatch of /ari/… requests to the route table,
 * with Asterisk's status codes and error bodies.
 */
import type { IncomingMessage } from 'node:http';
import { AriHttpError, type Reply } from './http-util.js';
import { match, type CompiledRoute } from './route-table.js';
import { serveApiDocs } from './api-docs.js';

export type AriUsers = Record<string, { password: string; readOnly?: boolean }>;

export function authenticate(users: AriUsers, req: IncomingMessage, url: URL): { user: string; readOnly: boolean } | undefined {
  let user: string | undefined;
  let pass: string | undefined;
  const h = req.headers.authorization;
  if (h?.startsWith('Basic ')) {
    const dec = Buffer.from(h.slice(6), 'base64').toString('utf8');
    const i = dec.indexOf(':');
    user = dec.slice(0, i);
    pass = dec.slice(i + 1);
  } else if (url.searchParams.get('api_key')) {
    const key = url.searchParams.get('api_key')!;
    const i = key.indexOf(':');
    user = key.slice(0, i);
    pass = key.slice(i + 1);
  }
  const u = user !== undefined ? users[user] : undefined;
  if (!u || u.password !== pass) return undefined;
  return { user: user!, readOnly: u.readOnly ?? false };
}

/** One /ari/… request → its reply (`port`: for api-docs' basePath when the request has no Host). */
export async function dispatchAri(users: AriUsers, routes: CompiledRoute[], port: number, req: IncomingMessage, url: URL, rawBody: Buffer): Promise<Reply> {
  if (!url.pathname.startsWith('/ari/')) return { status: 404, body: { message: 'Resource not found' } };
  const auth = authenticate(users, req, url);
  if (!auth) {
    return { status: 401, body: { message: 'Authentication required' }, headers: { 'WWW-Authenticate': 'Basic realm="Asterisk REST Interface"' } };
  }
  const path = url.pathname.slice(4);
  if (path.startsWith('/api-docs/')) return serveApiDocs(path.slice('/api-docs/'.length), req.headers.host ?? `127.0.0.1:${port}`, routes);
  const m = match(routes, req.method ?? 'GET', path);
  if (!('route' in m)) {
    return m.methodMismatch ? { status: 405, body: { message: 'Invalid method' } } : { status: 404, body: { message: 'Resource not found' } };
  }
  if (auth.readOnly && req.method !== 'GET') return { status: 403, body: { message: 'Write access denied' } };
  let body: Record<string, unknown> = {};
  if (rawBody.length) {
    try {
      body = JSON.parse(rawBody.toString('utf8')) as Record<string, unknown>;
    } catch {
      return { status: 400, body: { message: 'Request body is not valid JSON' } };
    }
  }
  const query = Object.fromEntries(url.searchParams);
  delete query.api_key;
  try {
    return await m.route.handle({ path: m.params, query, body, user: auth.user });
  } catch (err) {
    if (err instanceof AriHttpError) return { status: err.status, body: err.body };
    return { status: 500, body: { message: 'An internal error prevented this request from being handled' } };
  }
}
