/**
 * WebSocket media transport (Asterisk chan_websocket, connection_type=server).
 * There is no listener: externalMedia creates a WebSocket channel that waits
 * (Down, outside Stasis, destroyed after ~30 s) until the engine connects to
 * `/media/<MEDIA_WEBSOCKET_CONNECTION_ID>` on the PBX's own HTTP server, the
 * one ARI uses (wss when asterisk.scheme is https, with the same certificate
 * checks). Asterisk sends MEDIA_START first, then the channel's StasisStart;
 * the leg is ready at MEDIA_START. So the PBX never connects to the engine.
 */
import WebSocket from 'ws';
import type { Logger } from '../../observability/logger.js';
import type { TransportHealth } from '../../api/health.js';
import { SLIN16, SLIN8, ULAW8, frameBytes, type AudioFormat } from '../audio-format.js';
import type { MediaChannelInfo, MediaTransport, PendingLeg, TransportCommonOptions } from '../transport.js';
import { FrameScheduler } from '../pacer.js';
import { FillTally } from '../paced-leg.js';
import { PendingLegs, type PendingEntry } from '../pending-legs.js';
import { parseControlMessage, type MediaStart } from './control-messages.js';
import type { OutboundFlowOptions } from './outbound-flow.js';
import { WebSocketLeg, type WebSocketLegStats } from './websocket-leg.js';

export type WebSocketFormat = 'slin16' | 'slin' | 'ulaw';

export interface WebSocketTransportOptions extends TransportCommonOptions {
  /** The PBX's HTTP server: asterisk.host / asterisk.port / asterisk.scheme. */
  host: string;
  port: number;
  scheme: 'http' | 'https';
  format: WebSocketFormat;
  prebufferMs: number;
  log: Logger;
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
  /** Timers held right now (the media clock's, connect timeouts, legs' armed outbound wake-ups), for leak tests. */
  activeTimers(): number;
  /** Where legs connect: ws(s)://host:port/media/ */
  readonly mediaUrl: string;
}

const FORMATS: Record<string, AudioFormat> = { slin16: SLIN16, slin: SLIN8, ulaw: ULAW8 };

/** What a pending leg holds until MEDIA_START: the media socket once it is opened. */
interface Connecting {
  socket: WebSocket | undefined;
}

function hostForUrl(host: string): string {
  return host.includes(':') && !host.startsWith('[') ? `[${host}]` : host;
}

export function createWebSocketTransport(opts: WebSocketTransportOptions): WebSocketTransport {
  const log = opts.log.child({ transport: 'websocket' });
  const mediaUrl = `${opts.scheme === 'https' ? 'wss' : 'ws'}://${hostForUrl(opts.host)}:${opts.port}/media/`;
  const ownScheduler = !opts.scheduler;
  let scheduler = opts.scheduler ?? new FrameScheduler();
  let schedulerStopped = false;
  const fills = new FillTally(opts.onInboundFills);
  const pending = new PendingLegs<Connecting>({
    describe: (e) => `websocket leg for call ${e.callId}`,
    connectTimeoutMs: opts.connectTimeoutMs ?? 30_000,
    timeoutReason: (ms) => `not connected within ${ms} ms`,
    onCancel: (e) => drop(e.data.socket),
  });
  const legs = new Map<string, WebSocketLeg>();
  const sockets = new Set<WebSocket>();
  let started = false;
  let seq = 0;

  function drop(ws: WebSocket | undefined): void {
    if (!ws) return;
    ws.removeAllListeners('message');
    ws.terminate();
  }

  /** The connection attempt for `key` failed: the pending leg is rejected with `why` (no-op once settled). */
  const fail = (key: string, why: string) => pending.cancel(key, why);

  function describeRefusal(status: number, id: string): string {
    if (status === 404) return `Asterisk has no media websocket for connection id ${id} (404: chan_websocket not loaded, or the channel is already gone)`;
    if (status === 409) return `another connection already holds media websocket ${id} (409)`;
    if (status === 400) return 'Asterisk refused the media websocket upgrade (400: subprotocol "media" not accepted)';
    if (status === 401) return `the media websocket URL answered 401: ${mediaUrl} is not chan_websocket's /media path`;
    return `the media websocket upgrade failed with HTTP ${status}`;
  }

  function connect(e: PendingEntry<Connecting>, ch: MediaChannelInfo): void {
    const id = ch.channelvars?.MEDIA_WEBSOCKET_CONNECTION_ID;
    if (!id) return fail(e.key, `the externalMedia response for ${ch.id} has no MEDIA_WEBSOCKET_CONNECTION_ID (is it chan_websocket in server mode?)`);
    const url = `${mediaUrl}${encodeURIComponent(id)}`;
    const ws = new WebSocket(url, ['media'], { handshakeTimeout: opts.handshakeTimeoutMs ?? 5000, perMessageDeflate: false, ...(opts.ca ? { ca: opts.ca } : {}) });
    e.data.socket = ws;
    sockets.add(ws);
    ws.on('close', () => sockets.delete(ws));
    ws.on('unexpected-response', (_req, res) => {
      res.resume();
      fail(e.key, describeRefusal(res.statusCode ?? 0, id));
    });
    ws.on('error', (err: NodeJS.ErrnoException) => fail(e.key, `cannot open the media websocket ${url}: ${err.code ?? err.message}`));
    ws.once('message', (data, isBinary) => {
      if (!pending.has(e.key)) return;
      const parsed = isBinary ? undefined : parseControlMessage((data as Buffer).toString('utf8'));
      if (!parsed?.ok || parsed.message.event !== 'MEDIA_START') return fail(e.key, 'the media websocket did not start with MEDIA_START');
      startLeg(e.key, ws, parsed.message, parsed.format);
    });
  }

  function startLeg(key: string, ws: WebSocket, start: MediaStart, controlFormat: 'json' | 'plain-text'): void {
    const wireFormat = FORMATS[start.format];
    if (!wireFormat) {
      ws.send(controlFormat === 'json' ? '{"command":"HANGUP"}' : 'HANGUP');
      return fail(key, `MEDIA_START announced format "${start.format}"; websocket.format supports slin16, slin and ulaw`);
    }
    const e = pending.claim(key);
    if (!e) return;
    if (start.format !== opts.format) log.warn({ callId: e.callId, asked: opts.format, got: start.format }, 'media websocket format differs from websocket.format');
    const fb = Number.isInteger(start.optimalFrameSize) && start.optimalFrameSize > 0 ? start.optimalFrameSize : frameBytes(wireFormat);
    const leg = new WebSocketLeg({
      id: e.callId,
      socket: ws,
      start: { ...start, optimalFrameSize: fb },
      controlFormat,
      wireFormat,
      flow: { ...opts.flow, prebufferMs: opts.prebufferMs },
      log,
      scheduler,
      onFill: fills.add,
      onBytes: opts.onBytes,
      onFlowEvent: opts.onFlowEvent,
      onGone: () => legs.delete(e.callId),
    });
    legs.set(e.callId, leg);
    log.debug({ callId: e.callId, channel: start.channelId, format: start.format, frameBytes: fb, controlFormat }, 'media websocket started');
    e.resolve(leg);
  }

  const transport: WebSocketTransport = {
    kind: 'websocket',
    mediaUrl,

    async start() {
      if (ownScheduler && schedulerStopped) {
        scheduler = new FrameScheduler();
        schedulerStopped = false;
      }
      fills.attach(scheduler);
      started = true;
      log.info({ url: mediaUrl, format: opts.format }, 'WebSocket media: legs connect to the PBX');
    },

    async stop() {
      pending.cancelAll('transport stopped');
      await Promise.all([...legs.values()].map((l) => l.close()));
      for (const s of sockets) s.terminate();
      sockets.clear();
      started = false;
      fills.detach();
      if (ownScheduler) {
        scheduler.stop();
        schedulerStopped = true;
      }
    },

    health(): TransportHealth {
      const h: TransportHealth = { listening: started, bind: 'none (the engine connects out)', advertise: mediaUrl };
      if (!started) h.reason = 'not started';
      return h;
    },

    async allocate(callId: string): Promise<PendingLeg> {
      if (!started) throw new Error('websocket: allocate() before start() (or after stop())');
      const e = pending.add(`${callId}#${++seq}`, callId, { socket: undefined });
      const controlFormat = opts.controlFormat ?? 'json';
      return pending.pendingLeg(e, {
        externalMedia: { external_host: '', transport: 'websocket', encapsulation: 'none', connection_type: 'server', format: opts.format, ...(controlFormat === 'json' ? { transport_data: 'f(json)' } : {}) },
        mediaChannelCreated: (ch) => {
          if (pending.has(e.key) && !e.data.socket) connect(e, ch);
        },
      });
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
      let n = (ownScheduler && scheduler.timerPending ? 1 : 0) + pending.timers();
      for (const l of legs.values()) if (l.timerPending) n++;
      return n;
    },
  };
  return transport;
}
