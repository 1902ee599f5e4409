/**
 * A protocol-level stand-in for Asterisk 22 on real sockets: ARI REST under
 * /ari (Basic auth or api_key; ari-http.ts), the /ari/events WebSocket
 * (event-sockets.ts), api-docs for ari-client, AudioSocket, RTP and
 * chan_websocket media legs, and a dialplan-like API to inject callers and
 * read what they heard. This class holds the PBX state (channels, bridges,
 * playbacks) and its life-cycle events. Behaviour follows the captures in
 * ../shared/fixtures/asterisk-22 (see its README "Behaviour" section).
 */
import type { Duplex } from 'node:stream';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { randomUUID } from 'node:crypto';
import { ASTERISK_ID, ariTime, channelJson, bridgeJson, playbackJson, type FakeChannel, type FakeBridge, type FakePlayback } from './model.js';
import { writeReply } from './http-util.js';
import { compile, type CompiledRoute } from './route-table.js';
import { buildRoutes } from './routes.js';
import { authenticate, dispatchAri } from './ari-http.js';
import { EventSockets } from './event-sockets.js';
import { MediaClock } from './media-clock.js';
import { CallerHandle, type InjectCallOptions } from './caller.js';
import { resolveSound } from './sounds.js';
import { WebSocketMedia, type WebSocketMediaOptions } from './websocket-media.js';

export interface FakeAsteriskOptions {
  users?: Record<string, { password: string; readOnly?: boolean }>;
  /** ari.conf `channelvars`: variables included in every channel snapshot. */
  channelvars?: string[];
  /** StasisStart of a media leg relative to the HTTP response (captures saw both). */
  legStasisOrder?: 'before-response' | 'after-response' | 'random';
  /** Extra delay before a media leg's StasisStart (the 422 race). */
  legStasisDelayMs?: number;
  /** A media leg counts as in Stasis only this long after its StasisStart event (the 422 seen once on a real PBX). */
  legStasisLagMs?: number;
  /** false: behave like Asterisk < 18, whose externalMedia knows no audiosocket encapsulation. */
  externalMediaAudioSocket?: boolean;
  /** Directory `sound:<name>` files are looked up in (e.g. <dir>/ai-generated/x.wav). */
  soundsDir?: string;
  /** Playback speed factor for file durations (tests: >1 plays faster). */
  playbackSpeed?: number;
  /** Where RTP legs bind (default 127.0.0.1). */
  rtpBindHost?: string;
  /** chan_websocket behaviour (control format, dial timeout, queue levels); see websocket-media.ts. */
  websocket?: WebSocketMediaOptions;
  /**
   * Callers' 20 ms frames in this many phases (default 1: every caller's frame in the same tick). Real
   * callers' frames follow each phone's own clock, so at hundreds of calls they are spread over the 20 ms;
   * 4 = a quarter of the callers every 5 ms (the calls bench).
   */
  mediaPhases?: number;
  /**
   * false: AudioSocket legs count what the engine sends them (framesReceived, bytesReceived, receivedTypes) and
   * hand its audio to the callers, but keep no `received` list (a bench with hundreds of legs). Default true.
   */
  keepLegFrames?: boolean;
  /** Called for every frame a media leg hands to a caller (bench: caller-side timing). */
  onDeliver?: (caller: FakeChannel, pcm: Int16Array) => void;
}

export class FakeAsterisk {
  readonly channels = new Map<string, FakeChannel>();
  readonly bridges = new Map<string, FakeBridge>();
  readonly playbacks = new Map<string, FakePlayback>();
  readonly requests: { method: string; path: string; query: Record<string, string>; status: number }[] = [];
  readonly opts: Required<Omit<FakeAsteriskOptions, 'soundsDir' | 'websocket' | 'onDeliver'>> & Pick<FakeAsteriskOptions, 'soundsDir' | 'websocket' | 'onDeliver'>;
  readonly clock = new MediaClock(this);
  readonly websocketMedia: WebSocketMedia;
  private readonly server: Server;
  private readonly events = new EventSockets();
  private readonly routes: CompiledRoute[];
  private readonly timers = new Set<NodeJS.Timeout>();
  private seq = 0;
  private readonly epoch = Math.floor(Date.now() / 1000);
  port = 0;

  constructor(opts: FakeAsteriskOptions = {}) {
    this.opts = {
      users: opts.users ?? { aiagent: { password: 'aiagentpass' }, readonly: { password: 'readonlypass', readOnly: true } },
      channelvars: opts.channelvars ?? ['AI_PROVIDER', 'AI_CONTEXT'],
      legStasisOrder: opts.legStasisOrder ?? 'random',
      legStasisDelayMs: opts.legStasisDelayMs ?? 0,
      legStasisLagMs: opts.legStasisLagMs ?? 0,
      mediaPhases: opts.mediaPhases ?? 1,
      keepLegFrames: opts.keepLegFrames ?? true,
      externalMediaAudioSocket: opts.externalMediaAudioSocket ?? true,
      soundsDir: opts.soundsDir,
      playbackSpeed: opts.playbackSpeed ?? 1,
      rtpBindHost: opts.rtpBindHost ?? '127.0.0.1',
      websocket: opts.websocket,
      onDeliver: opts.onDeliver,
    };
    this.websocketMedia = new WebSocketMedia(this, opts.websocket);
    this.routes = compile(buildRoutes(this));
    this.server = createServer((req, res) => void this.onRequest(req, res));
    this.server.on('upgrade', (req, socket, head) => this.onUpgrade(req, socket, head));
  }

  async start(port = 0, host = '127.0.0.1'): Promise<this> {
    await new Promise<void>((resolve) => this.server.listen(port, host, resolve));
    const addr = this.server.address();
    this.port = typeof addr === 'object' && addr ? addr.port : 0;
    return this;
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  async stop(): Promise<void> {
    this.clock.stop();
    this.websocketMedia.stop();
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
    for (const p of this.playbacks.values()) clearTimeout(p.timer);
    for (const ch of this.channels.values()) {
      ch.audiosocket?.close();
      ch.rtp?.close();
    }
    this.events.close();
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  // ---- ids, timers, events -------------------------------------------------

  nextChannelId(): string {
    return `${this.epoch}.${this.seq++}`;
  }

  later(ms: number, fn: () => void): void {
    const t = setTimeout(() => {
      this.timers.delete(t);
      fn();
    }, ms);
    this.timers.add(t);
  }

  /**
   * Sends an event to the apps that see it: with subscribeAll, everything; otherwise
   * only events about channels in (or just leaving) that app's Stasis, its
   * playbacks, and bridges (which ARI apps create).
   */
  emit(type: string, fields: Record<string, unknown>): void {
    this.events.send({ type, timestamp: ariTime(), ...fields, asterisk_id: ASTERISK_ID }, this.subjectApp(fields), 'channel' in fields);
  }

  private subjectApp(fields: Record<string, unknown>): string | undefined {
    const chId = (fields.channel as { id?: string } | undefined)?.id;
    const pbTarget = (fields.playback as { target_uri?: string } | undefined)?.target_uri;
    const id = chId ?? (pbTarget?.startsWith('channel:') ? pbTarget.slice(8) : undefined);
    if (id) {
      const ch = this.channels.get(id);
      return ch?.stasisApp ?? ch?.lastApp;
    }
    return fields.bridge ? '*bridge' : undefined;
  }

  /** Sends a captured event as is (replay), with this socket's app name. */
  emitRaw(ev: object): void {
    this.events.sendRaw(ev);
  }

  /** Drops a channel from the state without events (replayed hangups bring their own). */
  forget(ch: FakeChannel): void {
    ch.destroyed = true;
    ch.stasisApp = undefined;
    const b = ch.bridgeId ? this.bridges.get(ch.bridgeId) : undefined;
    if (b) b.channels = b.channels.filter((id) => id !== ch.id);
    ch.bridgeId = undefined;
    ch.audiosocket?.close();
    ch.rtp?.close();
    ch.websocket?.close();
    this.channels.delete(ch.id);
  }

  chJson(ch: FakeChannel): Record<string, unknown> {
    return channelJson(ch, this.opts.channelvars);
  }

  /** Number of connected event sockets (for reconnect tests). */
  get eventClients(): number {
    return this.events.open;
  }

  /** Event sockets open now that went silent (stallEventSockets) and are still connected. */
  get stalledEventClients(): number {
    return this.events.stalled;
  }

  /**
   * The events link goes silently dead (a hung Asterisk, a lost route): the open
   * sockets get no more events and answer no pings, yet TCP is never closed.
   * New connections work normally.
   */
  stallEventSockets(): void {
    this.events.stallAll();
  }

  /** Closes the stalled sockets on this side too (what Asterisk does once its writes time out). */
  closeStalledEventSockets(): void {
    this.events.closeStalled();
  }

  /** Drops every events WebSocket (ARI connection loss); `refuseMs` keeps refusing reconnects for a while. */
  dropEventSockets(refuseMs = 0): void {
    if (refuseMs > 0) {
      this.events.refusing = true;
      this.later(refuseMs, () => (this.events.refusing = false));
    }
    this.events.dropAll();
  }

  /** While true, new events WebSocket upgrades are refused with 503 (an Asterisk restart). */
  refuseEventSockets(refuse: boolean): void {
    this.events.refusing = refuse;
  }

  // ---- channel life cycle --------------------------------------------------

  createChannel(init: Partial<FakeChannel> & Pick<FakeChannel, 'name' | 'role'>): FakeChannel {
    const ch: FakeChannel = {
      id: init.id ?? this.nextChannelId(),
      state: 'Down',
      caller: { name: '', number: '' },
      connected: { name: '', number: '' },
      dialplan: { context: 'default', exten: 's', priority: 1, app_name: '', app_data: '' },
      createdAt: Date.now(),
      vars: new Map(),
      destroyed: false,
      answered: false,
      ...init,
    };
    this.channels.set(ch.id, ch);
    this.emit('ChannelCreated', { channel: this.chJson(ch) });
    return ch;
  }

  setVar(ch: FakeChannel, name: string, value: string): void {
    ch.vars.set(name, value);
    this.emit('ChannelVarset', { variable: name, value, channel: this.chJson(ch) });
  }

  enterStasis(ch: FakeChannel, app: string, args: string[]): void {
    if (ch.destroyed) return;
    ch.dialplan = { ...ch.dialplan, app_name: 'Stasis', app_data: [app, ...args].join(',') };
    this.setVar(ch, 'STASISSTATUS', '');
    const lag = ch.role === 'audiosocket' || ch.role === 'rtp' ? this.opts.legStasisLagMs : 0;
    ch.lastApp = app;
    if (lag > 0) this.later(lag, () => !ch.destroyed && (ch.stasisApp = app));
    else ch.stasisApp = app;
    this.emit('StasisStart', { args, channel: { ...this.chJson(ch) } });
  }

  leaveStasis(ch: FakeChannel): void {
    if (!ch.stasisApp) return;
    if (ch.bridgeId) this.removeFromBridge(ch);
    ch.lastApp = ch.stasisApp;
    ch.stasisApp = undefined;
    this.emit('StasisEnd', { channel: this.chJson(ch) });
    this.setVar(ch, 'STASISSTATUS', 'SUCCESS');
  }

  setState(ch: FakeChannel, state: FakeChannel['state']): void {
    if (ch.state === state) return;
    ch.state = state;
    this.emit('ChannelStateChange', { channel: this.chJson(ch) });
  }

  /** Hangs a channel up. `soft` true for ARI/own hangups (cause 32 soft, as captured), false for a remote one. */
  hangupChannel(ch: FakeChannel, opts: { cause?: number; ari?: boolean } = {}): void {
    if (ch.destroyed) return;
    ch.destroyed = true;
    ch.hangupCause = opts.cause ?? 16;
    ch.audiosocket?.close();
    ch.rtp?.close();
    ch.websocket?.close();
    for (const p of this.playbacks.values()) if (p.channelId === ch.id) this.finishPlayback(p, 'done');
    this.emit('ChannelHangupRequest', { cause: opts.ari ? 32 : ch.hangupCause, soft: true, channel: this.chJson(ch) });
    if (ch.bridgeId) this.removeFromBridge(ch);
    if (ch.stasisApp) this.leaveStasis(ch);
    this.emit('ChannelDestroyed', { cause: 16, cause_txt: 'Normal Clearing', channel: this.chJson(ch) });
    this.channels.delete(ch.id);
  }

  // ---- bridges ---------------------------------------------------------------

  createBridge(type: string, name: string, id: string = randomUUID()): FakeBridge {
    const b: FakeBridge = { id, name, type, channels: [], createdAt: Date.now(), destroyed: false };
    this.bridges.set(id, b);
    this.emit('BridgeCreated', { bridge: bridgeJson(b) });
    return b;
  }

  addToBridge(b: FakeBridge, ch: FakeChannel): void {
    if (ch.bridgeId === b.id) return;
    if (ch.bridgeId) this.removeFromBridge(ch);
    b.channels.push(ch.id);
    ch.bridgeId = b.id;
    this.emit('ChannelEnteredBridge', { bridge: bridgeJson(b), channel: this.chJson(ch) });
    this.clock.bridgeChanged();
  }

  removeFromBridge(ch: FakeChannel): void {
    const b = ch.bridgeId ? this.bridges.get(ch.bridgeId) : undefined;
    ch.bridgeId = undefined;
    if (!b) return;
    b.channels = b.channels.filter((id) => id !== ch.id);
    this.emit('ChannelLeftBridge', { bridge: bridgeJson(b), channel: this.chJson(ch) });
  }

  destroyBridge(b: FakeBridge): void {
    for (const id of [...b.channels]) {
      const ch = this.channels.get(id);
      if (ch) this.removeFromBridge(ch);
    }
    b.destroyed = true;
    this.bridges.delete(b.id);
    this.emit('BridgeDestroyed', { bridge: bridgeJson(b) });
  }

  // ---- playbacks -------------------------------------------------------------

  startPlayback(ch: FakeChannel, media: string, id: string): FakePlayback {
    const p: FakePlayback = { id, media, targetUri: `channel:${ch.id}`, state: 'queued', channelId: ch.id };
    this.playbacks.set(id, p);
    const sound = resolveSound(media, this.opts.soundsDir);
    // PlaybackStarted arrived before the 201 in the capture: emit synchronously.
    p.state = 'playing';
    p.startedAt = Date.now();
    this.emit('PlaybackStarted', { playback: playbackJson(p) });
    if (!sound) {
      this.later(5, () => this.finishPlayback(p, 'failed'));
    } else {
      p.pcm = sound.pcm;
      p.timer = setTimeout(() => this.finishPlayback(p, 'done'), Math.max(1, sound.durationMs / this.opts.playbackSpeed));
    }
    return { ...p, state: 'queued' };
  }

  finishPlayback(p: FakePlayback, state: 'done' | 'failed'): void {
    if (p.state === 'done' || p.state === 'failed') return;
    clearTimeout(p.timer);
    p.state = state;
    this.playbacks.delete(p.id);
    const ch = this.channels.get(p.channelId);
    if (ch?.heard) ch.heard.push({ media: p.media, state });
    if (ch?.received && p.pcm && state === 'done') {
      // Stopped early (DELETE /playbacks, hangup): the caller heard only what had played.
      const played = Math.round(((Date.now() - (p.startedAt ?? Date.now())) * this.opts.playbackSpeed * 8000) / 1000);
      ch.received.push(p.pcm.subarray(0, Math.min(p.pcm.length, played)));
    }
    this.emit('PlaybackFinished', { playback: playbackJson(p) });
  }

  // ---- dialplan-like API -----------------------------------------------------

  /** A caller arrives (like `Stasis(app)` in [from-ai-agent]), with channel vars and audio to stream once bridged. */
  injectCall(opts: InjectCallOptions = {}): CallerHandle {
    return CallerHandle.inject(this, opts);
  }

  /** Open resources, for leak checks. */
  inspect(): { channels: number; bridges: number; playbacks: number; mediaLegs: number; callers: number } {
    const live = [...this.channels.values()];
    return {
      channels: live.length,
      bridges: this.bridges.size,
      playbacks: this.playbacks.size,
      mediaLegs: live.filter((c) => c.role === 'audiosocket' || c.role === 'rtp' || c.role === 'websocket').length,
      callers: live.filter((c) => c.role === 'caller').length,
    };
  }

  // ---- HTTP -------------------------------------------------------------------

  private async onRequest(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://fake');
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const reply = await dispatchAri(this.opts.users, this.routes, this.port, req, url, Buffer.concat(chunks));
    const query = Object.fromEntries(url.searchParams);
    delete query.api_key;
    this.requests.push({ method: req.method ?? 'GET', path: url.pathname, query, status: reply.status });
    writeReply(res, reply);
  }

  private onUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    const url = new URL(req.url ?? '/', 'http://fake');
    if (url.pathname.startsWith('/media/')) return this.websocketMedia.upgrade(req, socket, head);
    const reject = (status: number, text: string) => {
      socket.write(`HTTP/1.1 ${status} ${text}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n`);
      socket.destroy();
    };
    if (url.pathname !== '/ari/events') return reject(404, 'Not Found');
    if (!authenticate(this.opts.users, req, url)) return reject(401, 'Unauthorized');
    this.events.upgrade(req, socket, head, url, reject);
  }

  /** Apps with a connected events socket (GET /applications). */
  apps(): string[] {
    return this.events.apps();
  }
}
