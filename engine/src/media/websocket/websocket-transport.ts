/**
 * WebSocket media transport (Asterisk chan_websocket, connection_type=server).
 * There is no listener: externalMedia creates a WebSocket channel that waits
 * (Down, outside Stasis, destroyed after ~30 s) until the engine connects to
 * `/media/<MEDIA_WEBSOCKET_CONNECTION_ID>` on the PBX's own HTTP server, the
 * one ARI uses (wss when asterisk.scheme is https, with the same certificate
 * checks). Asterisk sends MEDIA_START first, then the channel's StasisStart;
 * the leg is ready at MEDIA_START. So the PBX never connects to the engine.
 */
import { Deferred } from '../../util/async.js';
import WebSocket from 'ws';
import type { Logger } from '../../observability/logger.js';
import type { TransportHealth } from '../../api/health.js';
import { SLIN16, SLIN8, ULAW8, frameBytes, type AudioFormat } from '../audio-format.js';
import type { MediaChannelInfo, MediaLeg, MediaTransport, PendingLeg } from '../transport.js';
import { parseControlMessage, type MediaStart } from './control-messages.js';
import type { OutboundFlowOptions } from './outbound-flow.js';
import { WebSocketLeg, type WebSocketLegStats } from './websocket-leg.js';

export type WebSocketFormat = 'slin16' | 'slin' | 'ulaw';

export interface WebSocketTransportOptions {
  /** The PBX's HTTP server: asterisk.host / asterisk.port / asterisk.scheme. */
  host: string;
  port: number;
  scheme: 'http' | 'https';
  format: WebSocketFormat;
  prebufferMs: number;
  log: Logger;
  onBytes?: (dir: 'rx' | 'tx', bytes: number) => void;
  onFlowEvent?: (event: 'xoff' | 'xon' | 'flush') => void;
  /** Control messages to ask for per channel (transport_data=f(…)); both forms are parsed anyway. Default json. */
  controlFormat?: 'json' | 'plain-text';
  /** A pending leg that gets no channel/MEDIA_START in time is cancelled (default 30000 ms; 0 = never). */
  connectTimeoutMs?: number;
  /** Upgrade + MEDIA_START must finish within this (default 5000 ms). */
  handshakeTimeoutMs?: number;
  /** Extra trusted CA for wss (tests); otherwise Node's default trust store, as the ARI connection uses. */
  ca?: string | Buffer;
  /** Outbound tuning (lead, low water, status interval). */
  flow?: Partial<Omit<OutboundFlowOptions, 'frameBytes' | 'silenceByte' | 'prebufferMs'>>;
}

export interface WebSocketTransport extends MediaTransport {
  /** Per-leg counters (undefined once the leg is gone). */
  legStats(callId: string): (WebSocketLegStats & { maxReportedQueue: number; xoffs: number; framesSent: number; maxMessageBytes: number }) | undefined;
  /** Timers held right now (connect timeouts, leg flow timers), for leak tests. */
  activeTimers(): number;
  /** Where legs connect: ws(s)://host:port/media/ */
  readonly mediaUrl: string;
}

const FORMATS: Record<string, AudioFormat> = { slin16: SLIN16, slin: SLIN8, ulaw: ULAW8 };

interface Pending {
  callId: string;
  deferred: Deferred<MediaLeg>;
  timer: NodeJS.Timeout | undefined;
  socket: WebSocket | undefined;
  done: boolean;
}

function hostForUrl(host: string): string {
  return host.includes(':') && !host.startsWith('[') ? `[${host}]` : host;
}

export function createWebSocketTransport(opts: WebSocketTransportOptions): WebSocketTransport {
  const log = opts.log.child({ transport: 'websocket' });
  const mediaUrl = `${opts.scheme === 'https' ? 'wss' : 'ws'}://${hostForUrl(opts.host)}:${opts.port}/media/`;
  const pending = new Set<Pending>();
  const legs = new Map<string, WebSocketLeg>();
  const sockets = new Set<WebSocket>();
  let started = false;

  function finish(p: Pending, err?: Error, leg?: WebSocketLeg): void {
    if (p.done) return;
    p.done = true;
    pending.delete(p);
    clearTimeout(p.timer);
    p.timer = undefined;
    if (leg) p.deferred.resolve(leg);
    else {
      if (p.socket) {
        p.socket.removeAllListeners('message');
        p.socket.terminate();
      }
      p.deferred.reject(err ?? new Error('cancelled'));
    }
  }

  function describeRefusal(status: number, id: string): string {
    if (status === 404) return `Asterisk has no media websocket for connection id ${id} (404: chan_websocket not loaded, or the channel is already gone)`;
    if (status === 409) return `another connection already holds media websocket ${id} (409)`;
    if (status === 400) return 'Asterisk refused the media websocket upgrade (400: subprotocol "media" not accepted)';
    if (status === 401) return `the media websocket URL answered 401: ${mediaUrl} is not chan_websocket's /media path`;
    return `the media websocket upgrade failed with HTTP ${status}`;
  }

  function connect(p: Pending, ch: MediaChannelInfo): void {
    const id = ch.channelvars?.MEDIA_WEBSOCKET_CONNECTION_ID;
    if (!id) return finish(p, new Error(`externalMedia response for ${ch.id} has no MEDIA_WEBSOCKET_CONNECTION_ID (is it chan_websocket in server mode?)`));
    const url = `${mediaUrl}${encodeURIComponent(id)}`;
    const ws = new WebSocket(url, ['media'], { handshakeTimeout: opts.handshakeTimeoutMs ?? 5000, perMessageDeflate: false, ...(opts.ca ? { ca: opts.ca } : {}) });
    p.socket = ws;
    sockets.add(ws);
    ws.on('close', () => sockets.delete(ws));
    ws.on('unexpected-response', (_req, res) => {
      res.resume();
      finish(p, new Error(describeRefusal(res.statusCode ?? 0, id)));
    });
    ws.on('error', (err: NodeJS.ErrnoException) => finish(p, new Error(`cannot open the media websocket ${url}: ${err.code ?? err.message}`)));
    ws.once('message', (data, isBinary) => {
      if (p.done) return;
      const parsed = isBinary ? undefined : parseControlMessage((data as Buffer).toString('utf8'));
      if (!parsed?.ok || parsed.message.event !== 'MEDIA_START') return finish(p, new Error('the media websocket did not start with MEDIA_START'));
      startLeg(p, ws, parsed.message, parsed.format);
    });
  }

  function startLeg(p: Pending, ws: WebSocket, start: MediaStart, controlFormat: 'json' | 'plain-text'): void {
    const wireFormat = FORMATS[start.format];
    if (!wireFormat) {
      ws.send(controlFormat === 'json' ? '{"command":"HANGUP"}' : 'HANGUP');
      return finish(p, new Error(`MEDIA_START announced format "${start.format}"; websocket.format supports slin16, slin and ulaw`));
    }
    if (start.format !== opts.format) log.warn({ callId: p.callId, asked: opts.format, got: start.format }, 'media websocket format differs from websocket.format');
    const fb = Number.isInteger(start.optimalFrameSize) && start.optimalFrameSize > 0 ? start.optimalFrameSize : frameBytes(wireFormat);
    const leg = new WebSocketLeg({
      id: p.callId,
      socket: ws,
      start: { ...start, optimalFrameSize: fb },
      controlFormat,
      wireFormat,
      flow: { ...opts.flow, prebufferMs: opts.prebufferMs },
      log,
      onBytes: opts.onBytes,
      onFlowEvent: opts.onFlowEvent,
      onGone: () => legs.delete(p.callId),
    });
    legs.set(p.callId, leg);
    log.debug({ callId: p.callId, channel: start.channelId, format: start.format, frameBytes: fb, controlFormat }, 'media websocket started');
    finish(p, undefined, leg);
  }

  const transport: WebSocketTransport = {
    kind: 'websocket',
    mediaUrl,

    async start() {
      started = true;
      log.info({ url: mediaUrl, format: opts.format }, 'WebSocket media: legs connect to the PBX');
    },

    async stop() {
      for (const p of [...pending]) finish(p, new Error('transport stopped'));
      await Promise.all([...legs.values()].map((l) => l.close()));
      for (const s of sockets) s.terminate();
      sockets.clear();
      started = false;
    },

    health(): TransportHealth {
      const h: TransportHealth = { listening: started, bind: 'none (the engine connects out)', advertise: mediaUrl };
      if (!started) h.reason = 'not started';
      return h;
    },

    async allocate(callId: string): Promise<PendingLeg> {
      if (!started) throw new Error('websocket: allocate() before start() (or after stop())');
      const p: Pending = { callId, deferred: new Deferred<MediaLeg>(), timer: undefined, socket: undefined, done: false };
      const ct = opts.connectTimeoutMs ?? 30_000;
      if (ct > 0) {
        p.timer = setTimeout(() => finish(p, new Error(`websocket leg for call ${callId}: not connected within ${ct} ms`)), ct);
        p.timer.unref();
      }
      pending.add(p);
      const controlFormat = opts.controlFormat ?? 'json';
      return {
        id: callId,
        externalMedia: { external_host: '', transport: 'websocket', encapsulation: 'none', connection_type: 'server', format: opts.format, ...(controlFormat === 'json' ? { transport_data: 'f(json)' } : {}) },
        connected: p.deferred.promise,
        cancel: (why?: string) => finish(p, new Error(`websocket leg for call ${callId}: ${why ?? 'cancelled'}`)),
        mediaChannelCreated: (ch) => {
          if (!p.done && !p.socket) connect(p, ch);
        },
      };
    },

    stats() {
      return { legs: legs.size, pending: pending.size, sockets: sockets.size, ports: 0 };
    },

    legStats(callId) {
      const l = legs.get(callId);
      if (!l) return undefined;
      const f = l.flow.stats;
      return { ...l.legStats, maxReportedQueue: f.maxReportedQueue, xoffs: f.xoffs, framesSent: f.framesSent, maxMessageBytes: f.maxMessageBytes };
    },

    activeTimers() {
      let n = 0;
      for (const p of pending) if (p.timer) n++;
      for (const l of legs.values()) if (l.timerPending) n++;
      return n;
    },
  };
  return transport;
}
