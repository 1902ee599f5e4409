/** Pure helpers of the recording review: which line is playing, where markers go. */
import type { TranscriptSegment } from '../../api/contract';

/** Index of the segment playing at `t` seconds (the last one started at or before t), or -1. */
export function segmentAt(segments: TranscriptSegment[], t: number): number {
  let lo = 0;
  let hi = segments.length - 1;
  let found = -1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (segments[mid]!.startSec <= t) {
      found = mid;
      lo = mid + 1;
    } else hi = mid - 1;
  }
  if (found < 0) return -1;
  // Between two segments (silence) nothing is highlighted.
  return t <= segments[found]!.endSec + 0.05 ? found : -1;
}

/** Left offset in percent of the total duration, clamped to the waveform. */
export function percentAt(sec: number, durationSec: number): number {
  if (!(durationSec > 0)) return 0;
  return Math.min(100, Math.max(0, (sec / durationSec) * 100));
}

/** Sentiment score (any scale, sign matters) → class name. */
export function sentimentClass(score: number | undefined): 'positive' | 'negative' | 'neutral' {
  if (score === undefined || Math.abs(score) < 0.05) return 'neutral';
  return score > 0 ? 'positive' : 'negative';
}
