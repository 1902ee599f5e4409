import { useEffect, useState } from 'react';
import type { CallListFilter, CallOutcome } from '../api/contract';
import { useApp, useStores } from '../stores/react';
import { ErrorNotice, Loading } from '../components/ErrorNotice';
import { CallDetailView } from '../components/CallDetailView';
import { elapsedSec, formatCaller, formatDateTime, formatDuration, formatMs, formatOutcome, formatShortDateTime } from '../components/format';
import { hrefFor, navigate } from '../components/router';

const OUTCOMES: CallOutcome[] = ['completed', 'transferred', 'caller_hangup', 'agent_hangup', 'error', 'provider_error', 'no_input_timeout'];

/** <input type="date"> gives YYYY-MM-DD; the filter wants an ISO instant (start of day / end of day, local time). */
function dayToIso(day: string, end: boolean): string | undefined {
  if (!day) return undefined;
  const d = new Date(`${day}T${end ? '23:59:59.999' : '00:00:00'}`);
  return Number.isNaN(d.getTime()) ? undefined : d.toISOString();
}

function Filters() {
  const stores = useStores();
  const config = useApp('config', (s) => s.config.data);
  const [form, setForm] = useState({ fromDay: '', toDay: '', caller: '', context: '', provider: '', outcome: '', text: '' });
  const apply = () => {
    const f: CallListFilter = {};
    const from = dayToIso(form.fromDay, false);
    const to = dayToIso(form.toDay, true);
    if (from) f.from = from;
    if (to) f.to = to;
    if (form.caller.trim()) f.caller = form.caller.trim();
    if (form.context) f.context = form.context;
    if (form.provider) f.provider = form.provider;
    if (form.outcome) f.outcome = form.outcome as CallOutcome;
    if (form.text.trim()) f.text = form.text.trim();
    stores.history.getState().setFilter(f);
    void stores.history.getState().load();
  };
  const upd = (k: keyof typeof form) => (e: { target: { value: string } }) => setForm((f) => ({ ...f, [k]: e.target.value }));
  return (
    <form
      className="filters"
      aria-label="Filter calls"
      onSubmit={(e) => {
        e.preventDefault();
        apply();
      }}
    >
      <label>
        <span>From</span>
        <input type="date" value={form.fromDay} onChange={upd('fromDay')} />
      </label>
      <label>
        <span>To</span>
        <input type="date" value={form.toDay} onChange={upd('toDay')} />
      </label>
      <label>
        <span>Caller</span>
        <input value={form.caller} onChange={upd('caller')} placeholder="name or number" size={14} />
      </label>
      <label>
        <span>Context</span>
        <select value={form.context} onChange={upd('context')}>
          <option value="">any</option>
          {config?.contexts.map((c) => (
            <option key={c.name}>{c.name}</option>
          ))}
        </select>
      </label>
      <label>
        <span>Provider</span>
        <select value={form.provider} onChange={upd('provider')}>
          <option value="">any</option>
          {config?.providers.map((p) => (
            <option key={p.name}>{p.name}</option>
          ))}
        </select>
      </label>
      <label>
        <span>Outcome</span>
        <select value={form.outcome} onChange={upd('outcome')}>
          <option value="">any</option>
          {OUTCOMES.map((o) => (
            <option key={o} value={o}>
              {o.replace(/_/g, ' ')}
            </option>
          ))}
        </select>
      </label>
      <label className="grow">
        <span>Transcript text</span>
        <input type="search" value={form.text} onChange={upd('text')} placeholder="words said in the call" />
      </label>
      <button type="submit" className="btn btn-primary">
        Search
      </button>
    </form>
  );
}

export function HistoryPage({ detailId }: { detailId?: string | undefined }) {
  const stores = useStores();
  const calls = useApp('history', (s) => s.calls);
  const detail = useApp('history', (s) => s.detail);
  const filter = useApp('history', (s) => s.filter);
  useEffect(() => {
    void stores.history.getState().load();
    if (!stores.config.getState().config.data) void stores.config.getState().load();
  }, [stores]);
  useEffect(() => {
    void stores.history.getState().open(detailId);
  }, [detailId, stores]);
  const rows = calls.data ?? [];
  return (
    <div className={`page history-page ${detailId ? 'with-panel' : ''}`}>
      <section aria-labelledby="history-title" className="history-main">
        <h1 id="history-title">History</h1>
        <Filters />
        <ErrorNotice error={calls.error} what="Loading call history" />
        {!calls.data && calls.loading && <Loading what="calls" />}
        <div className="table-frame">
          <table className="data-table auto">
            <thead>
              <tr>
                <th scope="col">Started</th>
                <th scope="col">Caller</th>
                <th scope="col">Context</th>
                <th scope="col" className="opt">Provider</th>
                <th scope="col">Duration</th>
                <th scope="col" className="opt">Turns</th>
                <th scope="col" className="opt">Last turn</th>
                <th scope="col">Outcome</th>
              </tr>
            </thead>
            <tbody>
              {rows.map((c) => (
                <tr key={c.id} className={c.id === detailId ? 'selected' : ''} onClick={() => navigate('history', c.id)} aria-current={c.id === detailId ? "true" : undefined}>
                  <td>
                    <a href={hrefFor('history', c.id)} onClick={(e) => e.stopPropagation()} title={formatDateTime(c.startedAt)}>
                      {formatShortDateTime(c.startedAt)}
                    </a>
                  </td>
                  <td>{formatCaller(c.callerName, c.callerNumber)}</td>
                  <td>{c.context}</td>
                  <td className="opt">{c.provider}</td>
                  <td className="num">{c.endedAt ? formatDuration(elapsedSec(c.startedAt, c.endedAt, Date.now())) : 'live'}</td>
                  <td className="num opt">{c.turns}</td>
                  <td className="num opt">{formatMs(c.lastTurnLatencyMs)}</td>
                  <td>{c.outcome ? <span className={`badge outcome-${c.outcome}`}>{formatOutcome(c.outcome, c.failureReason)}</span> : <span className="badge state-listening">in progress</span>}</td>
                </tr>
              ))}
            </tbody>
          </table>
          {calls.data && rows.length === 0 && (
            <p className="empty-state muted">{Object.keys(filter).length > 0 ? 'No calls match these filters.' : 'No calls yet. Calls the engine handles are listed here once they start.'}</p>
          )}
        </div>
      </section>
      {detailId && (
        <section className="panel" aria-labelledby="history-detail-title">
          <div className="panel-head">
            <h2 id="history-detail-title">Call detail</h2>
            <a className="btn btn-small" href={hrefFor('history')}>
              Close
            </a>
          </div>
          <ErrorNotice error={detail.error} what="Loading the call" />
          {detail.loading && !detail.data && <Loading what="the call" />}
          {detail.data === null && !detail.loading && <p className="muted">This call is not in the history.</p>}
          {detail.data && <CallDetailView call={detail.data} />}
        </section>
      )}
    </div>
  );
}
