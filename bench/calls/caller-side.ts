/**
 * Caller-side figures for the calls bench (pure): when did the agent's audio
 * stop at the fake caller after the engine flushed (barge-in)? The fake
 * reports the epoch time of every loud frame it handed to each caller; each
 * frame plays for 20 ms from then.
 */

const FRAME_MS = 20;

/**
 * For each flush (epoch ms) during which the caller was hearing agent audio (a loud frame in the 60 ms
 * before it), the time from the flush to the end of the last frame of that run (frames ≤ 30 ms apart).
 */
export function flushToSilenceMs(flushes: number[], loud: number[]): number[] {
  const frames = [...loud].sort((a, b) => a - b);
  const out: number[] = [];
  for (const f of flushes) {
    let i = lastIndexAtOrBefore(frames, f);
    if (i < 0 || f - frames[i]! > 60) continue;
    while (i + 1 < frames.length && frames[i + 1]! - frames[i]! <= 30) i++;
    out.push(Math.max(0, frames[i]! + FRAME_MS - f));
  }
  return out;
}

/**
 * For each burst the engine began to enqueue (epoch ms), the time until the fake caller got its first loud frame
 * (the provider's audio as the caller hears it). Bursts with nothing loud within `maxMs` (flushed at once) are skipped.
 */
export function heardDelayMs(bursts: number[], loud: number[], maxMs = 1000): number[] {
  const frames = [...loud].sort((a, b) => a - b);
  const out: number[] = [];
  for (const b of bursts) {
    const i = lastIndexAtOrBefore(frames, b) + 1;
    if (i < frames.length && frames[i]! - b <= maxMs) out.push(frames[i]! - b);
  }
  return out;
}

function lastIndexAtOrBefore(sorted: number[], t: number): number {
  let lo = 0;
  let hi = sorted.length - 1;
  let ans = -1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (sorted[mid]! <= t) {
      ans = mid;
      lo = mid + 1;
    } else hi = mid - 1;
  }
  return ans;
}

/** Epoch ms with sub-millisecond resolution, comparable across processes on one machine. */
export function epochNow(): number {
  return performance.timeOrigin + performance.now();
}
