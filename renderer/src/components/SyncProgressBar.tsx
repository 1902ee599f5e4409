import { syncFraction, type ShownProgress } from '../stores/recordings';
import { formatBytes } from './format';

/** The recordings sync, from sync.progress events: phase, counts, bytes and a bar. */
export function SyncProgressBar({ progress }: { progress: ShownProgress | undefined }) {
  if (!progress) return <div className="sync-progress placeholder" aria-hidden="true" />;
  const frac = syncFraction(progress);
  return (
    <div className={`sync-progress phase-${progress.phase}`} role="status" aria-live="polite">
      <progress max={1} value={frac ?? undefined} aria-label="Sync progress" />
      <span className="small">
        {progress.phase === 'listing' && 'Listing recordings…'}
        {progress.phase === 'downloading' && `Downloading ${progress.downloaded + progress.failed} of ${progress.found}`}
        {progress.phase === 'analyzing' && `Analyzing (${progress.downloaded} downloaded)`}
        {progress.phase === 'done' && `Done: ${progress.found} found, ${progress.downloaded} downloaded${progress.skipped !== undefined ? `, ${progress.skipped} unchanged` : ''}`}
        {progress.phase === 'failed' && `Sync failed: ${progress.reason ?? 'unknown reason'}`}
        {progress.failed > 0 && progress.phase !== 'failed' && `, ${progress.failed} failed`} · {formatBytes(progress.bytes)}
        {progress.current && progress.phase !== 'done' && <span className="muted"> · {progress.current}</span>}
      </span>
    </div>
  );
}
