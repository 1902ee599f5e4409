import { useEffect, useState } from 'react';
import type { CallDetail, TestCallReport } from '../api/contract';
import type { DashboardClient } from '../api/types';
import { TestCallTimeline } from './TestCallTimeline';

const ms = (n: number | null | undefined) => (n === null || n === undefined ? '—' : `${Math.round(n)} ms`);

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
      <TestCallTimeline timeline={report.timeline} answerMs={report.answerMs} greetingLatencyMs={report.greetingLatencyMs} replyLatenciesMs={report.replyLatenciesMs} />
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
