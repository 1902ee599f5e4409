/**
 * Once-per-turn latency marks (pure). A turn opens at the caller's end of
 * speech; each mark is reported at most once until the next turn opens.
 * Every provider (realtime and pipeline) shares this so each one reports the
 * same marks the same way.
 */
import type { LatencyMark, SessionSink } from './provider.js';

export class TurnMarks {
  private seen = new Set<LatencyMark>();
  private open = false;

  constructor(private readonly sink: Pick<SessionSink, 'mark'>) {}

  /** Caller end of speech: a new turn starts (reports end_of_speech). */
  endOfSpeech(at?: number): void {
    this.open = true;
    this.seen.clear();
    this.seen.add('end_of_speech');
    this.sink.mark('end_of_speech', at);
  }

  /** Reports `m` if a turn is open and `m` has not been reported in it. */
  mark(m: Exclude<LatencyMark, 'end_of_speech'>, at?: number): void {
    if (!this.open || this.seen.has(m)) return;
    this.seen.add(m);
    this.sink.mark(m, at);
  }

  /** The turn's reply is complete (or was interrupted). */
  close(): void {
    this.open = false;
  }
}
