/**
 * Caller-side latency detection: energy onset/offset over short frames of the
 * remote (agent) stream, and the test-call report built from it. Pure.
 */

export interface EnergyFrame {
  /** Frame start, ms on the analysis clock. */
  tMs: number;
  /** Frame length in ms. */
  durMs: number;
  /** RMS level, 0–1 (full scale). */
  rms: number;
}

export interface Segment {
  startMs: number;
  endMs: number;
}

export interface SegmenterOptions {
  /** Level (dBFS) a frame must exceed to count as sound. */
  onDb: number;
  /** Level (dBFS) below which a frame counts as silence (hysteresis: ≤ onDb). */
  offDb: number;
  /** Sound must last this long before a segment is reported (rejects clicks). */
  minOnMs: number;
  /** Silence must last this long before the segment is closed. */
  hangoverMs: number;
}

const DEFAULT_SEGMENTER: SegmenterOptions = { onDb: -45, offDb: -50, minOnMs: 30, hangoverMs: 250 };

export function dbfs(rms: number): number {
  return rms > 0 ? 20 * Math.log10(rms) : -Infinity;
}

/**
 * Incremental detector. Onset time is the start of the first loud frame of
 * the run, offset the end of the last loud frame, so neither depends on
 * minOnMs/hangoverMs (those only delay the decision).
 */
export class Segmenter {
  private readonly opts: SegmenterOptions;
  private runStart: number | null = null;
  private lastLoudEnd = 0;
  private open: Segment | null = null;
  readonly segments: Segment[] = [];

  constructor(opts: Partial<SegmenterOptions> = {}, private readonly onChange?: (s: Segment, done: boolean) => void) {
    this.opts = { ...DEFAULT_SEGMENTER, ...opts };
  }

  push(frame: EnergyFrame): void {
    const level = dbfs(frame.rms);
    const end = frame.tMs + frame.durMs;
    const loud = level >= (this.open || this.runStart !== null ? this.opts.offDb : this.opts.onDb);
    if (loud) {
      if (this.runStart === null && !this.open) this.runStart = frame.tMs;
      this.lastLoudEnd = end;
      if (!this.open && this.runStart !== null && end - this.runStart >= this.opts.minOnMs) {
        this.open = { startMs: this.runStart, endMs: end };
        this.onChange?.(this.open, false);
      } else if (this.open) {
        this.open.endMs = end;
      }
      return;
    }
    if (this.open) {
      if (end - this.lastLoudEnd >= this.opts.hangoverMs) this.close();
    } else if (this.runStart !== null && end - this.lastLoudEnd >= this.opts.hangoverMs) {
      this.runStart = null; // too short: a click
    }
  }

  /** Closes an open segment (end of call). */
  flush(): void {
    if (this.open) this.close();
    this.runStart = null;
  }

  /** The segment currently sounding, if any. */
  current(): Segment | null {
    return this.open ? { ...this.open } : null;
  }

  private close() {
    const seg = { startMs: this.open!.startMs, endMs: this.lastLoudEnd };
    this.segments.push(seg);
    this.open = null;
    this.runStart = null;
    this.onChange?.(seg, true);
  }
}

export function detectSegments(frames: readonly EnergyFrame[], opts: Partial<SegmenterOptions> = {}): Segment[] {
  const s = new Segmenter(opts);
  for (const f of frames) s.push(f);
  s.flush();
  return s.segments;
}

export interface TestCallTimes {
  /** When the INVITE went out (analysis clock, ms). */
  inviteAtMs: number;
  /** When the call was answered (200 OK), or null. */
  answeredAtMs: number | null;
  /** Scripted caller utterances as played (start/end on the analysis clock). */
  callerSegments: readonly Segment[];
  /** Agent audio detected in the remote stream. */
  agentSegments: readonly Segment[];
}

export interface TestCallFigures {
  answerMs: number | null;
  greetingLatencyMs: number | null;
  replyLatenciesMs: (number | null)[];
  /** ms since the INVITE. */
  timeline: { kind: 'caller' | 'agent'; startMs: number; endMs: number }[];
}

const r1 = (n: number) => Math.round(n);

/**
 * Answer time: INVITE → 200 OK. Greeting latency: answer → first agent
 * audio. Reply latency per utterance: end of that caller utterance → the
 * first agent onset after it (and before the next utterance starts).
 */
export function computeTestCallFigures(t: TestCallTimes): TestCallFigures {
  const agent = [...t.agentSegments].sort((a, b) => a.startMs - b.startMs);
  const caller = [...t.callerSegments].sort((a, b) => a.startMs - b.startMs);
  const answerMs = t.answeredAtMs === null ? null : r1(t.answeredAtMs - t.inviteAtMs);
  let greetingLatencyMs: number | null = null;
  if (t.answeredAtMs !== null) {
    const firstUtterance = caller[0]?.startMs ?? Infinity;
    const first = agent.find((s) => s.startMs >= t.answeredAtMs! && s.startMs < firstUtterance);
    greetingLatencyMs = first ? r1(first.startMs - t.answeredAtMs) : null;
  }
  const replyLatenciesMs = caller.map((u, i) => {
    const nextStart = caller[i + 1]?.startMs ?? Infinity;
    const reply = agent.find((s) => s.startMs >= u.endMs && s.startMs < nextStart);
    return reply ? r1(reply.startMs - u.endMs) : null;
  });
  const rel = (kind: 'caller' | 'agent') => (s: Segment) => ({ kind, startMs: r1(s.startMs - t.inviteAtMs), endMs: r1(s.endMs - t.inviteAtMs) });
  const timeline = [...caller.map(rel('caller')), ...agent.map(rel('agent'))].sort((a, b) => a.startMs - b.startMs);
  return { answerMs, greetingLatencyMs, replyLatenciesMs, timeline };
}

/**
 * Where the audible part of a clip starts and ends (ms from its start), by the
 * same energy detection: WAVs and TTS output carry leading/trailing silence, and
 * "end of caller audio" must mean the end of what was heard. Null when silent.
 */
export function audibleBounds(samples: Float32Array, sampleRate: number, opts: Partial<SegmenterOptions> = {}): Segment | null {
  const frame = Math.max(1, Math.round(sampleRate / 100));
  const durMs = (frame / sampleRate) * 1000;
  const frames: EnergyFrame[] = [];
  for (let i = 0; i < samples.length; i += frame) {
    const end = Math.min(samples.length, i + frame);
    let sum = 0;
    for (let j = i; j < end; j++) sum += samples[j]! * samples[j]!;
    frames.push({ tMs: (i / sampleRate) * 1000, durMs: ((end - i) / sampleRate) * 1000 || durMs, rms: Math.sqrt(sum / Math.max(1, end - i)) });
  }
  const segs = detectSegments(frames, { hangoverMs: 500, ...opts });
  if (!segs.length) return null;
  return { startMs: segs[0]!.startMs, endMs: Math.min(segs[segs.length - 1]!.endMs, (samples.length / sampleRate) * 1000) };
}
