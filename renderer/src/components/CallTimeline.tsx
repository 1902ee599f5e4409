import type { CallDetail, PreCallRecord, ToolCallRecord, TranscriptLine } from '../api/contract';
import { formatMs, formatTime } from './format';

type Item = { kind: 'line'; at: string; line: TranscriptLine } | { kind: 'tool'; at: string; tool: ToolCallRecord };

/** Transcript lines and tool calls in time order (stable: a tool call stays after the line it follows). */
function timelineItems(call: Pick<CallDetail, 'transcript' | 'toolCalls'>): Item[] {
  const items: Item[] = [...call.transcript.map((line) => ({ kind: 'line' as const, at: line.at, line })), ...call.toolCalls.map((tool) => ({ kind: 'tool' as const, at: tool.at, tool }))];
  return items.map((it, i) => ({ it, i })).sort((a, b) => Date.parse(a.it.at) - Date.parse(b.it.at) || a.i - b.i).map((x) => x.it);
}

const json = (v: unknown) => JSON.stringify(v, null, 2) ?? 'null';

function ToolItem({ tool }: { tool: ToolCallRecord }) {
  return (
    <li className={`line role-tool${tool.ok ? '' : ' failed'}`}>
      <span className="who">Tool</span>
      <div className="text">
        <code>{tool.name}</code> {tool.kind && <span className="muted small">{tool.kind}</span>}{' '}
        {tool.durationMs !== undefined && <span className="muted small num">{formatMs(tool.durationMs)}</span>}{' '}
        {tool.ok ? <span className="badge ok">ok</span> : <span className="badge outcome-error">failed</span>}
        {tool.error && <div className="small warn-text">{tool.error}</div>}
        <details>
          <summary className="small">Arguments and result</summary>
          <pre className="prompt-view small" aria-label={`Arguments of ${tool.name}`}>{json(tool.args)}</pre>
          <pre className="prompt-view small" aria-label={`Result of ${tool.name}`}>{json(tool.result)}</pre>
        </details>
      </div>
      <time className="muted small" dateTime={tool.at}>
        {formatTime(tool.at)}
      </time>
    </li>
  );
}

/** The call page's timeline: who said what, and every tool the agent ran (name, duration, error, arguments, result). */
export function CallTimeline({ call }: { call: Pick<CallDetail, 'transcript' | 'toolCalls'> }) {
  const items = timelineItems(call);
  if (items.length === 0) return <p className="muted">Nothing was said.</p>;
  return (
    <ol className="transcript timeline" aria-label="Timeline" tabIndex={0}>
      {items.map((it, i) =>
        it.kind === 'tool' ? (
          <ToolItem key={`t${i}`} tool={it.tool} />
        ) : (
          <li key={`l${it.line.seq}`} className={`line role-${it.line.role}`}>
            <span className="who">{it.line.role === 'caller' ? 'Caller' : it.line.role === 'agent' ? 'Agent' : 'System'}</span>
            <span className="text">{it.line.text}</span>
            <time className="muted small" dateTime={it.line.at}>
              {formatTime(it.line.at)}
            </time>
          </li>
        ),
      )}
    </ol>
  );
}

/** What the pre-call lookup returned (its variables filled the greeting and prompt). */
export function PreCallFacts({ pre }: { pre: PreCallRecord }) {
  const vars = Object.entries(pre.variables);
  return (
    <section className="subsection" aria-labelledby="precall-title">
      <h3 id="precall-title">Pre-call lookup</h3>
      <p className="small">
        <span className={`badge ${pre.status === 'ok' ? 'ok' : 'outcome-error'}`}>{pre.status}</span> <span className="muted num">{formatMs(pre.durationMs)}</span>
        {pre.error && <span className="warn-text"> {pre.error}</span>}
      </p>
      {vars.length > 0 ? (
        <dl className="facts">
          {vars.map(([k, v]) => (
            <div key={k} className="fact-pair">
              <dt>
                <code>{`{${k}}`}</code>
              </dt>
              <dd>{v}</dd>
            </div>
          ))}
        </dl>
      ) : (
        <p className="muted small">No variables.</p>
      )}
    </section>
  );
}
