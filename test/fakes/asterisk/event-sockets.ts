/**
 * The fake's /ari/events WebSockets: one client per connected app, which
 * events each one sees (everything with subscribeAll, else its own channels,
 * playbacks and bridges), and the outage hooks (drop every socket, refuse
 * reconnects with 503 like a restarting Asterisk, go silently dead).
 */
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';

interface EventClient {
  ws: WebSocket;
  app: string;
  subscribeAll: boolean;
  /** Silently dead: no events, no pongs, but the TCP connection stays open. */
  stalled?: boolean;
}

export class EventSockets {
  private readonly wss = new WebSocketServer({ noServer: true });
  private readonly clients = new Set<EventClient>();
  /** While true, new upgrades are refused with 503. */
  refusing = false;

  /** An authenticated upgrade to /ari/events (`app` required). */
  upgrade(req: IncomingMessage, socket: Duplex, head: Buffer, url: URL, reject: (status: number, text: string) => void): void {
    const app = url.searchParams.get('app');
    if (!app) return reject(400, 'Bad Request');
    if (this.refusing) return reject(503, 'Service Unavailable');
    this.wss.handleUpgrade(req, socket, head, (ws) => {
      const client: EventClient = { ws, app, subscribeAll: url.searchParams.get('subscribeAll') === 'true' };
      this.clients.add(client);
      ws.on('close', () => this.clients.delete(client));
      ws.on('error', () => {});
    });
  }

  /** Sends `event` to every open client that sees events about `subjectApp` ('*bridge': a bridge event without a channel). */
  send(event: Record<string, unknown>, subjectApp: string | undefined, hasChannel: boolean): void {
    for (const c of this.clients) {
      if (c.ws.readyState !== c.ws.OPEN || c.stalled) continue;
      if (!c.subscribeAll && subjectApp !== c.app && !(subjectApp === '*bridge' && !hasChannel)) continue;
      c.ws.send(JSON.stringify({ ...event, application: c.app }, null, 2));
    }
  }

  /** Sends a captured event as is (replay) to every open client, with its app name. */
  sendRaw(ev: object): void {
    for (const c of this.clients) {
      if (c.ws.readyState === c.ws.OPEN && !c.stalled) c.ws.send(JSON.stringify({ ...ev, application: c.app }, null, 2));
    }
  }

  /** Open and not stalled. */
  get open(): number {
    return [...this.clients].filter((c) => c.ws.readyState === c.ws.OPEN && !c.stalled).length;
  }

  /** Stalled and still connected. */
  get stalled(): number {
    return [...this.clients].filter((c) => c.stalled && c.ws.readyState === c.ws.OPEN).length;
  }

  /** Every open socket goes silent: no events, and its TCP reads pause so pings go unanswered. */
  stallAll(): void {
    for (const c of this.clients) {
      c.stalled = true;
      (c.ws as unknown as { _socket?: { pause(): void } })._socket?.pause();
    }
  }

  closeStalled(): void {
    for (const c of this.clients) if (c.stalled) c.ws.terminate();
  }

  apps(): string[] {
    return [...new Set([...this.clients].map((c) => c.app))];
  }

  dropAll(): void {
    for (const c of this.clients) c.ws.terminate();
  }

  close(): void {
    this.dropAll();
    this.wss.close();
  }
}
