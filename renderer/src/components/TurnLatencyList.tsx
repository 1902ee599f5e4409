import type { TurnLatency } from '../api/contract';
import { TURN_STAGES, turnStageDurations, turnTotalMs } from '../stores/latency-math';
import { formatClock, formatMs } from './format';

/**
 * Per-turn latency as a timeline of stacked stage bars, scaled to the slowest turn, from the caller's
 * last voiced frame: the end-of-speech wait is its own stage. `startedAt` (the call's start) places each turn on the call's timeline.
 */
export function TurnLatencyList({ turns, startedAt }: { turns: TurnLatency[]; startedAt?: string | undefined }) {
  if (turns.length === 0) return <p className="muted">No completed turns yet.</p>;
  const max = Math.max(1, ...turns.map((t) => turnTotalMs(t) ?? 0));
  const t0 = startedAt ? Date.parse(startedAt) : NaN;
  return (
    <ol className="turn-list" aria-label="Per-turn latency">
      {turns.map((t) => {
        const d = turnStageDurations(t);
        const total = turnTotalMs(t);
        return (
          <li key={t.turn} className="turn-row">
            <span className="turn-no">
              Turn {t.turn}
              {Number.isFinite(t0) && <span className="muted small"> at {formatClock(Math.max(0, (t.endOfSpeechAt - t0) / 1000))}</span>}
            </span>
            <span className="turn-bar" role="img" aria-label={`Turn ${t.turn}: ${formatMs(total)} to first audio`}>
              {TURN_STAGES.map((s) => (
                <span
                  key={s.key}
                  className={`stage stage-${s.key}`}
                  style={{ width: `${(d[s.key] / max) * 100}%` }}
                  title={`${s.label}: ${formatMs(d[s.key])}`}
                />
              ))}
            </span>
            <span className="num turn-total">{formatMs(total)}</span>
            {t.bargeInReactionMs !== null && <span className="muted small">barge-in {formatMs(t.bargeInReactionMs)}</span>}
          </li>
        );
      })}
    </ol>
  );
}

export function StageLegend() {
  return (
    <ul className="legend" aria-label="Latency stages">
      {TURN_STAGES.map((s) => (
        <li key={s.key}>
          <span className={`swatch stage-${s.key}`} aria-hidden="true" /> {s.label}
        </li>
      ))}
    </ul>
  );
}
