import type { RecordingDirection, RecordingStatus, SentimentLabel } from '../../api/contract';

const DIRECTION: Record<RecordingDirection, string> = {
  in: 'inbound',
  out: 'outbound',
  internal: 'internal',
  external: 'external',
  q: 'queue',
  rg: 'ring group',
  conf: 'conference',
  exten: 'extension',
  ondemand: 'on demand',
};

export function directionLabel(d: RecordingDirection | undefined): string {
  return d ? DIRECTION[d] ?? d : '—';
}

export function SentimentBadge({ label, score }: { label: SentimentLabel | undefined; score?: number | undefined }) {
  if (!label) return <span className="muted">—</span>;
  return (
    <span className={`badge sentiment-${label}`} title={score !== undefined ? `score ${score.toFixed(2)}` : undefined}>
      {label}
    </span>
  );
}

export function StatusBadge({ status, reason }: { status: RecordingStatus; reason?: string | undefined }) {
  return (
    <span className="status-cell">
      <span className={`badge rec-${status}`}>{status}</span>
      {reason && <span className="muted small reason"> {reason}</span>}
    </span>
  );
}
