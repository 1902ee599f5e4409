/**
 * serve mode's HTTP server on health.host:port: /health, /ready, /live,
 * /metrics, the control API (HTTP + WebSocket, see api/wire.ts), media files
 * and the built dashboard. Bound beyond loopback, it refuses to start
 * without an API token, and then requires it on the API and media routes.
 */
import { createServer, type IncomingMessage, type ServerResponse, type Server } from 'node:http';
import { join } from 'node:path';
import type { EngineContext, EngineService } from '../engine-context.js';
import type { ApiRouter } from './router.js';
import type { HealthReport } from '../api/health.js';
import { MEDIA_PREFIX } from '../api/wire.js';
import { safeJoin, sendFile } from './static-files.js';
import { apiAccessCheck, type AccessCheck } from './api-token.js';
import { json, serveApiOverHttp } from './http-api.js';
import { attachApiWebSocket } from './api-websocket.js';

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

const CSP =
  "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; media-src 'self' blob: data:; connect-src 'self' ws: wss:; worker-src 'self' blob:; object-src 'none'; base-uri 'none'; frame-ancestors 'none'";

const UNAUTHORIZED = { ok: false, error: { code: 'unauthorized', message: 'missing or wrong API token' } };

/** /health, /live, /ready and /metrics; false when `path` is none of them. */
async function serveProbe(opts: HttpServerOptions, path: string, res: ServerResponse): Promise<boolean> {
  if (path === '/health') json(res, 200, opts.health());
  else if (path === '/live') json(res, 200, { status: 'alive' });
  else if (path === '/ready') {
    const h = opts.health();
    json(res, h.status === 'healthy' ? 200 : 503, { ready: h.status === 'healthy', status: h.status, ari_connected: h.ari_connected });
  } else if (path === '/metrics') {
    const text = await opts.ctx.metrics.registry.metrics();
    res.writeHead(200, { 'Content-Type': opts.ctx.metrics.registry.contentType });
    res.end(text);
  } else return false;
  return true;
}

/** A file a service exposes (`/media/<path>` → EngineService.resolveMedia), with Range support. */
function serveMedia(services: readonly EngineService[], req: IncomingMessage, res: ServerResponse, path: string): void {
  const mediaPath = decodeURIComponent(path.slice(MEDIA_PREFIX.length));
  for (const s of services) {
    const found = s.resolveMedia?.(mediaPath);
    if (found && sendFile(res, found.file, found.contentType, req.headers.range)) return;
  }
  json(res, 404, { ok: false, error: { code: 'not_found', message: `no media at ${mediaPath}` } });
}

/** The built dashboard, with the SPA fallback (unknown non-asset paths get index.html); false when nothing was sent. */
function serveDashboard(dir: string, req: IncomingMessage, res: ServerResponse, path: string): boolean {
  if (req.method !== 'GET' && req.method !== 'HEAD') return false;
  const headers = { 'Content-Security-Policy': CSP, 'X-Content-Type-Options': 'nosniff', 'Referrer-Policy': 'no-referrer' };
  const file = safeJoin(dir, path === '/' ? 'index.html' : path);
  if (file && sendFile(res, file, undefined, undefined, headers)) return true;
  return !/\.[a-z0-9]+$/i.test(path) && sendFile(res, join(dir, 'index.html'), undefined, undefined, headers);
}

/** One request, routed by path: probes, API, media, dashboard, else 404. */
async function route(opts: HttpServerOptions, authorized: AccessCheck, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const url = new URL(req.url ?? '/', 'http://localhost');
  const path = url.pathname;
  if (await serveProbe(opts, path, res)) return;
  if (path.startsWith('/api/') || path.startsWith(MEDIA_PREFIX)) {
    if (!authorized(req, url)) return json(res, 401, UNAUTHORIZED);
    if (path.startsWith('/api/')) return serveApiOverHttp(opts.router, req, res, url, path.slice('/api/'.length));
    return serveMedia(opts.services, req, res, path);
  }
  if (opts.dashboardDir && serveDashboard(opts.dashboardDir, req, res, path)) return;
  if (path === '/' && !opts.dashboardDir) {
    res.writeHead(200, { 'Content-Type': 'text/plain; charset=utf-8' });
    return void res.end('AAVA engine is running. The dashboard is not built: run `npm run serve` (it builds it) or `npm run build:renderer`.\n');
  }
  json(res, 404, { ok: false, error: { code: 'not_found', message: `nothing at ${path}` } });
}

/** Listens on host:port; a taken port is an error naming health.port. */
function listenOn(server: Server, host: string, port: number): Promise<{ host: string; port: number } | undefined> {
  return new Promise((resolve, reject) => {
    const onError = (err: NodeJS.ErrnoException) => {
      server.off('listening', onListening);
      const wrapped = Object.assign(
        err.code === 'EADDRINUSE'
          ? new Error(`health.port ${port} on ${host} is already in use (another engine running?)`)
          : new Error(`cannot listen on ${host}:${port}: ${err.message}`),
        { code: err.code, port, host, configKey: 'health.port' },
      );
      reject(wrapped);
    };
    const onListening = () => {
      server.off('error', onError);
      const a = server.address();
      resolve(a && typeof a === 'object' ? { host: a.address, port: a.port } : undefined);
    };
    server.once('error', onError);
    server.once('listening', onListening);
    server.listen(port, host);
  });
}

export function createHttpServer(opts: HttpServerOptions): EngineHttpServer {
  const authorized = apiAccessCheck(opts.host, opts.token);
  const server = createServer((req, res) => {
    route(opts, authorized, req, res).catch((err: unknown) => {
      opts.ctx.log.error({ err, url: req.url?.split('?')[0] }, 'http handler failed');
      if (!res.headersSent) json(res, 500, { ok: false, error: { code: 'internal', message: 'internal error' } });
      else res.destroy();
    });
  });
  const socket = attachApiWebSocket(server, { router: opts.router, bus: opts.ctx.bus, authorized });
  let bound: { host: string; port: number } | undefined;
  return {
    server,
    async listen() {
      bound = await listenOn(server, opts.host, opts.port);
    },
    async close() {
      socket.close();
      await new Promise<void>((resolve) => {
        if (!server.listening) return resolve();
        server.close(() => resolve());
        server.closeAllConnections();
      });
    },
    address: () => bound,
  };
}
