import { useEffect, useRef } from 'react';
import type { TranscriptLine } from '../api/contract';
import { formatTime } from './format';

/** A transcript that streams in: keeps the newest line in view unless the user scrolled up. */
export function Transcript({ lines, live }: { lines: TranscriptLine[]; live?: boolean }) {
  const ref = useRef<HTMLOListElement>(null);
  const stick = useRef(true);
  useEffect(() => {
    const el = ref.current;
    if (el && live && stick.current) el.scrollTop = el.scrollHeight;
  }, [lines.length, live]);
  if (lines.length === 0) return <p className="muted">{live ? 'Waiting for the first words…' : 'No transcript.'}</p>;
  return (
    <ol
      ref={ref}
      className="transcript"
      aria-live={live ? 'polite' : undefined}
      aria-label="Transcript"
      tabIndex={0}
      onScroll={(e) => {
        const el = e.currentTarget;
        stick.current = el.scrollHeight - el.scrollTop - el.clientHeight < 24;
      }}
    >
      {lines.map((l) => (
        <li key={l.seq} className={`line role-${l.role}`}>
          <span className="who">{l.role === 'caller' ? 'Caller' : l.role === 'agent' ? 'Agent' : 'System'}</span>
          <span className="text">{l.text}</span>
          <time className="muted small" dateTime={l.at}>
            {formatTime(l.at)}
          </time>
        </li>
      ))}
    </ol>
  );
}
