/**
 * One leg's outbound queue, paced by the shared FrameScheduler: exactly one
 * frame per 20 ms tick, deadlines t0 + k·20 ms on the scheduler's monotonic
 * clock. A burst starts once `prebufferMs` is queued (or the producer marked
 * its end); an underrun inside a burst rebuffers; `underrun: 'silence'` keeps
 * a continuous stream of silence frames between bursts. On a continuous
 * stream a burst's first frame does not wait for its slot: it goes out as soon
 * as the burst is playable, as the frame of the next slot (at most one slot
 * early), and the grid stays, so the frame count still matches the wall clock.
 */

/** A frame deadline counts as due this early (ms): timers fire up to ~1 ms early or late. */
export const EARLY_MS = 1;

/** What a stream needs from the scheduler that drives it (FrameScheduler implements it). */
export interface StreamClock {
  readonly frameMs: number;
  readonly maxCatchUpFrames: number;
  now(): number;
  /** First grid point at or after `t`. */
  snapUp(t: number): number;
  /** Make sure the shared timer fires no later than this stream needs. */
  wakeFor(s: PacedStream): void;
  detach(s: PacedStream): void;
  /** A frame due at `deadline` is going on the wire now (the scheduler measures how late, if anyone listens). */
  reportSent(deadline: number): void;
  /** Runs `fn` once the current job is done (a microtask; at once on a manual clock). */
  soon(fn: () => void): void;
}

export interface PacedStreamOptions {
  frameBytes: number;
  /** Playout of a burst starts once this much is queued (or the burst ended). */
  prebufferMs: number;
  /** On underrun: send silence frames (AudioSocket) or nothing (RTP). */
  underrun: 'silence' | 'nothing';
  /** Byte value of silence: 0x00 for pcm16, 0xff for µ-law. */
  silenceByte?: number;
  /**
   * Puts one frame on the wire. `first` = first frame of a burst; `silence` = filler;
   * `deadline` = when it was due (consecutive frames differ by exactly frameMs; use it for RTP timestamps).
   * `info` is one object per stream, rewritten for every frame (no allocation per frame): read it, don't keep it.
   */
  send(frame: Buffer, info: FrameInfo): void;
  onFirstFrameOut?(at: number): void;
  onDrained?(): void;
}

export interface FrameInfo {
  at: number;
  deadline: number;
  first: boolean;
  silence: boolean;
}

type State = 'idle' | 'buffering' | 'playing';

export class PacedStream {
  private readonly queue: Buffer[] = [];
  private headOffset = 0;
  private queued = 0;
  private state: State = 'idle';
  private t0 = 0;
  private k = 0;
  private lastEnqueueAt = -Infinity;
  private lastSentAt = -Infinity;
  private burstStarted = false;
  private endMarked = false;
  private waiters: Array<() => void> = [];
  private readonly silence: Buffer;
  private readonly endGapMs: number;
  /** Handed to every send(), rewritten per frame. */
  private readonly info: FrameInfo = { at: 0, deadline: 0, first: false, silence: false };
  private closedFlag = false;
  private pullPending = false;
  /** Frames sent (audio + silence) and underruns, for stats. */
  framesSent = 0;
  underruns = 0;

  constructor(
    private readonly sched: StreamClock,
    private readonly opts: PacedStreamOptions,
  ) {
    this.silence = Buffer.alloc(opts.frameBytes, opts.silenceByte ?? 0);
    this.endGapMs = Math.max(opts.prebufferMs, 2 * sched.frameMs);
  }

  get closed(): boolean {
    return this.closedFlag;
  }

  /** @internal */
  activate(now: number): void {
    this.t0 = this.sched.snapUp(now);
    this.k = 0;
  }

  enqueue(audio: Buffer): void {
    if (this.closedFlag || audio.length === 0) return;
    const now = this.sched.now();
    this.queue.push(audio);
    this.queued += audio.length;
    this.lastEnqueueAt = now;
    this.endMarked = false;
    if (this.state === 'idle') this.state = 'buffering';
    if (this.state === 'buffering' && this.queuedMs() >= this.opts.prebufferMs && this.queued >= this.opts.frameBytes) {
      this.startPlayout(now);
    }
    this.sched.wakeFor(this);
  }

  /** The producer says no more audio follows for now: play out what is queued without waiting for the prebuffer. */
  markEndOfBurst(): void {
    if (this.closedFlag || this.queued === 0) return;
    this.endMarked = true;
    if (this.state === 'buffering') this.startPlayout(this.sched.now());
    this.sched.wakeFor(this);
  }

  /** Drops everything queued. Returns the ms dropped. */
  flush(): number {
    const ms = this.queuedMs();
    this.queue.length = 0;
    this.headOffset = 0;
    this.queued = 0;
    this.endMarked = false;
    const had = ms > 0 || this.state !== 'idle';
    this.state = 'idle';
    this.burstStarted = false;
    if (had) this.drained();
    this.sched.wakeFor(this);
    return ms;
  }

  queuedMs(): number {
    return (this.queued / this.opts.frameBytes) * this.sched.frameMs;
  }

  whenDrained(): Promise<void> {
    if (this.queued === 0 || this.closedFlag) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  close(): void {
    if (this.closedFlag) return;
    this.closedFlag = true;
    this.queue.length = 0;
    this.queued = 0;
    const w = this.waiters;
    this.waiters = [];
    for (const r of w) r();
    this.sched.detach(this);
  }

  /** @internal When this stream next needs the scheduler (Infinity = never). */
  nextWake(): number {
    if (this.closedFlag) return Infinity;
    const deadline = this.t0 + this.k * this.sched.frameMs;
    if (this.state === 'playing' || this.opts.underrun === 'silence') {
      if (this.state === 'buffering') return Math.min(deadline, this.lastEnqueueAt + this.endGapMs);
      return deadline;
    }
    if (this.state === 'buffering') return this.lastEnqueueAt + this.endGapMs;
    return Infinity;
  }

  /** @internal */
  tick(now: number): void {
    if (this.closedFlag) return;
    if (this.state === 'buffering' && (this.endMarked || now - this.lastEnqueueAt >= this.endGapMs)) this.startPlayout(now);
    const continuous = this.opts.underrun === 'silence';
    if (this.state !== 'playing' && !continuous) return;
    const fm = this.sched.frameMs;
    let sent = 0;
    while (this.t0 + this.k * fm <= now + EARLY_MS) {
      if (sent >= this.sched.maxCatchUpFrames) {
        // Stalled far behind: re-anchor instead of bursting the backlog.
        this.activate(now);
        break;
      }
      const deadline = this.t0 + this.k * fm;
      this.k++;
      sent++;
      this.emitOne(now, deadline);
      if (this.closedFlag) return;
      if (this.state !== 'playing' && !continuous) break;
    }
  }

  private startPlayout(now: number): void {
    this.state = 'playing';
    if (this.opts.underrun === 'silence') {
      // Continuous stream: the grid stays; the burst's first frame may go out ahead of its slot.
      if (!this.pullPending) {
        this.pullPending = true;
        this.sched.soon(this.pullForward);
      }
    } else {
      // Was idle or rebuffering: anchor a new grid from now, never closer than one frame after the last frame sent.
      this.t0 = Math.max(this.sched.snapUp(now), this.lastSentAt + this.sched.frameMs);
      this.k = 0;
    }
  }

  /**
   * A continuous stream's burst just became playable: its first frame goes out now, as the frame of the next
   * slot, unless that slot is more than one frame ahead (it was pulled already). Asterisk does the same after a
   * gap (frames back to back, the count matching the wall clock), and a frame never waits up to 20 ms for its slot.
   */
  private readonly pullForward = (): void => {
    this.pullPending = false;
    if (this.closedFlag || this.state !== 'playing' || this.burstStarted) return;
    const now = this.sched.now();
    const fm = this.sched.frameMs;
    const deadline = this.t0 + this.k * fm;
    if (deadline <= now + EARLY_MS) this.tick(now);
    else if (deadline <= now + fm + EARLY_MS) {
      this.k++;
      this.emitOne(now, deadline);
    }
    this.sched.wakeFor(this);
  };

  private emitOne(now: number, deadline: number): void {
    const fb = this.opts.frameBytes;
    if (this.state === 'playing') {
      let frame: Buffer | undefined;
      if (this.queued >= fb) frame = this.take(fb);
      else if (this.queued > 0 && (this.endMarked || now - this.lastEnqueueAt >= this.endGapMs)) {
        frame = Buffer.alloc(fb, this.opts.silenceByte ?? 0);
        const rest = this.take(this.queued);
        rest.copy(frame, 0);
      }
      if (frame) {
        const first = !this.burstStarted;
        this.burstStarted = true;
        this.put(frame, now, deadline, first, false);
        if (first) this.opts.onFirstFrameOut?.(now);
        if (this.queued === 0) {
          this.state = 'idle';
          this.burstStarted = false;
          this.endMarked = false;
          this.drained();
        }
        return;
      }
      // Underrun inside a burst: rebuffer.
      this.underruns++;
      this.state = 'buffering';
    }
    if (this.opts.underrun === 'silence') this.put(this.silence, now, deadline, false, true);
  }

  private put(frame: Buffer, now: number, deadline: number, first: boolean, silence: boolean): void {
    this.lastSentAt = now;
    this.framesSent++;
    this.sched.reportSent(deadline);
    const info = this.info;
    info.at = now;
    info.deadline = deadline;
    info.first = first;
    info.silence = silence;
    this.opts.send(frame, info);
  }

  private take(n: number): Buffer {
    const head = this.queue[0]!;
    if (head.length - this.headOffset >= n) {
      const out = head.subarray(this.headOffset, this.headOffset + n);
      this.headOffset += n;
      if (this.headOffset === head.length) {
        this.queue.shift();
        this.headOffset = 0;
      }
      this.queued -= n;
      return out;
    }
    const out = Buffer.allocUnsafe(n);
    let filled = 0;
    while (filled < n) {
      const h = this.queue[0]!;
      const avail = h.length - this.headOffset;
      const c = Math.min(avail, n - filled);
      h.copy(out, filled, this.headOffset, this.headOffset + c);
      filled += c;
      this.headOffset += c;
      if (this.headOffset === h.length) {
        this.queue.shift();
        this.headOffset = 0;
      }
    }
    this.queued -= n;
    return out;
  }

  private drained(): void {
    this.opts.onDrained?.();
    const w = this.waiters;
    this.waiters = [];
    for (const r of w) r();
  }
}
