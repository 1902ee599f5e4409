/**
 * Pure latency maths for the charts: time buckets with p50/p95 per provider,
 * the mean per-stage breakdown, and a histogram. No I/O, no DOM.
 */
import type { LatencyPoint, TurnLatency } from '../api/contract';

/** Nearest-rank percentile of an ascending-sorted array (q in 0..1). */
export function percentile(sorted: number[], q: number): number | null {
  if (sorted.length === 0) return null;
  const rank = Math.ceil(q * sorted.length);
  return sorted[Math.min(sorted.length - 1, Math.max(0, rank - 1))] ?? null;
}

/** The total a caller feels: last voiced frame → first agent audio on the wire (falls back to the last stage known). */
export function turnTotalMs(t: Pick<TurnLatency, 'sttFinalMs' | 'llmFirstTokenMs' | 'ttsFirstByteMs' | 'firstAudioMs'>): number | null {
  return t.firstAudioMs ?? t.ttsFirstByteMs ?? t.llmFirstTokenMs ?? t.sttFinalMs ?? null;
}

export function turnToPoint(t: TurnLatency): LatencyPoint | null {
  const total = turnTotalMs(t);
  if (total === null) return null;
  return {
    at: t.endOfSpeechAt,
    provider: t.provider,
    totalMs: total,
    endOfTurnMs: t.endOfTurnMs ?? null,
    sttFinalMs: t.sttFinalMs,
    llmFirstTokenMs: t.llmFirstTokenMs,
    ttsFirstByteMs: t.ttsFirstByteMs,
    providerAudioMs: t.providerAudioMs ?? null,
    firstAudioMs: t.firstAudioMs,
  };
}

/**
 * One turn's stages as the call views show them, from the caller's last voiced frame: the
 * end-of-speech wait first (engine VAD, or the provider's end-of-turn event), then the pipeline stages.
 */
export const TURN_STAGES = [
  { key: 'wait', label: 'Last voiced frame → end of turn (end-of-speech wait)' },
  { key: 'stt', label: 'End of turn → STT final' },
  { key: 'llm', label: 'STT final → LLM first token' },
  { key: 'tts', label: 'LLM first token → TTS first byte' },
  { key: 'audio', label: 'TTS first byte → first audio on the wire' },
] as const;
export type TurnStageKey = (typeof TURN_STAGES)[number]['key'];

/** Splits one turn's cumulative marks (ms after the last voiced frame) into TURN_STAGES durations; a missing stage counts 0. */
export function turnStageDurations(t: Pick<TurnLatency, 'endOfTurnMs' | 'sttFinalMs' | 'llmFirstTokenMs' | 'ttsFirstByteMs' | 'firstAudioMs'>): Record<TurnStageKey, number> {
  const marks = [t.endOfTurnMs, t.sttFinalMs, t.llmFirstTokenMs, t.ttsFirstByteMs, t.firstAudioMs];
  const out = [0, 0, 0, 0, 0];
  let prev = 0;
  marks.forEach((m, i) => {
    if (m === null || m === undefined) return;
    out[i] = Math.max(0, m - prev);
    prev = Math.max(prev, m);
  });
  return { wait: out[0] ?? 0, stt: out[1] ?? 0, llm: out[2] ?? 0, tts: out[3] ?? 0, audio: out[4] ?? 0 };
}

export interface PercentileSeries {
  /** Bucket start times, seconds (uPlot's x unit). */
  x: number[];
  /** Per provider: p50 and p95 per bucket, null where the bucket is empty. */
  byProvider: Record<string, { p50: (number | null)[]; p95: (number | null)[]; count: number[] }>;
}

export function bucketPercentiles(points: LatencyPoint[], fromMs: number, toMs: number, bucketMs: number): PercentileSeries {
  const n = Math.max(1, Math.ceil((toMs - fromMs) / bucketMs));
  const x = Array.from({ length: n }, (_, i) => (fromMs + i * bucketMs) / 1000);
  const groups = new Map<string, number[][]>();
  for (const p of points) {
    if (p.at < fromMs || p.at >= toMs) continue;
    const i = Math.floor((p.at - fromMs) / bucketMs);
    let g = groups.get(p.provider);
    if (!g) {
      g = Array.from({ length: n }, () => []);
      groups.set(p.provider, g);
    }
    g[i]?.push(p.totalMs);
  }
  const byProvider: PercentileSeries['byProvider'] = {};
  for (const [provider, buckets] of [...groups].sort(([a], [b]) => a.localeCompare(b))) {
    const p50: (number | null)[] = [];
    const p95: (number | null)[] = [];
    const count: number[] = [];
    for (const b of buckets) {
      b.sort((a, c) => a - c);
      p50.push(percentile(b, 0.5));
      p95.push(percentile(b, 0.95));
      count.push(b.length);
    }
    byProvider[provider] = { p50, p95, count };
  }
  return { x, byProvider };
}

export const STAGES = [
  { key: 'stt', label: 'End of speech → STT final' },
  { key: 'llm', label: 'STT final → LLM first token' },
  { key: 'tts', label: 'LLM first token → TTS first byte' },
  { key: 'audio', label: 'TTS first byte → first audio' },
] as const;
export type StageKey = (typeof STAGES)[number]['key'];

/** Splits one turn's cumulative marks into stage durations (a missing stage counts 0). */
export function stageDurations(p: Pick<LatencyPoint, 'sttFinalMs' | 'llmFirstTokenMs' | 'ttsFirstByteMs' | 'firstAudioMs'>): Record<StageKey, number> {
  const marks = [p.sttFinalMs, p.llmFirstTokenMs, p.ttsFirstByteMs, p.firstAudioMs];
  const out = [0, 0, 0, 0];
  let prev = 0;
  marks.forEach((m, i) => {
    if (m === null || m === undefined) return;
    out[i] = Math.max(0, m - prev);
    prev = m;
  });
  return { stt: out[0] ?? 0, llm: out[1] ?? 0, tts: out[2] ?? 0, audio: out[3] ?? 0 };
}

/** Mean stage durations per bucket, stacked cumulatively (for a stacked area chart). */
export function stackedStages(points: LatencyPoint[], fromMs: number, toMs: number, bucketMs: number): { x: number[]; stacks: (number | null)[][] } {
  const n = Math.max(1, Math.ceil((toMs - fromMs) / bucketMs));
  const x = Array.from({ length: n }, (_, i) => (fromMs + i * bucketMs) / 1000);
  const sums = Array.from({ length: n }, () => [0, 0, 0, 0]);
  const counts = new Array<number>(n).fill(0);
  for (const p of points) {
    if (p.at < fromMs || p.at >= toMs) continue;
    const i = Math.floor((p.at - fromMs) / bucketMs);
    const d = stageDurations(p);
    const row = sums[i];
    if (!row) continue;
    row[0]! += d.stt;
    row[1]! += d.llm;
    row[2]! += d.tts;
    row[3]! += d.audio;
    counts[i]! += 1;
  }
  const stacks: (number | null)[][] = [[], [], [], []];
  for (let i = 0; i < n; i++) {
    const c = counts[i] ?? 0;
    let acc = 0;
    for (let s = 0; s < 4; s++) {
      if (c === 0) {
        stacks[s]!.push(null);
        continue;
      }
      acc += (sums[i]?.[s] ?? 0) / c;
      stacks[s]!.push(Math.round(acc));
    }
  }
  return { x, stacks };
}

/** Histogram of total latency: fixed-width bins, the last bin open-ended. */
export function histogram(values: number[], binMs: number, maxMs: number): { edges: number[]; counts: number[] } {
  const nBins = Math.max(1, Math.ceil(maxMs / binMs));
  const counts = new Array<number>(nBins).fill(0);
  for (const v of values) {
    const i = Math.min(nBins - 1, Math.max(0, Math.floor(v / binMs)));
    counts[i]! += 1;
  }
  return { edges: Array.from({ length: nBins }, (_, i) => i * binMs), counts };
}

/** Bucket width that keeps a chart readable: 1 min over an hour, 15 min over a day. */
export function bucketFor(rangeMs: number): number {
  if (rangeMs <= 3_600_000) return 60_000;
  if (rangeMs <= 6 * 3_600_000) return 5 * 60_000;
  return 15 * 60_000;
}

/**
 * Every stage mark a turn may carry, in the order they happen after the caller's end of speech. Rendered
 * generically: a stage shows up as soon as the engine reports it (endOfTurnMs and providerAudioMs are newer).
 */
const TURN_MARKS = [
  { key: 'endOfTurnMs', label: 'end-of-turn decision' },
  { key: 'sttFinalMs', label: 'STT final' },
  { key: 'llmFirstTokenMs', label: 'LLM first token' },
  { key: 'ttsFirstByteMs', label: 'TTS first byte' },
  { key: 'providerAudioMs', label: 'provider audio' },
  { key: 'firstAudioMs', label: 'first audio to the caller' },
] as const;
export type TurnMarkKey = (typeof TURN_MARKS)[number]['key'];

/** A latency point with whatever stage marks the engine reported (ms after end of speech). */
export type StagePoint = LatencyPoint & Partial<Record<TurnMarkKey, number | null>>;

/** Up to this many turns in range, the stage chart draws one bar per turn instead of time buckets. */
export const PER_TURN_MAX = 40;

export interface PerTurnStages {
  /** 1..n, oldest first. */
  x: number[];
  /** Epoch ms of each turn's end of speech. */
  at: number[];
  provider: string[];
  /** The marks present in at least one turn, in order. */
  marks: { key: TurnMarkKey; label: string }[];
  /** Per mark: the cumulative height (ms after end of speech) of each turn's bar up to that stage; null when the turn has no mark at or after it. */
  stacks: (number | null)[][];
}

/** One stacked bar per turn (the last `max` turns in range): each segment is a stage, its top the stage's mark. */
export function perTurnStages(points: StagePoint[], fromMs: number, toMs: number, max = PER_TURN_MAX): PerTurnStages {
  const turns = points.filter((p) => p.at >= fromMs && p.at < toMs).sort((a, b) => a.at - b.at).slice(-max);
  const marks = TURN_MARKS.filter((m) => turns.some((p) => typeof p[m.key] === 'number'));
  const stacks = marks.map(() => [] as (number | null)[]);
  for (const p of turns) {
    let top = 0;
    let any = false;
    marks.forEach((m, i) => {
      const v = p[m.key];
      if (typeof v === 'number') {
        top = Math.max(top, v);
        any = true;
      }
      stacks[i]!.push(any ? Math.round(top) : null);
    });
  }
  return { x: turns.map((_, i) => i + 1), at: turns.map((p) => p.at), provider: turns.map((p) => p.provider), marks: [...marks], stacks };
}
