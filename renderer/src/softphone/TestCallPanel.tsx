import { useCallback, useEffect, useRef, useState } from 'react';
import type { TestCallReport } from '../api/contract';
import type { DashboardClient } from '../api/types';
import { toApiError } from '../api/errors';
import { getPhone } from './use-phone';
import { runTestCall, type TestCallResult } from './phone/test-call';
import { DEFAULT_SCRIPT_MS, synthesizeUtterance } from './logic/utterance';
import { TestCallReportView } from './TestCallReportView';
import { TestCallTimeline } from './TestCallTimeline';
import type { Destination } from './Dialer';
import type { TestCallFigures } from './logic/latency';

export interface TestCallPanelProps {
  client: DashboardClient;
  destinations: Destination[];
  registered: boolean;
  /** From "Test this context": preselected and started once registered. */
  requested?: { destination: string; context?: string; nonce: string };
}

/**
 * Caller turns: the WAV files the user chose; else the engine's spoken ones
 * (media `softphone/utterances/<n>`, flite); else a speech-like signal made here.
 */
async function loadUtterances(files: File[], client: DashboardClient): Promise<{ buffers: AudioBuffer[]; source: string }> {
  const ctx = getPhone().audio().ctx;
  if (files.length) return { buffers: await Promise.all(files.map(async (f) => ctx.decodeAudioData(await f.arrayBuffer()))), source: 'your WAV files' };
  const spoken: AudioBuffer[] = [];
  for (let n = 1; n <= 5; n++) {
    try {
      const res = await fetch(client.mediaUrl(`softphone/utterances/${n}`));
      if (!res.ok) break;
      spoken.push(await ctx.decodeAudioData(await res.arrayBuffer()));
    } catch {
      break;
    }
  }
  if (spoken.length) return { buffers: spoken, source: 'sentences spoken by the engine' };
  const buffers = DEFAULT_SCRIPT_MS.map((dur, i) => {
    const samples = synthesizeUtterance(ctx.sampleRate, dur, i + 1);
    const buf = ctx.createBuffer(1, samples.length, ctx.sampleRate);
    buf.copyToChannel(samples as Float32Array<ArrayBuffer>, 0);
    return buf;
  });
  return { buffers, source: 'synthesized speech-like audio' };
}

/** Live progress re-renders at most every `ms` (the last update always lands). */
function throttle<T>(fn: (v: T) => void, ms: number): { call: (v: T) => void; cancel: () => void } {
  let last = 0;
  let pending: ReturnType<typeof setTimeout> | undefined;
  return {
    call: (v: T) => {
      clearTimeout(pending);
      const now = Date.now();
      if (now - last >= ms) {
        last = now;
        fn(v);
      } else pending = setTimeout(() => fn(v), ms);
    },
    cancel: () => clearTimeout(pending),
  };
}

export function TestCallPanel({ client, destinations, registered, requested }: TestCallPanelProps) {
  const [target, setTarget] = useState<Destination | { context?: string; destination: string }>(requested ?? destinations[0] ?? { destination: '' });
  const [files, setFiles] = useState<File[]>([]);
  const [running, setRunning] = useState<{ phase: string; figures: TestCallFigures } | null>(null);
  const [result, setResult] = useState<(TestCallResult & { engineCallId?: string }) | null>(null);
  const [saveError, setSaveError] = useState<string>();
  const [scriptSource, setScriptSource] = useState<string>();
  const [history, setHistory] = useState<TestCallReport[]>([]);
  const [shown, setShown] = useState<TestCallReport | null>(null);
  const abort = useRef<AbortController | null>(null);
  const started = useRef<string | null>(null);

  const loadHistory = useCallback(() => {
    client.invoke('testcalls.list').then(setHistory, () => undefined);
  }, [client]);
  useEffect(loadHistory, [loadHistory]);

  const run = useCallback(
    async (t: { destination: string; context?: string }) => {
      if (!t.destination) return;
      abort.current = new AbortController();
      setResult(null);
      setSaveError(undefined);
      setRunning({ phase: 'preparing', figures: { answerMs: null, greetingLatencyMs: null, replyLatenciesMs: [], timeline: [] } });
      let utterances: AudioBuffer[];
      try {
        const loaded = await loadUtterances(files, client);
        utterances = loaded.buffers;
        setScriptSource(loaded.source);
      } catch (err) {
        setRunning(null);
        setSaveError(`Cannot read the caller audio: ${(err as Error).message}`);
        return;
      }
      const progress = throttle(setRunning, 200);
      const res = await runTestCall(getPhone(), { ...t, utterances, signal: abort.current.signal, onProgress: progress.call });
      progress.cancel();
      setRunning(null);
      setResult(res);
      try {
        const saved = await client.invoke('testcalls.save', {
          ...(res.context ? { context: res.context } : {}),
          destination: res.destination,
          startedAt: res.startedAt,
          answerMs: res.answerMs,
          greetingLatencyMs: res.greetingLatencyMs,
          replyLatenciesMs: res.replyLatenciesMs,
          timeline: res.timeline,
          ...(res.playoutDelayMs !== undefined ? { playoutDelayMs: res.playoutDelayMs } : {}),
          ...(res.pipelineMs !== undefined ? { pipelineMs: res.pipelineMs } : {}),
          ...(res.error ? { error: res.error.slice(0, 1000) } : {}),
        });
        setResult({ ...res, ...(saved.engineCallId ? { engineCallId: saved.engineCallId } : {}) });
        loadHistory();
      } catch (err) {
        setSaveError(toApiError(err).message);
      }
    },
    [client, files, loadHistory],
  );

  useEffect(() => {
    if (!requested || !registered || started.current === requested.nonce) return;
    started.current = requested.nonce;
    setTarget(requested);
    void run(requested);
  }, [requested, registered, run]);

  return (
    <section className="sp-test" aria-labelledby="sp-test-title">
      <h2 id="sp-test-title">Test call</h2>
      <p className="muted">Calls the agent with scripted caller audio and measures, at the caller side, answer time, greeting latency and each reply gap.</p>
      <div className="sp-row">
        <label>
          Destination
          <input aria-label="Test destination" value={target.destination} onChange={(e) => setTarget({ destination: e.target.value })} list="sp-test-destinations" />
          <datalist id="sp-test-destinations">
            {destinations.map((d) => (
              <option key={d.context} value={d.destination}>
                {d.context}
              </option>
            ))}
          </datalist>
        </label>
        <label>
          Caller audio <span className="muted">(WAV files, one per turn; default: sentences spoken by the engine)</span>
          <input type="file" accept="audio/wav,audio/*" multiple onChange={(e) => setFiles([...(e.target.files ?? [])])} />
        </label>
      </div>
      <div className="sp-row">
        {running ? (
          <button type="button" className="danger" onClick={() => abort.current?.abort()}>
            Stop test
          </button>
        ) : (
          <button type="button" disabled={!registered || !target.destination} onClick={() => void run({ ...target, context: target.context ?? destinations.find((d) => d.destination === target.destination)?.context })}>
            Run test call
          </button>
        )}
        {!registered && <span className="muted">Register the phone first.</span>}
      </div>
      {running && (
        <div data-testid="test-call-running">
          <p className="muted">
            {running.phase}…{scriptSource ? ` (caller audio: ${scriptSource})` : ''}
          </p>
          <TestCallTimeline timeline={running.figures.timeline} answerMs={running.figures.answerMs} />
        </div>
      )}
      {result && <TestCallReportView report={result} client={client} />}
      {saveError && (
        <div className="notice notice-error" role="alert">
          Saving the report failed: {saveError}
        </div>
      )}
      {history.length > 0 && (
        <details className="sp-history">
          <summary>Earlier test calls ({history.length})</summary>
          <ul>
            {history.map((h) => (
              <li key={h.id}>
                <button type="button" className="link" onClick={() => setShown(shown?.id === h.id ? null : h)}>
                  {new Date(h.startedAt).toLocaleString()} · {h.context ?? h.destination} · greeting {h.greetingLatencyMs ?? '—'} ms
                </button>
              </li>
            ))}
          </ul>
          {shown && <TestCallReportView report={shown} client={client} />}
        </details>
      )}
    </section>
  );
}
