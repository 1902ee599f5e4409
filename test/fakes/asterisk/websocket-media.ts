/**
 * chan_websocket in the fake Asterisk, server mode, as captured in
 * ../shared/fixtures/asterisk-22/websocket (README section in brackets):
 * - `POST /channels/externalMedia?transport=websocket&encapsulation=none&connection_type=server`
 *   creates `WebSocket/INCOMING/0x…` in state Down, outside Stasis, with
 *   MEDIA_WEBSOCKET_CONNECTION_ID / _OPTIMAL_FRAME_SIZE in the response's
 *   channelvars only; `transport_data` f(json) / f(plain-text) / n (no
 *   auto-answer); v(…) → 500; a missing encapsulation or client mode → 400 [§1].
 * - The app connects to `/media/<id>` on the same HTTP server, no auth; an
 *   unknown id → 404 HTML, a second connection → 409, a subprotocol list
 *   without `media` → 400 [§1 connect-errors].
 * - MEDIA_START comes first, then (auto-answer) ChannelStateChange Up, Dial
 *   ANSWER, StasisStart [§1]. Never connected: destroyed after 30 s with
 *   ChannelDestroyed cause 19 and nothing else [§1 connect-never].
 * One shared, drift-free 20 ms clock plays out every connected channel's queue.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { performance } from 'node:perf_hooks';
import { WebSocketServer, type WebSocket } from 'ws';
import type { FakeAsterisk } from './fake-asterisk.js';
import type { FakeChannel } from './model.js';
import { fail } from './http-util.js';
import { deliverToCallers } from './media-legs.js';
import { WebSocketPeer, FRAME_BYTES, type WebSocketFormat } from './websocket-peer.js';
import type { QueueLevels } from './chan-websocket-queue.js';

export interface WebSocketMediaOptions {
  /** chan_websocket.conf [global] control_message_format (default plain-text). */
  controlFormat?: 'plain-text' | 'json';
  /** externalMedia's dial timeout (30 s on a real PBX). */
  connectTimeoutMs?: number;
  /** Queue levels (real: xon 800, xoff 900, max 1000). Tests lower them to reach XOFF quickly. */
  levels?: QueueLevels;
  /** false: the externalMedia response lacks the MEDIA_WEBSOCKET_* channelvars (the app must GET the variable). */
  varsInResponse?: boolean;
  /**
   * false: a chan_websocket from before the JSON control messages (22.6/22.7); assumed (not captured) to
   * refuse a `f(…)` in transport_data like any other bad dial option: 500.
   */
  jsonControl?: boolean;
}

interface Waiting {
  channel: FakeChannel;
  app: string;
  format: WebSocketFormat;
  json: boolean;
  noAnswer: boolean;
  timer: NodeJS.Timeout;
}

const HTML = (status: string, text: string) =>
  `<!DOCTYPE HTML PUBLIC "-//IETF//DTD HTML 2.0//EN">\r\n<html><head>\r\n<title>${status}</title>\r\n</head><body>\r\n<h1>${status.replace(/^\d+ /, '')}</h1>\r\n<p>${text}</p>\r\n<hr />\r\n<address>Asterisk</address>\r\n</body></html>\r\n`;

export class WebSocketMedia {
  private readonly byId = new Map<string, Waiting>();
  private readonly peers = new Set<WebSocketPeer>();
  private readonly wss = new WebSocketServer({
    noServer: true,
    maxPayload: 65_527,
    perMessageDeflate: false,
    handleProtocols: (protocols) => (protocols.has('media') ? 'media' : false),
  });
  private timer: NodeJS.Timeout | undefined;
  private startedAt = 0;
  private ticks = 0;

  constructor(
    private readonly fake: FakeAsterisk,
    private readonly opts: WebSocketMediaOptions = {},
  ) {}

  /** externalMedia with transport=websocket. */
  create(q: Record<string, string>): FakeChannel {
    if (q.encapsulation !== 'none') throw fail(400, "encapsulation must be 'none' for websocket transport");
    if ((q.connection_type ?? 'client') !== 'server') {
      if (!q.external_host) throw fail(400, 'external_host is required for all but websocket server connections');
      throw fail(400, 'external_host must be a valid websocket_client connection id.');
    }
    const format = q.format as WebSocketFormat;
    if (!(format in FRAME_BYTES)) throw fail(500, 'An internal error prevented this request from being handled');
    const td = q.transport_data ?? '';
    if (/v\(/.test(td) || (this.opts.jsonControl === false && /f\(/.test(td))) throw fail(500, 'An internal error prevented this request from being handled');
    const f = /f\((json|plain-text)\)/.exec(td)?.[1];
    const json = f ? f === 'json' : this.opts.controlFormat === 'json';
    const connectionId = randomUUID();
    const dialstring = `INCOMING${td ? `/${td}` : ''}`;
    const ch = this.fake.createChannel({
      ...(q.channelId ? { id: q.channelId } : {}),
      name: `WebSocket/INCOMING/0x${randomBytes(6).toString('hex')}`,
      role: 'websocket',
      dialplan: { context: 'default', exten: 's', priority: 1, app_name: 'AppDial2', app_data: '(Outgoing Line)' },
    });
    this.fake.setVar(ch, 'MEDIA_WEBSOCKET_OPTIMAL_FRAME_SIZE', String(FRAME_BYTES[format]));
    this.fake.setVar(ch, 'MEDIA_WEBSOCKET_CONNECTION_ID', connectionId);
    this.fake.emit('ChannelDialplan', { dialplan_app: 'AppDial2', dialplan_app_data: '(Outgoing Line)', channel: this.fake.chJson(ch) });
    this.fake.emit('Dial', { dialstatus: '', forward: '', dialstring, peer: this.fake.chJson(ch) });
    const timer = setTimeout(() => this.neverConnected(connectionId), this.opts.connectTimeoutMs ?? 30_000);
    const noAnswer = td.replace(/[fv]\([^)]*\)/g, '').includes('n');
    this.byId.set(connectionId, { channel: ch, app: q.app!, format, json, noAnswer, timer });
    // Only the REST response lists these variables; later snapshots show ari.conf's channelvars.
    if (this.opts.varsInResponse !== false) {
      ch.ownVarNames = ['MEDIA_WEBSOCKET_CONNECTION_ID', 'MEDIA_WEBSOCKET_OPTIMAL_FRAME_SIZE'];
      setImmediate(() => (ch.ownVarNames = undefined));
    }
    return ch;
  }

  /** An HTTP upgrade on /media/… */
  upgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    const url = new URL(req.url ?? '/', 'http://fake');
    const id = decodeURIComponent(url.pathname.slice('/media/'.length));
    const w = this.byId.get(id);
    const reply = (status: string, text: string) => {
      const body = HTML(status, text);
      socket.end(`HTTP/1.1 ${status}\r\nServer: Asterisk\r\nCache-Control: no-cache, no-store\r\nContent-type: text/html\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`);
    };
    if (!w || w.channel.destroyed) return reply('404 Not found', 'WebSocket instance not found');
    if (w.channel.websocket) return reply('409 Conflict', 'Another websocket connection exists for this connection id');
    const offered = req.headers['sec-websocket-protocol'];
    if (offered && !offered.split(',').some((p) => p.trim() === 'media')) {
      socket.end('HTTP/1.1 400 Bad Request\r\nServer: Asterisk\r\nCache-Control: no-cache, no-store\r\nSec-WebSocket-Version: 7, 8, 13\r\nContent-Length: 0\r\n\r\n');
      return;
    }
    this.wss.handleUpgrade(req, socket, head, (ws) => this.attach(id, w, ws));
  }

  /** Ticks of the shared 20 ms playout clock so far. */
  get clockTicks(): number {
    return this.ticks;
  }

  /** Every connected peer (tests read what each one saw). */
  get connected(): WebSocketPeer[] {
    return [...this.peers];
  }

  stop(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    for (const w of this.byId.values()) clearTimeout(w.timer);
    this.byId.clear();
    for (const p of this.peers) p.terminate();
    this.peers.clear();
    this.wss.close();
  }

  // ---- internals ---------------------------------------------------------------

  private attach(id: string, w: Waiting, ws: WebSocket): void {
    clearTimeout(w.timer);
    const ch = w.channel;
    const peer = new WebSocketPeer(ws, {
      connectionId: id,
      channelName: ch.name,
      channelId: ch.id,
      format: w.format,
      json: w.json,
      levels: this.opts.levels,
      deliver: (pcm) => deliverToCallers(this.fake, ch, pcm),
      hangup: (cause) => this.fake.hangupChannel(ch, { cause }),
      answer: () => this.answer(w),
      clockTick: () => this.ticks,
    });
    ch.websocket = peer;
    this.peers.add(peer);
    ws.on('close', () => {
      this.peers.delete(peer);
      this.byId.delete(id);
    });
    peer.start();
    if (!w.noAnswer) this.answer(w);
    this.startClock();
  }

  private answer(w: Waiting): void {
    const ch = w.channel;
    if (ch.destroyed || ch.stasisApp) return;
    this.fake.setState(ch, 'Up');
    this.fake.emit('Dial', { dialstatus: 'ANSWER', forward: '', dialstring: 'INCOMING', peer: this.fake.chJson(ch) });
    this.fake.enterStasis(ch, w.app, []);
  }

  private neverConnected(id: string): void {
    const w = this.byId.get(id);
    if (!w || w.channel.websocket) return;
    this.byId.delete(id);
    const ch = w.channel;
    this.fake.emit('ChannelDestroyed', { cause: 19, cause_txt: 'User alerting, no answer', channel: this.fake.chJson(ch) });
    this.fake.forget(ch);
  }

  private startClock(): void {
    if (this.timer) return;
    this.startedAt = performance.now() - this.ticks * 20;
    this.schedule();
  }

  private schedule(): void {
    const due = this.startedAt + (this.ticks + 1) * 20;
    this.timer = setTimeout(() => this.tick(), Math.max(0, due - performance.now()));
  }

  private tick(): void {
    this.ticks++;
    const at = performance.now();
    for (const p of this.peers) p.tick(at);
    if (this.peers.size === 0) {
      this.timer = undefined;
      return;
    }
    if (at - (this.startedAt + this.ticks * 20) > 200) this.startedAt = at - this.ticks * 20;
    this.schedule();
  }
}
