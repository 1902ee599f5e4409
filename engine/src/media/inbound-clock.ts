/**
 * One leg's inbound clock: from the first inbound frame (or startInbound(),
 * when the call is answered) to hangup the conversation gets exactly one
 * 20 ms frame per slot of the engine's clock, slot_k = t0 + k·20 ms.
 *
 * - A real frame is handed on at once, on arrival (never held for a tick):
 *   it takes the oldest slot not yet delivered.
 * - A slot nobody filled is synthesized (silence of the leg's format: PCM
 *   zeros, µ-law 0xFF) once it is `jitterMs` overdue. Real PBX legs send no
 *   frames at all while the caller is silent (transmit_silence off, DTX, a
 *   quiet bridge peer), so without this nothing downstream would see time pass.
 * - A burst of late frames that arrives after its slots were synthesized is
 *   not counted twice: while synthesized slots are unpaid, real frames may run
 *   at most `maxLeadMs` ahead of the clock and the excess is dropped (one per
 *   unpaid slot). Over any window the conversation sees 50 frames per second
 *   of wall time. (A sender faster than real time while nothing was ever
 *   synthesized, which a PBX never is, passes through: no real audio is
 *   dropped for it.)
 * - A frame shorter than a frame (the last partial frame of a prompt: 298 B
 *   slin, 149 B µ-law in the captures) is padded with silence; a longer one
 *   takes as many slots as it holds.
 * - `gapFrames` (RTP: a timestamp jump over a silent gap) synthesizes the
 *   skipped slots the ticks have not filled yet, so the timeline stays exact.
 *
 * The shared FrameScheduler services every leg's clock in its inbound phase,
 * after pending socket reads (see pacer.ts). No timer per leg.
 */
import type { FrameScheduler, InboundTicker } from './pacer.js';

/** A slot is synthesized once it is this late (ms). Bursts in the captures close gaps of up to ~110 ms; p99 jitter is 26 ms. */
export const INBOUND_JITTER_MS = 40;
/** Real frames may run this far ahead of the clock (ms) after synthesized slots; the captures show bursts of at most 3 frames. */
export const INBOUND_MAX_LEAD_MS = 60;
/** After a stall longer than this many slots, the clock re-anchors instead of synthesizing them all at once. */
const MAX_FILL_PER_TICK = 50;

export interface InboundClockOptions {
  frameBytes: number;
  /** Byte value of silence: 0x00 for pcm16, 0xff for µ-law. */
  silenceByte: number;
  jitterMs?: number;
  maxLeadMs?: number;
  /** Hands one frame to the conversation; `synthesized` = a silent frame the clock made up. */
  deliver(frame: Buffer, at: number, synthesized: boolean): void;
  /** Counts synthesized frames (the transport aggregates them per tick). */
  onFill?(): void;
  /** Serviced at the start of each tick (RTP: the jitter buffer releases packets it held). */
  poll?(now: number): void;
  /** When `poll` next needs to run (Infinity = nothing held). */
  pollAt?(): number;
}

export interface InboundClockStats {
  real: number;
  synthesized: number;
  dropped: number;
}

export class InboundClock implements InboundTicker {
  private started = false;
  private closed = false;
  private t0 = 0;
  private k = 0;
  /** Slots synthesized since the last real frame. */
  private fillsSinceReal = 0;
  /** Slots the ticks synthesized that late real frames may stand for (frames too far ahead are dropped against them). */
  private fillDebt = 0;
  private readonly frameMs: number;
  private readonly jitterMs: number;
  private readonly maxLeadMs: number;
  private readonly silence: Buffer;
  readonly stats: InboundClockStats = { real: 0, synthesized: 0, dropped: 0 };

  constructor(
    private readonly sched: FrameScheduler,
    private readonly opts: InboundClockOptions,
  ) {
    this.frameMs = sched.frameMs;
    this.jitterMs = opts.jitterMs ?? INBOUND_JITTER_MS;
    this.maxLeadMs = opts.maxLeadMs ?? INBOUND_MAX_LEAD_MS;
    this.silence = Buffer.alloc(opts.frameBytes, opts.silenceByte);
    sched.attachInbound(this);
  }

  get running(): boolean {
    return this.started && !this.closed;
  }

  /** Starts the clock at `at` if no frame started it yet (the call was answered). */
  start(at = this.sched.now()): void {
    if (this.started || this.closed) return;
    this.started = true;
    this.t0 = at;
    this.k = 0;
    this.sched.wakeFor(this);
  }

  /**
   * A raw arrival from the transport. `frame` undefined = a slot known to be lost
   * (RTP sequence gap): synthesized now. `gapFrames` = slots the sender skipped before it.
   */
  arrive(frame: Buffer | undefined, at: number, gapFrames = 0): void {
    if (this.closed) return;
    if (!this.started) this.start(at);
    // The sender's timestamps say it skipped `gapFrames` slots: the ticks' fills for them were right
    // (no late burst follows), and the frame after the gap is not one of a burst.
    const afterGap = gapFrames > 0;
    if (afterGap) this.fillDebt = Math.max(0, this.fillDebt - Math.min(gapFrames, this.fillsSinceReal));
    for (let i = this.fillsSinceReal; i < gapFrames && !this.closed; i++) {
      if (!this.fill(at, true)) break;
    }
    if (!frame) {
      this.fill(at, true);
      return;
    }
    const fb = this.opts.frameBytes;
    for (let off = 0; off < frame.length && !this.closed; off += fb) {
      if (!afterGap && this.fillDebt > 0 && this.slotTime(this.k) > at + this.maxLeadMs) {
        this.fillDebt--;
        this.stats.dropped++;
        continue;
      }
      let piece = frame.length - off >= fb ? frame.subarray(off, off + fb) : frame.subarray(off);
      if (piece.length < fb) {
        const padded = Buffer.alloc(fb, this.opts.silenceByte);
        piece.copy(padded);
        piece = padded;
      }
      this.k++;
      this.stats.real++;
      this.opts.deliver(piece, at, false);
    }
    this.fillsSinceReal = 0;
    this.sched.wakeFor(this);
  }

  nextWake(): number {
    if (this.closed) return Infinity;
    const poll = this.opts.pollAt?.() ?? Infinity;
    const pollWake = poll === Infinity ? Infinity : this.sched.snapUp(poll);
    if (!this.started) return pollWake;
    return Math.min(pollWake, this.sched.snapUp(this.slotTime(this.k) + this.jitterMs));
  }

  tick(now: number): void {
    if (this.closed) return;
    this.opts.poll?.(now);
    if (!this.started) return;
    let n = 0;
    while (!this.closed && this.slotTime(this.k) + this.jitterMs <= now + 1) {
      if (n >= MAX_FILL_PER_TICK) {
        // Stalled for over a second: re-anchor so the next slot is the one due now.
        this.t0 = now - this.jitterMs - this.k * this.frameMs + this.frameMs;
        break;
      }
      this.fill(now, false);
      n++;
    }
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.sched.detachInbound(this);
  }

  private slotTime(k: number): number {
    return this.t0 + k * this.frameMs;
  }

  /** Synthesizes the next slot; on arrival (`capped`) only within the lead allowed to real frames. */
  private fill(at: number, capped: boolean): boolean {
    if (capped && this.slotTime(this.k) > at + this.maxLeadMs) return false;
    this.k++;
    this.fillsSinceReal++;
    if (!capped) this.fillDebt++;
    this.stats.synthesized++;
    this.opts.onFill?.();
    this.opts.deliver(this.silence, at, true);
    return true;
  }
}

/**
 * A leg's inbound clock that emits each frame as `audio` on the leg's events, through one payload object
 * rewritten per frame (no allocation per frame; listeners read it, never keep it).
 */
export function legInboundClock(
  sched: FrameScheduler,
  events: { emit(event: 'audio', payload: { frame: Buffer; at: number; synthesized: boolean }): void },
  opts: Omit<InboundClockOptions, 'deliver'>,
): InboundClock {
  const ev: { frame: Buffer; at: number; synthesized: boolean } = { frame: Buffer.alloc(0), at: 0, synthesized: false };
  return new InboundClock(sched, {
    ...opts,
    deliver: (frame, at, synthesized) => {
      ev.frame = frame;
      ev.at = at;
      ev.synthesized = synthesized;
      events.emit('audio', ev);
    },
  });
}
