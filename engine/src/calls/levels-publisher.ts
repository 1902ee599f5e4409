/**
 * `calls.levels`: the caller and agent levels (dBFS) of every live call in
 * one event, at most 5 per second, and only while calls are up. The levels
 * come from what the audio path computes anyway: the caller's from the voice
 * activity's per-frame energy (peak since the last sample), the agent's from
 * the last frame put on the wire (or the utterance playing, in file mode).
 */
import type { CallLevel } from '../api/calls.js';
import type { ApiEvent } from '../api/events.js';

const LEVELS_INTERVAL_MS = 200;

export interface LevelSource {
  readonly id: string;
  levels(): { callerDb: number; agentDb: number } | undefined;
}

export function startLevelsPublisher(calls: () => readonly LevelSource[], publish: (ev: ApiEvent) => void, intervalMs = LEVELS_INTERVAL_MS): () => void {
  let quiet = true;
  const timer = setInterval(() => {
    const levels: CallLevel[] = [];
    for (const c of calls()) {
      const l = c.levels();
      if (l) levels.push({ callId: c.id, ...l });
    }
    // One empty event after the last call ended clears the meters; nothing while idle.
    if (levels.length === 0 && quiet) return;
    quiet = levels.length === 0;
    publish({ type: 'calls.levels', at: Date.now(), levels });
  }, intervalMs);
  timer.unref();
  return () => clearInterval(timer);
}
