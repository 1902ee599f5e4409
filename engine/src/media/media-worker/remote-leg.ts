/**
 * An AudioSocket leg whose socket lives in a media worker, as the engine's
 * thread holds it: the same MediaLeg as an in-thread leg. The inbound clock
 * runs here on the engine's media clock (arrivals come as records, stamped in
 * the worker when they came off the socket); agent audio and commands go to
 * the worker as records; the queue's state is read from the leg's shared
 * memory (leg-share.ts), so queuedMs() and flush() answer at once.
 */
import { performance } from 'node:perf_hooks';
import { frameBytes, type AudioFormat } from '../audio-format.js';
import { legInboundClock, type InboundClock } from '../inbound-clock.js';
import type { FrameScheduler } from '../pacer.js';
import type { MediaClock, MediaLeg, MediaLegEvents } from '../transport.js';
import { TypedEmitter } from '../../util/typed-emitter.js';
import type { LegShare } from './leg-share.js';
import type { RecordWriter } from './records.js';

export interface RemoteLegOptions {
  /** The leg's number in its worker. */
  leg: number;
  callId: string;
  wireFormat: AudioFormat;
  share: LegShare;
  scheduler: FrameScheduler;
  /** Records to the worker (sent once per event-loop turn). */
  out(): RecordWriter;
  onFill?(): void;
}

/** Epoch ms (the worker's stamps) → this thread's performance.now() clock. */
const fromEpoch = (epoch: number): number => epoch - performance.timeOrigin;

export class RemoteLeg implements MediaLeg {
  readonly kind = 'audiosocket' as const;
  readonly id: string;
  readonly wireFormat: AudioFormat;
  readonly events = new TypedEmitter<MediaLegEvents>();
  readonly clock: MediaClock;
  private readonly inbound: InboundClock;
  private readonly frameBytes: number;
  /** Bytes of agent audio posted to the worker so far (mod 2^32, like the worker's count). */
  private posted = 0;
  /** The newest flush: the worker's events of older bursts are stale. */
  private gen = 0;
  private postedAtFlush = 0;
  /** Audio was enqueued since the last drain or flush. */
  private inBurst = false;
  private waiters: Array<() => void> = [];
  private isClosed = false;
  private closing: Promise<void> | undefined;
  private resolveClosed: (() => void) | undefined;

  constructor(private readonly o: RemoteLegOptions) {
    this.id = o.callId;
    this.wireFormat = o.wireFormat;
    this.frameBytes = frameBytes(o.wireFormat);
    const sched = o.scheduler;
    this.clock = { now: () => sched.now(), alarm: (fire) => sched.alarm(fire) };
    this.inbound = legInboundClock(sched, this.events, { frameBytes: this.frameBytes, silenceByte: 0, onFill: o.onFill });
  }

  get closed(): boolean {
    return this.isClosed;
  }

  // ---- from the worker ----

  /**
   * A raw arrival, on this thread's clock now (not the worker's stamp): the inbound clock decides its fills on this
   * clock, so a frame that waited in the port counts as late as one that waited in a socket does in-thread; with the
   * stamp, frames of a delayed batch looked further ahead of the clock and were dropped as a burst's excess.
   * `payload` is a view on the whole batch (every leg's frames of one turn): the leg hands on its own copy, so a
   * consumer that keeps caller audio (an STT turn, a pre-roll) keeps 320 bytes, not the batch around them.
   */
  arrived(payload: Buffer): void {
    if (!this.isClosed) this.inbound.arrive(Buffer.from(payload), this.o.scheduler.now());
  }

  dtmf(digit: string): void {
    if (!this.isClosed) this.events.emit('dtmf', { digit });
  }

  firstOut(gen: number, atEpoch: number): void {
    if (gen === this.gen && !this.isClosed) this.events.emit('firstFrameOut', { at: fromEpoch(atEpoch) });
  }

  /** The worker's queue ran empty; stale if a flush came since or newer audio is on its way. */
  drained(gen: number): void {
    if (gen !== this.gen || this.isClosed || this.queuedMs() > 0) return;
    this.inBurst = false;
    this.events.emit('drained', undefined);
    this.releaseWaiters();
  }

  /** The worker closed the socket (remote hangup, error, or our own close done). */
  workerClosed(reason: MediaLegEvents['closed']['reason'], error?: Error): void {
    if (!this.closing) this.beginClose();
    this.events.emit('closed', error ? { reason, error } : { reason });
    this.events.removeAllListeners();
    this.resolveClosed?.();
  }

  // ---- MediaLeg ----

  startInbound(): void {
    this.inbound.start();
  }

  enqueue(audio: Buffer): void {
    if (this.isClosed || audio.length === 0) return;
    this.o.out().enqueue(this.o.leg, audio);
    this.posted = (this.posted + audio.length) | 0;
    this.inBurst = true;
  }

  markEndOfBurst(): void {
    if (!this.isClosed) this.o.out().endOfBurst(this.o.leg);
  }

  flush(): number {
    const ms = this.queuedMs();
    const had = ms > 0 || this.inBurst;
    this.gen++;
    this.postedAtFlush = this.posted;
    this.inBurst = false;
    if (this.isClosed) return ms;
    this.o.out().flush(this.o.leg, this.gen);
    if (had) {
      this.events.emit('drained', undefined);
      this.releaseWaiters();
    }
    return ms;
  }

  queuedMs(): number {
    const share = this.o.share;
    const bytes =
      share.flushGen() === this.gen
        ? share.queuedBytes() + ((this.posted - share.receivedBytes()) | 0)
        : (this.posted - this.postedAtFlush) | 0; // the worker has not flushed yet: only what came after counts
    return (Math.max(0, bytes) / this.frameBytes) * 20;
  }

  whenDrained(): Promise<void> {
    if (this.isClosed || this.queuedMs() === 0) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  lastFrameOut(): { frame: Buffer; at: number } | undefined {
    const last = this.o.share.lastFrame();
    return last ? { frame: last.frame, at: fromEpoch(last.atEpoch) } : undefined;
  }

  close(): Promise<void> {
    if (this.closing) return this.closing;
    this.beginClose();
    this.o.out().close(this.o.leg);
    return this.closing!;
  }

  private beginClose(): void {
    this.isClosed = true;
    this.inbound.close();
    this.releaseWaiters();
    this.closing = new Promise<void>((resolve) => (this.resolveClosed = resolve));
  }

  private releaseWaiters(): void {
    const w = this.waiters;
    this.waiters = [];
    for (const r of w) r();
  }
}
