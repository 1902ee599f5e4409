/**
 * A small RTP jitter buffer (pure; the caller supplies the time). In-order
 * packets are released at once (no added delay); only when a sequence gap
 * appears are later packets held, for at most `maxDelayMs`, waiting for the
 * missing one. After that the gap is declared lost (filled with `lost` entries,
 * capped) and playout continues. Late and duplicate packets are dropped.
 */
import { seqDiff } from './packet.js';

export interface JitterBufferOptions {
  /** Longest a packet is held waiting for a missing earlier one (0–60 ms). */
  maxDelayMs: number;
  /** ms per packet (default 20). */
  frameMs?: number;
  /** At most this many `lost` entries are emitted for one gap (default maxDelayMs / frameMs, at least 1). */
  maxFillFrames?: number;
  /** A jump larger than this (either way) is a new stream: resynchronise (default 200 packets). */
  resyncGap?: number;
}

export interface JitterOut {
  seq: number;
  /** Undefined when `lost`. */
  payload: Buffer | undefined;
  /** The packet's RTP timestamp, when push() was given one (undefined when `lost`). */
  timestamp?: number;
  lost: boolean;
}

export interface JitterStats {
  received: number;
  released: number;
  late: number;
  duplicate: number;
  lost: number;
  reordered: number;
  resyncs: number;
}

export class JitterBuffer {
  private expected: number | undefined;
  private readonly pending = new Map<number, { payload: Buffer; at: number; timestamp: number | undefined }>();
  private readonly maxDelayMs: number;
  private readonly frameMs: number;
  private readonly maxFill: number;
  private readonly resyncGap: number;
  readonly stats: JitterStats = { received: 0, released: 0, late: 0, duplicate: 0, lost: 0, reordered: 0, resyncs: 0 };

  constructor(opts: JitterBufferOptions) {
    if (!(opts.maxDelayMs >= 0 && opts.maxDelayMs <= 60)) throw new Error(`jitter buffer: maxDelayMs ${opts.maxDelayMs} is outside 0–60 ms`);
    this.maxDelayMs = opts.maxDelayMs;
    this.frameMs = opts.frameMs ?? 20;
    this.maxFill = opts.maxFillFrames ?? Math.max(1, Math.floor(this.maxDelayMs / this.frameMs));
    this.resyncGap = opts.resyncGap ?? 200;
  }

  /** Packets held waiting for a gap to close. */
  get held(): number {
    return this.pending.size;
  }

  push(seq: number, payload: Buffer, now: number, timestamp?: number): JitterOut[] {
    this.stats.received++;
    const out: JitterOut[] = [];
    if (this.expected === undefined) this.expected = seq;
    const d = seqDiff(seq, this.expected);
    if (Math.abs(d) > this.resyncGap) {
      // A new stream (or a huge loss): play out what is held, restart at this packet.
      this.stats.resyncs++;
      this.releaseAllHeld(out);
      this.expected = seq;
    } else if (d < 0) {
      this.stats.late++;
      return out;
    }
    if (this.pending.has(seq)) {
      this.stats.duplicate++;
      return out;
    }
    for (const s of this.pending.keys()) {
      if (seqDiff(s, seq) > 0) {
        this.stats.reordered++;
        break;
      }
    }
    this.pending.set(seq, { payload, at: now, timestamp });
    this.release(out, now);
    return out;
  }

  /** Releases what waited long enough; call when `nextDeadline()` has passed. */
  poll(now: number): JitterOut[] {
    const out: JitterOut[] = [];
    this.release(out, now);
    return out;
  }

  /** When poll() should run next (Infinity if nothing is held). */
  nextDeadline(): number {
    let oldest = Infinity;
    for (const p of this.pending.values()) if (p.at < oldest) oldest = p.at;
    return oldest === Infinity ? Infinity : oldest + this.maxDelayMs;
  }

  reset(): void {
    this.pending.clear();
    this.expected = undefined;
  }

  private release(out: JitterOut[], now: number): void {
    for (;;) {
      this.releaseInOrder(out);
      if (this.pending.size === 0) return;
      // A gap before the held packets: give up on it once the oldest held packet has waited
      // maxDelayMs, or as soon as more is held than the buffer may delay.
      const overfull = this.pending.size * this.frameMs > this.maxDelayMs;
      if (!overfull && this.nextDeadline() > now) return;
      this.skipGap(out);
    }
  }

  private releaseInOrder(out: JitterOut[]): void {
    let exp = this.expected!;
    let p = this.pending.get(exp);
    while (p) {
      this.pending.delete(exp);
      out.push({ seq: exp, payload: p.payload, timestamp: p.timestamp, lost: false });
      this.stats.released++;
      exp = (exp + 1) & 0xffff;
      p = this.pending.get(exp);
    }
    this.expected = exp;
  }

  private skipGap(out: JitterOut[]): void {
    let first: number | undefined;
    for (const s of this.pending.keys()) if (first === undefined || seqDiff(s, first) < 0) first = s;
    if (first === undefined) return;
    const missing = seqDiff(first, this.expected!);
    this.stats.lost += missing;
    for (let i = 0; i < Math.min(missing, this.maxFill); i++) out.push({ seq: (this.expected! + i) & 0xffff, payload: undefined, lost: true });
    this.expected = first;
  }

  private releaseAllHeld(out: JitterOut[]): void {
    const seqs = [...this.pending.keys()].sort((a, b) => seqDiff(a, b));
    for (const s of seqs) {
      const p = this.pending.get(s)!;
      out.push({ seq: s, payload: p.payload, timestamp: p.timestamp, lost: false });
      this.stats.released++;
    }
    this.pending.clear();
  }
}
