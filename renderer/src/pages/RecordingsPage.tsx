import { useEffect, useState } from 'react';
import { useApp, useStores } from '../stores/react';
import { ErrorNotice, Loading } from '../components/ErrorNotice';
import { SyncProgressBar } from '../components/SyncProgressBar';
import { formatDateTime, formatDuration, formatShortDateTime } from '../components/format';
import { hrefFor, navigate } from '../components/router';
import { RecordingReview } from './recordings/RecordingReview';
import { SentimentBadge, StatusBadge, directionLabel } from './recordings/badges';

function SearchBar() {
  const stores = useStores();
  const [text, setText] = useState(stores.recordings.getState().filter.text ?? '');
  const [sentiment, setSentiment] = useState('');
  const [direction, setDirection] = useState('');
  const [number, setNumber] = useState('');
  return (
    <form
      className="filters"
      role="search"
      onSubmit={(e) => {
        e.preventDefault();
        stores.recordings.getState().setFilter({
          ...(text.trim() ? { text: text.trim() } : {}),
          ...(sentiment ? { sentiment: sentiment as 'positive' } : {}),
          ...(direction ? { direction } : {}),
          ...(number.trim() ? { number: number.trim() } : {}),
        });
        void stores.recordings.getState().load();
      }}
    >
      <label className="grow">
        <span>Search transcripts</span>
        <input type="search" value={text} onChange={(e) => setText(e.target.value)} placeholder="words, names, numbers" />
      </label>
      <label>
        <span>Number</span>
        <input value={number} onChange={(e) => setNumber(e.target.value)} placeholder="from or to" size={12} inputMode="tel" />
      </label>
      <label>
        <span>Direction</span>
        <select value={direction} onChange={(e) => setDirection(e.target.value)}>
          <option value="">any</option>
          {(['in', 'out', 'internal', 'external', 'q', 'rg', 'conf', 'exten', 'ondemand'] as const).map((d) => (
            <option key={d} value={d}>
              {directionLabel(d)}
            </option>
          ))}
        </select>
      </label>
      <label>
        <span>Sentiment</span>
        <select value={sentiment} onChange={(e) => setSentiment(e.target.value)}>
          <option value="">any</option>
          <option value="positive">positive</option>
          <option value="neutral">neutral</option>
          <option value="negative">negative</option>
        </select>
      </label>
      <button type="submit" className="btn btn-primary">
        Search
      </button>
    </form>
  );
}

export default function RecordingsPage({ detailId }: { detailId?: string | undefined }) {
  const stores = useStores();
  const list = useApp('recordings', (s) => s.list);
  const detail = useApp('recordings', (s) => s.detail);
  const progress = useApp('recordings', (s) => s.progress);
  const syncing = useApp('recordings', (s) => s.syncing);
  const syncError = useApp('recordings', (s) => s.syncError);
  const lastSync = useApp('recordings', (s) => s.lastSync);
  const filter = useApp('recordings', (s) => s.filter);
  useEffect(() => {
    void stores.recordings.getState().load();
    void stores.recordings.getState().loadLastSync();
  }, [stores]);
  useEffect(() => {
    void stores.recordings.getState().open(detailId);
  }, [detailId, stores]);
  const rows = list.data ?? [];
  const ls = lastSync.data;
  return (
    <div className={`page recordings-page ${detailId ? 'with-panel wide-panel' : ''}`}>
      <section aria-labelledby="rec-title" className="recordings-main">
        <div className="page-head">
          <h1 id="rec-title">Recordings</h1>
          <button type="button" className="btn btn-primary" disabled={syncing} onClick={() => void stores.recordings.getState().syncNow()}>
            {syncing ? 'Syncing…' : 'Sync now'}
          </button>
          <span className="muted small" data-testid="last-sync">
            {ls ? `Last sync ${formatDateTime(ls.finishedAt ?? ls.startedAt)}: ${ls.found} found, ${ls.downloaded} downloaded, ${ls.skipped} unchanged, ${ls.failed} failed${ls.error ? ` · ${ls.error}` : ''}` : ''}
          </span>
        </div>
        <SyncProgressBar progress={progress} />
        <ErrorNotice error={syncError} what="Sync" />
        <SearchBar />
        <ErrorNotice error={list.error} what="Loading recordings" />
        {!list.data && list.loading && <Loading what="recordings" />}
        <div className="table-frame">
          <table className="data-table auto">
            <thead>
              <tr>
                <th scope="col">Date</th>
                <th scope="col" className="opt">Direction</th>
                <th scope="col">From</th>
                <th scope="col">To</th>
                <th scope="col">Duration</th>
                <th scope="col" className="opt">Sentiment</th>
                <th scope="col">Status</th>
              </tr>
            </thead>
            <tbody>
              {rows.map((r) => (
                <tr key={r.id} className={r.id === detailId ? 'selected' : ''} onClick={() => navigate('recordings', r.id)} aria-current={r.id === detailId ? "true" : undefined}>
                  <td>
                    <a href={hrefFor('recordings', r.id)} onClick={(e) => e.stopPropagation()} title={`${r.name}${r.startedAt ? ` · ${formatDateTime(r.startedAt)}` : ''}`}>
                      {r.startedAt ? formatShortDateTime(r.startedAt) : r.name}
                    </a>
                  </td>
                  <td className="opt">{directionLabel(r.direction)}</td>
                  <td>{r.source ?? '—'}</td>
                  <td>{r.destination ?? '—'}</td>
                  <td className="num">{formatDuration(r.durationSec)}</td>
                  <td className="opt">
                    <SentimentBadge label={r.sentiment} score={r.sentimentScore} />
                  </td>
                  <td>
                    <StatusBadge status={r.status} reason={r.statusReason} />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
          {list.data && rows.length === 0 && (
            <p className="empty-state muted">
              {Object.keys(filter).length > 0 ? 'No recordings match this search.' : 'No recordings. Configure Settings → FreePBX Integration, then press Sync now.'}
            </p>
          )}
        </div>
      </section>
      {detailId && (
        <section className="panel" aria-labelledby="rec-review-title">
          <div className="panel-head">
            <h2 id="rec-review-title">{detail.data?.name ?? 'Recording'}</h2>
            <a className="btn btn-small" href={hrefFor('recordings')}>
              Close
            </a>
          </div>
          <ErrorNotice error={detail.error} what="Loading the recording" />
          {detail.loading && !detail.data && <Loading what="the recording" />}
          {detail.data === null && !detail.loading && <p className="muted">This recording is not in the library.</p>}
          {detail.data && <RecordingReview key={detail.data.id} rec={detail.data} />}
        </section>
      )}
    </div>
  );
}
