import type { CallDetail } from '../api/contract';
import { CallTimeline, PreCallFacts } from './CallTimeline';
import { StageLegend, TurnLatencyList } from './TurnLatencyList';
import { formatCaller, formatDateTime, formatDuration, formatOutcome, elapsedSec } from './format';
import { hrefFor } from './router';

/** A finished (or running) call in full: facts, pre-call lookup, timeline of what was said and the tools run, per-turn latency, recording link. */
export function CallDetailView({ call }: { call: CallDetail }) {
  return (
    <div className="call-detail">
      <dl className="facts">
        <dt>Caller</dt>
        <dd>{formatCaller(call.callerName, call.callerNumber)}</dd>
        <dt>Started</dt>
        <dd>{formatDateTime(call.startedAt)}</dd>
        <dt>Duration</dt>
        <dd>{call.endedAt ? formatDuration(elapsedSec(call.startedAt, call.endedAt, Date.now())) : 'in progress'}</dd>
        <dt>Outcome</dt>
        <dd>
          {call.outcome ? <span className={`badge outcome-${call.outcome}`}>{formatOutcome(call.outcome, call.failureReason)}</span> : '—'}
          {call.transferTarget && <> → {call.transferTarget}</>}
        </dd>
        <dt>Context</dt>
        <dd>
          {call.context} <span className="muted small">({call.sources.context.replace('_', ' ')})</span>
        </dd>
        <dt>Provider</dt>
        <dd>
          {call.provider} <span className="muted small">({call.sources.provider.replace('_', ' ')})</span> · {call.transport}
        </dd>
        <dt>Recording</dt>
        <dd>{call.recordingId ? <a href={hrefFor('recordings', call.recordingId)}>Open the recording</a> : <span className="muted">none matched yet</span>}</dd>
      </dl>
      {call.error && (
        <div className="notice notice-error" role="alert">
          <strong>{call.outcome === 'provider_error' ? 'The provider failed:' : 'The call ended with an error:'}</strong> {call.error}
        </div>
      )}
      <details className="subsection">
        <summary>Greeting and prompt used</summary>
        <p>
          <strong>Greeting</strong> <span className="muted small">({call.sources.greeting})</span>: {call.greeting}
        </p>
        <pre className="prompt-view">{call.prompt}</pre>
      </details>
      {call.preCall && <PreCallFacts pre={call.preCall} />}
      <h3>Timeline</h3>
      <p className="muted small">{call.toolCalls.length === 0 ? 'No tools were used.' : `${call.toolCalls.length} tool call${call.toolCalls.length === 1 ? '' : 's'}.`}</p>
      <CallTimeline call={call} />
      <h3>Per-turn latency</h3>
      <StageLegend />
      <TurnLatencyList turns={call.turnLatencies} startedAt={call.startedAt} />
    </div>
  );
}
