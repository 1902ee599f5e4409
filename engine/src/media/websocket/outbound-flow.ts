/**
 * Outbound flow control for a chan_websocket leg (pure: the caller passes the
 * monotonic time in; no timers, no I/O).
 *
 * Asterisk splits each BINARY message into whole frames and plays one per
 * 20 ms tick from its own queue, so the engine does not pace frame by frame:
 * it keeps about `leadMs` queued ahead of playout (topping up when its
 * estimate falls to `lowWaterMs`) and holds the rest locally. The estimate is
 * "frames sent minus 20 ms ticks elapsed", corrected by GET_STATUS (asked
 * every `statusEveryMs` while audio flows, and after MEDIA_XOFF/XON) and by
 * each processed mark. During XOFF nothing is sent, so the queue never nears
 * the 1000 frames at which Asterisk silently drops whole messages.
 *
 * Only whole frames are sent (a burst's partial last frame is padded with
 * silence), in messages of at most 65,527 bytes rounded down to whole frames.
 * Marks: after the first frame of a burst ("first": the caller began to hear
 * it one frame before MEDIA_MARK_PROCESSED, but no later than the queue ahead
 * of it allows: a mark the engine reads late, under load, does not move the
 * moment back), after each utterance
 * ("utterance": the caller finished hearing it), and right after a flush
 * ("flush": FLUSH_MEDIA discards queued marks, so the flush is re-marked; it
 * comes back on the first empty tick, when the caller's audio has stopped).
 */
import type { AppCommand } from './control-messages.js';

/** Largest BINARY payload Asterisk 22 accepts from a client (65,535-byte frame incl. header); above it: close 1009 and hangup. */
export const MAX_BINARY_BYTES = 65_527;

export interface OutboundFlowOptions {
  /** Bytes per 20 ms frame (MEDIA_START optimal_frame_size). */
  frameBytes: number;
  frameMs?: number;
  /** Audio kept queued in Asterisk ahead of playout (default 100 ms). */
  leadMs?: number;
  /** Top up when the estimated queue falls to this (default 60 ms). */
  lowWaterMs?: number;
  /** A burst starts once this much is buffered locally, the burst ended, or `endGapMs` passed without more audio (default 0). */
  prebufferMs?: number;
  /** How long a partial frame (or a burst below the prebuffer) waits for more audio before it is padded and sent (default max(prebufferMs, 40)). */
  endGapMs?: number;
  maxMessageBytes?: number;
  /** 0x00 for slin, 0xff for µ-law. */
  silenceByte?: number;
  /** GET_STATUS interval while audio flows (default 1000 ms). */
  statusEveryMs?: number;
}

export type FlowOutput = { kind: 'audio'; data: Buffer; frames: number } | { kind: 'command'; command: AppCommand };

export type MarkOutcome =
  | { kind: 'first'; heardAt: number }
  | { kind: 'utterance'; heardAt: number; idle: boolean }
  | { kind: 'flush'; flushedAt: number; silentAt: number };

interface Mark {
  kind: 'first' | 'utterance' | 'flush';
  /** Frames sent in total when the mark was sent. */
  framesBefore: number;
  at: number;
  /** "first": frames estimated queued in Asterisk ahead of the burst's first frame when it was sent. */
  ahead?: number;
}

type Item = { kind: 'audio'; buf: Buffer } | { kind: 'end' };

export interface OutboundFlowStats {
  framesSent: number;
  messagesSent: number;
  maxMessageBytes: number;
  /** Highest queue length Asterisk reported (STATUS). */
  maxReportedQueue: number;
  statusRequests: number;
  xoffs: number;
  flushes: number;
}

export class OutboundFlow {
  private readonly fb: number;
  private readonly frameMs: number;
  private readonly leadFrames: number;
  private readonly lowFrames: number;
  private readonly prebufferBytes: number;
  private readonly endGapMs: number;
  private readonly maxFrames: number;
  private readonly statusEveryMs: number;
  private readonly items: Item[] = [];
  private headOffset = 0;
  private localBytes = 0;
  private lastPushAt = -Infinity;
  private bursting = false;
  private xoff = false;
  private wantStatus = false;
  private anchorFrames = 0;
  private anchorAt = 0;
  private status: { at: number; framesSince: number } | undefined;
  private lastStatusAt = -Infinity;
  private readonly marks = new Map<string, Mark>();
  private seq = 0;
  readonly stats: OutboundFlowStats = { framesSent: 0, messagesSent: 0, maxMessageBytes: 0, maxReportedQueue: 0, statusRequests: 0, xoffs: 0, flushes: 0 };

  constructor(private readonly opts: OutboundFlowOptions) {
    if (!Number.isInteger(opts.frameBytes) || opts.frameBytes <= 0) throw new Error(`websocket: frame size ${opts.frameBytes} is not a positive integer`);
    this.fb = opts.frameBytes;
    this.frameMs = opts.frameMs ?? 20;
    this.leadFrames = Math.max(1, Math.round((opts.leadMs ?? 100) / this.frameMs));
    this.lowFrames = Math.min(this.leadFrames - 1, Math.max(0, Math.round((opts.lowWaterMs ?? 60) / this.frameMs)));
    this.prebufferBytes = Math.ceil((opts.prebufferMs ?? 0) / this.frameMs) * this.fb;
    this.endGapMs = opts.endGapMs ?? Math.max(opts.prebufferMs ?? 0, 40);
    this.maxFrames = Math.floor(Math.min(opts.maxMessageBytes ?? MAX_BINARY_BYTES, MAX_BINARY_BYTES) / this.fb);
    if (this.maxFrames < 1) throw new Error(`websocket: frame size ${this.fb} exceeds the ${MAX_BINARY_BYTES}-byte message limit`);
    this.statusEveryMs = opts.statusEveryMs ?? 1000;
  }

  /** Queue agent audio (wire format). */
  push(audio: Buffer, now: number): void {
    if (audio.length === 0) return;
    this.items.push({ kind: 'audio', buf: audio });
    this.localBytes += audio.length;
    this.lastPushAt = now;
  }

  /** The utterance ends after the audio pushed so far: its last frame is padded and a mark follows it. */
  endUtterance(): void {
    const last = this.items.at(-1);
    if (last?.kind === 'end') return;
    if (!last && !this.bursting) return;
    this.items.push({ kind: 'end' });
  }

  /** Estimated frames queued in Asterisk (not yet played) at `now`. */
  asteriskFrames(now: number): number {
    return Math.max(0, this.anchorFrames - (now - this.anchorAt) / this.frameMs);
  }

  /** ms the caller has not heard yet: held here plus the estimate of Asterisk's queue. */
  queuedMs(now: number): number {
    return (this.localBytes / this.fb) * this.frameMs + this.asteriskFrames(now) * this.frameMs;
  }

  /** Nothing held here, no utterance awaiting its mark, no burst open. */
  get idle(): boolean {
    return this.localBytes === 0 && !this.bursting && !this.items.length && ![...this.marks.values()].some((m) => m.kind !== 'flush');
  }

  /** A burst is on its way to the caller (its first frame was sent, its end not yet). */
  get burstOpen(): boolean {
    return this.bursting;
  }

  get paused(): boolean {
    return this.xoff;
  }

  /** What to send now (audio, marks, GET_STATUS). */
  pump(now: number): FlowOutput[] {
    const out: FlowOutput[] = [];
    this.pollStatus(now, out);
    if (this.xoff) return out;
    for (;;) {
      const head = this.items[0];
      if (!head) break;
      if (head.kind === 'end') {
        this.items.shift();
        if (this.bursting) this.sendMark('utterance', now, out);
        this.bursting = false;
        continue;
      }
      if (!this.sendAudio(now, out)) break;
    }
    return out;
  }

  /** When pump() has something to do next (Infinity: only an event can change that). */
  nextWakeAt(now: number): number {
    let wake = Infinity;
    if (this.items.length && !this.xoff) {
      if (this.items[0]!.kind === 'end') return now;
      const est = this.asteriskFrames(now);
      const whole = this.wholeFramesBeforeEnd() > 0;
      if (!this.bursting && !this.mayStart(now)) wake = this.lastPushAt + this.endGapMs;
      else if (!whole && !this.endFollows()) wake = this.lastPushAt + this.endGapMs;
      else wake = est <= this.lowFrames ? now : this.anchorAt + (this.anchorFrames - this.lowFrames) * this.frameMs;
    }
    if (this.flowing(now) && !this.status) wake = Math.min(wake, Math.max(now, this.lastStatusAt + this.statusEveryMs));
    return wake;
  }

  /**
   * Drop everything not yet heard (barge-in). Returns the commands to send, the ms dropped, and
   * when the first frame of a burst whose "first" mark the flush discards was sent.
   */
  flush(now: number): { out: FlowOutput[]; droppedMs: number; cutFirstSentAt?: number } {
    const droppedMs = this.queuedMs(now);
    const sentSomething = this.asteriskFrames(now) > 0 || [...this.marks.values()].some((m) => m.kind !== 'flush');
    this.items.length = 0;
    this.headOffset = 0;
    this.localBytes = 0;
    this.bursting = false;
    if (!sentSomething) return { out: [], droppedMs };
    let cutFirstSentAt: number | undefined;
    for (const [id, m] of this.marks) {
      if (m.kind === 'flush') continue;
      if (m.kind === 'first') cutFirstSentAt = m.at;
      this.marks.delete(id);
    }
    this.anchorFrames = 0;
    this.anchorAt = now;
    if (this.status) this.status.framesSince = 0;
    this.stats.flushes++;
    const out: FlowOutput[] = [{ kind: 'command', command: { command: 'FLUSH_MEDIA' } }];
    this.sendMark('flush', now, out);
    return cutFirstSentAt === undefined ? { out, droppedMs } : { out, droppedMs, cutFirstSentAt };
  }

  onXoff(): void {
    this.xoff = true;
    this.wantStatus = true;
    this.stats.xoffs++;
  }

  onXon(): void {
    this.xoff = false;
    this.wantStatus = true;
  }

  onStatus(queueLength: number, now: number): void {
    this.stats.maxReportedQueue = Math.max(this.stats.maxReportedQueue, queueLength);
    const framesSince = this.status?.framesSince ?? 0;
    this.anchorFrames = queueLength + framesSince;
    this.anchorAt = now;
    this.status = undefined;
    this.lastStatusAt = now;
  }

  /** MEDIA_MARK_PROCESSED: undefined for ids this flow no longer waits for (flushed, or not ours). */
  onMarkProcessed(id: string, now: number): MarkOutcome | undefined {
    const m = this.marks.get(id);
    if (!m) return undefined;
    this.marks.delete(id);
    // Everything queued before the mark has played: only frames sent after it can still be queued.
    const after = this.stats.framesSent - m.framesBefore;
    if (this.asteriskFrames(now) > after) {
      this.anchorFrames = after;
      this.anchorAt = now;
    }
    if (m.kind === 'first') {
      // Asterisk plays the frame on one of its next (ahead + 1) ticks; the mark comes a tick after that.
      const latest = m.at + ((m.ahead ?? 0) + 1) * this.frameMs;
      return { kind: 'first', heardAt: Math.max(m.at, Math.min(now - this.frameMs, latest)) };
    }
    if (m.kind === 'flush') return { kind: 'flush', flushedAt: m.at, silentAt: now };
    return { kind: 'utterance', heardAt: now, idle: this.idle };
  }

  // ---- internals ---------------------------------------------------------------

  private flowing(now: number): boolean {
    return this.localBytes > 0 || this.asteriskFrames(now) > 0;
  }

  private pollStatus(now: number, out: FlowOutput[]): void {
    if (this.status) {
      if (now - this.status.at < this.statusEveryMs) return;
      this.status = undefined; // never answered (lost or an old Asterisk): ask again
    }
    const due = this.flowing(now) && now - this.lastStatusAt >= this.statusEveryMs;
    if (!this.wantStatus && !due) return;
    this.wantStatus = false;
    this.status = { at: now, framesSince: 0 };
    this.lastStatusAt = now;
    this.stats.statusRequests++;
    out.push({ kind: 'command', command: { command: 'GET_STATUS' } });
  }

  private sendMark(kind: Mark['kind'], now: number, out: FlowOutput[], ahead?: number): void {
    const id = `aava-${kind[0]}${++this.seq}`;
    this.marks.set(id, { kind, framesBefore: this.stats.framesSent, at: now, ...(ahead === undefined ? {} : { ahead }) });
    out.push({ kind: 'command', command: { command: 'MARK_MEDIA', correlationId: id } });
  }

  /** Sends one message of whole frames if the lead allows; false when nothing more goes out now. */
  private sendAudio(now: number, out: FlowOutput[]): boolean {
    const est = this.asteriskFrames(now);
    const starting = !this.bursting;
    if (starting && !this.mayStart(now)) return false;
    if (est > this.lowFrames && !(starting && est === 0)) return false;
    let frames = this.wholeFramesBeforeEnd();
    let pad = false;
    if (frames === 0) {
      if (!this.endFollows() && now - this.lastPushAt < this.endGapMs) return false;
      frames = 1;
      pad = true;
    }
    const n = starting ? 1 : Math.min(frames, this.maxFrames, Math.max(1, this.leadFrames - Math.ceil(est)));
    const data = pad ? this.takePadded() : this.take(n * this.fb);
    const sent = pad ? 1 : n;
    this.anchorFrames = est + sent;
    this.anchorAt = now;
    if (this.status) this.status.framesSince += sent;
    this.stats.framesSent += sent;
    this.stats.messagesSent++;
    this.stats.maxMessageBytes = Math.max(this.stats.maxMessageBytes, data.length);
    out.push({ kind: 'audio', data, frames: sent });
    if (starting) {
      this.bursting = true;
      if (this.lastStatusAt < now - this.statusEveryMs) this.lastStatusAt = now;
      this.sendMark('first', now, out, Math.ceil(est));
    }
    return true;
  }

  private mayStart(now: number): boolean {
    return this.localBytes > 0 && (this.localBytes >= this.prebufferBytes || this.endFollows() || now - this.lastPushAt >= this.endGapMs);
  }

  /** Whole frames of audio before the next utterance end. */
  private wholeFramesBeforeEnd(): number {
    let bytes = -this.headOffset;
    for (const it of this.items) {
      if (it.kind === 'end') break;
      bytes += it.buf.length;
    }
    return Math.floor(bytes / this.fb);
  }

  /** An utterance end follows the audio before it (so a partial frame there is final). */
  private endFollows(): boolean {
    return this.items.some((it) => it.kind === 'end');
  }

  private takePadded(): Buffer {
    const frame = Buffer.alloc(this.fb, this.opts.silenceByte ?? 0);
    let filled = 0;
    while (this.items[0]?.kind === 'audio' && filled < this.fb) {
      const h = this.items[0].buf;
      const c = Math.min(h.length - this.headOffset, this.fb - filled);
      h.copy(frame, filled, this.headOffset, this.headOffset + c);
      this.consume(c);
      filled += c;
    }
    return frame;
  }

  private take(n: number): Buffer {
    const head = this.items[0] as { kind: 'audio'; buf: Buffer };
    if (head.buf.length - this.headOffset >= n) {
      const outBuf = head.buf.subarray(this.headOffset, this.headOffset + n);
      this.consume(n);
      return outBuf;
    }
    const outBuf = Buffer.allocUnsafe(n);
    let filled = 0;
    while (filled < n) {
      const h = (this.items[0] as { kind: 'audio'; buf: Buffer }).buf;
      const c = Math.min(h.length - this.headOffset, n - filled);
      h.copy(outBuf, filled, this.headOffset, this.headOffset + c);
      this.consume(c);
      filled += c;
    }
    return outBuf;
  }

  private consume(n: number): void {
    this.headOffset += n;
    this.localBytes -= n;
    const h = this.items[0] as { kind: 'audio'; buf: Buffer };
    if (this.headOffset === h.buf.length) {
      this.items.shift();
      this.headOffset = 0;
    }
  }
}
