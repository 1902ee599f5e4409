import { useState } from 'react';
import type { LogLine } from '../../api/contract';
import { useApp, useStores } from '../../stores/react';
import { atLeast } from '../../stores/logs';
import { formatTime } from '../../components/format';

/** The engine's recent log lines (streamed as `log` events since this page opened). */
export function LogTail() {
  const stores = useStores();
  const lines = useApp('logs', (s) => s.lines);
  const [level, setLevel] = useState<LogLine['level']>('info');
  const shown = atLeast(lines, level);
  return (
    <section className="card" aria-labelledby="logtail-title">
      <div className="panel-head">
        <h2 id="logtail-title">Engine log</h2>
        <label className="inline-field small">
          <span>Level</span>
          <select value={level} onChange={(e) => setLevel(e.target.value as LogLine['level'])}>
            <option value="debug">debug</option>
            <option value="info">info</option>
            <option value="warn">warn</option>
            <option value="error">error</option>
          </select>
        </label>
        <button type="button" className="btn btn-small" onClick={() => stores.logs.getState().clear()} disabled={lines.length === 0}>
          Clear
        </button>
      </div>
      {shown.length === 0 ? (
        <p className="muted small">No {level === 'debug' ? '' : `${level}+ `}log lines since this dashboard opened.</p>
      ) : (
        <ol className="log-tail" aria-label="Engine log lines" tabIndex={0}>
          {shown.map((l, i) => (
            <li key={`${l.time}-${i}`} className={`log-${l.level}`}>
              <time className="muted">{formatTime(l.time)}</time> <span className="log-level">{l.level}</span>
              {l.component && <span className="muted"> [{l.component}]</span>} {l.msg}
            </li>
          ))}
        </ol>
      )}
    </section>
  );
}
