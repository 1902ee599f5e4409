import { useEffect, useState } from 'react';
import type { CallDetail, TestCallReport } from '../api/contract';
import type { DashboardClient } from '../api/types';

type Timeline = TestCallReport['timeline'];

const ms = (n: number | null | undefined) => (n === null || n === undefined ? '—' : `${Math.round(n)} ms`);

/** Caller and agent audio on one time axis (ms since the INVITE), plus the answer mark. */
export function TimelineChart({ timeline, answerMs }: { timeline: Timeline; answerMs: number | null }) {
  const end = Math.max(1000, ...timeline.map((s) => s.endMs), answerMs ?? 0) * 1.05;
  const W = 600;
  const x = (t: number) => (t / end) * W;
  const ticks: number[] = [];
  const step = end > 20_000 ? 5000 : end > 8000 ? 2000 : 1000;
  for (let t = 0; t <= end; t += step) ticks.push(t);
  return (
    <svg className="sp-chart" viewBox={`0 0 ${W} 70`} role="img" aria-label="Test call timeline">
      <text x="0" y="12" className="sp-chart-label">
        agent
      </text>
      <text x="0" y="40" className="sp-chart-label">
        caller
      </text>
      {timeline.map((s, i) => (
        <rect key={i} x={x(s.startMs)} width={Math.max(1, x(s.endMs) - x(s.startMs))} y={s.kind === 'agent' ? 15 : 43} height={10} className={`sp-seg sp-seg-${s.kind}`}>
          <title>{`${s.kind} ${s.startMs}–${s.endMs} ms`}</title>
        </rect>
      ))}
      {answerMs !== null && <line x1={x(answerMs)} x2={x(answerMs)} y1={0} y2={58} className="sp-answer" />}
      {ticks.map((t) => (
        <text key={t} x={x(t)} y={68} className="sp-chart-tick">
          {t / 1000}s
        </text>
      ))}
    </svg>
  );
}

/** The caller-side numbers next to what the engine recorded for the same call. */
export function TestCallReportView({ report, client }: { report: Pick<TestCallReport, 'answerMs' | 'greetingLatencyMs' | 'replyLatenciesMs' | 'timeline' | 'error' | 'destination' | 'startedAt' | 'playoutDelayMs' | 'pipelineMs'> & { engineCallId?: string }; client?: DashboardClient }) {
  const [engine, setEngine] = useState<CallDetail | null>(null);
  useEffect(() => {
    setEngine(null);
    if (!report.engineCallId || !client) return;
    let gone = false;
    client.invoke('calls.get', { id: report.engineCallId }).then(
      (d) => !gone && setEngine(d),
      () => undefined,
    );
    return () => {
      gone = true;
    };
  }, [report.engineCallId, client]);
  const turns = engine?.turnLatencies ?? [];
  return (
    <div className="sp-report" data-testid="test-call-report">
      <p>
        <code>{report.destination}</code> at {new Date(report.startedAt).toLocaleString()}
        {report.engineCallId ? (
          <>
            {' '}
            · engine call <a href={`#/history/${encodeURIComponent(report.engineCallId)}`}>{report.engineCallId.slice(0, 8)}</a>
          </>
        ) : (
          <span className="muted"> · no engine call record matched</span>
        )}
      </p>
      {report.error && (
        <div className="notice notice-error" role="alert">
          {report.error}
        </div>
      )}
      <TimelineChart timeline={report.timeline} answerMs={report.answerMs} />
      <table className="sp-figures">
        <thead>
          <tr>
            <th />
            <th>Caller side (what callers feel)</th>
            <th>Engine reported</th>
          </tr>
        </thead>
        <tbody>
          <tr>
            <th>Answer</th>
            <td data-testid="answer-ms">{ms(report.answerMs)}</td>
            <td>—</td>
          </tr>
          <tr>
            <th>Greeting (answer → first agent audio)</th>
            <td data-testid="greeting-ms">{ms(report.greetingLatencyMs)}</td>
            <td>—</td>
          </tr>
          {report.replyLatenciesMs.map((r, i) => {
            const t = turns[i];
            return (
              <tr key={i}>
                <th>Reply {i + 1} (end of caller audio → agent audio)</th>
                <td data-testid={`reply-ms-${i}`}>{ms(r)}</td>
                <td>{t ? `${ms(t.firstAudioMs)} (end-of-speech wait ${ms(t.endOfTurnMs)}, STT ${ms(t.sttFinalMs)}, LLM ${ms(t.llmFirstTokenMs)}, TTS ${ms(t.ttsFirstByteMs)})` : '—'}</td>
              </tr>
            );
          })}
        </tbody>
      </table>
      {(report.playoutDelayMs !== undefined || report.pipelineMs !== undefined) && (
        <p className="muted">
          Timed at this computer&apos;s network edge: its own playout buffer ({report.playoutDelayMs ?? 0} ms) and audio pipeline ({report.pipelineMs ?? '—'} ms, measured
          by local loopback) are taken out, so the numbers describe the agent and the network.
        </p>
      )}
    </div>
  );
}
