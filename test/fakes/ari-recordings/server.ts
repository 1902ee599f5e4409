/**
 * A focused fake of Asterisk's ARI stored-recordings API, shaped after the
 * Asterisk 22 captures in ../shared/fixtures/asterisk-22/ari/recordings/:
 * `{name, format}` listings, `%2F`-encoded names (a literal `/` is an unknown
 * route), `Content-type` spelled Asterisk's way, 401 with WWW-Authenticate,
 * 403 for writes by read-only users, and the switches a broken FreePBX shows:
 * res_ari_recordings not loaded, and the wrong recording symlink (listing
 * works, every /file answers 404 `{"message":"Recording not found"}`, 33 bytes
 * when pretty=no). Plain HTTP, or HTTPS with a given key/cert.
 */
import http from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import type { Socket } from 'node:net';

export interface FakeRecording {
  format: string;
  /** The file, or a function producing it on demand (big listings). */
  body: Buffer | (() => Buffer);
  /** When it was (last) written. */
  modifiedAt: number;
}

export interface FakeAriRecordingsOptions {
  users?: Record<string, { password: string; readOnly?: boolean }>;
  tls?: { key: string | Buffer; cert: string | Buffer };
  /** ari.conf `pretty` (the captures had yes). */
  pretty?: boolean;
  /** false: res_ari_recordings is not loaded → its routes are "Resource not found". */
  recordingsModule?: boolean;
  /** true: the FreePBX symlink points the wrong way; files are listed but not served. */
  refuseFiles?: boolean;
  /** Send file bodies in chunks of this size, waiting chunkDelayMs between them. */
  chunkBytes?: number;
  chunkDelayMs?: number;
  /**
   * Add `Last-Modified` to file responses, as a reverse proxy in front of ARI might.
   * Asterisk 22 itself sends only Content-type and Content-Length (resource_recordings.c, http.c).
   */
  lastModified?: boolean;
}

export interface RequestLogEntry {
  method: string;
  path: string;
  status: number;
  user?: string;
}

export class FakeAriRecordingsServer {
  readonly recordings = new Map<string, FakeRecording>();
  readonly requests: RequestLogEntry[] = [];
  /** File body bytes written to sockets so far (all downloads). */
  fileBytesSent = 0;
  onFileBytes?: (total: number) => void;
  private server: http.Server;
  private sockets = new Set<Socket>();
  opts: FakeAriRecordingsOptions;

  constructor(opts: FakeAriRecordingsOptions = {}) {
    this.opts = { pretty: true, recordingsModule: true, refuseFiles: false, users: { aiagent: { password: 'aiagentpass' }, readonly: { password: 'readonlypass', readOnly: true } }, ...opts };
    const handler = (req: http.IncomingMessage, res: http.ServerResponse) => void this.handle(req, res);
    this.server = opts.tls ? https.createServer({ key: opts.tls.key, cert: opts.tls.cert }, handler) : http.createServer(handler);
    this.server.on('connection', (s: Socket) => {
      this.sockets.add(s);
      s.on('close', () => this.sockets.delete(s));
    });
    // A TLS server tracks raw sockets on 'connection' as well.
  }

  /** Adds a recording, or replaces the file under that name (its modification time moves on). */
  add(name: string, body: Buffer | (() => Buffer), format = 'wav', modifiedAt = Date.now()): this {
    this.recordings.set(name, { format, body, modifiedAt });
    return this;
  }

  async listen(port = 0, host = '127.0.0.1'): Promise<number> {
    await new Promise<void>((resolve) => this.server.listen(port, host, resolve));
    return this.port;
  }

  get port(): number {
    return (this.server.address() as AddressInfo).port;
  }

  fileRequests(): RequestLogEntry[] {
    return this.requests.filter((r) => r.path.endsWith('/file'));
  }

  async close(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private json(res: http.ServerResponse, status: number, body: unknown, extra: Record<string, string> = {}): void {
    const text = this.opts.pretty ? JSON.stringify(body, null, 2) : JSON.stringify(body);
    res.writeHead(status, {
      Server: 'Asterisk/22.10.1',
      'Cache-Control': 'no-cache, no-store',
      'Content-Length': String(Buffer.byteLength(text)),
      'Content-type': 'application/json',
      ...extra,
    });
    res.end(text);
  }

  private authUser(req: http.IncomingMessage): { name: string; readOnly: boolean } | undefined {
    const h = req.headers.authorization ?? '';
    const url = new URL(req.url ?? '/', 'http://x');
    let cred: string | undefined;
    if (h.startsWith('Basic ')) cred = Buffer.from(h.slice(6), 'base64').toString('utf8');
    else if (url.searchParams.get('api_key')) cred = url.searchParams.get('api_key') ?? undefined;
    if (!cred) return undefined;
    const i = cred.indexOf(':');
    const [name, pass] = [cred.slice(0, i), cred.slice(i + 1)];
    const u = this.opts.users?.[name];
    return u && u.password === pass ? { name, readOnly: u.readOnly ?? false } : undefined;
  }

  private async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const rawPath = (req.url ?? '/').split('?')[0] ?? '/';
    const entry: RequestLogEntry = { method: req.method ?? 'GET', path: rawPath, status: 0 };
    this.requests.push(entry);
    const send = (status: number, body: unknown, extra?: Record<string, string>) => {
      entry.status = status;
      this.json(res, status, body, extra);
    };
    if (!rawPath.startsWith('/ari/')) {
      entry.status = 404;
      res.writeHead(404, { 'Content-type': 'text/html' });
      res.end('<HTML><HEAD><TITLE>404 Not Found</TITLE></HEAD><BODY><H1>Not Found</H1></BODY></HTML>');
      return;
    }
    const user = this.authUser(req);
    if (!user) return send(401, { message: 'Authentication required' }, { 'WWW-Authenticate': 'Basic realm="Asterisk REST Interface"' });
    entry.user = user.name;
    const segs = rawPath.slice('/ari/'.length).split('/');
    if (segs[0] === 'asterisk' && segs[1] === 'ping' && segs.length === 2) {
      if (req.method !== 'GET') return send(405, { message: 'Invalid method' });
      return send(200, { ping: 'pong', timestamp: new Date().toISOString().replace('Z', '+0000'), asterisk_id: '02:fc:00:00:00:01' });
    }
    if (segs[0] !== 'recordings' || segs[1] !== 'stored' || !this.opts.recordingsModule) return send(404, { message: 'Resource not found' });
    if (segs.length === 2) {
      if (req.method !== 'GET') return send(405, { message: 'Invalid method' });
      return send(200, [...this.recordings].map(([name, r]) => ({ name, format: r.format })));
    }
    const isFile = segs.length === 4 && segs[3] === 'file';
    if (segs.length !== 3 && !isFile) return send(404, { message: 'Resource not found' });
    let name: string;
    try {
      name = decodeURIComponent(segs[2] ?? '');
    } catch {
      return send(404, { message: 'Resource not found' });
    }
    const rec = this.recordings.get(name);
    if (req.method === 'DELETE' && !isFile) {
      if (user.readOnly) return send(403, { message: 'Write access denied' });
      if (!rec) return send(404, { message: 'Recording not found' });
      this.recordings.delete(name);
      entry.status = 204;
      res.writeHead(204, { Server: 'Asterisk/22.10.1' });
      res.end();
      return;
    }
    if (req.method !== 'GET') return send(405, { message: 'Invalid method' });
    if (!rec) return send(404, { message: 'Recording not found' });
    if (!isFile) return send(200, { name, format: rec.format });
    if (this.opts.refuseFiles) return send(404, { message: 'Recording not found' });
    const body = typeof rec.body === 'function' ? rec.body() : rec.body;
    entry.status = 200;
    res.writeHead(200, {
      Server: 'Asterisk/22.10.1',
      'Cache-Control': 'no-cache, no-store',
      'Content-Length': String(body.length),
      'Content-type': rec.format === 'wav' ? 'audio/wav' : `audio/${rec.format}`,
      ...(this.opts.lastModified ? { 'Last-Modified': new Date(rec.modifiedAt).toUTCString() } : {}),
    });
    await this.stream(res, body);
  }

  private async stream(res: http.ServerResponse, body: Buffer): Promise<void> {
    const step = this.opts.chunkBytes ?? body.length;
    for (let off = 0; off < body.length; off += step) {
      if (res.destroyed) return;
      const chunk = body.subarray(off, off + step);
      const ok = res.write(chunk);
      this.fileBytesSent += chunk.length;
      this.onFileBytes?.(this.fileBytesSent);
      if (!ok) await new Promise<void>((r) => res.once('drain', r).once('close', r));
      if (this.opts.chunkDelayMs) await new Promise((r) => setTimeout(r, this.opts.chunkDelayMs));
    }
    res.end();
  }
}
