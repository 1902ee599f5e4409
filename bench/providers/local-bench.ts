/** Real-time factors of the local speech engines on this machine: pocketsphinx and flite. */
import { synthesize, warmUpFlite } from '../../engine/src/speech/flite.js';
import { transcribePcm16k, pocketsphinxHealth } from '../../engine/src/speech/pocketsphinx.js';
import { round } from '../lib/stats.js';

export interface RtfResult {
  engine: string;
  audio_s: number;
  wall_s: number;
  /** wall time / audio duration (< 1 = faster than real time). */
  rtf: number;
  note?: string;
}

const TEXT =
  'Thank you for calling. Our office is open from nine in the morning until five in the evening, Monday to Friday. ' +
  'If you would like to speak to the operator, please say operator. To leave a message, please wait for the tone.';

export async function benchLocalSpeech(): Promise<RtfResult[]> {
  await warmUpFlite();
  const out: RtfResult[] = [];
  const t0 = performance.now();
  const { pcm, sampleRate } = await synthesize(TEXT, { voice: 'kal16' });
  const wall = (performance.now() - t0) / 1000;
  const audio = pcm.length / 2 / sampleRate;
  out.push({ engine: 'flite (kal16, WASI)', audio_s: round(audio), wall_s: round(wall, 3), rtf: round(wall / audio, 4) });
  const health = pocketsphinxHealth();
  if (!health.ready) {
    out.push({ engine: 'pocketsphinx', audio_s: 0, wall_s: 0, rtf: NaN, note: health.reason });
    return out;
  }
  // Startup (model load) measured on 0.5 s of silence, then a full batch including it.
  const s0 = performance.now();
  await transcribePcm16k(Buffer.alloc(16000));
  const startup = (performance.now() - s0) / 1000;
  const p0 = performance.now();
  const t = await transcribePcm16k(pcm);
  const pWall = (performance.now() - p0) / 1000;
  out.push({ engine: 'pocketsphinx (16 kHz, batch)', audio_s: round(audio), wall_s: round(pWall, 3), rtf: round(pWall / audio, 4), note: `startup ≈ ${round(startup, 2)} s; heard: "${t.text.slice(0, 60)}…"` });
  out.push({ engine: 'pocketsphinx (excl. startup)', audio_s: round(audio), wall_s: round(pWall - startup, 3), rtf: round((pWall - startup) / audio, 4) });
  return out;
}
