/**
 * Providers bench: engine-added latency per turn for each provider against
 * its fake (fixed injected delay; reported = measured − injected, p50/p99),
 * and real-time factors of the local speech engines (pocketsphinx, flite).
 * Env: PROVIDERS_BENCH_TURNS (default 20), PROVIDERS_BENCH_DELAY_MS (default 200).
 */
import { table } from '../lib/stats.js';
import { benchOpenAIRealtime, benchDeepgramAgent, benchCloudPipeline, type TurnBenchRow, type PipelineBenchResult } from './turn-bench.js';
import { benchLocalSpeech, type RtfResult } from './local-bench.js';

export interface ProvidersBenchResult {
  turns: TurnBenchRow[];
  pipeline_stages_p50_ms: PipelineBenchResult['stages_p50_ms'];
  local_speech: RtfResult[];
}

export async function runProvidersBench(opts: { turns?: number; delayMs?: number } = {}): Promise<ProvidersBenchResult> {
  const turns = opts.turns ?? Number(process.env.PROVIDERS_BENCH_TURNS ?? 20);
  const delayMs = opts.delayMs ?? Number(process.env.PROVIDERS_BENCH_DELAY_MS ?? 200);
  const rows: TurnBenchRow[] = [];
  rows.push(await benchOpenAIRealtime(turns, delayMs));
  rows.push(await benchDeepgramAgent(turns, delayMs));
  const pipeline = await benchCloudPipeline(turns, delayMs);
  rows.push(pipeline.row);
  console.log(`Engine-added latency per turn (fake end of speech → first agent audio at the session, minus the fake's injected ${delayMs} ms per stage)`);
  console.log(table(rows.map((r) => ({ ...r }))));
  console.log('Pipeline stages, p50 ms with injected delays removed (stt = end of speech → final; llm = final → first token; tts = first token → first audio)');
  console.log(table([{ ...pipeline.stages_p50_ms }]));
  const local = await benchLocalSpeech();
  console.log('Local speech engines (rtf = wall time / audio duration)');
  console.log(table(local.map((r) => ({ engine: r.engine, audio_s: r.audio_s, wall_s: r.wall_s, rtf: r.rtf, note: r.note ?? '' }))));
  return { turns: rows, pipeline_stages_p50_ms: pipeline.stages_p50_ms, local_speech: local };
}
