/**
 * Engine-added latency per turn for each provider against its fake, which
 * injects a fixed known delay: measured (fake's end-of-speech → first agent
 * audio at the session sink) minus the injected server time.
 */
import { FakeOpenAIRealtime } from '../../test/fakes/openai/realtime-server.js';
import { FakeOpenAIRest } from '../../test/fakes/openai/rest-server.js';
import { FakeDeepgramAgent } from '../../test/fakes/deepgram/agent-server.js';
import { FakeDeepgramSpeech } from '../../test/fakes/deepgram/listen-speak-server.js';
import { TEST_CA_FILE } from '../../test/fakes/openai/tls.js';
import { tone, silence, pcm16ToUlaw } from '../../test/fakes/openai/audio.js';
import { RecordingSink, streamAudio } from '../../test/providers/support/recording-sink.js';
import { startPipeline, spoken } from '../../test/providers/support/pipeline-harness.js';
import { createOpenAIRealtimeProvider } from '../../engine/src/providers/openai-realtime/provider.js';
import { createDeepgramAgentProvider } from '../../engine/src/providers/deepgram/provider.js';
import { openaiRealtimeSchema, deepgramAgentSchema } from '../../engine/src/config/provider-schemas.js';
import { silentLogger } from '../../engine/src/observability/logger.js';
import { SLIN16, ULAW8, frameBytes, type AudioFormat } from '../../engine/src/media/audio-format.js';
import type { Provider, ProviderSession } from '../../engine/src/providers/provider.js';
import { summarize, round } from '../lib/stats.js';

export interface TurnBenchRow {
  provider: string;
  turns: number;
  injected_ms: number;
  measured_p50_ms: number;
  added_p50_ms: number;
  added_p99_ms: number;
  added_max_ms: number;
}

function row(provider: string, injected: number, measured: number[]): TurnBenchRow {
  const m = summarize(measured);
  const a = summarize(measured.map((x) => x - injected));
  return { provider, turns: m.n, injected_ms: injected, measured_p50_ms: round(m.p50), added_p50_ms: round(a.p50), added_p99_ms: round(a.p99), added_max_ms: round(a.max) };
}

function utterance(f: AudioFormat): Buffer {
  const pcm = Buffer.concat([tone(f.sampleRate, 400, 300, 9000), silence(f.sampleRate, 700)]);
  return f.encoding === 'ulaw' ? pcm16ToUlaw(pcm) : pcm;
}

/** First sink audio chunk at or after `t`. */
function firstAudioAfter(sink: RecordingSink, t: number): number | undefined {
  return sink.chunks.find((c) => c.at >= t)?.at;
}

async function nativeTurns(provider: Provider, wire: AudioFormat, turns: number, stoppedAt: number[]): Promise<number[]> {
  const sink = new RecordingSink();
  const session: ProviderSession = provider.createSession({ callId: 'bench', context: 'bench', greeting: '', instructions: 'bench', tools: [], wireFormat: wire, sink, log: silentLogger() });
  await session.start();
  const caps = provider.capabilities(wire);
  const measured: number[] = [];
  try {
    for (let i = 0; i < turns; i++) {
      const done = sink.agentDones;
      await streamAudio((f) => session.sendAudio(f), utterance(caps.input), frameBytes(caps.input), 20);
      await sink.waitFor(() => sink.agentDones > done, `turn ${i} reply`);
      const stop = stoppedAt[i]!;
      const first = firstAudioAfter(sink, stop);
      if (first !== undefined) measured.push(first - stop);
    }
  } finally {
    await session.close();
  }
  return measured;
}

export async function benchOpenAIRealtime(turns: number, delayMs: number): Promise<TurnBenchRow> {
  const fake = new FakeOpenAIRealtime({ delayMs, paceMs: 1 });
  const base = await fake.listen();
  try {
    const provider = createOpenAIRealtimeProvider('openai', openaiRealtimeSchema.parse({ type: 'openai_realtime', api_key: 'sk-bench', base_url: base, ca_file: TEST_CA_FILE }), { log: silentLogger() });
    return row('openai_realtime', delayMs, await nativeTurns(provider, SLIN16, turns, fake.speechStoppedAt));
  } finally {
    await fake.close();
  }
}

export async function benchDeepgramAgent(turns: number, delayMs: number): Promise<TurnBenchRow> {
  const fake = new FakeDeepgramAgent({ delayMs, paceMs: 1 });
  const url = await fake.listen();
  try {
    const provider = createDeepgramAgentProvider('deepgram', deepgramAgentSchema.parse({ type: 'deepgram', api_key: 'dg-bench', url }), { log: silentLogger() });
    return row('deepgram', delayMs, await nativeTurns(provider, ULAW8, turns, fake.speechStoppedAt));
  } finally {
    await fake.close();
  }
}

export interface PipelineBenchResult {
  row: TurnBenchRow;
  stages_p50_ms: { stt: number; llm: number; tts: number };
}

/**
 * Cloud pipeline (Deepgram listen → LLM → OpenAI speech) against the fakes.
 * Measured from the engine's own end-of-speech mark to the first TTS audio;
 * injected = LLM first-token delay + TTS first-byte delay.
 */
export async function benchCloudPipeline(turns: number, delayMs: number): Promise<PipelineBenchResult> {
  const rest = new FakeOpenAIRest({ delayMs, chat: () => ({ text: 'Sure thing.' }) });
  const dg = new FakeDeepgramSpeech({});
  await rest.listen();
  await dg.listen();
  const run = await startPipeline(
    {
      stt: { type: 'deepgram', api_key: 'dg', url: dg.url },
      llm: { base_url: rest.baseUrl, api_key: 'sk', model: 'bench' },
      tts: { type: 'openai', api_key: 'sk', base_url: rest.baseUrl },
    },
    SLIN16,
    { tools: [] },
  );
  const speech = await spoken('what time is it');
  const measured: number[] = [];
  const stt: number[] = [];
  const llm: number[] = [];
  const tts: number[] = [];
  try {
    for (let i = 0; i < turns; i++) {
      const done = run.sink.agentDones;
      const marksBefore = run.sink.marks.length;
      await streamAudio((f) => run.session.sendAudio(f), speech, frameBytes(SLIN16), 20);
      await run.sink.waitFor(() => run.sink.agentDones > done, `pipeline turn ${i}`);
      const m = Object.fromEntries(run.sink.marks.slice(marksBefore).map((x) => [x.mark, x.at]));
      if (m.end_of_speech === undefined || m.tts_first_byte === undefined) continue;
      const first = firstAudioAfter(run.sink, m.end_of_speech)!;
      measured.push(first - m.end_of_speech);
      stt.push(m.stt_final! - m.end_of_speech);
      llm.push(m.llm_first_token! - m.stt_final!);
      tts.push(m.tts_first_byte! - m.llm_first_token!);
    }
  } finally {
    await run.session.close();
    await rest.close();
    await dg.close();
  }
  return {
    row: row('pipeline (deepgram+llm+openai tts)', 2 * delayMs, measured),
    stages_p50_ms: { stt: round(summarize(stt).p50), llm: round(summarize(llm).p50 - delayMs), tts: round(summarize(tts).p50 - delayMs) },
  };
}
