/**
 * A business's own system on a real socket (plain http, port 0): the CRM
 * that answers the pre-call lookup, receives the post-call document and
 * serves the HTTP tools. Routes are scripted per test; every request is
 * recorded with its raw body and headers.
 */
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

export interface CrmRequest {
  method: string;
  /** Path and query exactly as received (percent-encoding kept). */
  url: string;
  headers: IncomingHttpHeaders;
  body: string;
  /** The status the fake answered with (set once it answered). */
  status?: number;
}

export interface CrmReply {
  status?: number;
  json?: unknown;
  text?: string;
  /** Wall time before the answer (a slow system). */
  delayMs?: number;
}

type Handler = (req: CrmRequest) => CrmReply | Promise<CrmReply>;

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

export class FakeCrm {
  readonly requests: CrmRequest[] = [];
  private readonly routes: { method: string; path: RegExp; handler: Handler }[] = [];
  private readonly server: Server;
  private readonly sockets = new Set<Socket>();

  constructor() {
    this.server = createServer((req, res) => {
      const parts: Buffer[] = [];
      req.on('data', (d: Buffer) => parts.push(d));
      req.on('end', () => {
        const r: CrmRequest = { method: req.method ?? 'GET', url: req.url ?? '/', headers: req.headers, body: Buffer.concat(parts).toString('utf8') };
        this.requests.push(r);
        const path = r.url.split('?')[0]!;
        const route = this.routes.find((x) => x.method === r.method && x.path.test(path));
        void (async () => {
          const reply: CrmReply = route ? await route.handler(r) : { status: 404, json: { error: 'no such route' } };
          if (reply.delayMs) await sleep(reply.delayMs);
          r.status = reply.status ?? 200;
          if (res.destroyed) return;
          const body = reply.text ?? JSON.stringify(reply.json ?? {});
          res.writeHead(r.status, { 'content-type': reply.text !== undefined ? 'text/plain' : 'application/json' });
          res.end(body);
        })();
      });
    });
    this.server.on('connection', (s: Socket) => {
      this.sockets.add(s);
      s.on('close', () => this.sockets.delete(s));
    });
  }

  /** Answers `method path` (a RegExp on the path, or an exact path). Later routes do not override earlier ones. */
  on(method: string, path: string | RegExp, handler: Handler | CrmReply): this {
    const re = typeof path === 'string' ? new RegExp(`^${path.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`) : path;
    this.routes.push({ method, path: re, handler: typeof handler === 'function' ? handler : () => handler });
    return this;
  }

  async listen(port = 0): Promise<this> {
    await new Promise<void>((r) => this.server.listen(port, '127.0.0.1', r));
    return this;
  }

  get port(): number {
    return (this.server.address() as AddressInfo).port;
  }

  url(path: string): string {
    return `http://127.0.0.1:${this.port}${path}`;
  }

  /** Requests to a path (exact, without the query). */
  to(method: string, path: string): CrmRequest[] {
    return this.requests.filter((r) => r.method === method && r.url.split('?')[0] === path);
  }

  async close(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    await new Promise<void>((r) => this.server.close(() => r()));
  }
}
