/**
 * The part every fake provider that speaks WebSocket shares: an HTTP(S)
 * server on 127.0.0.1 port 0, upgrades on one path (404 elsewhere), refusal
 * of new connections with an HTTP status on demand, an auth check, and
 * tracking of every socket so a test can drop them all (an outage) or close
 * the fake without leaving one behind. A fake extends it and keeps only its
 * protocol: `onConnection` for each accepted socket, `onRequest` for plain
 * HTTP (REST beside the socket), its URL and the bodies of its refusals.
 */
import { createServer as createHttpServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo, Socket } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';
import { testTls } from './openai/tls.js';

/** An HTTP answer written on the raw socket instead of the upgrade. */
export interface HttpRefusal {
  status: number;
  statusText: string;
  headers?: Record<string, string>;
  body?: string;
}

export interface FakeWebSocketServerOptions {
  /** Serve https/wss with the committed test-only certificate. */
  tls?: boolean;
  /** The key every request must carry as `Authorization: <scheme> <apiKey>` (none: anyone). */
  apiKey?: string;
  authScheme?: 'Bearer' | 'Token';
}

/** What a fake provider that answers each caller turn from a script is told (per-fake options extend it). */
export interface ScriptedFakeOptions<Reply> {
  apiKey?: string;
  /** Injected server time before each reply's first audio (bench). */
  delayMs?: number;
  /** Per user turn, in order: what the caller "said" and how the model answers. */
  turns?: Array<{ transcript: string; reply: Reply }>;
  /** The answer after a tool result. */
  afterTool?: (name: string, output: string) => Reply;
  /** Audio per chunk (ms) and wall time between chunks (ms). */
  chunkMs?: number;
  paceMs?: number;
}

export abstract class FakeWebSocketServer {
  /** performance.now() of each connection refused by refuseConnections(). */
  readonly refusedAt: number[] = [];
  protected readonly server: Server;
  private readonly wss = new WebSocketServer({ noServer: true });
  private readonly sockets = new Set<WebSocket>();
  private readonly raw = new Set<Socket>();
  private refuseWith: number | undefined;

  protected constructor(private readonly serverOpts: FakeWebSocketServerOptions = {}) {
    const onRequest = (req: IncomingMessage, res: ServerResponse) => this.onRequest(req, res);
    this.server = serverOpts.tls ? createHttpsServer(testTls(), onRequest) : createHttpServer(onRequest);
    this.server.on('connection', (s: Socket) => {
      this.raw.add(s);
      s.on('close', () => this.raw.delete(s));
    });
    this.server.on('upgrade', (req: IncomingMessage, socket: Socket, head: Buffer) => this.upgrade(req, socket, head));
  }

  /** What a client is given to reach the fake (listen() resolves to it). */
  abstract get url(): string;

  /** Whether an upgrade on this URL is the fake's socket (else 404). */
  protected abstract acceptsPath(url: URL): boolean;

  /** Each accepted socket; `url` is the request's, parsed. */
  protected abstract onConnection(ws: WebSocket, req: IncomingMessage, url: URL): void;

  /** Plain HTTP requests: 404 unless the fake serves REST too. */
  protected onRequest(_req: IncomingMessage, res: ServerResponse): void {
    res.writeHead(404);
    res.end();
  }

  /** Whether the request carries the right credentials. */
  protected authorized(req: IncomingMessage): boolean {
    const { apiKey, authScheme = 'Bearer' } = this.serverOpts;
    return apiKey === undefined || req.headers.authorization === `${authScheme} ${apiKey}`;
  }

  /** The answer to a request without the right credentials. */
  protected unauthorized(): HttpRefusal {
    return { status: 401, statusText: 'Unauthorized' };
  }

  /** The answer to a new connection while refuseConnections(status) is on. */
  protected refusal(status: number): HttpRefusal {
    return { status, statusText: 'Refused' };
  }

  /** Listens on 127.0.0.1, port 0; resolves to the fake's URL. */
  async listen(): Promise<string> {
    await new Promise<void>((r) => this.server.listen(0, '127.0.0.1', r));
    return this.url;
  }

  get port(): number {
    return (this.server.address() as AddressInfo).port;
  }

  /** Sockets open now (leak checks). */
  get openSockets(): number {
    return this.sockets.size;
  }

  /** Cuts every socket without a close frame (provider outage). */
  dropAll(): void {
    for (const ws of this.sockets) ws.terminate();
  }

  /** New connections get this HTTP status instead of an upgrade (undefined: accept again). */
  refuseConnections(status: number | undefined): void {
    this.refuseWith = status;
  }

  async close(): Promise<void> {
    for (const ws of this.sockets) ws.terminate();
    for (const s of this.raw) s.destroy();
    this.wss.close();
    await new Promise<void>((r) => this.server.close(() => r()));
  }

  private upgrade(req: IncomingMessage, socket: Socket, head: Buffer): void {
    const url = new URL(req.url ?? '/', 'http://fake');
    if (!this.acceptsPath(url)) return refuse(socket, { status: 404, statusText: 'Not Found' });
    if (this.refuseWith !== undefined) {
      this.refusedAt.push(performance.now());
      return refuse(socket, this.refusal(this.refuseWith));
    }
    if (!this.authorized(req)) return refuse(socket, this.unauthorized());
    this.wss.handleUpgrade(req, socket, head, (ws) => {
      this.sockets.add(ws);
      ws.on('close', () => this.sockets.delete(ws));
      this.onConnection(ws, req, url);
    });
  }
}

function refuse(socket: Socket, r: HttpRefusal): void {
  const body = r.body ?? '';
  const headers = Object.entries(r.headers ?? {}).map(([k, v]) => `${k}: ${v}\r\n`);
  socket.end(`HTTP/1.1 ${r.status} ${r.statusText}\r\n${headers.join('')}Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`);
}
