/**
 * What every transport's leg shares: the event emitter, the inbound clock
 * (raw arrivals in, one clocked frame per 20 ms slot out), the paced outbound
 * queue, and idempotent close. Transports supply how a frame goes on the wire
 * and how the underlying socket is torn down, and push arrivals with arrive().
 */
import type { AudioFormat } from './audio-format.js';
import { frameBytes } from './audio-format.js';
import type { MediaClock, MediaLeg, MediaLegEvents } from './transport.js';
import type { TransportKind } from '../api/calls.js';
import { TypedEmitter } from '../util/typed-emitter.js';
import type { FrameInfo, FrameScheduler, PacedStream } from './pacer.js';
import { legInboundClock, type InboundClock, type InboundClockOptions } from './inbound-clock.js';

export interface PacedLegOptions {
  kind: TransportKind;
  id: string;
  wireFormat: AudioFormat;
  scheduler: FrameScheduler;
  prebufferMs: number;
  underrun: 'silence' | 'nothing';
  sendFrame(frame: Buffer, info: FrameInfo): void;
  /** Tear down the socket; called once. */
  teardown(reason: MediaLegEvents['closed']['reason']): Promise<void>;
  /** Counts synthesized inbound frames (a transport's FillTally). */
  onFill?(): void;
  /** RTP: the jitter buffer serviced by the inbound clock's ticks. */
  poll?: InboundClockOptions['poll'];
  pollAt?: InboundClockOptions['pollAt'];
}

/** Synthesized inbound frames of one transport, reported once per scheduler tick. */
export class FillTally {
  private pending = 0;
  private off: (() => void) | undefined;

  constructor(private readonly report?: (frames: number) => void) {}

  readonly add = (): void => {
    this.pending++;
  };

  /** Reports through `report` at the end of every inbound phase of `scheduler`. */
  attach(scheduler: FrameScheduler): void {
    this.detach();
    if (!this.report) return;
    this.off = scheduler.onTickEnd(() => {
      if (this.pending === 0) return;
      const n = this.pending;
      this.pending = 0;
      this.report!(n);
    });
  }

  detach(): void {
    this.off?.();
    this.off = undefined;
  }
}

export class PacedLeg implements MediaLeg {
  readonly kind: TransportKind;
  readonly id: string;
  readonly wireFormat: AudioFormat;
  readonly events = new TypedEmitter<MediaLegEvents>();
  readonly clock: MediaClock;
  private readonly stream: PacedStream;
  private readonly inbound: InboundClock;
  /** The last agent (non-silence) frame sent and when; one object per leg, updated per frame. */
  private readonly lastOut: { frame: Buffer | undefined; at: number } = { frame: undefined, at: 0 };
  private closing: Promise<void> | undefined;
  private isClosed = false;

  constructor(private readonly opts: PacedLegOptions) {
    this.kind = opts.kind;
    this.id = opts.id;
    this.wireFormat = opts.wireFormat;
    const sched = opts.scheduler;
    const silenceByte = opts.wireFormat.encoding === 'ulaw' ? 0xff : opts.wireFormat.encoding === 'alaw' ? 0xd5 : 0;
    this.clock = { now: () => sched.now(), alarm: (fire) => sched.alarm(fire) };
    this.stream = sched.createStream({
      frameBytes: frameBytes(opts.wireFormat),
      prebufferMs: opts.prebufferMs,
      underrun: opts.underrun,
      silenceByte,
      send: (frame, info) => {
        if (!info.silence) {
          this.lastOut.frame = frame;
          this.lastOut.at = info.at;
        }
        opts.sendFrame(frame, info);
      },
      onFirstFrameOut: (at) => this.events.emit('firstFrameOut', { at }),
      onDrained: () => this.events.emit('drained', undefined),
    });
    this.inbound = legInboundClock(sched, this.events, {
      frameBytes: frameBytes(opts.wireFormat),
      silenceByte,
      onFill: opts.onFill,
      poll: opts.poll,
      pollAt: opts.pollAt,
    });
  }

  get closed(): boolean {
    return this.isClosed;
  }

  /** A raw arrival from the socket (see transport.ts for the contract); `at` defaults to now on the media clock. */
  arrive(frame: Buffer | undefined, at = this.opts.scheduler.now(), gapFrames = 0): void {
    if (this.isClosed) return;
    this.inbound.arrive(frame, at, gapFrames);
  }

  /** A DTMF digit the transport received. */
  receiveDtmf(digit: string): void {
    if (!this.isClosed) this.events.emit('dtmf', { digit });
  }

  startInbound(): void {
    this.inbound.start();
  }

  /** Real, synthesized and dropped inbound frames so far. */
  inboundStats(): InboundClock['stats'] {
    return { ...this.inbound.stats };
  }

  enqueue(audio: Buffer): void {
    if (this.isClosed) return;
    this.stream.enqueue(audio);
  }

  /** No more audio follows for now: play out the queue without waiting for the prebuffer. */
  markEndOfBurst(): void {
    this.stream.markEndOfBurst();
  }

  flush(): number {
    return this.stream.flush();
  }

  queuedMs(): number {
    return this.stream.queuedMs();
  }

  whenDrained(): Promise<void> {
    return this.stream.whenDrained();
  }

  lastFrameOut(): { frame: Buffer; at: number } | undefined {
    const { frame, at } = this.lastOut;
    return frame ? { frame, at } : undefined;
  }

  /** Frames sent so far (audio and silence) and underruns, for diagnostics. */
  pacingStats(): { framesSent: number; underruns: number } {
    return { framesSent: this.stream.framesSent, underruns: this.stream.underruns };
  }

  close(): Promise<void> {
    return this.shutdown('local');
  }

  /** Closes for any reason (remote hangup, error, local); emits `closed` exactly once. */
  shutdown(reason: MediaLegEvents['closed']['reason'], error?: Error): Promise<void> {
    if (this.closing) return this.closing;
    this.isClosed = true;
    this.stream.close();
    this.inbound.close();
    this.lastOut.frame = undefined;
    this.closing = this.opts.teardown(reason).finally(() => {
      this.events.emit('closed', error ? { reason, error } : { reason });
      this.events.removeAllListeners();
    });
    return this.closing;
  }
}
