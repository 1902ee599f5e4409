import { useEffect, useState } from 'react';
import { useShallow } from 'zustand/react/shallow';
import type { CallSummary } from '../api/contract';
import { useApp, useStores } from '../stores/react';
import { selectRows } from '../stores/calls';
import { ErrorNotice } from '../components/ErrorNotice';
import { Ticker } from '../components/Ticker';
import { CallLevelMeter } from '../components/CallLevelMeter';
import { Transcript } from '../components/Transcript';
import { TurnLatencyList, StageLegend } from '../components/TurnLatencyList';
import { DialplanSnippet } from '../components/DialplanSnippet';
import { formatCaller, formatMs } from '../components/format';
import { hrefFor, navigate } from '../components/router';

const EMPTY: never[] = [];

function StateBadge({ state }: { state: CallSummary['state'] }) {
  return <span className={`badge state-${state}`}>{state}</span>;
}

/** The line being said now: the call's last transcript line (live from call.transcript events). */
function LastLine({ callId }: { callId: string }) {
  const line = useApp('calls', (s) => s.transcripts[callId]?.at(-1));
  if (!line) return <span className="muted">Nothing said yet.</span>;
  return (
    <span className={`live-line role-${line.role}`} title={line.text}>
      <span className="live-who">{line.role}</span> {line.text}
    </span>
  );
}

function CallRow({ call, selected }: { call: CallSummary; selected: boolean }) {
  const cls = `${selected ? 'selected' : ''} ${call.state === 'ended' ? 'ended' : ''}`;
  return (
    <>
      <tr
        className={`call-main ${cls}`}
        onClick={() => navigate('calls', call.id)}
        aria-current={selected ? "true" : undefined}
      >
        <td>
          <a href={hrefFor('calls', call.id)} onClick={(e) => e.stopPropagation()}>
            {formatCaller(call.callerName, call.callerNumber)}
          </a>
        </td>
        <td>{call.context}</td>
        <td>{call.provider}</td>
        <td className="opt">{call.transport}</td>
        <td>
          <StateBadge state={call.state} />
        </td>
        <td className="num">
          <Ticker startedAt={call.startedAt} {...(call.endedAt ? { endedAt: call.endedAt } : {})} />
        </td>
        <td className="num">{formatMs(call.lastTurnLatencyMs)}</td>
      </tr>
      <tr className={`call-live ${cls}`} onClick={() => navigate('calls', call.id)} data-testid="call-live" aria-label={`${formatCaller(call.callerName, call.callerNumber)}: live audio and transcript`}>
        {/* 6 + the optional column: spans the row whether or not the Transport column is shown. */}
        <td colSpan={6}>
          {call.state !== 'ended' && <CallLevelMeter callId={call.id} />}
          <LastLine callId={call.id} />
        </td>
        <td className="opt" />
      </tr>
    </>
  );
}

function CallPanel({ id }: { id: string }) {
  const stores = useStores();
  const call = useApp('calls', (s) => s.calls[id]);
  const detail = useApp('calls', (s) => s.detail);
  const lines = useApp('calls', (s) => s.transcripts[id] ?? EMPTY);
  const turns = useApp('calls', (s) => s.turns[id] ?? EMPTY);
  const tools = useApp('calls', (s) => s.tools[id] ?? EMPTY);
  const actionError = useApp('calls', (s) => s.actionError);
  const pending = useApp('calls', (s) => s.actionPending);
  const destinations = useApp('config', (s) => s.config.data?.transferDestinations ?? EMPTY);
  const [dest, setDest] = useState('');
  useEffect(() => {
    void stores.calls.getState().select(id);
    if (!stores.config.getState().config.data) void stores.config.getState().load();
    return () => void stores.calls.getState().select(undefined);
  }, [id, stores]);
  const summary = call ?? detail.data ?? undefined;
  const live = !!call && call.state !== 'ended';
  return (
    <section className="panel call-panel" aria-labelledby="call-panel-title">
      <div className="panel-head">
        <h2 id="call-panel-title">{summary ? formatCaller(summary.callerName, summary.callerNumber) : 'Call'}</h2>
        <a className="btn btn-small" href={hrefFor('calls')}>
          Close
        </a>
      </div>
      <ErrorNotice error={detail.error} what="Loading the call" />
      {summary && (
        <dl className="facts">
          <dt>State</dt>
          <dd>
            <StateBadge state={call?.state ?? summary.state} />
          </dd>
          <dt>Context</dt>
          <dd>{summary.context}</dd>
          <dt>Provider</dt>
          <dd>{summary.provider}</dd>
          <dt>Channel</dt>
          <dd className="mono small">{summary.channelId}</dd>
        </dl>
      )}
      <div className="actions" role="group" aria-label="Call actions">
        <button type="button" className="btn btn-danger" disabled={!live || pending !== undefined} onClick={() => void stores.calls.getState().hangup(id)}>
          {pending === 'hangup' ? 'Hanging up…' : 'Hang up'}
        </button>
        <label className="inline-field">
          <span>Transfer to</span>
          <input list="transfer-destinations" value={dest} onChange={(e) => setDest(e.target.value)} placeholder="destination or extension" size={14} />
          <datalist id="transfer-destinations">
            {destinations.map((d) => (
              <option key={d.name} value={d.name}>{`${d.type} ${d.target}`}</option>
            ))}
          </datalist>
        </label>
        <button type="button" className="btn" disabled={!live || !dest.trim() || pending !== undefined} onClick={() => void stores.calls.getState().transfer(id, dest.trim())}>
          {pending === 'transfer' ? 'Transferring…' : 'Transfer'}
        </button>
      </div>
      <ErrorNotice error={actionError} what="Call action" />
      {!live && summary && (
        <p className="small">
          The call ended. <a href={hrefFor('history', id)}>Open it in History</a>
        </p>
      )}
      <h3>Transcript</h3>
      <Transcript lines={lines} live={live} />
      <h3>Per-turn latency</h3>
      <StageLegend />
      <TurnLatencyList turns={turns} startedAt={summary?.startedAt} />
      {tools.length > 0 && (
        <>
          <h3>Tool calls</h3>
          <ul className="tool-list">
            {tools.map((t, i) => (
              <li key={i}>
                <code>{t.name}</code> {t.ok ? 'ok' : 'failed'} <span className="mono small">{JSON.stringify(t.args)}</span>
              </li>
            ))}
          </ul>
        </>
      )}
    </section>
  );
}

export function LiveCallsPage({ selectedId }: { selectedId?: string | undefined }) {
  const stores = useStores();
  const rows = useApp('calls', useShallow(selectRows));
  const list = useApp('calls', (s) => s.list);
  const config = useApp('config', (s) => s.config.data);
  useEffect(() => {
    void stores.calls.getState().load();
    if (!stores.config.getState().config.data) void stores.config.getState().load();
  }, [stores]);
  const firstContext = config?.contexts[0]?.name ?? 'default';
  return (
    <div className={`page calls-page ${selectedId ? 'with-panel' : ''}`}>
      <section aria-labelledby="calls-title" className="calls-main">
        <h1 id="calls-title">Live calls</h1>
        <ErrorNotice error={list.error} what="Loading active calls" />
        <div className="table-frame calls-frame">
          <table className="data-table calls-table">
            <colgroup>
              <col className="c-caller" />
              <col className="c-context" />
              <col className="c-provider" />
              <col className="c-transport opt" />
              <col className="c-state" />
              <col className="c-duration" />
              <col className="c-latency" />
            </colgroup>
            <thead>
              <tr>
                <th scope="col">Caller</th>
                <th scope="col">Context</th>
                <th scope="col">Provider</th>
                <th scope="col" className="opt">Transport</th>
                <th scope="col">State</th>
                <th scope="col">Duration</th>
                <th scope="col">Last turn</th>
              </tr>
            </thead>
            <tbody>
              {rows.map((c) => (
                <CallRow key={c.id} call={c} selected={c.id === selectedId} />
              ))}
            </tbody>
          </table>
          {rows.length === 0 && !list.loading && (
            <div className="empty-state">
              <p>
                <strong>No active calls.</strong> Calls arrive when FreePBX sends a channel into{' '}
                <code>Stasis({config?.appName ?? 'asterisk-ai-voice-agent'})</code>. Point an inbound route or IVR option at a Custom Destination
                with this dialplan:
              </p>
              <DialplanSnippet context={firstContext} {...(config?.appName ? { appName: config.appName } : {})} />
            </div>
          )}
        </div>
      </section>
      {selectedId && <CallPanel id={selectedId} />}
    </div>
  );
}
