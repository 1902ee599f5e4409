/**
 * One call's chan_websocket media path, once Asterisk sent MEDIA_START:
 * BINARY messages in are caller audio, each one `arrive()` into the leg's
 * inbound clock on the engine's shared media clock (the captures show no
 * frames while the caller is quiet; the clock synthesizes those slots). TEXT
 * messages are control events. Outbound audio goes through the OutboundFlow
 * (short queue ahead of Asterisk's own 20 ms playout, XOFF/XON, marks), woken
 * by an alarm on the same media clock (no timer per leg). `firstFrameOut`,
 * `drained` and whenDrained() follow MEDIA_MARK_PROCESSED: when the caller
 * began and finished hearing a burst, not when it was sent.
 */
import type WebSocket from 'ws';
import type { Logger } from '../../observability/logger.js';
import { frameBytes, type AudioFormat } from '../audio-format.js';
import type { MediaClock, MediaLeg, MediaLegEvents } from '../transport.js';
import type { Alarm, FrameScheduler } from '../pacer.js';
import { InboundClock } from '../inbound-clock.js';
import { TypedEmitter } from '../../util/typed-emitter.js';
import { formatCommand, parseControlMessage, type AppCommand, type ControlFormat, type MediaStart } from './control-messages.js';
import { OutboundFlow, type FlowOutput, type OutboundFlowOptions } from './outbound-flow.js';

export interface WebSocketLegOptions {
  id: string;
  socket: WebSocket;
  start: MediaStart;
  controlFormat: ControlFormat;
  wireFormat: AudioFormat;
  flow: Omit<OutboundFlowOptions, 'frameBytes' | 'silenceByte'>;
  log: Logger;
  /** The engine's media clock: the inbound clock and the outbound wake-ups run on it. */
  scheduler: FrameScheduler;
  /** Counts synthesized inbound frames (the transport's FillTally). */
  onFill?(): void;
  onBytes?: (dir: 'rx' | 'tx', bytes: number) => void;
  /** Flow-control events (metrics). */
  onFlowEvent?: (event: 'xoff' | 'xon' | 'flush') => void;
  /** Called once when the leg is gone (transport bookkeeping). */
  onGone(): void;
}

/** Per-leg counters (tests, bench). */
export interface WebSocketLegStats {
  /** BINARY messages received (real inbound frames). */
  framesIn: number;
  /** Provider audio → first message of its burst sent (ms), the engine's share of the outbound delay. */
  firstSentDelayMs: number[];
  /** Engine view of flush → silence: FLUSH_MEDIA sent → its re-mark processed (ms). */
  flushToSilenceMs: number[];
  errors: string[];
}

/** Socket write backlog beyond which no more audio is handed to the socket (the PBX is not reading). */
const MAX_WRITE_BACKLOG_BYTES = 256 * 1024;

export class WebSocketLeg implements MediaLeg {
  readonly kind = 'websocket' as const;
  readonly id: string;
  readonly wireFormat: AudioFormat;
  readonly events = new TypedEmitter<MediaLegEvents>();
  readonly channelId: string;
  readonly legStats: WebSocketLegStats = { framesIn: 0, firstSentDelayMs: [], flushToSilenceMs: [], errors: [] };
  readonly flow: OutboundFlow;
  readonly clock: MediaClock;
  private readonly socket: WebSocket;
  private readonly log: Logger;
  private readonly inbound: InboundClock;
  private readonly wake: Alarm;
  private wakeAt = Infinity;
  private lastOut: { frame: Buffer; at: number } | undefined;
  /** When the first audio of the burst not yet sent was enqueued. */
  private burstPushedAt: number | undefined;
  private waiters: Array<() => void> = [];
  private closing: Promise<void> | undefined;
  private isClosed = false;

  constructor(private readonly opts: WebSocketLegOptions) {
    this.id = opts.id;
    this.wireFormat = opts.wireFormat;
    this.socket = opts.socket;
    this.channelId = opts.start.channelId;
    this.log = opts.log.child({ callId: opts.id, channel: opts.start.channelId });
    const silenceByte = opts.wireFormat.encoding === 'ulaw' ? 0xff : 0;
    this.flow = new OutboundFlow({ ...opts.flow, frameBytes: opts.start.optimalFrameSize, silenceByte });
    const sched = opts.scheduler;
    this.clock = { now: () => sched.now(), alarm: (fire) => sched.alarm(fire) };
    this.inbound = new InboundClock(sched, {
      frameBytes: frameBytes(opts.wireFormat),
      silenceByte,
      deliver: (frame, at, synthesized) => this.events.emit('audio', { frame, at, synthesized }),
      onFill: opts.onFill,
    });
    this.wake = sched.alarm(() => {
      this.wakeAt = Infinity;
      this.pump();
    });
    this.socket.on('message', (data, isBinary) => this.onMessage(data as Buffer, isBinary));
    this.socket.on('close', (code, reason) => this.onSocketClose(code, reason.toString()));
    this.socket.on('error', (err) => this.log.debug({ err: err.message }, 'media websocket error'));
  }

  get closed(): boolean {
    return this.isClosed;
  }

  /** An outbound wake-up is armed on the media clock (leak checks). */
  get timerPending(): boolean {
    return this.wakeAt !== Infinity;
  }

  /**
   * One raw inbound arrival (wire format, as Asterisk sent it; the last frame of a prompt may be short),
   * into the leg's inbound clock (see transport.ts); `at` defaults to now on the media clock.
   */
  arrive(frame: Buffer | undefined, at = this.clock.now(), gapFrames = 0): void {
    if (this.isClosed) return;
    if (frame) this.legStats.framesIn++;
    this.inbound.arrive(frame, at, gapFrames);
  }

  startInbound(): void {
    this.inbound.start();
  }

  /** Real, synthesized and dropped inbound frames so far. */
  inboundStats(): InboundClock['stats'] {
    return { ...this.inbound.stats };
  }

  lastFrameOut(): { frame: Buffer; at: number } | undefined {
    return this.lastOut;
  }

  enqueue(audio: Buffer): void {
    if (this.isClosed || audio.length === 0) return;
    const now = this.clock.now();
    if (!this.flow.burstOpen && this.burstPushedAt === undefined) this.burstPushedAt = now;
    this.flow.push(audio, now);
    this.pump();
  }

  markEndOfBurst(): void {
    if (this.isClosed) return;
    this.flow.endUtterance();
    this.pump();
  }

  flush(): number {
    if (this.isClosed) return 0;
    const now = this.clock.now();
    this.burstPushedAt = undefined;
    this.lastOut = undefined;
    const wasIdle = this.flow.idle;
    const r = this.flow.flush(now);
    this.send(r.out);
    if (r.out.length) this.opts.onFlowEvent?.('flush');
    if (r.cutFirstSentAt !== undefined) this.events.emit('firstFrameOut', { at: r.cutFirstSentAt });
    if (!wasIdle) this.settle();
    this.schedule();
    return r.droppedMs;
  }

  /** ms the caller has not heard yet (held here + Asterisk's queue); at least one frame while a mark is awaited. */
  queuedMs(): number {
    const ms = this.flow.queuedMs(this.clock.now());
    return this.flow.idle ? ms : Math.max(ms, this.opts.start.ptime || 20);
  }

  whenDrained(): Promise<void> {
    if (this.isClosed || this.flow.idle) return Promise.resolve();
    // Audio went out without an utterance end: mark its end so the caller's hearing of it is reported.
    this.flow.endUtterance();
    this.pump();
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  /** Ends the call's media: HANGUP (Asterisk hangs the channel up and closes with 1000). */
  close(): Promise<void> {
    return this.shutdown('local');
  }

  /** Closes for any reason; emits `closed` exactly once. */
  shutdown(reason: MediaLegEvents['closed']['reason'], error?: Error): Promise<void> {
    if (this.closing) return this.closing;
    this.isClosed = true;
    this.inbound.close();
    this.wake.close();
    this.wakeAt = Infinity;
    this.lastOut = undefined;
    this.closing = this.teardown(reason).finally(() => {
      this.settle();
      this.opts.onGone();
      this.events.emit('closed', error ? { reason, error } : { reason });
      this.events.removeAllListeners();
    });
    return this.closing;
  }

  /** Sends a command now (tests and diagnostics, e.g. GET_STATUS). */
  command(cmd: AppCommand): void {
    this.send([{ kind: 'command', command: cmd }]);
  }

  // ---- internals ---------------------------------------------------------------

  private teardown(reason: MediaLegEvents['closed']['reason']): Promise<void> {
    const ws = this.socket;
    if (ws.readyState === ws.CLOSED) return Promise.resolve();
    return new Promise<void>((resolve) => {
      const t = setTimeout(() => {
        ws.terminate();
        resolve();
      }, 1000);
      t.unref();
      ws.once('close', () => {
        clearTimeout(t);
        resolve();
      });
      if (reason === 'local' && ws.readyState === ws.OPEN) this.command({ command: 'HANGUP' });
      else if (ws.readyState === ws.OPEN) ws.close(1000);
      else ws.terminate();
    });
  }

  private onMessage(data: Buffer, isBinary: boolean): void {
    this.opts.onBytes?.('rx', data.length);
    if (this.isClosed) return;
    if (isBinary) return this.arrive(data);
    const parsed = parseControlMessage(data.toString('utf8'));
    if (!parsed.ok) {
      this.log.warn({ err: parsed.error }, 'media websocket: unreadable control message');
      return;
    }
    const m = parsed.message;
    const now = this.clock.now();
    switch (m.event) {
      case 'MEDIA_XOFF':
        this.log.debug({ queuedMs: Math.round(this.queuedMs()) }, 'MEDIA_XOFF: pausing outbound audio');
        this.flow.onXoff();
        this.opts.onFlowEvent?.('xoff');
        break;
      case 'MEDIA_XON':
        this.flow.onXon();
        this.opts.onFlowEvent?.('xon');
        break;
      case 'STATUS':
        this.flow.onStatus(m.queueLength, now);
        break;
      case 'MEDIA_MARK_PROCESSED':
        this.onMark(m.correlationId, now);
        break;
      case 'DTMF_END':
        if (m.digit) this.events.emit('dtmf', { digit: m.digit });
        break;
      case 'ERROR':
        this.legStats.errors.push(m.errorText.trim());
        this.log.warn({ error: m.errorText.trim() }, 'Asterisk reported a media websocket error');
        break;
      default:
        break;
    }
    this.pump();
  }

  private onMark(id: string, now: number): void {
    const r = this.flow.onMarkProcessed(id, now);
    if (!r) return;
    if (r.kind === 'first') this.events.emit('firstFrameOut', { at: r.heardAt });
    else if (r.kind === 'flush') {
      this.legStats.flushToSilenceMs.push(r.silentAt - r.flushedAt);
      if (this.legStats.flushToSilenceMs.length > 1000) this.legStats.flushToSilenceMs.shift();
    } else {
      this.events.emit('heard', { at: r.heardAt });
      if (r.idle) this.settle();
    }
  }

  /** Outbound is idle (heard, flushed or closed): `drained` and the whenDrained() waiters. */
  private settle(): void {
    if (!this.isClosed) this.events.emit('drained', undefined);
    const w = this.waiters;
    this.waiters = [];
    for (const r of w) r();
  }

  private pump(): void {
    if (this.isClosed) return;
    if (this.socket.bufferedAmount > MAX_WRITE_BACKLOG_BYTES) {
      // TCP toward the PBX is backed up: hold the audio here and look again a frame later.
      this.arm(this.clock.now() + 20);
      return;
    }
    this.send(this.flow.pump(this.clock.now()));
    this.schedule();
  }

  /** Arms the outbound wake-up for when the flow next has something to do (after a pump or a flush). */
  private schedule(): void {
    if (this.isClosed) return;
    const now = this.clock.now();
    const wake = this.flow.nextWakeAt(now);
    if (wake === Infinity) {
      this.wake.clear();
      this.wakeAt = Infinity;
      return;
    }
    this.arm(Math.max(wake, now + 1));
  }

  private arm(at: number): void {
    this.wakeAt = at;
    this.wake.set(at);
  }

  private send(out: FlowOutput[]): void {
    const ws = this.socket;
    if (ws.readyState !== ws.OPEN) return;
    for (const o of out) {
      if (o.kind === 'audio') {
        ws.send(o.data, { binary: true });
        this.opts.onBytes?.('tx', o.data.length);
        this.sentAudio(o.data);
      } else ws.send(formatCommand(o.command, this.opts.controlFormat));
    }
  }

  /** Bookkeeping of agent audio handed to the socket: the meter's last frame, the engine's share of the outbound delay. */
  private sentAudio(data: Buffer): void {
    const now = this.clock.now();
    const fb = this.opts.start.optimalFrameSize;
    this.lastOut = { frame: data.subarray(Math.max(0, data.length - fb)), at: now };
    if (this.burstPushedAt === undefined) return;
    this.legStats.firstSentDelayMs.push(now - this.burstPushedAt);
    if (this.legStats.firstSentDelayMs.length > 1000) this.legStats.firstSentDelayMs.shift();
    this.burstPushedAt = undefined;
  }

  private onSocketClose(code: number, reason: string): void {
    if (this.closing) return;
    if (code === 1009) {
      void this.shutdown('error', new Error('Asterisk closed the media websocket with 1009 (a message over 65,527 bytes) and hung up'));
      return;
    }
    // 1000: Asterisk hung the channel up (HANGUP, DELETE /channels, or the call ended); anything else is a drop.
    if (code !== 1000) this.log.info({ code, reason }, 'media websocket closed');
    void this.shutdown(code === 1000 || code === 1001 ? 'remote_hangup' : 'error', code === 1000 || code === 1001 ? undefined : new Error(`media websocket closed (code ${code})`));
  }
}
