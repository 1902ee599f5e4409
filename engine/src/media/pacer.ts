/**
 * The engine's one media clock: a single timer that services every leg of
 * every transport. Each wake-up has two phases:
 *
 * 1. outbound (in the timer callback): every PacedStream sends the frames that
 *    are due (deadline_k = t0 + k·20 ms, so timer lateness never accumulates);
 * 2. inbound (in a setImmediate right after, i.e. after pending socket reads
 *    were handled): inbound clocks synthesize the slots that are overdue and
 *    alarms (end-of-speech deadlines) fire. Running after I/O means a burst of
 *    late frames that waited in the socket during a stall is delivered before
 *    the clock decides those slots were missing.
 *
 * Wake-up times are snapped up to a `gridMs` grid so N legs cause at most
 * frameMs/gridMs distinct wake-ups per frame, not N.
 */
import { performance } from 'node:perf_hooks';
import { EARLY_MS, PacedStream, type PacedStreamOptions, type StreamClock } from './paced-stream.js';

export { PacedStream, type FrameInfo, type PacedStreamOptions } from './paced-stream.js';

export interface FrameSchedulerOptions {
  /** Frame duration in ms (default 20). */
  frameMs?: number;
  /** Start times and wake-ups are snapped up to this grid (ms, default 5; 0 = no snapping). */
  gridMs?: number;
  /** Monotonic clock in ms (default performance.now). */
  now?: () => number;
  /** No real timer: the owner calls runDue(now) (deterministic tests); both phases run at once. */
  manual?: boolean;
  /** After a stall, send at most this many overdue frames per stream in one tick, then re-anchor (default 5). */
  maxCatchUpFrames?: number;
  /** Called for each frame sent: the clock when it is handed to the transport minus its deadline (ms). */
  onLateness?: (lateMs: number) => void;
}

/** Something serviced in the inbound phase (an inbound clock, an alarm). */
export interface InboundTicker {
  /** When it next needs the scheduler (ms on the scheduler's clock; Infinity = not now). */
  nextWake(): number;
  tick(now: number): void;
}

/** A one-shot deadline serviced by the shared timer (no timer per call). */
export interface Alarm {
  /** (Re)arm for `at` (ms on the media clock); replaces any earlier setting. */
  set(at: number): void;
  clear(): void;
  /** Detach for good. */
  close(): void;
}

export class FrameScheduler implements StreamClock {
  readonly frameMs: number;
  readonly gridMs: number;
  readonly now: () => number;
  private readonly manual: boolean;
  readonly maxCatchUpFrames: number;
  private readonly onLateness: ((ms: number) => void) | undefined;
  private readonly streams = new Set<PacedStream>();
  private readonly inbound = new Set<InboundTicker>();
  private readonly tickEnd = new Set<() => void>();
  private timer: NodeJS.Timeout | undefined;
  private timerAt = Infinity;
  private immediate: NodeJS.Immediate | undefined;
  private readonly epoch: number;
  private running = false;
  private stopped = false;
  /**
   * Earliest wake-up of the streams / inbound tickers, computed while ticking them (no extra scan per
   * wake-up) and lowered by wakeFor() in between. A stale early value costs one empty wake-up.
   */
  private streamWake = Infinity;
  private inboundWake = Infinity;
  /** Timer wake-ups so far (outbound phases), for the bench. */
  wakeups = 0;

  constructor(opts: FrameSchedulerOptions = {}) {
    this.frameMs = opts.frameMs ?? 20;
    this.gridMs = opts.gridMs ?? 5;
    this.now = opts.now ?? (() => performance.now());
    this.manual = opts.manual ?? false;
    this.maxCatchUpFrames = opts.maxCatchUpFrames ?? 5;
    this.onLateness = opts.onLateness;
    this.epoch = this.now();
  }

  createStream(opts: PacedStreamOptions): PacedStream {
    if (this.stopped) throw new Error('FrameScheduler is stopped');
    const s = new PacedStream(this, opts);
    this.streams.add(s);
    s.activate(this.now());
    this.wakeFor(s);
    return s;
  }

  /** Services `t` in every inbound phase until detachInbound(t). */
  attachInbound(t: InboundTicker): void {
    if (this.stopped) throw new Error('FrameScheduler is stopped');
    this.inbound.add(t);
    this.wakeFor(t);
  }

  detachInbound(t: InboundTicker): void {
    this.inbound.delete(t);
    this.dropTimerIfIdle();
  }

  /** A deadline whose `fire(now)` runs in the inbound phase once `at` has passed. */
  alarm(fire: (now: number) => void): Alarm {
    let at = Infinity;
    const ticker: InboundTicker = {
      nextWake: () => (at === Infinity ? Infinity : this.snapUp(at)),
      tick: (now) => {
        if (at === Infinity || now + EARLY_MS < at) return;
        at = Infinity;
        fire(now);
      },
    };
    this.inbound.add(ticker);
    return {
      set: (t) => {
        at = t;
        this.wakeFor(ticker);
      },
      clear: () => {
        at = Infinity;
      },
      close: () => {
        at = Infinity;
        this.detachInbound(ticker);
      },
    };
  }

  /** `fn` runs once at the end of every inbound phase (per-tick metric aggregation). Returns an unsubscribe. */
  onTickEnd(fn: () => void): () => void {
    this.tickEnd.add(fn);
    return () => this.tickEnd.delete(fn);
  }

  /** Streams attached (open legs). */
  get size(): number {
    return this.streams.size;
  }

  /** Whether a timer is pending (for leak checks). */
  get timerPending(): boolean {
    return this.timer !== undefined;
  }

  /** First grid point at or after `t`. */
  snapUp(t: number): number {
    if (this.gridMs <= 0) return t;
    return this.epoch + Math.ceil((t - this.epoch) / this.gridMs - 1e-9) * this.gridMs;
  }

  /** Runs what is due at `now`: outbound frames, then (after pending I/O, or at once when manual) the inbound phase. */
  runDue(now = this.now()): void {
    if (this.running) return;
    this.running = true;
    this.wakeups++;
    this.streamWake = Infinity;
    let wake = Infinity;
    try {
      for (const s of this.streams) {
        s.tick(now);
        const w = s.nextWake();
        if (w < wake) wake = w;
      }
    } finally {
      this.running = false;
      if (wake < this.streamWake) this.streamWake = wake;
    }
    if (this.manual) this.runInbound(now);
    else if (!this.immediate && this.inboundWake <= now + EARLY_MS) {
      this.immediate = setImmediate(() => {
        this.immediate = undefined;
        this.runInbound(this.now());
      });
    }
    this.reschedule();
  }

  /**
   * Runs the outbound phase now if the timer's deadline has come (a socket-read callback calls it): a thread that
   * reads hundreds of sockets in one poll phase would otherwise hold every frame due meanwhile until it is done.
   */
  serviceIfDue(): void {
    if (this.running || !this.timer || this.manual) return;
    const now = this.now();
    if (now + EARLY_MS < this.timerAt) return;
    this.clearTimer();
    this.runDue(now);
  }

  /** @internal */
  detach(s: PacedStream): void {
    this.streams.delete(s);
    this.dropTimerIfIdle();
  }

  /** @internal O(1): make sure the timer fires no later than `s` needs it. */
  wakeFor(s: { nextWake(): number }): void {
    if (this.manual || this.stopped) return;
    const w = s.nextWake();
    if (s instanceof PacedStream) {
      if (w < this.streamWake) this.streamWake = w;
    } else if (w < this.inboundWake) this.inboundWake = w;
    if (this.running) return;
    if (w < this.timerAt) this.armAt(w);
  }

  /** @internal */
  reportSent(deadline: number): void {
    // The clock is read per frame (not the tick's start), so a leg serviced late in a busy tick counts as late.
    if (this.onLateness) this.onLateness(this.now() - deadline);
  }

  /** @internal */
  soon(fn: () => void): void {
    if (this.manual) fn();
    else queueMicrotask(fn);
  }

  /** Earliest wake-up anything attached wants (ms on this clock), Infinity if none. */
  nextWake(): number {
    let wake = Infinity;
    for (const s of this.streams) wake = Math.min(wake, s.nextWake());
    // While an inbound phase is queued, its clients re-arm the timer when it ran.
    if (!this.immediate) for (const t of this.inbound) wake = Math.min(wake, t.nextWake());
    return wake;
  }

  stop(): void {
    this.stopped = true;
    for (const s of [...this.streams]) s.close();
    this.inbound.clear();
    this.tickEnd.clear();
    if (this.immediate) clearImmediate(this.immediate);
    this.immediate = undefined;
    this.clearTimer();
  }

  private runInbound(now: number): void {
    if (this.stopped) return;
    this.inboundWake = Infinity;
    let wake = Infinity;
    for (const t of this.inbound) {
      t.tick(now);
      const w = t.nextWake();
      if (w < wake) wake = w;
    }
    if (wake < this.inboundWake) this.inboundWake = wake;
    for (const fn of this.tickEnd) fn();
    this.reschedule();
  }

  /** Re-arm the shared timer for the earliest wake-up of anything attached. */
  private reschedule(): void {
    if (this.running || this.manual || this.stopped) return;
    // While an inbound phase is queued, its clients re-arm the timer when it ran.
    const wake = this.immediate ? this.streamWake : Math.min(this.streamWake, this.inboundWake);
    if (wake === Infinity) {
      this.clearTimer();
      return;
    }
    if (this.timer && this.timerAt <= wake) return;
    this.armAt(wake);
  }

  private armAt(wake: number): void {
    this.clearTimer();
    const delay = Math.max(0, Math.ceil(wake - EARLY_MS - this.now()));
    this.timerAt = wake;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.timerAt = Infinity;
      this.runDue();
    }, delay);
    this.timer.unref?.();
  }

  private dropTimerIfIdle(): void {
    // A stale timer only causes one empty wake-up; with nothing attached, drop it now.
    if (this.streams.size === 0 && this.inbound.size === 0) this.clearTimer();
  }

  private clearTimer(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    this.timerAt = Infinity;
  }
}
