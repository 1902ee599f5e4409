/**
 * The part every fake provider that speaks WebSocket shares: an HTTP(S)
 * server on 127.0.0.1 port 0, upgrades on one path (404 elsewhere), refusal
 * of new connections with an HTTP status on demand, an auth check, and
 * tracking of every socket so a test can drop them all (an outage) or close
 * the fake without leaving one behind. A fake extends it and keeps only its
 * protocol: `onConnection` for each accepted socket, `onRequest` for plain
 * HTTP (REST beside the socket), and the bodies of its refusals.
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

export abstract class FakeWebSocketServer {
  /** performance.now() of each connection refused by refuseConnections(). */
  readonly refusedAt: number[] = [];
  protected readonly server: Server;
  private readonly wss = new WebSocketServer({ noServer: true });
  private readonly sockets = new Set<WebSocket>();
  private readonly raw = new Set<Socket>();
  private refuseWith: number | undefined;

  /** `tls`: serve https/wss with the committed test-only certificate. */
  protected constructor(tls = false) {
    const onRequest = (req: IncomingMessage, res: ServerResponse) => this.onRequest(req, res);
    this.server = tls ? createHttpsServer(testTls(), onRequest) : createHttpServer(onRequest);
    this.server.on('connection', (s: Socket) => {
      this.raw.add(s);
      s.on('close', () => this.raw.delete(s));
    });
    this.server.on('upgrade', (req: IncomingMessage, socket: Socket, head: Buffer) => this.upgrade(req, socket, head));
  }

  /** Whether an upgrade on this URL is the fake's socket (else 404). */
  protected abstract acceptsPath(url: URL): boolean;

  /** Each accepted socket; `url` is the request's, parsed. */
  protected abstract onConnection(ws: WebSocket, req: IncomingMessage, url: URL): void;

  /** Plain HTTP requests: 404 unless the fake serves REST too. */
  protected onRequest(_req: IncomingMessage, res: ServerResponse): void {
    res.writeHead(404);
    res.end();
  }

  /** Whether the request carries the right credentials (default: anyone). */
  protected authorized(_req: IncomingMessage): boolean {
    return true;
  }

  /** The answer to a request without the right credentials. */
  protected unauthorized(): HttpRefusal {
    return { status: 401, statusText: 'Unauthorized' };
  }

  /** The answer to a new connection while refuseConnections(status) is on. */
  protected refusal(status: number): HttpRefusal {
    return { status, statusText: 'Refused' };
  }

  /** Listens on 127.0.0.1, port 0. */
  protected async listenOnFreePort(): Promise<void> {
    await new Promise<void>((r) => this.server.listen(0, '127.0.0.1', r));
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
