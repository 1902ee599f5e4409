/**
 * serve mode's HTTP server on health.host:port: /health, /ready, /live,
 * /metrics, the control API (HTTP + WebSocket, see api/wire.ts), media files
 * and the built dashboard. Bound beyond loopback, it refuses to start
 * without an API token, and then requires it on the API and media routes.
 */
import { createServer, type IncomingMessage, type ServerResponse, type Server } from 'node:http';
import { timingSafeEqual } from 'node:crypto';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { WebSocketServer, type WebSocket } from 'ws';
import type { EngineContext, EngineService } from '../engine-context.js';
import type { ApiRouter } from './router.js';
import type { HealthReport } from '../api/health.js';
import type { WireRequest } from '../api/wire.js';
import { API_WS_PATH, MEDIA_PREFIX } from '../api/wire.js';
import { safeJoin, sendFile } from './static-files.js';

export interface HttpServerOptions {
  ctx: EngineContext;
  router: ApiRouter;
  services: EngineService[];
  health: () => HealthReport;
  host: string;
  port: number;
  token?: string;
  dashboardDir?: string;
}

export interface EngineHttpServer {
  listen(): Promise<void>;
  close(): Promise<void>;
  address(): { host: string; port: number } | undefined;
  readonly server: Server;
}

const MAX_BODY = 1024 * 1024;

export function isLoopback(host: string): boolean {
  return host === '127.0.0.1' || host === '::1' || host === 'localhost' || host.startsWith('127.');
}

const CSP =
  "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; media-src 'self' blob: data:; connect-src 'self' ws: wss:; worker-src 'self' blob:; object-src 'none'; base-uri 'none'; frame-ancestors 'none'";

function json(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'Content-Type': 'application/json', 'Cache-Control': 'no-store', 'Content-Length': Buffer.byteLength(text) });
  res.end(text);
}

function tokenMatches(given: string | null | undefined, token: string): boolean {
  if (!given) return false;
  const a = Buffer.from(given);
  const b = Buffer.from(token);
  return a.length === b.length && timingSafeEqual(a, b);
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

export function createHttpServer(opts: HttpServerOptions): EngineHttpServer {
  const { ctx, router, services } = opts;
  const token = opts.token ?? '';
  if (!isLoopback(opts.host) && !token) {
    throw new Error(`health.host is ${opts.host} (beyond loopback): set api.token (e.g. api: { token: \${AAVA_API_TOKEN} }) before exposing the control API`);
  }
  const needsToken = token !== '';
  const authorized = (req: IncomingMessage, url: URL): boolean => {
    if (!needsToken) return true;
    const h = req.headers.authorization;
    const bearer = h?.startsWith('Bearer ') ? h.slice(7) : undefined;
    return tokenMatches(bearer ?? url.searchParams.get('token'), token);
  };

  const handleApi = async (req: IncomingMessage, res: ServerResponse, url: URL, method: string) => {
    if (!router.has(method)) return json(res, 404, { ok: false, error: { code: 'not_found', message: `unknown method "${method}"` } });
    let args: unknown;
    try {
      if (req.method === 'GET') {
        if (router.kindOf(method) !== 'query') {
          return json(res, 405, { ok: false, error: { code: 'bad_request', message: `${method} is a command: use POST` } });
        }
        const raw = url.searchParams.get('args');
        args = raw ? JSON.parse(raw) : undefined;
      } else if (req.method === 'POST') {
        const body = await readBody(req);
        args = body.trim() ? JSON.parse(body) : undefined;
      } else {
        return json(res, 405, { ok: false, error: { code: 'bad_request', message: 'use GET for queries and POST for commands' } });
      }
    } catch (err) {
      return json(res, 400, { ok: false, error: { code: 'bad_request', message: `arguments are not valid JSON: ${(err as Error).message}` } });
    }
    const out = await router.invoke(method, args);
    const status = out.ok ? 200 : out.error.code === 'bad_request' || out.error.code === 'invalid_config' ? 400 : out.error.code === 'not_found' ? 404 : out.error.code === 'not_available' ? 501 : 500;
    json(res, status, out);
  };

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const path = url.pathname;
    if (path === '/health') return json(res, 200, opts.health());
    if (path === '/live') return json(res, 200, { status: 'alive' });
    if (path === '/ready') {
      const h = opts.health();
      return json(res, h.status === 'healthy' ? 200 : 503, { ready: h.status === 'healthy', status: h.status, ari_connected: h.ari_connected });
    }
    if (path === '/metrics') {
      const text = await ctx.metrics.registry.metrics();
      res.writeHead(200, { 'Content-Type': ctx.metrics.registry.contentType });
      return res.end(text);
    }
    if (path.startsWith('/api/')) {
      if (!authorized(req, url)) return json(res, 401, { ok: false, error: { code: 'unauthorized', message: 'missing or wrong API token' } });
      return handleApi(req, res, url, path.slice('/api/'.length));
    }
    if (path.startsWith(MEDIA_PREFIX)) {
      if (!authorized(req, url)) return json(res, 401, { ok: false, error: { code: 'unauthorized', message: 'missing or wrong API token' } });
      const mediaPath = decodeURIComponent(path.slice(MEDIA_PREFIX.length));
      for (const s of services) {
        const found = s.resolveMedia?.(mediaPath);
        if (found && sendFile(res, found.file, found.contentType, req.headers.range)) return;
      }
      return json(res, 404, { ok: false, error: { code: 'not_found', message: `no media at ${mediaPath}` } });
    }
    if (opts.dashboardDir && (req.method === 'GET' || req.method === 'HEAD')) {
      const headers = { 'Content-Security-Policy': CSP, 'X-Content-Type-Options': 'nosniff', 'Referrer-Policy': 'no-referrer' };
      const file = safeJoin(opts.dashboardDir, path === '/' ? 'index.html' : path);
      if (file && sendFile(res, file, undefined, undefined, headers)) return;
      // SPA fallback: unknown non-asset paths get index.html.
      if (!/\.[a-z0-9]+$/i.test(path) && sendFile(res, join(opts.dashboardDir, 'index.html'), undefined, undefined, headers)) return;
    }
    if (path === '/' && !opts.dashboardDir) {
      res.writeHead(200, { 'Content-Type': 'text/plain; charset=utf-8' });
      return res.end('AAVA engine is running. The dashboard is not built: run `npm run serve` (it builds it) or `npm run build:renderer`.\n');
    }
    json(res, 404, { ok: false, error: { code: 'not_found', message: `nothing at ${path}` } });
  };

  const server = createServer((req, res) => {
    handle(req, res).catch((err: unknown) => {
      ctx.log.error({ err, url: req.url?.split('?')[0] }, 'http handler failed');
      if (!res.headersSent) json(res, 500, { ok: false, error: { code: 'internal', message: 'internal error' } });
      else res.destroy();
    });
  });

  const wss = new WebSocketServer({ noServer: true, maxPayload: MAX_BODY });
  const clients = new Set<WebSocket>();
  server.on('upgrade', (req, socket, head) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    if (url.pathname !== API_WS_PATH) {
      socket.destroy();
      return;
    }
    if (!authorized(req, url)) {
      socket.end('HTTP/1.1 401 Unauthorized\r\nContent-Length: 0\r\n\r\n');
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => wss.emit('connection', ws, req));
  });
  wss.on('connection', (ws: WebSocket) => {
    clients.add(ws);
    const unsubscribe = ctx.bus.subscribe((event) => {
      if (ws.readyState === ws.OPEN && ws.bufferedAmount < 4 * 1024 * 1024) ws.send(JSON.stringify({ event }));
    });
    ws.on('message', (data) => {
      let msg: WireRequest;
      try {
        msg = JSON.parse(String(data)) as WireRequest;
        if (typeof msg.id !== 'number' || typeof msg.method !== 'string') throw new Error('need {id:number, method:string}');
      } catch (err) {
        ws.send(JSON.stringify({ id: -1, ok: false, error: { code: 'bad_request', message: `bad message: ${(err as Error).message}` } }));
        return;
      }
      void router.invoke(msg.method, msg.args).then((out) => {
        if (ws.readyState === ws.OPEN) ws.send(JSON.stringify({ id: msg.id, ...out }));
      });
    });
    ws.on('close', () => {
      unsubscribe();
      clients.delete(ws);
    });
    ws.on('error', () => ws.terminate());
  });

  let bound: { host: string; port: number } | undefined;
  return {
    server,
    listen() {
      return new Promise((resolve, reject) => {
        const onError = (err: NodeJS.ErrnoException) => {
          server.off('listening', onListening);
          const wrapped = Object.assign(
            err.code === 'EADDRINUSE'
              ? new Error(`health.port ${opts.port} on ${opts.host} is already in use (another engine running?)`)
              : new Error(`cannot listen on ${opts.host}:${opts.port}: ${err.message}`),
            { code: err.code, port: opts.port, host: opts.host, configKey: 'health.port' },
          );
          reject(wrapped);
        };
        const onListening = () => {
          server.off('error', onError);
          const a = server.address();
          bound = a && typeof a === 'object' ? { host: a.address, port: a.port } : undefined;
          resolve();
        };
        server.once('error', onError);
        server.once('listening', onListening);
        server.listen(opts.port, opts.host);
      });
    },
    async close() {
      for (const ws of clients) ws.terminate();
      wss.close();
      await new Promise<void>((resolve) => {
        if (!server.listening) return resolve();
        server.close(() => resolve());
        server.closeAllConnections();
      });
    },
    address: () => bound,
  };
}

export function dashboardDirIfBuilt(dir: string): string | undefined {
  return existsSync(join(dir, 'index.html')) ? dir : undefined;
}
