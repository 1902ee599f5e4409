import { useCallback, useRef, useState } from 'react';
import type { RecordingDetail } from '../../api/contract';
import { useStores } from '../../stores/react';
import { formatClock, formatDateTime, formatDuration, formatPercent, formatBytes } from '../../components/format';
import { hrefFor } from '../../components/router';
import { WaveformPlayer, type PlayerHandle } from './WaveformPlayer';
import { percentAt, segmentAt, sentimentClass } from './review-math';
import { SentimentBadge, StatusBadge, directionLabel } from './badges';

export function RecordingReview({ rec }: { rec: RecordingDetail }) {
  const { client } = useStores();
  const player = useRef<PlayerHandle | null>(null);
  const [active, setActive] = useState(-1);
  const [duration, setDuration] = useState(rec.durationSec ?? rec.segments.at(-1)?.endSec ?? 0);
  const segs = rec.segments;
  const onTime = useCallback((t: number) => setActive(segmentAt(segs, t)), [segs]);
  const url = client.mediaUrl(rec.audioPath);
  const stats = rec.stats;
  return (
    <div className="review">
      <dl className="facts">
        <dt>Date</dt>
        <dd>{formatDateTime(rec.startedAt)}</dd>
        <dt>Direction</dt>
        <dd>{directionLabel(rec.direction)}</dd>
        <dt>From → To</dt>
        <dd>
          {rec.source ?? '—'} → {rec.destination ?? '—'}
        </dd>
        <dt>Duration</dt>
        <dd>
          {formatDuration(rec.durationSec)} · {formatBytes(rec.sizeBytes)}
          {rec.sampleRate ? ` · ${rec.sampleRate / 1000} kHz` : ''}
        </dd>
        <dt>Status</dt>
        <dd>
          <StatusBadge status={rec.status} reason={rec.statusReason} />
        </dd>
        <dt>Sentiment</dt>
        <dd>
          <SentimentBadge label={rec.sentiment} score={rec.sentimentScore} />
        </dd>
        {rec.callId && (
          <>
            <dt>Engine call</dt>
            <dd>
              <a href={hrefFor('history', rec.callId)}>Open the call in History</a>
            </dd>
          </>
        )}
      </dl>
      <WaveformPlayer url={url} durationHint={rec.durationSec} markers={rec.latencyMarkers ?? []} onTime={onTime} onReady={setDuration} handleRef={player} />
      <div className="sentiment-timeline" aria-label="Sentiment over time" role="img">
        {duration > 0 &&
          segs.map((s, i) => (
            <span
              key={i}
              className={`sent-block sent-${sentimentClass(s.sentiment)}`}
              style={{ left: `${percentAt(s.startSec, duration)}%`, width: `${Math.max(0.3, percentAt(s.endSec, duration) - percentAt(s.startSec, duration))}%` }}
              title={`${formatClock(s.startSec)} ${s.speaker}: ${sentimentClass(s.sentiment)}`}
            />
          ))}
      </div>
      {rec.summary && <p className="summary">{rec.summary}</p>}
      {stats && (
        <dl className="stats-grid" aria-label="Conversation statistics">
          {Object.entries(stats.talkRatio).map(([speaker, share]) => (
            <div key={speaker}>
              <dt>Talk {speaker}</dt>
              <dd className="num">{formatPercent(share)}</dd>
            </div>
          ))}
          <div>
            <dt>Silence</dt>
            <dd className="num">{formatPercent(stats.silenceShare)}</dd>
          </div>
          <div>
            <dt>Longest monologue</dt>
            <dd className="num">{formatDuration(stats.longestMonologueSec)}</dd>
          </div>
          <div>
            <dt>Interruptions</dt>
            <dd className="num">{stats.interruptions}</dd>
          </div>
        </dl>
      )}
      {rec.reasons && rec.reasons.length > 0 && (
        <ul className="small muted">
          {rec.reasons.map((r, i) => (
            <li key={i}>{r}</li>
          ))}
        </ul>
      )}
      <h3>Transcript</h3>
      {segs.length === 0 ? (
        <p className="muted">{rec.status === 'analyzing' ? 'Transcribing…' : 'No transcript for this recording.'}</p>
      ) : (
        <ol className="transcript review-transcript" aria-label="Transcript; activate a line to play from there">
          {segs.map((s, i) => (
            <li key={i} className={`line ${i === active ? 'active' : ''}`} aria-current={i === active ? 'true' : undefined}>
              <button type="button" className="seek" onClick={() => player.current?.seek(s.startSec + 0.01)}>
                <span className="num time">{formatClock(s.startSec)}</span>
                <span className="who">{s.speaker}</span>
                <span className={`text sent-text-${sentimentClass(s.sentiment)}`}>{s.text}</span>
              </button>
            </li>
          ))}
        </ol>
      )}
    </div>
  );
}
