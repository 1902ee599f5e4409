/**
 * The control API over plain HTTP: `GET /api/<query>?args=<json>` and
 * `POST /api/<method>` with a JSON body, answered with the router's
 * envelope and an HTTP status that matches its error code.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { MethodName } from '../api/index.js';
import type { ApiRouter, InvokeResult } from './router.js';

/** The largest request body (HTTP) or message (WebSocket) the API accepts. */
export const MAX_BODY = 1024 * 1024;

export function json(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'Content-Type': 'application/json', 'Cache-Control': 'no-store', 'Content-Length': Buffer.byteLength(text) });
  res.end(text);
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    let size = 0;
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > MAX_BODY) {
        reject(new Error('request body over 1 MiB'));
        req.destroy();
        return;
      }
      chunks.push(c);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function statusOf(out: InvokeResult): number {
  if (out.ok) return 200;
  switch (out.error.code) {
    case 'bad_request':
    case 'invalid_config':
      return 400;
    case 'not_found':
      return 404;
    case 'not_available':
      return 501;
    default:
      return 500;
  }
}

/** Arguments from the query string (queries over GET) or the body (POST); an error reply when there are none to take. */
async function argsOf(req: IncomingMessage, url: URL, router: ApiRouter, method: MethodName): Promise<{ args: unknown } | { status: number; message: string }> {
  try {
    if (req.method === 'GET') {
      if (router.kindOf(method) !== 'query') return { status: 405, message: `${method} is a command: use POST` };
      const raw = url.searchParams.get('args');
      return { args: raw ? JSON.parse(raw) : undefined };
    }
    if (req.method === 'POST') {
      const body = await readBody(req);
      return { args: body.trim() ? JSON.parse(body) : undefined };
    }
    return { status: 405, message: 'use GET for queries and POST for commands' };
  } catch (err) {
    return { status: 400, message: `arguments are not valid JSON: ${(err as Error).message}` };
  }
}

/** Answers one `/api/<method>` request. */
export async function serveApiOverHttp(router: ApiRouter, req: IncomingMessage, res: ServerResponse, url: URL, method: string): Promise<void> {
  if (!router.has(method)) return json(res, 404, { ok: false, error: { code: 'not_found', message: `unknown method "${method}"` } });
  const got = await argsOf(req, url, router, method);
  if (!('args' in got)) return json(res, got.status, { ok: false, error: { code: 'bad_request', message: got.message } });
  const out = await router.invoke(method, got.args);
  json(res, statusOf(out), out);
}
